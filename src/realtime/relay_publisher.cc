#include "realtime/relay_publisher.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "chat/options.h"
#include "realtime/relay_codec.h"

namespace townhall::realtime {
namespace {

constexpr size_t kMaxGapChannels = 256;  // beyond this a gap notice says "all channels"
constexpr size_t kPublishBatch = 128;    // PUBLISHes pipelined per round trip

}  // namespace

RelayPublisher::RelayPublisher(PublisherOptions options, std::string origin)
    : options_(std::move(options)), origin_(std::move(origin)) {}

RelayPublisher::~RelayPublisher() { stop(); }

void RelayPublisher::start() {
  thread_ = std::thread([this] { run(); });
}

void RelayPublisher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.stop();
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

size_t RelayPublisher::buffered() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void RelayPublisher::send(const SharedEvent& event) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (queue_.size() >= options_.max_buffered) {
      note_gap_locked(queue_.front());
      queue_.pop_front();
      dropped_.fetch_add(1, std::memory_order_relaxed);
    }
    queue_.push_back({event, std::chrono::steady_clock::now(), chat::wall_clock_ms()});
  }
  wake_.notify_one();
}

void RelayPublisher::note_gap_locked(const Queued& dropped) {
  // A lost presence report needs no resync: the next whole list (an interval away) repairs it.
  if (dropped.event->presence) return;
  int64_t since = dropped.wall_ms - kGapMarginMs;
  gap_since_ms_ = gap_since_ms_ ? std::min(*gap_since_ms_, since) : since;
  if (gap_all_) return;
  if (dropped.event->access) {
    // A lost logout: every node rechecks every connection (a gap for all).
    gap_all_ = true;
    gap_channels_.clear();
    return;
  }
  gap_channels_.insert(dropped.event->channel_id);
  if (gap_channels_.size() > kMaxGapChannels) {
    gap_all_ = true;
    gap_channels_.clear();
  }
}

// One thread, one connection: takes batches off the queue and pipelines
// PUBLISHes. A batch whose replies did not all come back is counted as
// dropped (it may or may not have reached the other nodes; sending it again
// could deliver it twice, and the gap notice makes them resync instead).
void RelayPublisher::run() {
  RedisContext c;
  int attempt = 0;
  for (;;) {
    std::vector<Queued> batch;
    std::optional<int64_t> gap_since;
    std::vector<std::string> gap_channels;
    {
      std::unique_lock lock(mutex_);
      if (c) wake_.wait(lock, [this] { return stopping_ || !queue_.empty() || gap_since_ms_; });
      if (stopping_) return;
      auto now = std::chrono::steady_clock::now();
      while (!queue_.empty() && now - queue_.front().at > options_.max_event_age) {
        note_gap_locked(queue_.front());
        queue_.pop_front();
        dropped_.fetch_add(1, std::memory_order_relaxed);
      }
      if (c) {
        while (!queue_.empty() && batch.size() < kPublishBatch) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        if (gap_since_ms_) {
          gap_since = std::exchange(gap_since_ms_, std::nullopt);
          if (!gap_all_) gap_channels.assign(gap_channels_.begin(), gap_channels_.end());
          gap_all_ = false;
          gap_channels_.clear();
        }
      }
    }
    if (!c) {
      c = connect_redis(options_.redis, "publisher");
      if (!c) {
        if (connected_.exchange(false) || attempt == 0)
          spdlog::warn(
              "pubsub: redis {}:{} unavailable; sends are stored, live delivery to other nodes waits",
              options_.redis.host, options_.redis.port);
        if (!stop_.backoff(options_.redis, attempt++)) return;
        continue;
      }
      attempt = 0;
      connected_ = true;
      reconnects_.fetch_add(1, std::memory_order_relaxed);
      spdlog::info("pubsub: publishing to redis {}:{} channel {}", options_.redis.host, options_.redis.port,
                   options_.channel);
      continue;
    }
    std::vector<std::string> payloads;
    payloads.reserve(batch.size() + 1);
    // The gap notice goes before any newer event: a receiver's cursor for
    // this node must not move past the dropped events before it resyncs.
    if (gap_since) payloads.push_back(encode_gap(origin_, *gap_since, gap_channels));
    for (const auto& queued : batch) payloads.push_back(encode_event(origin_, *queued.event));
    size_t first_event = gap_since ? 1 : 0;
    for (const auto& payload : payloads) {
      redisAppendCommand(c.get(), "PUBLISH %b %b", options_.channel.data(), options_.channel.size(),
                         payload.data(), payload.size());
    }
    size_t confirmed = 0;
    std::string error;
    for (size_t i = 0; i < payloads.size(); ++i) {
      void* raw = nullptr;
      if (redisGetReply(c.get(), &raw) != REDIS_OK) {
        error = c->errstr;
        break;
      }
      RedisReply reply(static_cast<redisReply*>(raw));
      if (reply->type == REDIS_REPLY_ERROR) error = std::string(reply->str, reply->len);
      ++confirmed;
    }
    size_t events_confirmed = confirmed > first_event ? confirmed - first_event : 0;
    published_.fetch_add(events_confirmed, std::memory_order_relaxed);
    if (confirmed < payloads.size() || !error.empty()) {
      spdlog::warn("pubsub: publishing to redis failed ({}); reconnecting", error.empty() ? "?" : error);
      std::lock_guard lock(mutex_);
      for (size_t i = events_confirmed; i < batch.size(); ++i) {
        note_gap_locked(batch[i]);
        dropped_.fetch_add(1, std::memory_order_relaxed);
      }
      if (gap_since) {  // the notice may not have gone out: owe it again
        gap_since_ms_ = gap_since_ms_ ? std::min(*gap_since_ms_, *gap_since) : *gap_since;
        if (gap_channels.empty()) {
          gap_all_ = true;
          gap_channels_.clear();
        } else if (!gap_all_) {
          gap_channels_.insert(gap_channels.begin(), gap_channels.end());
        }
      }
      connected_ = false;
      c.reset();
    }
  }
}

}  // namespace townhall::realtime
