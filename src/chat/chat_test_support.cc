#include "chat/chat_test_support.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>

#include "client/client.h"
#include "engine/engine.h"

namespace townhall::chat::testing {

std::unique_ptr<ddb::Database> make_database() {
  // The same suite on a remote store, through the client:
  // TOWNHALL_TEST_ENDPOINT=http://127.0.0.1:8000 (tests/integration/chat_remote_test.py).
  if (const char* endpoint = std::getenv("TOWNHALL_TEST_ENDPOINT"); endpoint && *endpoint) {
    client::ClientOptions options;
    options.endpoint_url = endpoint;
    options.region = "us-east-1";
    options.credentials = {"dummy", "dummy", ""};
    auto remote = client::Client::create(std::move(options));
    if (!remote.ok()) {
      ADD_FAILURE() << "cannot reach " << endpoint << ": " << remote.error().to_string();
      std::abort();
    }
    return std::move(remote).value();
  }
  engine::EngineOptions options;
  options.in_memory = true;
  auto engine = engine::Engine::open(options);
  if (!engine.ok()) {
    ADD_FAILURE() << "cannot open the engine: " << engine.error().to_string();
    std::abort();
  }
  return std::move(engine).value();
}

std::string unique_table_name() {
  static std::atomic<int> counter{0};
  return "chat-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

ChatFixture::ChatFixture() : db(make_database()), table(unique_table_name()) {
  ChatOptions options;
  options.table_name = table;
  options.clock_ms = [this] { return now_ms.load(); };
  options.password_cost = ChatOptions::PasswordCost::kMinimum;
  chat = std::make_unique<ChatService>(*db, options, &events);
  auto status = chat->ensure_table();
  if (!status.ok()) ADD_FAILURE() << "ensure_table: " << status.error().message;
}

User ChatFixture::user(const std::string& name) {
  std::string email = name;
  for (auto& c : email) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto user = chat->accounts().sign_up(name, email + "@mail.com", "password-" + name);
  if (!user.ok()) {
    ADD_FAILURE() << "sign_up " << name << ": " << user.error().message;
    return {};
  }
  return std::move(user).value();
}

Channel ChatFixture::channel(const User& owner, const std::string& name, bool is_private) {
  auto channel = chat->channels().create(owner, name, "", is_private);
  if (!channel.ok()) {
    ADD_FAILURE() << "create channel " << name << ": " << channel.error().message;
    return {};
  }
  events.take();
  return std::move(channel).value();
}

}  // namespace townhall::chat::testing
