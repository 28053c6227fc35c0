// RedisRelay against a real redis-server, started by the test on a free
// loopback port (skipped with a message when redis-server is missing; under
// CI=true that is a failure).
#include "realtime/redis_relay.h"
#include "realtime/relay_codec.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "realtime/event_test_support.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace townhall::realtime {
namespace {

using namespace std::chrono_literals;

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return 0;
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

bool port_answers(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

const char* redis_server_path() {
  for (const char* path : {"/usr/bin/redis-server", "/usr/local/bin/redis-server"}) {
    if (::access(path, X_OK) == 0) return path;
  }
  return nullptr;
}

// redis-server on one port, nothing persisted; start() again after stop()
// brings it back on the same port (a Redis restart).
class RedisProcess {
 public:
  RedisProcess() : port_(free_port()) {}
  ~RedisProcess() { stop(); }
  int port() const { return port_; }

  void start() {
    std::string port = std::to_string(port_);
    pid_ = ::fork();
    if (pid_ == 0) {
      int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, STDOUT_FILENO);
      ::dup2(null, STDERR_FILENO);
      ::execl(redis_server_path(), "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1", "--save",
              "", "--appendonly", "no", "--loglevel", "warning", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 500 && !port_answers(port_); ++i) std::this_thread::sleep_for(10ms);
    ASSERT_TRUE(port_answers(port_)) << "redis-server did not start on port " << port_;
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  int port_;
  pid_t pid_ = -1;
};

class RelayRecorder : public Subscriber {
 public:
  void deliver(const SharedEvent& event) override {
    std::lock_guard lock(mutex);
    ids.push_back(event->message_id);
  }
  size_t count() {
    std::lock_guard lock(mutex);
    return ids.size();
  }
  std::vector<std::string> snapshot() {
    std::lock_guard lock(mutex);
    return ids;
  }
  std::mutex mutex;
  std::vector<std::string> ids;
};

struct Gaps {
  std::mutex mutex;
  std::vector<std::vector<std::string>> calls;
  std::vector<int64_t> since;
  RedisRelay::GapHandler handler() {
    return [this](const std::vector<std::string>& channels, int64_t since_ms) {
      std::lock_guard lock(mutex);
      calls.push_back(channels);
      since.push_back(since_ms);
    };
  }
  size_t count() {
    std::lock_guard lock(mutex);
    return calls.size();
  }
  bool saw_channel(const std::string& channel) {
    std::lock_guard lock(mutex);
    for (const auto& call : calls) {
      for (const auto& c : call)
        if (c == channel) return true;
    }
    return false;
  }
};

template <class Predicate>
bool eventually(Predicate predicate, std::chrono::milliseconds timeout = 10s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return predicate();
}

RedisRelayOptions options_for(int port) {
  RedisRelayOptions options;
  options.redis.port = port;
  options.channel = "townhall:test:events";
  options.redis.min_backoff = 20ms;
  options.redis.max_backoff = 200ms;
  options.redis.io_timeout = 500ms;
  options.ping_interval = 300ms;
  return options;
}

// Two nodes on one Redis, each with its hub, started.
struct TwoNodes {
  explicit TwoNodes(const RedisRelayOptions& options) : relay_a(options), relay_b(options) {
    relay_a.start(hub_a, gaps_a.handler());
    relay_b.start(hub_b, gaps_b.handler());
  }
  ~TwoNodes() {
    relay_a.stop();  // before the hubs and gap handlers they call go away
    relay_b.stop();
  }
  bool connected() { return relay_a.wait_connected(5s) && relay_b.wait_connected(5s); }
  RedisRelay relay_a, relay_b;
  Hub hub_a{&relay_a}, hub_b{&relay_b};
  Gaps gaps_a, gaps_b;
};

class RedisRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!redis_server_path()) {
      if (const char* ci = std::getenv("CI"); ci && std::string(ci) == "true") {
        FAIL() << "redis-server is missing (scripts/install-deps installs it)";
      }
      GTEST_SKIP() << "redis-server is missing (scripts/install-deps installs it)";
    }
    redis_.start();
  }
  RedisProcess redis_;
};

TEST(RedisUrl, Parses) {
  auto plain = parse_redis_url("redis://127.0.0.1:6380");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->host, "127.0.0.1");
  EXPECT_EQ(plain->port, 6380);
  auto defaults = parse_redis_url("redis://redis.internal");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->host, "redis.internal");
  EXPECT_EQ(defaults->port, 6379);
  auto auth = parse_redis_url("redis://app:s3cret@[::1]:7000/2");
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(auth->username, "app");
  EXPECT_EQ(auth->password, "s3cret");
  EXPECT_EQ(auth->host, "::1");
  EXPECT_EQ(auth->port, 7000);
  auto password_only = parse_redis_url("redis://:pw@h:1");
  ASSERT_TRUE(password_only.ok());
  EXPECT_EQ(password_only->username, "");
  EXPECT_EQ(password_only->password, "pw");
  for (const char* bad : {"http://h:1", "redis://", "redis://h:99999", "redis://h:x", "redis://[::1"}) {
    EXPECT_FALSE(parse_redis_url(bad).ok()) << bad;
  }
}

TEST(RedisRelayCodec, RoundTripsEventsAndGaps) {
  auto event = make_hub_event(message_event("chan7", "0000000001#0000000001000000000-0001"));
  auto decoded = decode_relay_message(encode_event("node-a", *event));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->origin, "node-a");
  ASSERT_TRUE(decoded->event);
  EXPECT_EQ((*decoded->event)->channel_id, "chan7");
  EXPECT_EQ((*decoded->event)->message_id, event->message_id);
  EXPECT_EQ((*decoded->event)->kind, chat::ChannelEvent::Kind::kMessageCreated);
  EXPECT_EQ(*(*decoded->event)->json, *event->json);  // the JSON may hold newlines: it comes last

  auto gap = decode_relay_message(encode_gap("node-b", 1700000000123, {"a", "b"}));
  ASSERT_TRUE(gap);
  EXPECT_FALSE(gap->event);
  EXPECT_EQ(gap->origin, "node-b");
  EXPECT_EQ(gap->since_ms, 1700000000123);
  EXPECT_EQ(gap->channels, (std::vector<std::string>{"a", "b"}));
  auto all = decode_relay_message(encode_gap("node-b", 42, {}));
  ASSERT_TRUE(all);
  EXPECT_EQ(all->since_ms, 42);
  EXPECT_TRUE(all->channels.empty());

  // A member event carries whose membership changed; an access event its subject.
  chat::Member bob{"u-bob", "Bob", "2026-01-01", ""};
  auto left = make_hub_event(
      chat::ChannelEvent{chat::ChannelEvent::Kind::kMemberLeft, "chan7", std::nullopt, bob, std::nullopt});
  auto member = decode_relay_message(encode_event("node-a", *left));
  ASSERT_TRUE(member && member->event);
  EXPECT_EQ((*member->event)->member_id, "u-bob");
  EXPECT_EQ((*member->event)->kind, chat::ChannelEvent::Kind::kMemberLeft);
  auto logout = make_hub_event(chat::AccessEvent{chat::AccessEvent::Kind::kSessionEnded, "ab12"});
  auto access = decode_relay_message(encode_event("node-a", *logout));
  ASSERT_TRUE(access && access->event && (*access->event)->access);
  EXPECT_EQ((*access->event)->access->subject, "ab12");
  EXPECT_FALSE(decode_relay_message("A\nnode\n9\nab12"));
  // A user's change (role, deactivation) travels with the user's id.
  auto changed = make_hub_event(chat::AccessEvent{chat::AccessEvent::Kind::kUserChanged, "u-bob"});
  auto user = decode_relay_message(encode_event("node-a", *changed));
  ASSERT_TRUE(user && user->event && (*user->event)->access);
  EXPECT_EQ((*user->event)->access->kind, chat::AccessEvent::Kind::kUserChanged);
  EXPECT_EQ((*user->event)->access->subject, "u-bob");
  // The newest channel event kind travels too.
  chat::Message reacted;
  reacted.id = "1700000000#1";
  reacted.reactions.push_back({"👍", {"u1"}});
  auto reactions = make_hub_event(chat::ChannelEvent{chat::ChannelEvent::Kind::kMessageReactions, "chan7",
                                                     reacted, std::nullopt, std::nullopt});
  auto carried = decode_relay_message(encode_event("node-a", *reactions));
  ASSERT_TRUE(carried && carried->event);
  EXPECT_EQ((*carried->event)->kind, chat::ChannelEvent::Kind::kMessageReactions);
  EXPECT_EQ(*(*carried->event)->json, *reactions->json);
  EXPECT_FALSE(decode_relay_message("A\nnode\n0\n"));

  for (const char* bad : {"", "X\nnode", "E\nnode\n9\nc\nid\n{}", "E\nnode\n0\n\nid\n{}", "E\nnode\n0\nc",
                          "G\n", "G\nnode\n", "G\nnode\n-5\na", "G\nnode\nsoon"}) {
    EXPECT_FALSE(decode_relay_message(bad)) << bad;
  }
}

TEST_F(RedisRelayTest, EveryNodeDeliversEachEventOnce) {
  TwoNodes nodes(options_for(redis_.port()));
  ASSERT_TRUE(nodes.connected());
  auto& [relay_a, relay_b, hub_a, hub_b, gaps_a, gaps_b] = nodes;
  auto on_a = std::make_shared<RelayRecorder>(), on_b = std::make_shared<RelayRecorder>();
  auto elsewhere = std::make_shared<RelayRecorder>();
  hub_a.subscribe("7", on_a);
  hub_b.subscribe("7", on_b);
  hub_b.subscribe("8", elsewhere);

  for (int i = 0; i < 200; ++i) hub_a.publish(message_event("7", "a" + std::to_string(i)));
  for (int i = 0; i < 50; ++i) hub_b.publish(message_event("7", "b" + std::to_string(i)));
  ASSERT_TRUE(eventually([&] { return on_a->count() >= 250 && on_b->count() >= 250; }));
  std::this_thread::sleep_for(200ms);  // nothing arrives twice
  EXPECT_EQ(on_a->count(), 250u);
  EXPECT_EQ(on_b->count(), 250u);
  EXPECT_EQ(elsewhere->count(), 0u);
  // Each node's own events in the order it published them.
  std::vector<std::string> from_a;
  for (const auto& id : on_b->snapshot())
    if (id[0] == 'a') from_a.push_back(id);
  ASSERT_EQ(from_a.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(from_a[i], "a" + std::to_string(i));

  auto stats = relay_a.stats();
  EXPECT_EQ(stats.published, 200u);
  EXPECT_EQ(stats.received, 50u);
  EXPECT_EQ(stats.dropped, 0u);
  EXPECT_NE(relay_a.render_metrics().find("townhall_pubsub_connected 1\n"), std::string::npos);
  EXPECT_NE(relay_a.render_metrics().find("townhall_pubsub_published_total 200\n"), std::string::npos);
}

TEST_F(RedisRelayTest, SendsNeverWaitForRedisAndDeliveryRecoversAfterARestart) {
  auto options = options_for(redis_.port());
  options.max_event_age = 100ms;
  TwoNodes nodes(options);
  ASSERT_TRUE(nodes.connected());
  auto& [relay_a, relay_b, hub_a, hub_b, gaps_a, gaps_b] = nodes;
  auto on_a = std::make_shared<RelayRecorder>(), on_b = std::make_shared<RelayRecorder>();
  hub_a.subscribe("7", on_a);
  hub_b.subscribe("7", on_b);
  size_t gaps_before = gaps_b.count();

  redis_.stop();
  ASSERT_TRUE(eventually([&] { return !relay_b.connected(); }));
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i) hub_a.publish(message_event("7", "down" + std::to_string(i)));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 100ms) << "publish waited for Redis";
  EXPECT_EQ(on_a->count(), 100u);  // this node's clients still get them
  EXPECT_TRUE(eventually([&] { return relay_a.stats().dropped == 100; }, 5s)) << relay_a.render_metrics();
  EXPECT_NE(relay_a.render_metrics().find("townhall_pubsub_connected 0\n"), std::string::npos);

  redis_.start();
  ASSERT_TRUE(relay_a.wait_connected(10s));
  ASSERT_TRUE(relay_b.wait_connected(10s));
  // B resubscribed: its sessions are told to catch up from the table.
  EXPECT_TRUE(eventually([&] { return gaps_b.count() > gaps_before; }));
  hub_a.publish(message_event("7", "up"));
  ASSERT_TRUE(eventually([&] { return on_b->count() == 1; }));
  EXPECT_EQ(on_b->snapshot()[0], "up");
}

TEST_F(RedisRelayTest, ANodeThatDroppedEventsTellsTheOthers) {
  redis_.stop();
  auto slow = options_for(redis_.port());
  slow.redis.min_backoff = slow.redis.max_backoff = 1500ms;  // reconnects well after B below
  slow.max_event_age = 50ms;
  RedisRelay relay_a(slow), relay_b(options_for(redis_.port()));
  Hub hub_a(&relay_a), hub_b(&relay_b);
  Gaps gaps_a, gaps_b;
  relay_a.start(hub_a, gaps_a.handler());
  auto dropped_at = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  hub_a.publish(message_event("7", "lost"));
  hub_a.publish(message_event("9", "lost too"));
  redis_.start();
  relay_b.start(hub_b, gaps_b.handler());
  ASSERT_TRUE(relay_b.wait_connected(5s));
  ASSERT_TRUE(relay_a.wait_connected(10s));
  EXPECT_TRUE(eventually([&] { return gaps_b.saw_channel("7") && gaps_b.saw_channel("9"); }));
  EXPECT_EQ(relay_a.stats().dropped, 2u);
  {
    std::lock_guard lock(gaps_b.mutex);
    // The notice names the time from which events are missing, with room
    // for the commit and the buffer before the drop.
    EXPECT_LE(gaps_b.since.back(), dropped_at - 2000);
    EXPECT_GE(gaps_b.since.back(), dropped_at - RedisRelay::kGapMarginMs - 1000);
  }
  EXPECT_FALSE(gaps_a.saw_channel("7")) << "a node's own gap notice is not for it";
}

TEST_F(RedisRelayTest, BufferIsBoundedAndDropsTheOldest) {
  redis_.stop();
  auto options = options_for(redis_.port());
  options.max_buffered = 5;
  options.max_event_age = 60s;
  RedisRelay relay(options);
  Hub hub(&relay);
  relay.start(hub, nullptr);
  for (int i = 0; i < 12; ++i) hub.publish(message_event("7", std::to_string(i)));
  auto stats = relay.stats();
  EXPECT_EQ(stats.buffered, 5u);
  EXPECT_EQ(stats.dropped, 7u);
  EXPECT_FALSE(relay.connected());
  // Once Redis is back the buffered events go out (they are younger than max_event_age).
  redis_.start();
  RedisRelay listener(options_for(redis_.port()));
  Hub listener_hub(&listener);
  // The listener must subscribe before the buffer flushes to see it; it
  // cannot be guaranteed, so only check that the buffer drains.
  listener.start(listener_hub, nullptr);
  EXPECT_TRUE(eventually([&] { return relay.stats().buffered == 0 && relay.stats().published == 5; }));
}

TEST_F(RedisRelayTest, StopsPromptlyWhileRedisIsAway) {
  redis_.stop();
  RedisRelay relay(options_for(redis_.port()));
  Hub hub(&relay);
  relay.start(hub, nullptr);
  std::this_thread::sleep_for(100ms);
  auto started = std::chrono::steady_clock::now();
  relay.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}

}  // namespace
}  // namespace townhall::realtime
