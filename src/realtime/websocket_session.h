// WebSocketSession: one client on /ws (the protocol: docs/websocket.md).
// Client frames are read one at a time by the session's coroutine (auth,
// subscribe, unsubscribe, send, ping); events from the hub arrive on the
// session's loop (Hub batches them per loop) or through deliver() from any
// thread, and go out through its FrameWriter. Heartbeats: Beast pings after
// one ping interval of silence and closes the connection after two.
//
// Where each job lives:
//   websocket_session.cc  the lifecycle, the read loop, frames, sends, live events
//   websocket_replay.cc   subscribe and resync: catching up from the table
//   websocket_access.cc   signing in, session expiry, rechecks, logouts
//   websocket_typing.cc   "is typing…"
//   websocket_presence.cc online/away, whose presence the socket watches
//   frame_writer.h        the outgoing queue, batching, slow consumers
//
// Access: a socket lives no longer than its session. It closes with 4003
// when the session ends (a logout, on any node: the registry finds it by the
// token's hash) or expires; it leaves a private channel's subscription when
// its user leaves or is removed (the member.left event); and every
// recheck_interval it rechecks both against the store, in case an event was
// lost between nodes.
//
// Thread-safety: the public methods may be called from any thread; all
// state is touched on the session's loop only.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/json.h"
#include "net/connection_limiter.h"
#include "net/connection_set.h"
#include "realtime/channel_subscription.h"
#include "realtime/frame_writer.h"
#include "realtime/hub.h"
#include "realtime/socket_context.h"
#include "realtime/stepped_flat_buffer.h"
#include "realtime/websocket_stream.h"

namespace townhall::realtime {

using api::JsonObject;

class WebSocketSession : public Subscriber,
                         public net::Connection,
                         public std::enable_shared_from_this<WebSocketSession> {
 public:
  // session: set when the upgrade request carried a valid token or cookie
  // (with Session::token set, for its hash). slot: the connection's
  // admission; batch: the client asked for batched frames. stream: ws:// or
  // wss:// (make_websocket_stream).
  WebSocketSession(std::unique_ptr<WebSocketStream> stream, net::ConnectionLimiter::Slot slot,
                   SocketContext& context, std::string client_ip, std::optional<chat::Session> session,
                   bool batch);
  ~WebSocketSession() override;

  // Completes the handshake for the upgrade request and runs the session.
  void start(boost::beast::http::request<boost::beast::http::string_body> upgrade);

  // Thread-safe, non-blocking: queues the event for this client.
  void deliver(const SharedEvent& event) override;
  // The loop the session lives on; the hub batches deliveries per loop.
  boost::asio::io_context* loop() override { return loop_; }
  void deliver_on_loop(const SharedEvent& event) override { on_event(event); }

  // The server stops: force false says goodbye (1001), true drops the socket. On the loop.
  void close(bool force) override;
  // The session signed out: closes with 4003. Thread-safe.
  void end_session();
  // Rechecks the session and the private subscriptions against the store
  // now (events may have been lost between nodes). Thread-safe.
  void recheck_soon();
  // Events for these channels (empty: all) minted from since_ms on may have
  // been lost between nodes: each subscription catches up from the table
  // (ChannelSubscription::resync_needs), starting within a random delay of up
  // to `jitter` (so that a node's sessions do not all query the store at
  // once). Thread-safe.
  void resync(std::vector<std::string> channels, int64_t since_ms, std::chrono::milliseconds jitter);

 private:
  // websocket_session.cc
  // The session's one coroutine, as long as the socket is open. Its frame
  // is most of what an idle socket holds besides Beast's stream, so it
  // keeps the upgrade request only until the handshake is done, and waits
  // for messages without a coroutine of the stream's own (read_message).
  // keep_alive: the session lives as long as its coroutine.
  boost::asio::awaitable<void> run(
      std::shared_ptr<WebSocketSession> keep_alive,
      std::unique_ptr<boost::beast::http::request<boost::beast::http::string_body>> upgrade);
  // The next message, into read_buffer_: resumes run() from the stream's callback.
  auto read_message();
  // run()'s steps that do not wait: after the handshake, each message read
  // (nullopt: nothing to handle), after the socket closed.
  void opened();
  std::optional<std::string> take_message();
  void closed();
  boost::asio::awaitable<void> handle_frame(const std::string& text);
  void unsubscribe(const JsonObject& frame);
  boost::asio::awaitable<void> send_message(const JsonObject& frame);
  void on_event(const SharedEvent& event);
  void enqueue(std::shared_ptr<const std::string> frame);
  void enqueue(std::string frame) { enqueue(std::make_shared<const std::string>(std::move(frame))); }
  void send_error(std::string_view code, std::string_view message, std::string_view client_message_id = {},
                  std::string_view channel = {});
  // An error frame for a chat error; internal details go to the log under
  // an id, the client gets the id only.
  void send_chat_error(const chat::Error& error, std::string_view client_message_id = {},
                       std::string_view channel = {});
  void close_with(uint16_t code, std::string reason);

  // websocket_replay.cc
  boost::asio::awaitable<void> subscribe(const JsonObject& frame);
  // resync_since: a resync of the subscription (events minted from then on), not a client's subscribe.
  boost::asio::awaitable<void> subscribe_one(const std::string& channel_id, const std::string& after,
                                             std::optional<int64_t> resync_since = std::nullopt);
  boost::asio::awaitable<void> resync_one(std::string channel_id, int64_t since_ms,
                                          std::chrono::milliseconds delay);
  boost::asio::awaitable<void> wait_for_room();
  void unsubscribe_all();

  // websocket_typing.cc
  boost::asio::awaitable<void> typing(const JsonObject& frame);

  // websocket_presence.cc
  void watch_presence(const JsonObject& frame);
  void set_status(const JsonObject& frame);
  // The socket ends: it stops counting for its user and watching others.
  void leave_presence();

  // websocket_access.cc
  boost::asio::awaitable<void> authenticate(const JsonObject& frame);
  // Signs the socket in: registers it under its user (false, and closed,
  // over the per-user cap), arms the expiry and the rechecks.
  bool sign_in(const chat::Session& session, const std::string& token);
  void arm_recheck();
  boost::asio::awaitable<void> recheck_and_rearm();
  boost::asio::awaitable<void> recheck();
  // Drops a subscription whose channel the user may no longer read, telling the client why.
  void end_subscription(const std::string& channel_id, std::string_view reason);

  std::unique_ptr<WebSocketStream> ws_;
  boost::asio::io_context* loop_;  // ws_'s
  net::ConnectionLimiter::Slot slot_;
  SocketContext& context_;
  const std::string client_ip_;
  std::unique_ptr<chat::Session> initial_session_;  // from the upgrade, until run() signs in with it
  std::optional<chat::User> user_;
  std::string token_hash_;  // the session's, once signed in
  std::chrono::system_clock::time_point session_expires_at_;
  SteppedFlatBuffer read_buffer_;
  FrameWriter writer_;
  bool closing_ = false;
  std::map<std::string, ChannelSubscription> subscriptions_;
  std::vector<std::string> watched_;  // the users whose presence this socket hears
  uint64_t next_generation_ = 1;
  // One timer for the socket's one deadline at a time: the auth timeout
  // before sign-in, then the next recheck (or the session's expiry), then
  // the close handshake's limit. One timer per socket, not three.
  boost::asio::steady_timer deadline_;
};

}  // namespace townhall::realtime
