// Test support for chat: a ChatService on a fresh store with a controllable
// clock. The store is the embedded engine in memory unless TOWNHALL_TEST_ENDPOINT
// names a remote endpoint (see chat_test_support.cc).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
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

 private:
  std::mutex mutex_;
  std::vector<ChannelEvent> events_;
};

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
