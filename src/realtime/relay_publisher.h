// RelayPublisher: this node's events out to Redis (the hub's Relay). send()
// never blocks and never fails: it queues the event for the publisher
// thread, which pipelines PUBLISHes on its own connection and reconnects
// with backoff. The queue is bounded by count and by age; what is dropped
// (full, stale, or a batch whose replies did not all come back) is announced
// to the other nodes with a gap notice before anything newer, so that their
// sessions catch up from the table instead of missing it.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "realtime/hub.h"
#include "realtime/redis_connection.h"

namespace townhall::realtime {

struct PublisherOptions {
  RedisOptions redis;
  std::string channel;  // the deployment's Redis channel
  size_t max_buffered = 10000;
  std::chrono::milliseconds max_event_age{2000};  // older ones are dropped, not published late
};

class RelayPublisher : public Relay {
 public:
  // How far before a loss events are counted as possibly missing: publishing
  // follows the commit, which follows the id's minting, and events wait up to
  // max_event_age in the buffer.
  static constexpr int64_t kGapMarginMs = 5000;

  RelayPublisher(PublisherOptions options, std::string origin);
  ~RelayPublisher() override;  // stop()

  void start();
  void stop();
  void send(const SharedEvent& event) override;

  bool connected() const { return connected_.load(); }
  uint64_t published() const { return published_.load(); }
  uint64_t dropped() const { return dropped_.load(); }
  uint64_t reconnects() const { return reconnects_.load(); }
  size_t buffered() const;

 private:
  struct Queued {
    SharedEvent event;
    std::chrono::steady_clock::time_point at;
    int64_t wall_ms;  // when it was queued, for gap notices
  };
  void run();
  void note_gap_locked(const Queued& dropped);  // REQUIRES: mutex_

  const PublisherOptions options_;
  const std::string origin_;
  StopSignal stop_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;  // queue not empty, or stopping
  std::deque<Queued> queue_;
  // Chat channels whose events were dropped since the last gap notice went
  // out; gap_all_ when too many to list (or an access event was among them).
  std::set<std::string> gap_channels_;
  bool gap_all_ = false;
  std::optional<int64_t> gap_since_ms_;  // set while a gap notice is owed
  bool stopping_ = false;
  std::atomic<bool> connected_{false};
  std::atomic<uint64_t> published_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> reconnects_{0};
  std::thread thread_;
};

}  // namespace townhall::realtime
