// HttpSession: one HTTP/1.1 connection. Reads requests one at a time (a
// pipelined request waits in the buffer), answers each, keeps the connection
// alive, and hands it to a WebSocketSession when a request upgrades to /ws.
// Every read has a deadline; request handling that touches the store runs
// on the worker pool (see serve_request).
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <memory>

#include "api/server_context.h"
#include "net/connection_limiter.h"

namespace townhall::api {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  // slot: the connection's admission (ServerContext::limiter); it moves to
  // the WebSocketSession when the connection upgrades.
  HttpSession(boost::beast::tcp_stream stream, net::ConnectionLimiter::Slot slot, ServerContext& context);
  ~HttpSession();

  // Spawns the session's coroutine on its network thread.
  void start();
  // Shutdown: closes the connection now if it is between requests; a request
  // in progress is answered first (with Connection: close).
  void stop_if_idle();

 private:
  boost::asio::awaitable<void> run();

  boost::beast::tcp_stream stream_;
  net::ConnectionLimiter::Slot slot_;
  ServerContext& context_;
  bool in_request_ = false;  // the session's thread only
};

}  // namespace townhall::api
