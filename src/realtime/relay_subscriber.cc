#include "realtime/relay_subscriber.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "chat/options.h"
#include "realtime/relay_codec.h"

namespace townhall::realtime {
namespace {}  // namespace

RelaySubscriber::RelaySubscriber(SubscriberOptions options, std::string origin)
    : options_(std::move(options)), origin_(std::move(origin)) {}

RelaySubscriber::~RelaySubscriber() { stop(); }

void RelaySubscriber::start(Hub& hub, GapHandler on_gap) {
  hub_ = &hub;
  on_gap_ = std::move(on_gap);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  thread_ = std::thread([this] { run(); });
}

void RelaySubscriber::stop() {
  stop_.stop();
  if (wake_fd_ >= 0) {
    uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(wake_fd_, &one, sizeof one);
  }
  if (thread_.joinable()) thread_.join();
  if (wake_fd_ >= 0) ::close(wake_fd_);
  wake_fd_ = -1;
}

void RelaySubscriber::run() {
  int attempt = 0;
  int64_t lost_at_ms = chat::wall_clock_ms();  // at start nothing was received yet: nobody to resync
  while (!stop_.stopped()) {
    RedisContext c = connect_redis(options_.redis, "subscriber");
    if (c) {
      RedisReply reply(static_cast<redisReply*>(
          redisCommand(c.get(), "SUBSCRIBE %b", options_.channel.data(), options_.channel.size())));
      if (!reply || reply->type != REDIS_REPLY_ARRAY) {
        spdlog::warn("pubsub: SUBSCRIBE failed: {}", redis_error(c.get(), reply.get()));
        c.reset();
      }
    }
    if (!c) {
      connected_ = false;
      if (!stop_.backoff(options_.redis, attempt++)) return;
      continue;
    }
    attempt = 0;
    connected_ = true;
    reconnects_.fetch_add(1, std::memory_order_relaxed);
    spdlog::info("pubsub: subscribed to redis {}:{} channel {}", options_.redis.host, options_.redis.port,
                 options_.channel);
    // Whatever was published while this node was not subscribed is missed:
    // its sessions catch up from the table (a no-op at the first start).
    gaps_.fetch_add(1, std::memory_order_relaxed);
    if (on_gap_) on_gap_({}, lost_at_ms - options_.gap_margin_ms);
    if (presence_.on_subscribed) presence_.on_subscribed();
    std::string lost = listen(c.get());
    connected_ = false;
    if (lost.empty()) return;  // stopped
    lost_at_ms = chat::wall_clock_ms();
    spdlog::warn("pubsub: lost the redis subscription ({}); live events from other nodes wait, reconnecting",
                 lost);
  }
}

std::string RelaySubscriber::listen(redisContext* c) {
  auto last_heard = std::chrono::steady_clock::now();
  bool ping_sent = false;
  for (;;) {
    // Replies already buffered first, then wait for more.
    void* raw = nullptr;
    if (redisReaderGetReply(c->reader, &raw) != REDIS_OK) return "protocol error";
    if (raw) {
      RedisReply reply(static_cast<redisReply*>(raw));
      last_heard = std::chrono::steady_clock::now();
      ping_sent = false;
      if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3 &&
          reply->element[0]->type == REDIS_REPLY_STRING &&
          std::string_view(reply->element[0]->str, reply->element[0]->len) == "message" &&
          reply->element[2]->type == REDIS_REPLY_STRING) {
        handle_message(std::string(reply->element[2]->str, reply->element[2]->len));
      }
      continue;  // "pong" and (un)subscribe confirmations need nothing
    }
    pollfd fds[2] = {{c->fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    int ready = ::poll(fds, 2, static_cast<int>(options_.ping_interval.count()));
    if (stop_.stopped()) return "";
    auto silent = std::chrono::steady_clock::now() - last_heard;
    if (ready < 0 && errno != EINTR) return "poll failed";
    if (ready > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      if (redisBufferRead(c) != REDIS_OK) return c->errstr[0] ? c->errstr : "read failed";
    } else if (silent >= options_.ping_interval * 3) {
      return "no answer to PING";
    } else if (!ping_sent && silent >= options_.ping_interval) {
      // PING is allowed in subscribe mode; its answer proves the connection.
      redisAppendCommand(c, "PING");
      int done = 0;
      while (!done) {
        if (redisBufferWrite(c, &done) != REDIS_OK) return c->errstr[0] ? c->errstr : "write failed";
      }
      ping_sent = true;
    }
  }
}

void RelaySubscriber::handle_message(const std::string& payload) {
  auto message = decode_relay_message(payload);
  if (!message) {
    spdlog::debug("pubsub: ignoring a malformed message ({} bytes)", payload.size());
    return;
  }
  if (message->origin == origin_) return;  // delivered locally when published
  if (message->presence) {
    if (presence_.on_report) presence_.on_report(message->origin, *message->presence);
  } else if (message->event) {
    received_.fetch_add(1, std::memory_order_relaxed);
    hub_->deliver(*message->event);
  } else {
    gaps_.fetch_add(1, std::memory_order_relaxed);
    if (on_gap_) on_gap_(message->channels, message->since_ms);
  }
}

}  // namespace townhall::realtime
