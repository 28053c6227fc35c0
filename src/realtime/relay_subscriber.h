// RelaySubscriber: the other nodes' events in from Redis. Its thread holds a
// connection in subscribe mode (poll() with an eventfd, so stop() and a
// silent connection, checked with PING, are noticed), hands every event of
// another node to the hub, and reports gaps: when the subscription is
// (re)established (whatever was published meanwhile was missed) and when
// another node announces that it dropped events. The server makes the
// affected sessions catch up from the table.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "realtime/hub.h"
#include "realtime/redis_connection.h"

namespace townhall::realtime {

struct SubscriberOptions {
  RedisOptions redis;
  std::string channel;
  std::chrono::milliseconds ping_interval{5000};  // a silent connection is checked
  int64_t gap_margin_ms = 5000;                   // how far before a loss events may be missing
};

class RelaySubscriber {
 public:
  // channels: empty means all; since_ms: events minted from then on (epoch ms) may be missing.
  using GapHandler = std::function<void(const std::vector<std::string>& channels, int64_t since_ms)>;
  // Presence (realtime/presence.h): another node's report, and the
  // subscription (re)made (what was said meanwhile was missed).
  struct PresenceHandlers {
    std::function<void(const std::string& node, const PresenceReport& report)> on_report;
    std::function<void()> on_subscribed;
  };

  RelaySubscriber(SubscriberOptions options, std::string origin);
  ~RelaySubscriber();  // stop()

  // hub receives the events, on_gap (may be empty) the gaps; both on this
  // object's thread, and both must outlive it or stop() must come first.
  void start(Hub& hub, GapHandler on_gap);
  // Before start(); called on this object's thread, like on_gap.
  void set_presence_handlers(PresenceHandlers handlers) { presence_ = std::move(handlers); }
  void stop();

  bool connected() const { return connected_.load(); }
  uint64_t received() const { return received_.load(); }
  uint64_t gaps() const { return gaps_.load(); }
  uint64_t reconnects() const { return reconnects_.load(); }

 private:
  void run();
  // Reads until the connection is lost (returns why) or stop() (returns "").
  std::string listen(redisContext* c);
  void handle_message(const std::string& payload);

  const SubscriberOptions options_;
  const std::string origin_;
  Hub* hub_ = nullptr;
  GapHandler on_gap_;
  PresenceHandlers presence_;
  StopSignal stop_;
  int wake_fd_ = -1;  // eventfd: wakes poll() at stop()
  std::atomic<bool> connected_{false};
  std::atomic<uint64_t> received_{0};
  std::atomic<uint64_t> gaps_{0};
  std::atomic<uint64_t> reconnects_{0};
  std::thread thread_;
};

}  // namespace townhall::realtime
