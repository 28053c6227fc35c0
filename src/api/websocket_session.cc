#include "api/websocket_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <fmt/format.h>

#include <random>

#include <sodium.h>

#include "api/offload.h"
#include "api/router.h"

namespace townhall::api {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

// Application close codes (4000-4999 are ours).
constexpr uint16_t kCloseAuthTimeout = 4001;
constexpr uint16_t kCloseSessionEnded = 4003;
constexpr uint16_t kCloseSlowConsumer = 4008;
constexpr uint16_t kCloseTooMany = 4029;
constexpr size_t kReplayPage = 100;

std::string ready_json(const chat::User& user) {
  std::string out;
  ddb::JsonWriter w(out);
  w.begin_object();
  w.key("type");
  w.string("ready");
  w.key("user");
  write_user(w, user);
  w.end_object();
  return out;
}

// A resume cursor for "now, less a second": a subscription that has sent
// nothing yet resyncs from here. It is shaped like a message id (seconds,
// '#', milliseconds) and sorts before every id minted from that millisecond
// on; the second covers ids minted before their commit.
std::string cursor_before_now() {
  int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count() -
               1000;
  return fmt::format("{:010d}#{:013d}", ms / 1000, ms);
}

}  // namespace

WebSocketSession::WebSocketSession(beast::tcp_stream stream, net::ConnectionLimiter::Slot slot,
                                   ServerContext& context, std::string client_ip,
                                   std::optional<chat::Session> session)
    : ws_(std::move(stream)),
      // The server makes every connection on an io_context (Server::accept).
      loop_(&static_cast<asio::io_context&>(asio::query(ws_.get_executor(), asio::execution::context))),
      slot_(std::move(slot)),
      context_(context),
      client_ip_(std::move(client_ip)),
      initial_session_(std::move(session)),
      queue_(context.options.websocket.max_queue_frames, context.options.websocket.max_queue_bytes),
      auth_timer_(ws_.get_executor()),
      expiry_timer_(ws_.get_executor()),
      recheck_timer_(ws_.get_executor()),
      drain_timer_(ws_.get_executor()),
      close_timer_(ws_.get_executor()) {
  context_.open_sessions.fetch_add(1);
}

WebSocketSession::~WebSocketSession() { context_.open_sessions.fetch_sub(1); }

void WebSocketSession::start(http::request<http::string_body> upgrade) {
  asio::co_spawn(
      ws_.get_executor(),
      [self = shared_from_this(), upgrade = std::move(upgrade)]() mutable {
        return self->run(std::move(upgrade));
      },
      asio::detached);
}

void WebSocketSession::deliver(const SharedEvent& event) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), event] { self->on_event(event); });
}

void WebSocketSession::resync(std::vector<std::string> channels, int64_t since_ms,
                              std::chrono::milliseconds jitter) {
  auto run = [self = shared_from_this(), channels = std::move(channels), since_ms, jitter] {
    if (self->closing_) return;
    thread_local std::mt19937_64 random{std::random_device{}()};
    std::uniform_int_distribution<int64_t> delay(0, std::max<int64_t>(0, jitter.count()));
    auto start = [&](const std::string& channel_id) {
      asio::co_spawn(
          self->ws_.get_executor(),
          [self, channel_id, since_ms, wait = std::chrono::milliseconds(delay(random))] {
            return self->resync_one(channel_id, since_ms, wait);
          },
          asio::detached);
    };
    if (channels.empty()) {
      for (const auto& [channel_id, subscription] : self->subscriptions_) start(channel_id);
    } else {
      for (const auto& channel_id : channels) {
        if (self->subscriptions_.count(channel_id)) start(channel_id);
      }
    }
  };
  asio::post(ws_.get_executor(), std::move(run));
}

asio::awaitable<void> WebSocketSession::resync_one(std::string channel_id, int64_t since_ms,
                                                   std::chrono::milliseconds delay) {
  if (delay.count() > 0) {
    asio::steady_timer timer(ws_.get_executor(), delay);
    beast::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (closing_) co_return;
  co_await subscribe_one(channel_id, {}, since_ms);
}

void WebSocketSession::go_away() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    self->close(websocket::close_code::going_away, "server shutting down");
  });
}

void WebSocketSession::end_session() {
  asio::post(ws_.get_executor(),
             [self = shared_from_this()] { self->close(kCloseSessionEnded, "signed out"); });
}

void WebSocketSession::recheck_soon() {
  asio::post(ws_.get_executor(), [self = shared_from_this()] {
    if (self->closing_ || !self->user_) return;
    asio::co_spawn(
        self->ws_.get_executor(), [self] { return self->recheck(); }, asio::detached);
  });
}

bool WebSocketSession::sign_in(const chat::Session& session, const std::string& token) {
  std::string token_hash = chat::session_token_hash(token);
  if (!context_.websockets.bind(this, session.user.id, token_hash)) {
    close(kCloseTooMany, "too many WebSockets for this user");
    return false;
  }
  user_ = session.user;
  token_hash_ = std::move(token_hash);
  auth_timer_.cancel();
  // The socket ends with its session, not a recheck later.
  auto expires_in =
      std::chrono::seconds(session.expires_at) - std::chrono::system_clock::now().time_since_epoch();
  expiry_timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(expires_in));
  expiry_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->close(kCloseSessionEnded, "session expired");
  });
  asio::co_spawn(
      ws_.get_executor(), [self = shared_from_this()] { return self->recheck_loop(); }, asio::detached);
  enqueue(ready_json(*user_));
  return true;
}

asio::awaitable<void> WebSocketSession::recheck_loop() {
  const auto interval = context_.options.websocket.recheck_interval;
  if (interval.count() <= 0) co_return;
  while (!closing_) {
    recheck_timer_.expires_after(interval);
    beast::error_code ec;
    co_await recheck_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec || closing_) co_return;
    co_await recheck();
  }
}

// Against the store, not the session cache: this is the backstop for
// access events lost between nodes.
asio::awaitable<void> WebSocketSession::recheck() {
  if (closing_ || !user_) co_return;
  std::string token_hash = token_hash_;
  auto session = co_await offload(
      context_.workers, [&] { return context_.api.chat().accounts().find_session_by_hash(token_hash); });
  if (closing_) co_return;
  if (!session.ok()) {
    if (session.error().code == chat::Code::kUnauthenticated) close(kCloseSessionEnded, "signed out");
    co_return;  // the store did not answer: keep the socket, try again next time
  }
  std::vector<std::string> private_channels;
  for (const auto& [channel_id, subscription] : subscriptions_) {
    if (subscription.is_private()) private_channels.push_back(channel_id);
  }
  const chat::User user = *user_;
  for (const auto& channel_id : private_channels) {
    auto member = co_await offload(
        context_.workers, [&] { return context_.api.chat().channels().membership(channel_id, user); });
    if (closing_) co_return;
    if (member.ok() && !*member) end_subscription(channel_id, "not a member");
  }
}

void WebSocketSession::end_subscription(const std::string& channel_id, std::string_view reason) {
  if (subscriptions_.erase(channel_id) == 0) return;
  context_.hub.unsubscribe(channel_id, this);
  std::string out;
  ddb::JsonWriter w(out);
  w.begin_object();
  w.key("type");
  w.string("unsubscribed");
  w.key("channels");
  w.begin_array();
  w.string(channel_id);
  w.end_array();
  w.key("reason");
  w.string(reason);
  w.end_object();
  enqueue(std::move(out));
}

void WebSocketSession::send_chat_error(const chat::Error& error, std::string_view client_message_id,
                                       std::string_view channel) {
  if (error.code != chat::Code::kInternal && error.code != chat::Code::kUnavailable) {
    send_error(chat::code_name(error.code), error.message, client_message_id, channel);
    return;
  }
  // Store errors name tables, keys and files: the log gets them, the client an id to quote.
  unsigned char random[8];
  randombytes_buf(random, sizeof random);
  char id[sizeof random * 2 + 1];
  sodium_bin2hex(id, sizeof id, random, sizeof random);
  spdlog::warn("websocket error {}: {}: {}", id, chat::code_name(error.code), error.message);
  send_error(chat::code_name(error.code),
             std::string(error.code == chat::Code::kUnavailable ? "the service is busy, try again shortly"
                                                                : "internal error") +
                 " (error id " + id + ")",
             client_message_id, channel);
}

asio::awaitable<void> WebSocketSession::run(http::request<http::string_body> upgrade) {
  const WebSocketOptions& options = context_.options.websocket;
  beast::get_lowest_layer(ws_).expires_never();  // the websocket stream keeps its own timeouts
  websocket::stream_base::timeout timeouts;
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = options.ping_interval * 2;  // Beast pings at half of it
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& response) { response.set(http::field::server, "townhall"); }));
  ws_.read_message_max(options.max_frame_bytes);
  ws_.auto_fragment(false);

  beast::error_code ec;
  if (options.send_buffer_bytes > 0) {
    beast::get_lowest_layer(ws_).socket().set_option(
        asio::socket_base::send_buffer_size(options.send_buffer_bytes), ec);
  }
  {
    std::string_view target = upgrade.target();
    size_t question = target.find('?');
    if (question != std::string_view::npos) {
      auto query = parse_query(target.substr(question + 1));
      batch_ = query && query->count("batch") && query->at("batch") == "1";
    }
  }
  co_await ws_.async_accept(upgrade, asio::redirect_error(asio::use_awaitable, ec));
  upgrade = {};
  if (ec) co_return;
  context_.metrics.websockets_open.fetch_add(1);

  if (!context_.websockets.add(this, weak_from_this(), client_ip_)) {
    close(kCloseTooMany, "too many WebSockets from this address");
  } else if (initial_session_) {
    chat::Session session = std::move(*initial_session_);
    initial_session_.reset();
    sign_in(session, session.token);
  } else {
    auth_timer_.expires_after(options.auth_timeout);
    auth_timer_.async_wait([self = shared_from_this()](beast::error_code timer_ec) {
      if (!timer_ec && !self->user_) self->close(kCloseAuthTimeout, "authentication timeout");
    });
  }

  for (;;) {
    co_await ws_.async_read(read_buffer_, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
    std::string text = beast::buffers_to_string(read_buffer_.data());
    read_buffer_.consume(read_buffer_.size());
    if (closing_) continue;  // draining until the close completes
    if (!ws_.got_text()) {
      send_error("invalid_argument", "send JSON text frames");
      continue;
    }
    co_await handle_frame(text);
  }
  if (read_buffer_.capacity() > 0) read_buffer_ = {};
  auth_timer_.cancel();
  expiry_timer_.cancel();
  recheck_timer_.cancel();
  drain_timer_.cancel();
  close_timer_.cancel();
  unsubscribe_all();
  context_.metrics.websockets_open.fetch_sub(1);
  context_.websockets.remove(this);
}

asio::awaitable<void> WebSocketSession::handle_frame(const std::string& text) {
  auto frame = JsonObject::parse(text);
  if (!frame.ok()) {
    send_error("invalid_argument", frame.error().message);
    co_return;
  }
  auto type = frame->required_string("type");
  if (!type.ok()) {
    send_error("invalid_argument", type.error().message);
    co_return;
  }
  if (*type == "ping") {
    enqueue(std::string(R"({"type":"pong"})"));
  } else if (*type == "auth") {
    co_await authenticate(*frame);
  } else if (!user_) {
    send_error("unauthenticated", "send {\"type\":\"auth\",\"token\":...} first");
  } else if (*type == "subscribe") {
    co_await subscribe(*frame);
  } else if (*type == "unsubscribe") {
    auto channels = frame->channel_list("channels");
    if (!channels.ok()) {
      send_error("invalid_argument", channels.error().message);
      co_return;
    }
    for (const auto& entry : *channels) {
      subscriptions_.erase(entry.id);
      context_.hub.unsubscribe(entry.id, this);
    }
    std::string out;
    ddb::JsonWriter w(out);
    w.begin_object();
    w.key("type");
    w.string("unsubscribed");
    w.key("channels");
    w.begin_array();
    for (const auto& entry : *channels) w.string(entry.id);
    w.end_array();
    w.end_object();
    enqueue(std::move(out));
  } else if (*type == "send") {
    co_await send_message(*frame);
  } else {
    send_error("invalid_argument", "unknown type '" + *type + "'");
  }
}

asio::awaitable<void> WebSocketSession::authenticate(const JsonObject& frame) {
  if (user_) {
    send_error("invalid_argument", "already authenticated");
    co_return;
  }
  auto token = frame.required_string("token");
  if (!token.ok()) {
    send_error("invalid_argument", token.error().message);
    co_return;
  }
  std::string value = std::move(token).value();
  auto session = co_await offload(context_.workers, [&] { return context_.api.authenticate_session(value); });
  if (closing_) co_return;
  if (!session.ok()) {
    if (session.error().code == chat::Code::kUnauthenticated) {
      send_error("unauthenticated", session.error().message);
    } else {
      send_chat_error(session.error());
    }
    co_return;
  }
  sign_in(*session, value);
}

asio::awaitable<void> WebSocketSession::subscribe(const JsonObject& frame) {
  auto channels = frame.channel_list("channels");
  if (!channels.ok()) {
    send_error("invalid_argument", channels.error().message);
    co_return;
  }
  for (const auto& entry : *channels) {
    if (closing_) co_return;
    co_await subscribe_one(entry.id, entry.after);
  }
}

// Resume without gap or duplicate: register with the hub first (live events
// are held from then on), read what was missed from the table page by page,
// then release the held events minus the messages the replay already sent.
// Whatever commits after registration is either in the table read or held.
asio::awaitable<void> WebSocketSession::subscribe_one(const std::string& channel_id, const std::string& after,
                                                      std::optional<int64_t> resync_since) {
  const WebSocketOptions& options = context_.options.websocket;
  const chat::User user = *user_;
  const uint16_t this_node = context_.api.chat().options().node_id;
  uint64_t generation = next_generation_++;
  bool resync = resync_since.has_value();
  std::string cursor = after;
  if (resync) {
    auto it = subscriptions_.find(channel_id);
    if (it == subscriptions_.end()) co_return;
    if (it->second.catching_up()) {
      it->second.request_resync(*resync_since);  // its catch-up reads once more before going live
      co_return;
    }
    it->second.restart_catch_up(generation);
    cursor = it->second.resync_start(*resync_since);
  } else {
    if (!subscriptions_.count(channel_id) && subscriptions_.size() >= options.max_subscriptions) {
      send_error("invalid_argument", "too many subscriptions", {}, channel_id);
      co_return;
    }
    auto access = co_await offload(
        context_.workers, [&] { return context_.api.chat().channels().read_access(user, channel_id); });
    if (closing_) co_return;
    if (!access.ok()) {
      send_chat_error(access.error(), {}, channel_id);
      co_return;
    }
    subscriptions_.erase(channel_id);
    auto& subscription =
        subscriptions_.emplace(channel_id, ChannelSubscription(options.max_queue_frames * 4)).first->second;
    subscription.set_generation(generation);
    subscription.set_private(access->is_private);
    // Where this client stands: a later resync continues from here.
    subscription.set_baseline(after.empty() ? cursor_before_now() : after);
    context_.hub.subscribe(channel_id, shared_from_this());
  }
  // This catch-up's subscription, or end() once a newer subscribe replaced it.
  auto current = [&] {
    auto it = subscriptions_.find(channel_id);
    if (closing_ || it == subscriptions_.end() || it->second.generation() != generation)
      return subscriptions_.end();
    return it;
  };

  size_t replayed = 0;
  bool complete = true;
  // Pages fit in half the outgoing queue, and each waits for the queue to
  // drain: a long replay never trips the slow-consumer cut-off by itself.
  const int page_size = static_cast<int>(std::clamp<size_t>(options.max_queue_frames / 2, 1, kReplayPage));
  while (!cursor.empty()) {
    co_await wait_for_drain();
    if (current() == subscriptions_.end()) co_return;
    auto page = co_await offload(context_.workers, [&] {
      return context_.api.chat().messages().after(user, channel_id, cursor, page_size);
    });
    auto it = current();
    if (it == subscriptions_.end()) co_return;
    if (!page.ok()) {
      subscriptions_.erase(it);
      context_.hub.unsubscribe(channel_id, this);
      send_chat_error(page.error(), {}, channel_id);
      co_return;
    }
    for (const auto& message : page->items) {
      if (resync && !it->second.resync_needs(message.id, this_node)) {
        it->second.set_baseline(message.id);  // read: what precedes it is accounted for
        continue;
      }
      if (!it->second.on_replay(message.id)) continue;
      it->second.note_replayed(message.id);
      enqueue(replayed_message_json(message));
      ++replayed;
    }
    cursor = page->next_cursor;
    if (!cursor.empty() && replayed >= options.max_replay) {
      complete = false;  // the client reads the rest over REST (?after=)
      cursor.clear();
    }
    // A resync arrived during this catch-up: read once more, as a resync,
    // before going live.
    if (cursor.empty() && complete) {
      if (auto since = it->second.take_resync_request()) {
        cursor = it->second.resync_start(*since);
        resync = true;
      }
    }
  }
  auto it = current();
  if (it == subscriptions_.end()) co_return;
  for (auto& event : it->second.finish_catch_up()) {
    if (event->kind == chat::ChannelEvent::Kind::kMessageCreated) it->second.note_live(event->message_id);
    enqueue(event->json);
    context_.metrics.messages_delivered.fetch_add(1, std::memory_order_relaxed);
  }
  std::string out;
  ddb::JsonWriter w(out);
  w.begin_object();
  w.key("type");
  w.string(resync_since ? "resynced" : "subscribed");
  w.key("channel");
  w.string(channel_id);
  w.key("replayed");
  w.integer(static_cast<int64_t>(replayed));
  w.key("complete");
  w.boolean(complete);
  w.end_object();
  enqueue(std::move(out));
}

asio::awaitable<void> WebSocketSession::send_message(const JsonObject& frame) {
  auto channel = frame.required_string("channel");
  auto text = frame.required_string("text");
  auto client_message_id = frame.optional_string("client_message_id");
  std::string cmid = client_message_id.ok() ? client_message_id->value_or("") : "";
  for (const auto* field : {&channel, &text}) {
    if (!field->ok()) {
      send_error("invalid_argument", field->error().message, cmid);
      co_return;
    }
  }
  if (!client_message_id.ok()) {
    send_error("invalid_argument", client_message_id.error().message);
    co_return;
  }
  if (auto decision = context_.api.take_user_token(user_->id); !decision.allowed) {
    send_error("rate_limited", "too many messages, slow down", cmid, *channel);
    co_return;
  }
  const chat::User user = *user_;
  auto sent = co_await offload(
      context_.workers, [&] { return context_.api.chat().messages().send(user, *channel, *text, cmid); });
  if (!sent.ok()) {
    send_chat_error(sent.error(), cmid, *channel);
    co_return;
  }
  if (!sent->duplicate) context_.metrics.messages_sent.fetch_add(1, std::memory_order_relaxed);
  std::string out;
  ddb::JsonWriter w(out);
  w.begin_object();
  w.key("type");
  w.string("ack");
  w.key("client_message_id");
  w.string(cmid);
  w.key("message");
  write_message(w, sent->message);
  w.key("duplicate");
  w.boolean(sent->duplicate);
  w.end_object();
  enqueue(std::move(out));
}

asio::awaitable<void> WebSocketSession::wait_for_drain() {
  while (!closing_ && queue_.size() > queue_.max_frames() / 4) {
    drain_timer_.expires_after(std::chrono::seconds(1));
    beast::error_code ec;
    co_await drain_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

void WebSocketSession::unsubscribe_all() {
  for (const auto& [channel_id, subscription] : subscriptions_) context_.hub.unsubscribe(channel_id, this);
  subscriptions_.clear();
}

void WebSocketSession::on_event(const SharedEvent& event) {
  if (closing_) return;
  auto it = subscriptions_.find(event->channel_id);
  if (it == subscriptions_.end()) return;
  if (event->kind == chat::ChannelEvent::Kind::kMemberLeft && user_ && event->member_id == user_->id &&
      it->second.is_private()) {
    // This user left or was removed: the member.left event is the last thing it sees here.
    if (!it->second.catching_up()) enqueue(event->json);
    end_subscription(event->channel_id, "not a member");
    return;
  }
  switch (it->second.on_live(event)) {
    case ChannelSubscription::Action::kSend:
      if (event->kind == chat::ChannelEvent::Kind::kMessageCreated) it->second.note_live(event->message_id);
      enqueue(event->json);
      context_.metrics.messages_delivered.fetch_add(1, std::memory_order_relaxed);
      break;
    case ChannelSubscription::Action::kHeld:
    case ChannelSubscription::Action::kDuplicate:  // the replay sent it
      break;
    case ChannelSubscription::Action::kOverflow:
      context_.metrics.slow_consumer_closes.fetch_add(1);
      close(kCloseSlowConsumer, "slow consumer");
      break;
  }
}

void WebSocketSession::send_error(std::string_view code, std::string_view message,
                                  std::string_view client_message_id, std::string_view channel) {
  std::string out;
  ddb::JsonWriter w(out);
  w.begin_object();
  w.key("type");
  w.string("error");
  w.key("code");
  w.string(code);
  w.key("message");
  w.string(message);
  if (!client_message_id.empty()) {
    w.key("client_message_id");
    w.string(client_message_id);
  }
  if (!channel.empty()) {
    w.key("channel");
    w.string(channel);
  }
  w.end_object();
  enqueue(std::move(out));
}

void WebSocketSession::enqueue(std::shared_ptr<const std::string> frame) {
  if (closing_) return;
  if (!queue_.push(std::move(frame))) {
    context_.metrics.slow_consumer_closes.fetch_add(1);
    close(kCloseSlowConsumer, "slow consumer");
    return;
  }
  if (!writing_) write_next();
}

void WebSocketSession::write_next() {
  writing_ = true;
  ws_.text(true);
  // Batching (opt-in, /ws?batch=1): what queued up while the previous write
  // was in flight goes out as one frame, events separated by newlines, so a
  // busy connection costs one write per batch instead of one per event.
  size_t frames = 1;
  asio::const_buffer payload = asio::buffer(queue_.front());
  if (batch_ && queue_.size() > 1) {
    batch_buffer_.clear();
    batch_buffer_.append(queue_.front());
    while (frames < queue_.size() && frames < kMaxBatchFrames && batch_buffer_.size() < kMaxBatchBytes) {
      batch_buffer_.push_back('\n');
      batch_buffer_.append(queue_.at(frames));
      ++frames;
    }
    payload = asio::buffer(batch_buffer_);
  }
  ws_.async_write(payload, [self = shared_from_this(), frames](beast::error_code ec, size_t) {
    for (size_t i = 0; i < frames; ++i) self->queue_.pop();
    if (ec || self->closing_) {
      self->writing_ = false;
      self->closing_ = true;
      return;
    }
    if (self->queue_.size() <= self->queue_.max_frames() / 4) self->drain_timer_.cancel();
    if (self->queue_.empty()) {
      self->writing_ = false;
    } else {
      self->write_next();
    }
  });
}

void WebSocketSession::close(uint16_t code, std::string reason) {
  if (closing_) return;
  closing_ = true;
  drain_timer_.cancel();
  auth_timer_.cancel();
  // A slow consumer may never read the close frame queued behind its
  // backlog: if the close handshake has not finished in time, drop the socket.
  close_timer_.expires_after(std::chrono::seconds(5));
  close_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) beast::get_lowest_layer(self->ws_).close();
  });
  websocket::close_reason why;
  why.code = code;
  why.reason = reason;
  ws_.async_close(why, [self = shared_from_this()](beast::error_code) {});
}

}  // namespace townhall::api
