// Server: the chat HTTP server. Listens on one address, runs the network
// threads (an io_context each; a connection lives on one) and a worker pool for
// the blocking chat calls, and serves the REST API, /ws, /healthz, /readyz,
// /metrics, /openapi.json and the embedded web page.
//
//   Metrics metrics;
//   Hub hub;
//   chat::ChatService chat(db, chat_options, &hub);
//   Server server(chat, hub, metrics, options);
//   TH_RETURN_IF_ERROR(server.start());     // listening once it returns
//   ... server.port() ...
//   server.stop();                          // graceful: see below
//
// chat, hub and metrics must outlive the server. start/stop are not
// thread-safe with each other; port() and address() are safe after start().
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "api/chat_api.h"
#include "api/hub.h"
#include "api/metrics.h"
#include "api/server_context.h"
#include "api/server_options.h"

namespace townhall::api {

// "127.0.0.1:8080", "[::1]:0", "0.0.0.0:80" -> endpoint; InvalidArgument otherwise.
chat::Result<boost::asio::ip::tcp::endpoint> parse_listen_address(const std::string& text);

class Server : public AccessSubscriber {
 public:
  Server(chat::ChatService& chat, Hub& hub, Metrics& metrics, ServerOptions options);
  ~Server() override;  // stop() if still running

  // Binds and starts serving. InvalidArgument for a bad address,
  // Unavailable when the port cannot be bound.
  chat::Status start();
  uint16_t port() const { return port_; }
  std::string address() const;  // "127.0.0.1:8080", with the bound port

  // Graceful: stops accepting, closes WebSockets with 1001, lets requests in
  // progress finish (idle keep-alive connections are closed), and waits for
  // it all up to options.drain_timeout before cutting what is left.
  void stop();

  ChatApi& api() { return api_; }

  // Events for these chat channels (empty: all) minted from since_ms on may
  // have been lost on the way from another node: every WebSocket subscribed
  // to them catches up from the table (see WebSocketSession::resync).
  // Thread-safe; the pubsub relay calls it.
  // Also: a logout may have been among the lost events, so cached sessions
  // are forgotten and every WebSocket rechecks its session.
  void resync(const std::vector<std::string>& channels, int64_t since_ms);

  // A session ended (on this node or another): forgets it and closes its
  // WebSockets. Called by the hub.
  void on_access(const chat::AccessEvent& event) override;

 private:
  void accept();
  void note_refusal(const boost::asio::ip::address& peer, net::ConnectionLimiter::Refusal why);

  ServerOptions options_;
  Metrics& metrics_;
  ChatApi api_;
  // One io_context per network thread, each run by its thread alone: a
  // connection lives on one of them (round robin), so its handlers never run
  // concurrently without a strand, and the hub's per-connection posts skip
  // the strand's queue and lock (fan-out posts one per subscriber per event).
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  size_t next_context_ = 0;  // the accept handler's only: one thread
  // Keep the network threads running while sessions wait on the worker
  // pool (those waits are not I/O an io_context can see); released at stop.
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> keep_running_;
  boost::asio::thread_pool workers_;
  std::unique_ptr<ServerContext> context_;
  std::optional<boost::asio::ip::tcp::acceptor> acceptor_;
  Hub& hub_;
  std::chrono::steady_clock::time_point last_refusal_log_{};  // the accept handler's only
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  std::string host_;
  bool running_ = false;
};

}  // namespace townhall::api
