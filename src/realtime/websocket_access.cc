#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/offload.h"
#include "realtime/close_codes.h"
#include "realtime/frames.h"
#include "realtime/websocket_session.h"

namespace townhall::realtime {
namespace asio = boost::asio;
namespace beast = boost::beast;
using api::offload;

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

bool WebSocketSession::sign_in(const chat::Session& session, const std::string& token) {
  std::string token_hash = chat::session_token_hash(token);
  if (!context_.registry.bind(this, session.user.id, token_hash)) {
    close_with(kCloseTooMany, "too many WebSockets for this user");
    return false;
  }
  user_ = session.user;
  token_hash_ = std::move(token_hash);
  session_expires_at_ = std::chrono::system_clock::time_point(std::chrono::seconds(session.expires_at));
  arm_recheck();
  // The user's own events (added to a channel or a conversation) on every socket of theirs.
  context_.hub.subscribe(chat::inbox_key(user_->id), shared_from_this());
  context_.presence.open(user_->id, this);
  enqueue(ready_frame(*user_));
  return true;
}

void WebSocketSession::end_session() {
  asio::post(ws_->get_executor(),
             [self = shared_from_this()] { self->close_with(kCloseSessionEnded, "signed out"); });
}

void WebSocketSession::recheck_soon() {
  asio::post(ws_->get_executor(), [self = shared_from_this()] {
    if (self->closing_ || !self->user_) return;
    asio::co_spawn(
        self->ws_->get_executor(), [self] { return self->recheck(); }, asio::detached);
  });
}

// One pending timer per socket, not a suspended coroutine, until the next
// recheck or the session's expiry, whichever comes first: an idle socket's
// wait costs a timer entry, not a coroutine frame.
void WebSocketSession::arm_recheck() {
  if (closing_) return;
  const auto interval = context_.options.recheck_interval;
  auto until_expiry = session_expires_at_ - std::chrono::system_clock::now();
  auto wait = interval.count() > 0 ? std::min<std::chrono::system_clock::duration>(interval, until_expiry)
                                   : until_expiry;
  deadline_.expires_after(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(wait));  // ends the auth wait
  deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closing_) return;
    if (std::chrono::system_clock::now() >= self->session_expires_at_) {
      self->close_with(kCloseSessionEnded, "session expired");  // it ends with its session
      return;
    }
    asio::co_spawn(
        self->ws_->get_executor(), [self] { return self->recheck_and_rearm(); }, asio::detached);
  });
}

asio::awaitable<void> WebSocketSession::recheck_and_rearm() {
  co_await recheck();
  arm_recheck();
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
    if (session.error().code == chat::Code::kUnauthenticated) close_with(kCloseSessionEnded, "signed out");
    co_return;  // the store did not answer: keep the socket, try again next time
  }
  // The user as the store has them now: a new role takes effect on this
  // socket too, and the client learns it (its controls follow the role).
  const bool role_changed = user_->role != session->user.role;
  user_ = session->user;
  if (role_changed) enqueue(user_updated_frame(*user_));
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
  enqueue(unsubscribed_frame({channel_id}, reason));
}

}  // namespace townhall::realtime
