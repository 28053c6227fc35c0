// ConnectionSet: the live connections of one server, for its graceful stop.
// Each connection registers on its own loop's thread and is only ever
// touched there, so closing one never races with its own handlers: close_all
// posts one task per loop that walks that loop's connections.
//
//   connection.start():  set.add(this, loop)      (on loop)
//   connection end:      set.remove(this, loop)   (on loop)
//   server.stop():       set.close_all(false); set.wait_empty(drain);
//                        set.close_all(true);  set.wait_empty(...)
//
// Thread-safety: add/remove on the connection's loop thread; the rest from any thread.
#pragma once

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <unordered_set>
#include <vector>

#include "net/io_pool.h"

namespace townhall::net {

// A connection a server can ask to go away.
class Connection {
 public:
  virtual ~Connection() = default;
  // On the connection's loop. force false: finish the request in progress
  // (answering with Connection: close), close an idle one, say goodbye on a
  // WebSocket (1001); force true: close now.
  virtual void close(bool force) = 0;
};

class ConnectionSet {
 public:
  explicit ConnectionSet(IoPool& pool);

  void add(Connection* connection, boost::asio::io_context& loop);
  void remove(Connection* connection, boost::asio::io_context& loop);

  // Asks every connection to close (see Connection::close); returns at once.
  void close_all(bool force);
  size_t size() const { return count_.load(std::memory_order_acquire); }
  // Sleeps until no connection is left or the time is up; true when empty.
  bool wait_empty(std::chrono::milliseconds limit) const;

 private:
  IoPool& pool_;
  // One set per loop of the pool, touched on that loop's thread only.
  std::vector<std::unordered_set<Connection*>> per_loop_;
  std::atomic<size_t> count_{0};
};

}  // namespace townhall::net
