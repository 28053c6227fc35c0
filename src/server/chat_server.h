// ChatServer: the chat port. One listener on the process's IoPool, whose
// HTTP sessions (net) are answered by api's HttpFrontend (REST, health,
// metrics, the web page), and whose upgrades to /ws become realtime's
// WebSocket sessions. It also ends a session's sockets when the session
// ends on any node (the hub's access events) and makes its sockets catch
// up when events were lost between nodes (resync).
//
//   net::IoPool pool(threads);  pool.start();
//   ChatServer server(pool, chat, hub, presence, metrics, options);
//   TH_RETURN_IF_ERROR(server.start());     // listening once it returns
//   ... server.address() ...
//   server.stop();                          // graceful: see below
//   pool.stop();
//
// chat, hub, presence, metrics and the pool must outlive the server. start/stop are
// not thread-safe with each other; address() is safe after start().
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/chat_api.h"
#include "api/http_frontend.h"
#include "api/metrics.h"
#include "net/connection_set.h"
#include "net/http_session.h"
#include "net/https_redirect.h"
#include "net/io_pool.h"
#include "net/listener.h"
#include "realtime/hub.h"
#include "realtime/socket_context.h"
#include "realtime/websocket_registry.h"
#include "server/chat_server_options.h"

namespace townhall::server {

class ChatServer : public net::HttpService, public realtime::AccessSubscriber {
 public:
  ChatServer(net::IoPool& pool, chat::ChatService& chat, realtime::Hub& hub, realtime::Presence& presence,
             api::Metrics& metrics, ChatServerOptions options);
  ~ChatServer() override;  // stop() if still running

  // Binds and starts accepting. InvalidArgument for a bad address,
  // Unavailable when the port cannot be bound.
  chat::Status start();
  std::string address() const { return listener_.address(); }  // "127.0.0.1:8080", with the bound port
  uint16_t port() const { return listener_.local_endpoint().port(); }
  // "https" when the port speaks TLS, else "http".
  const char* scheme() const { return options_.tls ? "https" : "http"; }
  // The plain-HTTP redirect's bound address; empty without --redirect-http.
  std::string redirect_address() const { return redirect_ ? redirect_->address() : std::string(); }

  // Graceful: stops accepting, closes WebSockets with 1001, lets requests in
  // progress finish (idle keep-alive connections are closed), and waits for
  // it all up to drain_timeout before cutting what is left.
  void stop();

  api::ChatApi& api() { return api_; }

  // Events for these chat channels (empty: all) minted from since_ms on may
  // have been lost on the way from another node: every WebSocket subscribed
  // to them catches up from the table, and, since a logout may have been
  // among them, cached sessions are forgotten and every socket rechecks its
  // session. Thread-safe; the relay calls it.
  void resync(const std::vector<std::string>& channels, int64_t since_ms);

  // A session ended (on this node or another): forgets it and closes its WebSockets.
  void on_access(const chat::AccessEvent& event) override;

  // net::HttpService
  boost::asio::awaitable<net::HttpResponse> serve(net::HttpRequest& request, const net::Peer& peer) override;
  net::HttpResponse refuse(int status, unsigned version) override;
  size_t body_limit(const net::HttpRequest& head) const override;
  net::HttpResponse refuse_body(const net::HttpRequest& head, size_t limit) override;
  boost::asio::awaitable<std::optional<net::HttpResponse>> upgrade(boost::beast::tcp_stream& stream,
                                                                   net::ConnectionLimiter::Slot& slot,
                                                                   net::HttpRequest& request,
                                                                   const net::Peer& peer) override;
  boost::asio::awaitable<std::optional<net::HttpResponse>> upgrade_tls(net::TlsStream& stream,
                                                                       net::ConnectionLimiter::Slot& slot,
                                                                       net::HttpRequest& request,
                                                                       const net::Peer& peer) override;

 private:
  ChatServerOptions options_;
  net::IoPool& pool_;
  realtime::Hub& hub_;
  api::Metrics& metrics_;
  api::ChatApi api_;
  boost::asio::thread_pool workers_;
  std::atomic<bool> stopping_{false};
  api::HttpFrontend frontend_;
  net::ConnectionSet connections_;
  realtime::WebSocketRegistry registry_;
  realtime::SocketContext sockets_;
  net::HttpServerState http_state_;
  net::Listener listener_;
  std::unique_ptr<net::HttpsRedirect> redirect_;  // with options_.redirect_http
  bool running_ = false;
};

}  // namespace townhall::server
