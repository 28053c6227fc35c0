// Session: one client connection, as a coroutine on one network thread:
// read a request (with a deadline), answer it, write the answer, repeat while
// the client keeps the connection alive. Requests on a connection are
// answered one at a time and in order, so pipelined requests are safe.
//
// Thread-safety: a Session is touched only on its loop's thread (the
// server's ConnectionSet calls close() there).
#pragma once

#include <utility>  // before Boost 1.74 awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>

#include "net/connection_limiter.h"
#include "net/connection_set.h"
#include "wire/request_handler.h"
#include "wire/server.h"

namespace townhall::wire {

// What every connection of one server shares.
struct SharedState {
  SharedState(HandlerContext handler, const ServerOptions& options, net::ConnectionSet& connections)
      : handler(handler), options(options), connections(connections) {}
  HandlerContext handler;
  const ServerOptions& options;
  net::ConnectionSet& connections;
  boost::asio::thread_pool* store_pool = nullptr;  // nullptr: handle on the network thread
  std::atomic<bool> stopping{false};
};

// Serves the connection until it closes, on the socket's loop.
boost::asio::awaitable<void> serve_connection(boost::asio::ip::tcp::socket socket,
                                              net::ConnectionLimiter::Slot slot, SharedState& shared);

}  // namespace townhall::wire
