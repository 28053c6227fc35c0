// RedisRelay: the hub's cross-node fan-out over Redis pub/sub
// (`townhall serve --pubsub redis://host:port`): a RelayPublisher (this
// node's events out) and a RelaySubscriber (the others' in), each with its
// own thread and connection, plus their metrics.
//
//   node A: chat --publish--> Hub --deliver--> A's clients
//                                 --send-----> RelayPublisher --PUBLISH--> Redis
//   node B: Redis --message--> RelaySubscriber --Hub::deliver--> B's clients
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
// Events lost on the way (dropped by the publisher, or missed while a
// subscription was down) are repaired by a resync: the gap handler is called
// with the affected chat channels (empty: all) and the time from which events
// may be missing, and the server makes its WebSocket sessions catch up from
// the table. Messages are durable before they are published, so Redis only
// ever delays them. The message format: relay_codec.h.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <string>

#include "realtime/relay_publisher.h"
#include "realtime/relay_subscriber.h"

namespace townhall::realtime {

struct RedisRelayOptions {
  RedisOptions redis;
  std::string channel = "townhall:events";
  size_t max_buffered = 10000;                    // events waiting for Redis
  std::chrono::milliseconds max_event_age{2000};  // older ones are dropped, not published late
  std::chrono::milliseconds ping_interval{5000};  // the subscriber checks a silent connection
};

struct RedisRelayStats {
  bool publisher_connected = false;
  bool subscriber_connected = false;
  uint64_t published = 0;   // events Redis acknowledged
  uint64_t received = 0;    // events from other nodes handed to the hub
  uint64_t dropped = 0;     // events never published (buffer full, stale, or unconfirmed)
  uint64_t reconnects = 0;  // connections (re)established, both threads
  uint64_t gaps = 0;        // resyncs requested through the gap handler
  size_t buffered = 0;
};

class RedisRelay : public Relay {
 public:
  using GapHandler = RelaySubscriber::GapHandler;
  static constexpr int64_t kGapMarginMs = RelayPublisher::kGapMarginMs;

  explicit RedisRelay(const RedisRelayOptions& options);
  ~RedisRelay() override;  // stop()

  // Starts both threads. hub receives the other nodes' events, on_gap (may
  // be empty) the gaps; both must outlive the relay or stop() must come first.
  void start(Hub& hub, GapHandler on_gap);
  // Before start(): where the other nodes' presence reports go (realtime/presence.h).
  void set_presence_handlers(RelaySubscriber::PresenceHandlers handlers) {
    subscriber_.set_presence_handlers(std::move(handlers));
  }
  void stop();

  // Queues this node's event for the other nodes. Never blocks on Redis.
  void send(const SharedEvent& event) override { publisher_.send(event); }

  RedisRelayStats stats() const;
  bool connected() const;  // both connected (and subscribed)
  // Waits until connected() or the timeout passes; returns connected().
  bool wait_connected(std::chrono::milliseconds timeout) const;
  // Prometheus lines (townhall_pubsub_*), appended to /metrics.
  std::string render_metrics() const;

 private:
  RedisRelay(const RedisRelayOptions& options, const std::string& origin);

  RelayPublisher publisher_;
  RelaySubscriber subscriber_;
};

}  // namespace townhall::realtime
