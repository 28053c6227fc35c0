// Session: one client connection, as a coroutine on one network thread:
// read a request (with a deadline), answer it, write the answer, repeat while
// the client keeps the connection alive. Requests on a connection are
// answered one at a time and in order, so pipelined requests are safe.
//
// Thread-safety: a Session and its Worker's registry are touched only on the
// Worker's thread.
#pragma once

#include <utility>  // before Boost 1.74 awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <unordered_set>

#include "net/connection_limiter.h"
#include "wire/request_handler.h"
#include "wire/server.h"

namespace townhall::wire {

class Session;

// What every connection of one server shares.
struct SharedState {
  SharedState(HandlerContext handler, const ServerOptions& options)
      : handler(handler), options(options), limiter(options.limits, options.budget) {}
  HandlerContext handler;
  const ServerOptions& options;
  net::ConnectionLimiter limiter;
  boost::asio::thread_pool* store_pool = nullptr;  // nullptr: handle on the network thread
  std::atomic<bool> stopping{false};
  std::atomic<size_t> connections{0};  // sessions alive, for stop()'s drain
};

// One network thread: its event loop and the sessions living on it.
struct Worker {
  std::unordered_set<Session*> sessions;  // declared first: destroyed after the loop's pending coroutines
  boost::asio::io_context context{1};
};

// Serves the connection until it closes. Runs on worker's thread.
boost::asio::awaitable<void> serve_connection(boost::asio::ip::tcp::socket socket,
                                              net::ConnectionLimiter::Slot slot, SharedState& shared,
                                              Worker& worker);

// On worker's thread: closes connections waiting for a request (all of them when force).
void close_sessions(Worker& worker, bool force);

}  // namespace townhall::wire
