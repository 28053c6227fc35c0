// The typing frame, {"type":"typing","channel":"<id>"}: "Alice is typing…"
// for everyone watching the channel, on every node. Ephemeral: nothing is
// written to the table, nothing is replayed, a catch-up drops it. Accepted
// on a channel this socket is subscribed to, from a member (checked in the
// store: typing is posting), at most one per channel every 3 s per socket;
// the excess is dropped without an answer.
#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include "api/offload.h"
#include "realtime/websocket_session.h"

namespace townhall::realtime {
namespace asio = boost::asio;
using api::offload;

asio::awaitable<void> WebSocketSession::typing(const JsonObject& frame) {
  auto channel = frame.required_string("channel");
  if (!channel.ok()) {
    send_error("invalid_argument", channel.error().message);
    co_return;
  }
  auto subscription = subscriptions_.find(*channel);
  if (subscription == subscriptions_.end()) {
    send_error("invalid_argument", "subscribe to a channel before typing in it", {}, *channel);
    co_return;
  }
  if (!subscription->second.take_typing(std::chrono::steady_clock::now())) co_return;
  const chat::User user = *user_;
  const std::string channel_id = *channel;
  auto member = co_await offload(
      context_.workers, [&] { return context_.api.chat().channels().authorize_read(user, channel_id); });
  if (closing_) co_return;
  if (!member.ok()) {
    send_chat_error(member.error(), {}, channel_id);
    co_return;
  }
  if (!*member) {
    send_error("permission_denied", "join channel " + channel_id + " to post in it", {}, channel_id);
    co_return;
  }
  chat::ChannelEvent event{chat::ChannelEvent::Kind::kTyping, channel_id, std::nullopt,
                           chat::Member{user.id, user.name, {}, {}}, std::nullopt};
  context_.hub.publish(event);
}

}  // namespace townhall::realtime
