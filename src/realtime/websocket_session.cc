#include "realtime/websocket_session.h"

#include <spdlog/spdlog.h>

#include <sodium.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>

#include <tuple>

#include "api/offload.h"
#include "realtime/close_codes.h"
#include "realtime/frames.h"

namespace townhall::realtime {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using api::offload;

WebSocketSession::WebSocketSession(std::unique_ptr<WebSocketStream> stream, net::ConnectionLimiter::Slot slot,
                                   SocketContext& context, std::string client_ip,
                                   std::optional<chat::Session> session, bool batch)
    : ws_(std::move(stream)),
      // Every connection is made on a loop of the server's IoPool.
      loop_(&static_cast<asio::io_context&>(asio::query(ws_->get_executor(), asio::execution::context))),
      slot_(std::move(slot)),
      context_(context),
      client_ip_(std::move(client_ip)),
      initial_session_(session ? std::make_unique<chat::Session>(std::move(*session)) : nullptr),
      writer_(*ws_, context.options.max_queue_frames, context.options.max_queue_bytes, batch),
      deadline_(ws_->get_executor()) {}

WebSocketSession::~WebSocketSession() = default;

void WebSocketSession::start(http::request<http::string_body> upgrade) {
  // The awaitable itself, not a function making it: co_spawn would keep
  // such a function (and what it captured) as long as the coroutine runs.
  asio::co_spawn(
      ws_->get_executor(),
      run(shared_from_this(), std::make_unique<http::request<http::string_body>>(std::move(upgrade))),
      asio::detached);
}

void WebSocketSession::deliver(const SharedEvent& event) {
  asio::post(ws_->get_executor(), [self = shared_from_this(), event] { self->on_event(event); });
}

// async_initiate hands over the handler that resumes run() (move-only);
// the stream's callback is a std::function (copyable), so the two share it.
// The result is a tuple, so that a closed socket is a value, not an exception.
auto WebSocketSession::read_message() {
  using Result = std::tuple<beast::error_code, size_t>;
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(Result)>(
      [this](auto resume) {
        auto shared = std::make_shared<decltype(resume)>(std::move(resume));
        ws_->async_read(read_buffer_,
                        [shared](beast::error_code ec, size_t bytes) { (*shared)(Result(ec, bytes)); });
      },
      asio::use_awaitable);
}

asio::awaitable<void> WebSocketSession::run(std::shared_ptr<WebSocketSession> keep_alive,
                                            std::unique_ptr<http::request<http::string_body>> upgrade) {
  static_cast<void>(keep_alive);  // a parameter lives in the frame
  // Everything that does not wait is in the functions around the loop:
  // GCC gives every local of a coroutine a place in its frame.
  ws_->configure(context_.options);
  beast::error_code ec = co_await ws_->accept(*upgrade);
  upgrade.reset();
  if (ec) co_return;
  opened();
  for (;;) {
    std::tie(ec, std::ignore) = co_await read_message();
    if (ec) break;
    std::optional<std::string> text = take_message();
    if (text) co_await handle_frame(*text);
  }
  closed();
}

void WebSocketSession::opened() {
  context_.metrics.websockets_open.fetch_add(1);
  context_.connections.add(this, *loop_);
  if (!context_.registry.add(this, weak_from_this(), client_ip_)) {
    close_with(kCloseTooMany, "too many WebSockets from this address");
  } else if (initial_session_) {
    chat::Session session = std::move(*initial_session_);
    initial_session_.reset();
    sign_in(session, session.token);
  } else {
    deadline_.expires_after(context_.options.auth_timeout);
    deadline_.async_wait([self = shared_from_this()](beast::error_code timer_ec) {
      if (!timer_ec && !self->user_) self->close_with(kCloseAuthTimeout, "authentication timeout");
    });
  }
}

std::optional<std::string> WebSocketSession::take_message() {
  std::string text = beast::buffers_to_string(read_buffer_.data());
  read_buffer_.consume(read_buffer_.size());
  read_buffer_.shrink_to_fit();       // an idle socket holds no read buffer (see SteppedFlatBuffer)
  if (closing_) return std::nullopt;  // draining until the close completes
  if (!ws_->got_text()) {
    send_error("invalid_argument", "send JSON text frames");
    return std::nullopt;
  }
  return text;
}

void WebSocketSession::closed() {
  if (read_buffer_.capacity() > 0) read_buffer_ = {};
  deadline_.cancel();
  writer_.drained().cancel();
  unsubscribe_all();
  leave_presence();
  context_.metrics.websockets_open.fetch_sub(1);
  context_.registry.remove(this);
  context_.connections.remove(this, *loop_);
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
    unsubscribe(*frame);
  } else if (*type == "send") {
    co_await send_message(*frame);
  } else if (*type == "typing") {
    co_await typing(*frame);
  } else if (*type == "watch_presence") {
    watch_presence(*frame);
  } else if (*type == "status") {
    set_status(*frame);
  } else {
    send_error("invalid_argument", "unknown type '" + *type + "'");
  }
}

void WebSocketSession::unsubscribe(const JsonObject& frame) {
  auto channels = frame.channel_list("channels");
  if (!channels.ok()) {
    send_error("invalid_argument", channels.error().message);
    return;
  }
  std::vector<std::string> ids;
  for (const auto& entry : *channels) {
    subscriptions_.erase(entry.id);
    context_.hub.unsubscribe(entry.id, this);
    ids.push_back(entry.id);
  }
  enqueue(unsubscribed_frame(ids));
}

asio::awaitable<void> WebSocketSession::send_message(const JsonObject& frame) {
  auto channel = frame.required_string("channel");
  auto maybe_text = frame.optional_string("text");  // may be empty with files
  chat::Result<std::string> text = maybe_text.ok() ? chat::Result<std::string>(maybe_text->value_or(""))
                                                   : chat::Result<std::string>(maybe_text.error());
  auto files = frame.string_array("files", 64);  // uploaded before (REST), by id
  auto client_message_id = frame.optional_string("client_message_id");
  auto thread_root = frame.optional_string("thread_root");
  auto also_in_channel = frame.optional_bool("also_in_channel", false);
  auto mentions = frame.string_array("mentions", 64);
  auto mention_channel = frame.optional_bool("mention_channel", false);
  auto mention_here = frame.optional_bool("mention_here", false);
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
  if (!thread_root.ok() || !also_in_channel.ok() || !mentions.ok() || !mention_channel.ok() ||
      !mention_here.ok() || !files.ok()) {
    const chat::Error& error = !thread_root.ok()       ? thread_root.error()
                               : !also_in_channel.ok() ? also_in_channel.error()
                               : !mentions.ok()        ? mentions.error()
                               : !mention_channel.ok() ? mention_channel.error()
                               : !files.ok()           ? files.error()
                                                       : mention_here.error();
    send_error("invalid_argument", error.message, cmid);
    co_return;
  }
  const std::string root = thread_root->value_or("");
  if (*also_in_channel && root.empty()) {
    send_error("invalid_argument", "also_in_channel needs a thread_root", cmid);
    co_return;
  }
  if (auto decision = context_.api.take_user_token(user_->id); !decision.allowed) {
    send_error("rate_limited", "too many messages, slow down", cmid, *channel);
    co_return;
  }
  const chat::User user = *user_;
  auto sent = co_await offload(context_.workers, [&] {
    return context_.api.chat().messages().send(
        user, *channel, *text,
        chat::MessageService::SendOptions{cmid, root, *also_in_channel && !root.empty(), &*mentions,
                                          *mention_channel, *mention_here, &*files});
  });
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
  api::write_message(w, sent->message);
  w.key("duplicate");
  w.boolean(sent->duplicate);
  w.end_object();
  enqueue(std::move(out));
}

void WebSocketSession::on_event(const SharedEvent& event) {
  if (closing_) return;
  if (is_presence_key(event->channel_id)) {
    enqueue(event->json);  // the hub delivers a user's presence only to the sockets watching them
    return;
  }
  if (event->kind == chat::ChannelEvent::Kind::kChannelAdded) {
    // Only ever delivered to this user's inbox (sign_in subscribed it).
    if (user_ && event->channel_id == chat::inbox_key(user_->id)) enqueue(event->json);
    return;
  }
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
    case ChannelSubscription::Action::kDropped:
    case ChannelSubscription::Action::kDuplicate:  // the replay sent it
      break;
    case ChannelSubscription::Action::kOverflow:
      context_.metrics.slow_consumer_closes.fetch_add(1);
      close_with(kCloseSlowConsumer, "slow consumer");
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

void WebSocketSession::enqueue(std::shared_ptr<const std::string> frame) {
  if (closing_) return;
  if (!writer_.push(std::move(frame), shared_from_this())) {
    context_.metrics.slow_consumer_closes.fetch_add(1);
    close_with(kCloseSlowConsumer, "slow consumer");
  }
}

void WebSocketSession::close(bool force) {
  if (force) {
    closing_ = true;
    writer_.stop();
    ws_->drop();
    return;
  }
  close_with(websocket::close_code::going_away, "server shutting down");
}

void WebSocketSession::close_with(uint16_t code, std::string reason) {
  if (closing_) return;
  closing_ = true;
  writer_.drained().cancel();
  // A slow consumer may never read the close frame queued behind its
  // backlog: if the close handshake has not finished in time, drop the socket.
  // (This replaces whatever the deadline timer was waiting for.)
  deadline_.expires_after(std::chrono::seconds(5));
  deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->ws_->drop();
  });
  websocket::close_reason why;
  why.code = code;
  why.reason = reason;
  ws_->async_close(why, [self = shared_from_this()](beast::error_code) {});
}

}  // namespace townhall::realtime
