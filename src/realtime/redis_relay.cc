#include "realtime/redis_relay.h"

#include <fmt/format.h>

#include <random>
#include <thread>

namespace townhall::realtime {
namespace {

std::string random_origin() {
  std::random_device device;
  return fmt::format("{:08x}{:08x}", device(), device());
}

}  // namespace

RedisRelay::RedisRelay(const RedisRelayOptions& options) : RedisRelay(options, random_origin()) {}

RedisRelay::RedisRelay(const RedisRelayOptions& options, const std::string& origin)
    : publisher_({options.redis, options.channel, options.max_buffered, options.max_event_age}, origin),
      subscriber_({options.redis, options.channel, options.ping_interval, kGapMarginMs}, origin) {}

RedisRelay::~RedisRelay() { stop(); }

void RedisRelay::start(Hub& hub, GapHandler on_gap) {
  publisher_.start();
  subscriber_.start(hub, std::move(on_gap));
}

void RedisRelay::stop() {
  publisher_.stop();
  subscriber_.stop();
}

RedisRelayStats RedisRelay::stats() const {
  RedisRelayStats s;
  s.publisher_connected = publisher_.connected();
  s.subscriber_connected = subscriber_.connected();
  s.published = publisher_.published();
  s.received = subscriber_.received();
  s.dropped = publisher_.dropped();
  s.reconnects = publisher_.reconnects() + subscriber_.reconnects();
  s.gaps = subscriber_.gaps();
  s.buffered = publisher_.buffered();
  return s;
}

bool RedisRelay::connected() const { return publisher_.connected() && subscriber_.connected(); }

bool RedisRelay::wait_connected(std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!connected() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return connected();
}

std::string RedisRelay::render_metrics() const {
  RedisRelayStats s = stats();
  std::string out;
  auto line = [&](std::string_view name, std::string_view type, std::string_view help, auto value) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
  };
  line("townhall_pubsub_connected", "gauge", "1 when both Redis connections (publish, subscribe) are up.",
       s.publisher_connected && s.subscriber_connected ? 1 : 0);
  line("townhall_pubsub_published_total", "counter", "Events Redis acknowledged.", s.published);
  line("townhall_pubsub_received_total", "counter", "Events from other nodes delivered to this node's hub.",
       s.received);
  line("townhall_pubsub_dropped_total", "counter",
       "Events never published (buffer full, too old, or unconfirmed); subscribers resync from the table.",
       s.dropped);
  line("townhall_pubsub_buffered", "gauge", "Events waiting to be published.", s.buffered);
  line("townhall_pubsub_reconnects_total", "counter", "Redis connections established.", s.reconnects);
  line("townhall_pubsub_resyncs_total", "counter", "Times this node's WebSockets were told to catch up.",
       s.gaps);
  return out;
}

}  // namespace townhall::realtime
