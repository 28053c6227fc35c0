#include "api/redis_relay.h"

#include <fmt/format.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <memory>
#include <random>

namespace townhall::api {
namespace {

constexpr size_t kMaxGapChannels = 256;  // beyond this a gap notice says "all channels"
constexpr size_t kPublishBatch = 128;    // PUBLISHes pipelined per round trip

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using Context = std::unique_ptr<redisContext, ContextDeleter>;
struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

timeval to_timeval(std::chrono::milliseconds ms) {
  return {static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string random_origin() {
  std::random_device device;
  return fmt::format("{:08x}{:08x}", device(), device());
}

std::string reply_error(redisContext* c, redisReply* reply) {
  if (reply && reply->type == REDIS_REPLY_ERROR) return std::string(reply->str, reply->len);
  return c->errstr[0] ? std::string(c->errstr) : std::string("no reply");
}

// Connects and authenticates; nullptr (with a log line) on failure.
Context connect(const RedisRelayOptions& options, const char* role) {
  Context c(redisConnectWithTimeout(options.host.c_str(), options.port, to_timeval(options.io_timeout)));
  if (!c || c->err) {
    spdlog::debug("pubsub {}: cannot connect to redis {}:{}: {}", role, options.host, options.port,
                  c ? c->errstr : "out of memory");
    return nullptr;
  }
  redisSetTimeout(c.get(), to_timeval(options.io_timeout));
  if (!options.password.empty()) {
    Reply reply(static_cast<redisReply*>(
        options.username.empty()
            ? redisCommand(c.get(), "AUTH %b", options.password.data(), options.password.size())
            : redisCommand(c.get(), "AUTH %b %b", options.username.data(), options.username.size(),
                           options.password.data(), options.password.size())));
    if (!reply || reply->type == REDIS_REPLY_ERROR) {
      spdlog::warn("pubsub {}: redis AUTH failed: {}", role, reply_error(c.get(), reply.get()));
      return nullptr;
    }
  }
  return c;
}

bool is_member_event(chat::ChannelEvent::Kind kind) {
  return kind == chat::ChannelEvent::Kind::kMemberJoined || kind == chat::ChannelEvent::Kind::kMemberLeft;
}

bool valid_kind(int kind) {
  return kind >= static_cast<int>(chat::ChannelEvent::Kind::kMessageCreated) &&
         kind <= static_cast<int>(chat::ChannelEvent::Kind::kChannelUpdated);
}

}  // namespace

chat::Result<RedisRelayOptions> parse_redis_url(const std::string& url) {
  auto bad = [&](const std::string& why) {
    return chat::Error::InvalidArgument("--pubsub must be redis://[[user]:password@]host[:port]: " + why);
  };
  const std::string scheme = "redis://";
  if (url.rfind(scheme, 0) != 0) return bad("'" + url + "' does not start with redis://");
  RedisRelayOptions options;
  std::string rest = url.substr(scheme.size());
  rest = rest.substr(0, rest.find('/'));  // a database number means nothing to pub/sub
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = credentials.find(':');
    if (colon == std::string::npos) {
      options.password = credentials;
    } else {
      options.username = credentials.substr(0, colon);
      options.password = credentials.substr(colon + 1);
    }
  }
  std::string port_text;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string::npos) return bad("unclosed [");
    options.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return bad("expected :port after ]");
      port_text = rest.substr(close + 2);
    }
  } else if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    options.host = rest.substr(0, colon);
    port_text = rest.substr(colon + 1);
  } else {
    options.host = rest;
  }
  if (options.host.empty()) return bad("no host");
  if (!port_text.empty()) {
    if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos)
      return bad("bad port '" + port_text + "'");
    options.port = std::stoi(port_text);
    if (options.port < 1 || options.port > 65535) return bad("bad port '" + port_text + "'");
  }
  return options;
}

RedisRelay::RedisRelay(RedisRelayOptions options) : options_(std::move(options)), origin_(random_origin()) {}

RedisRelay::~RedisRelay() { stop(); }

void RedisRelay::start(Hub& hub, GapHandler on_gap) {
  hub_ = &hub;
  on_gap_ = std::move(on_gap);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  publisher_ = std::thread([this] { publisher_loop(); });
  subscriber_ = std::thread([this] { subscriber_loop(); });
}

void RedisRelay::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (wake_fd_ >= 0) {
    uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(wake_fd_, &one, sizeof one);
  }
  if (publisher_.joinable()) publisher_.join();
  if (subscriber_.joinable()) subscriber_.join();
  if (wake_fd_ >= 0) ::close(wake_fd_);
  wake_fd_ = -1;
}

void RedisRelay::send(const SharedEvent& event) {
  // This node's clients never wait for Redis, and keep getting live events
  // from this node while Redis is away.
  if (hub_) hub_->deliver(event);
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (queue_.size() >= options_.max_buffered) {
      note_gap_locked(queue_.front());
      queue_.pop_front();
      dropped_.fetch_add(1, std::memory_order_relaxed);
    }
    queue_.push_back({event, std::chrono::steady_clock::now(), now_ms()});
  }
  wake_.notify_one();
}

void RedisRelay::note_gap_locked(const Queued& dropped) {
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

void RedisRelay::sleep_backoff(int attempt) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  int64_t ceiling =
      std::min<int64_t>(options_.max_backoff.count(), options_.min_backoff.count() << std::min(attempt, 16));
  std::uniform_int_distribution<int64_t> wait(ceiling / 2, ceiling);  // "equal jitter": never hammer
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, std::chrono::milliseconds(wait(random)), [this] { return stopping_; });
}

// One thread, one connection: takes batches off the queue and pipelines
// PUBLISHes. A batch whose replies did not all come back is counted as
// dropped (it may or may not have reached the other nodes; sending it again
// could deliver it twice, and the gap notice makes them resync instead).
void RedisRelay::publisher_loop() {
  Context c;
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
      c = connect(options_, "publisher");
      if (!c) {
        if (publisher_connected_.exchange(false) || attempt == 0)
          spdlog::warn(
              "pubsub: redis {}:{} unavailable; sends are stored, live delivery to other nodes waits",
              options_.host, options_.port);
        sleep_backoff(attempt++);
        continue;
      }
      attempt = 0;
      publisher_connected_ = true;
      reconnects_.fetch_add(1, std::memory_order_relaxed);
      spdlog::info("pubsub: publishing to redis {}:{} channel {}", options_.host, options_.port,
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
      Reply reply(static_cast<redisReply*>(raw));
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
      publisher_connected_ = false;
      c.reset();
    }
  }
}

// One thread, one connection in subscribe mode. Reads with poll() so that
// stop() (the eventfd) and a silent connection (PING) are noticed.
void RedisRelay::subscriber_loop() {
  int attempt = 0;
  int64_t lost_at_ms = now_ms();  // at start nothing was received yet: nobody to resync
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    Context c = connect(options_, "subscriber");
    if (c) {
      Reply reply(static_cast<redisReply*>(
          redisCommand(c.get(), "SUBSCRIBE %b", options_.channel.data(), options_.channel.size())));
      if (!reply || reply->type != REDIS_REPLY_ARRAY) {
        spdlog::warn("pubsub: SUBSCRIBE failed: {}", reply_error(c.get(), reply.get()));
        c.reset();
      }
    }
    if (!c) {
      subscriber_connected_ = false;
      sleep_backoff(attempt++);
      continue;
    }
    attempt = 0;
    subscriber_connected_ = true;
    reconnects_.fetch_add(1, std::memory_order_relaxed);
    spdlog::info("pubsub: subscribed to redis {}:{} channel {}", options_.host, options_.port,
                 options_.channel);
    // Whatever was published while this node was not subscribed is missed:
    // its sessions catch up from the table (a no-op at the first start).
    gaps_.fetch_add(1, std::memory_order_relaxed);
    if (on_gap_) on_gap_({}, lost_at_ms - kGapMarginMs);

    auto last_heard = std::chrono::steady_clock::now();
    bool ping_sent = false;
    std::string lost;
    while (lost.empty()) {
      // Replies already buffered first, then wait for more.
      void* raw = nullptr;
      if (redisReaderGetReply(c->reader, &raw) != REDIS_OK) {
        lost = "protocol error";
        break;
      }
      if (raw) {
        Reply reply(static_cast<redisReply*>(raw));
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
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
      }
      if (ready < 0 && errno != EINTR) {
        lost = "poll failed";
      } else if (ready > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
        if (redisBufferRead(c.get()) != REDIS_OK) lost = c->errstr;
      } else if (std::chrono::steady_clock::now() - last_heard >= options_.ping_interval * 3) {
        lost = "no answer to PING";
      } else if (!ping_sent && std::chrono::steady_clock::now() - last_heard >= options_.ping_interval) {
        // PING is allowed in subscribe mode; its answer proves the connection.
        redisAppendCommand(c.get(), "PING");
        int done = 0;
        while (!done) {
          if (redisBufferWrite(c.get(), &done) != REDIS_OK) {
            lost = c->errstr;
            break;
          }
        }
        ping_sent = true;
      }
    }
    subscriber_connected_ = false;
    lost_at_ms = now_ms();
    spdlog::warn("pubsub: lost the redis subscription ({}); live events from other nodes wait, reconnecting",
                 lost);
  }
}

void RedisRelay::handle_message(const std::string& payload) {
  auto decoded = decode(payload);
  if (!decoded) {
    spdlog::debug("pubsub: ignoring a malformed message ({} bytes)", payload.size());
    return;
  }
  if (decoded->origin == origin_) return;  // delivered locally when sent
  if (decoded->event) {
    received_.fetch_add(1, std::memory_order_relaxed);
    hub_->deliver(*decoded->event);
  } else {
    gaps_.fetch_add(1, std::memory_order_relaxed);
    if (on_gap_) on_gap_(decoded->channels, decoded->since_ms);
  }
}

std::string RedisRelay::encode_event(const std::string& origin, const HubEvent& event) {
  if (event.access) {
    return fmt::format("A\n{}\n{}\n{}", origin, static_cast<int>(event.access->kind), event.access->subject);
  }
  // The subject slot: the message id of a message event, the user id of a member event.
  const std::string& subject = is_member_event(event.kind) ? event.member_id : event.message_id;
  return fmt::format("E\n{}\n{}\n{}\n{}\n{}", origin, static_cast<int>(event.kind), event.channel_id, subject,
                     event.json ? *event.json : std::string());
}

std::string RedisRelay::encode_gap(const std::string& origin, int64_t since_ms,
                                   const std::vector<std::string>& channels) {
  std::string out = "G\n" + origin + "\n" + std::to_string(since_ms);
  for (const auto& channel : channels) out += "\n" + channel;
  return out;
}

std::optional<RedisRelay::Decoded> RedisRelay::decode(const std::string& payload) {
  // Splits off the next '\n'-terminated field from position pos.
  size_t pos = 0;
  auto field = [&](std::string& out) {
    size_t end = payload.find('\n', pos);
    if (end == std::string::npos) return false;
    out = payload.substr(pos, end - pos);
    pos = end + 1;
    return true;
  };
  std::string type;
  Decoded decoded;
  if (!field(type)) return std::nullopt;
  if (type == "G") {
    std::string since;
    if (!field(decoded.origin) || decoded.origin.empty()) return std::nullopt;
    size_t end = payload.find('\n', pos);
    since = payload.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (since.empty() || since.size() > 18 || since.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    decoded.since_ms = std::stoll(since);
    pos = end;
    while (pos != std::string::npos) {
      ++pos;
      end = payload.find('\n', pos);
      std::string channel = payload.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
      if (!channel.empty()) decoded.channels.push_back(std::move(channel));
      pos = end;
    }
    return decoded;
  }
  if (type == "A") {
    std::string kind;
    if (!field(decoded.origin) || decoded.origin.empty() || !field(kind)) return std::nullopt;
    if (kind != std::to_string(static_cast<int>(chat::AccessEvent::Kind::kSessionEnded))) return std::nullopt;
    std::string subject = payload.substr(pos);
    if (subject.empty() || subject.find('\n') != std::string::npos) return std::nullopt;
    decoded.event =
        make_hub_event(chat::AccessEvent{chat::AccessEvent::Kind::kSessionEnded, std::move(subject)});
    return decoded;
  }
  if (type != "E") return std::nullopt;
  std::string kind, channel, message_id;
  if (!field(decoded.origin) || !field(kind) || !field(channel) || !field(message_id)) return std::nullopt;
  if (kind.empty() || kind.size() > 2 || kind.find_first_not_of("0123456789") != std::string::npos ||
      !valid_kind(std::stoi(kind)) || channel.empty())
    return std::nullopt;
  auto event = std::make_shared<HubEvent>();
  event->kind = static_cast<chat::ChannelEvent::Kind>(std::stoi(kind));
  event->channel_id = std::move(channel);
  (is_member_event(event->kind) ? event->member_id : event->message_id) = std::move(message_id);
  event->json = std::make_shared<const std::string>(payload.substr(pos));
  decoded.event = std::move(event);
  return decoded;
}

RedisRelayStats RedisRelay::stats() const {
  RedisRelayStats s;
  s.publisher_connected = publisher_connected_.load();
  s.subscriber_connected = subscriber_connected_.load();
  s.published = published_.load();
  s.received = received_.load();
  s.dropped = dropped_.load();
  s.reconnects = reconnects_.load();
  s.gaps = gaps_.load();
  std::lock_guard lock(mutex_);
  s.buffered = queue_.size();
  return s;
}

bool RedisRelay::connected() const { return publisher_connected_.load() && subscriber_connected_.load(); }

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

}  // namespace townhall::api
