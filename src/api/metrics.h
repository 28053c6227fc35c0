// Metrics: what /metrics shows, in Prometheus' text format (version 0.0.4).
//   townhall_http_requests_total{route,method,status}     counter
//   townhall_http_request_duration_seconds{route}          histogram
//   townhall_websockets_open                               gauge
//   townhall_messages_sent_total                           counter (durable sends)
//   townhall_messages_delivered_total                      counter (frames queued to sockets)
//   townhall_websocket_slow_consumer_closes_total          counter
//   townhall_connections_refused_total                     counter
//   townhall_store_request_duration_seconds{operation}     histogram (ddb::Database calls)
//   townhall_store_errors_total{operation}                 counter
//   townhall_pubsub_*                                      with --pubsub (realtime/redis_relay.h)
// Routes are templates ("/api/channels/{id}"), never raw paths, so the number
// of series stays fixed.
//
// Thread-safe; the hot counters are atomics, the per-route tables take a
// mutex only to find (or create) the series.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>

namespace townhall::api {

class Histogram {
 public:
  // Upper bounds in seconds: 250 us to 10 s.
  static constexpr std::array<double, 15> kBounds = {0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                     0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  void observe(double seconds);
  // Appends the _bucket, _sum and _count lines; labels is "" or `key="value"`.
  void render(std::string& out, std::string_view name, std::string_view labels) const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<uint64_t>, kBounds.size()> buckets_{};  // non-cumulative
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};
};

class Metrics {
 public:
  void observe_request(std::string_view route, std::string_view method, int status, double seconds);
  void observe_store(std::string_view operation, double seconds, bool ok);

  std::atomic<int64_t> websockets_open{0};
  std::atomic<uint64_t> messages_sent{0};
  std::atomic<uint64_t> messages_delivered{0};
  std::atomic<uint64_t> slow_consumer_closes{0};
  std::atomic<uint64_t> connections_refused{0};  // over a connection cap

  std::string render() const;
  // More lines for render() to append (the pubsub relay's townhall_pubsub_*).
  // Set before the server starts; it must be thread-safe.
  std::function<std::string()> extra;

 private:
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;  // (route, method, status)
  std::map<std::string, std::unique_ptr<Histogram>, std::less<>> request_latency_;
  std::map<std::string, std::unique_ptr<Histogram>, std::less<>> store_latency_;
  std::map<std::string, uint64_t, std::less<>> store_errors_;
};

}  // namespace townhall::api
