// RedisRelay: the hub's cross-node fan-out over Redis pub/sub
// (`townhall serve --pubsub redis://host:port`).
//
//   node A: chat --publish--> Hub --send--> RedisRelay --PUBLISH--> Redis
//           (and at once Hub::deliver for A's own clients)
//   node B: Redis --message--> RedisRelay (subscriber thread) --Hub::deliver--> B's clients
//
// Channel scheme: ONE Redis channel per deployment (options.channel, e.g.
// "townhall:chat:events"), not one per chat channel. Every node subscribes
// once, at startup, and filters locally (Hub::deliver is a hash lookup that
// finds no subscribers for channels nobody on the node watches). A channel
// per chat channel would need a SUBSCRIBE round trip whenever a node's first
// client subscribes to a chat channel, and an event published before Redis
// confirmed it would be lost: resume could not promise "no gap". The cost is
// that every node receives every event, which Redis and the nodes handle
// easily up to tens of thousands of events per second.
//
// Never blocks or fails a send: send() delivers locally, then queues the
// event for the publisher thread (bounded by count and age; the oldest is
// dropped and counted when full or stale). Each thread reconnects with
// exponential backoff and jitter. Events lost on the way (dropped here,
// unconfirmed PUBLISHes, or missed while this node's subscription was down)
// are repaired by a resync: when the subscription is (re)established, and when
// another node announces that it dropped events, on_gap() is called with the
// affected chat channels (empty: all) and the time from which events may be
// missing, and the server makes its WebSocket sessions catch up from the
// table. A node announces its gap before publishing anything newer, so the
// others' per-node cursors (ChannelSubscription) never pass a dropped event. Messages are durable before they
// are published, so Redis only ever delays them.
//
// Message format on the Redis channel (text, '\n'-separated header, JSON last):
//   E\n<origin>\n<kind>\n<chat channel id>\n<message id, member's user id, or empty>\n<event JSON>
//   A\n<origin>\n<access kind>\n<subject>     (an access event: a logout's session hash)
//   G\n<origin>\n<since ms>\n<chat channel id>...   (a gap: events minted from
//                                            since ms on; no channel ids means all)
// origin is a random per-process id: a node skips its own events (delivered
// locally already) and its own gap notices.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/hub.h"
#include "chat/error.h"

namespace townhall::api {

struct RedisRelayOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string username;  // AUTH username password (Redis 6 ACLs), or AUTH password
  std::string password;
  std::string channel = "townhall:events";
  size_t max_buffered = 10000;                    // events waiting for Redis
  std::chrono::milliseconds max_event_age{2000};  // older ones are dropped, not published late
  std::chrono::milliseconds io_timeout{2000};     // connect, and each publish round trip
  std::chrono::milliseconds min_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  std::chrono::milliseconds ping_interval{5000};  // the subscriber checks a silent connection
};

// "redis://[[user]:password@]host[:port][/db]" -> options (db is ignored:
// pub/sub is not scoped to a database). InvalidArgument otherwise.
chat::Result<RedisRelayOptions> parse_redis_url(const std::string& url);

struct RedisRelayStats {
  bool publisher_connected = false;
  bool subscriber_connected = false;
  uint64_t published = 0;   // events Redis acknowledged
  uint64_t received = 0;    // events from other nodes handed to the hub
  uint64_t dropped = 0;     // events never published (buffer full, stale, or unconfirmed)
  uint64_t reconnects = 0;  // connections (re)established, both threads
  uint64_t gaps = 0;        // resyncs requested through on_gap
  size_t buffered = 0;
};

class RedisRelay : public Relay {
 public:
  // channels: empty means all; since_ms: events minted from then on (epoch ms) may be missing.
  using GapHandler = std::function<void(const std::vector<std::string>& channels, int64_t since_ms)>;
  // How far before a loss events are counted as possibly missing: publishing
  // follows the commit, which follows the id's minting, and events wait up to
  // max_event_age in the buffer.
  static constexpr int64_t kGapMarginMs = 5000;

  explicit RedisRelay(RedisRelayOptions options);
  ~RedisRelay() override;  // stop()

  // Starts the publisher and subscriber threads. hub receives the events;
  // on_gap (may be empty) is called from the subscriber thread. Both must
  // outlive the relay or stop() must be called first.
  void start(Hub& hub, GapHandler on_gap);
  void stop();

  // Delivers to this node's clients, then queues for Redis. Never blocks on Redis.
  void send(const SharedEvent& event) override;

  RedisRelayStats stats() const;
  bool connected() const;  // both threads connected (and subscribed)
  // Waits until connected() or the timeout passes; returns connected().
  bool wait_connected(std::chrono::milliseconds timeout) const;
  // Prometheus lines (townhall_pubsub_*), appended to /metrics.
  std::string render_metrics() const;

  // Encoding, exposed for tests.
  static std::string encode_event(const std::string& origin, const HubEvent& event);
  static std::string encode_gap(const std::string& origin, int64_t since_ms,
                                const std::vector<std::string>& channels);
  struct Decoded {
    std::string origin;
    std::optional<SharedEvent> event;   // an event
    std::vector<std::string> channels;  // a gap notice (empty: all channels)
    int64_t since_ms = 0;               // a gap notice
  };
  static std::optional<Decoded> decode(const std::string& payload);

 private:
  struct Queued {
    SharedEvent event;
    std::chrono::steady_clock::time_point at;
    int64_t wall_ms;  // when it was queued, for gap notices
  };
  void publisher_loop();
  void subscriber_loop();
  void note_gap_locked(const Queued& dropped);  // REQUIRES: mutex_
  void sleep_backoff(int attempt);
  void handle_message(const std::string& payload);

  const RedisRelayOptions options_;
  const std::string origin_;
  Hub* hub_ = nullptr;
  GapHandler on_gap_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;  // publisher: queue not empty, or stopping
  std::deque<Queued> queue_;
  // Chat channels whose events were dropped since the last gap notice went
  // out; gap_all_ when too many to list.
  std::set<std::string> gap_channels_;
  bool gap_all_ = false;
  std::optional<int64_t> gap_since_ms_;  // set while a gap notice is owed
  bool stopping_ = false;
  int wake_fd_ = -1;  // eventfd: wakes the subscriber's poll at stop()

  std::atomic<bool> publisher_connected_{false};
  std::atomic<bool> subscriber_connected_{false};
  std::atomic<uint64_t> published_{0};
  std::atomic<uint64_t> received_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> reconnects_{0};
  std::atomic<uint64_t> gaps_{0};

  std::thread publisher_;
  std::thread subscriber_;
};

}  // namespace townhall::api
