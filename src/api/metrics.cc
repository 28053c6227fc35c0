#include "api/metrics.h"

#include <fmt/format.h>

namespace townhall::api {
namespace {

Histogram& series(std::map<std::string, std::unique_ptr<Histogram>, std::less<>>& table,
                  std::string_view key) {
  auto it = table.find(key);
  if (it == table.end()) it = table.emplace(std::string(key), std::make_unique<Histogram>()).first;
  return *it->second;
}

// Label values escape backslash, quote and newline.
std::string label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

void Histogram::observe(double seconds) {
  size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  if (i < kBounds.size()) buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void Histogram::render(std::string& out, std::string_view name, std::string_view labels) const {
  std::string prefix = labels.empty() ? "" : std::string(labels) + ",";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kBounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    out += fmt::format("{}_bucket{{{}le=\"{}\"}} {}\n", name, prefix, kBounds[i], cumulative);
  }
  uint64_t total = count_.load(std::memory_order_relaxed);
  out += fmt::format("{}_bucket{{{}le=\"+Inf\"}} {}\n", name, prefix, total);
  std::string braces = labels.empty() ? "" : "{" + std::string(labels) + "}";
  out += fmt::format("{}_sum{} {}\n", name, braces, sum_micros_.load(std::memory_order_relaxed) / 1e6);
  out += fmt::format("{}_count{} {}\n", name, braces, total);
}

void Metrics::observe_request(std::string_view route, std::string_view method, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), std::string(method), status}];
  series(request_latency_, route).observe(seconds);
}

void Metrics::observe_store(std::string_view operation, double seconds, bool ok) {
  std::lock_guard lock(mutex_);
  series(store_latency_, operation).observe(seconds);
  if (!ok) ++store_errors_[std::string(operation)];
}

std::string Metrics::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  out +=
      "# HELP townhall_http_requests_total HTTP requests answered, by route template, method and status.\n";
  out += "# TYPE townhall_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out += fmt::format("townhall_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                       label(route), label(method), status, count);
  }
  out += "# HELP townhall_http_request_duration_seconds Time to answer an HTTP request, by route template.\n";
  out += "# TYPE townhall_http_request_duration_seconds histogram\n";
  for (const auto& [route, histogram] : request_latency_) {
    histogram->render(out, "townhall_http_request_duration_seconds", "route=\"" + label(route) + "\"");
  }
  out += "# HELP townhall_websockets_open WebSocket connections open now.\n";
  out += "# TYPE townhall_websockets_open gauge\n";
  out += fmt::format("townhall_websockets_open {}\n", websockets_open.load());
  out += "# HELP townhall_messages_sent_total Messages stored by sends (REST and WebSocket).\n";
  out += "# TYPE townhall_messages_sent_total counter\n";
  out += fmt::format("townhall_messages_sent_total {}\n", messages_sent.load());
  out += "# HELP townhall_messages_delivered_total Events queued to WebSocket clients.\n";
  out += "# TYPE townhall_messages_delivered_total counter\n";
  out += fmt::format("townhall_messages_delivered_total {}\n", messages_delivered.load());
  out += "# HELP townhall_websocket_slow_consumer_closes_total WebSockets closed because they fell behind.\n";
  out += "# TYPE townhall_websocket_slow_consumer_closes_total counter\n";
  out += fmt::format("townhall_websocket_slow_consumer_closes_total {}\n", slow_consumer_closes.load());
  out += "# HELP townhall_connections_refused_total Connections closed at accept: over a connection cap.\n";
  out += "# TYPE townhall_connections_refused_total counter\n";
  out += fmt::format("townhall_connections_refused_total {}\n", connections_refused.load());
  out += "# HELP townhall_store_request_duration_seconds Time the store took per DynamoDB operation.\n";
  out += "# TYPE townhall_store_request_duration_seconds histogram\n";
  for (const auto& [operation, histogram] : store_latency_) {
    histogram->render(out, "townhall_store_request_duration_seconds",
                      "operation=\"" + label(operation) + "\"");
  }
  out += "# HELP townhall_store_errors_total Store calls that returned an error, by operation.\n";
  out += "# TYPE townhall_store_errors_total counter\n";
  for (const auto& [operation, count] : store_errors_) {
    out += fmt::format("townhall_store_errors_total{{operation=\"{}\"}} {}\n", label(operation), count);
  }
  if (extra) out += extra();
  return out;
}

}  // namespace townhall::api
