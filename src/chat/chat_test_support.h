// Test support for chat: a ChatService on a fresh store with a controllable
// clock. The store is the embedded engine in memory unless TOWNHALL_TEST_ENDPOINT
// names a remote endpoint (see chat_test_support.cc).
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "chat/chat_service.h"
#include "ddb/database.h"

namespace townhall::chat::testing {

// Records published events for assertions.
class RecordingEvents : public ChannelEvents {
 public:
  void publish(const ChannelEvent& event) override {
    std::lock_guard lock(mutex_);
    events_.push_back(event);
  }
  std::vector<ChannelEvent> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(events_, {});
  }
  void publish_access(const AccessEvent& event) override {
    std::lock_guard lock(mutex_);
    access_.push_back(event);
  }
  std::vector<AccessEvent> take_access() {
    std::lock_guard lock(mutex_);
    return std::exchange(access_, {});
  }

 private:
  std::mutex mutex_;
  std::vector<ChannelEvent> events_;
  std::vector<AccessEvent> access_;
};

// The value of a result the test needs: a failed one fails the test, and
// throws so that the test ends there (the value does not exist).
template <class T>
T ok(Result<T> result) {
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  if (!result.ok()) throw std::runtime_error(result.error().message);
  return std::move(result).value();
}

// The code of a failed result; a value nothing compares equal to when it succeeded.
template <class T>
Code code_of(const Result<T>& result) {
  return result.ok() ? static_cast<Code>(-1) : result.error().code;
}

// A fresh database for one test (a unique table name on shared remotes).
std::unique_ptr<ddb::Database> make_database();
// A table name no other test uses.
std::string unique_table_name();

struct ChatFixture {
  ChatFixture();
  std::unique_ptr<ddb::Database> db;
  std::atomic<int64_t> now_ms{1764300000000};
  RecordingEvents events;
  std::unique_ptr<ChatService> chat;
  std::string table;

  // A signed-up user; fails the test on error.
  User user(const std::string& name);
  // A channel created by owner.
  Channel channel(const User& owner, const std::string& name, bool is_private = false);
};

}  // namespace townhall::chat::testing
