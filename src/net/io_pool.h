// IoPool: the network threads. One io_context per thread, each run by that
// thread alone, so a connection (which lives on one loop for its whole life)
// needs no strand: its handlers are serialized by construction, and the
// realtime hub can hand a loop one task for all of its subscribers. `townhall
// serve` runs one pool for both of its listeners (the chat and the DynamoDB
// endpoint), so the process has one set of loops, not one per protocol.
//
//   IoPool pool(0);          // one loop per core
//   pool.start();
//   ... listeners and connections post work to pool.next() ...
//   pool.stop();             // after the servers drained
//
// Thread-safety: next(), loop(), size() and index_of() from any thread once
// constructed; start() and stop() not concurrently with each other.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace townhall::net {

class IoPool {
 public:
  // threads 0: one per core.
  explicit IoPool(unsigned threads);
  ~IoPool();  // stop()
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  // Runs each loop on its thread; a handler that throws is logged and its
  // loop goes on. Idempotent.
  void start();
  // Lets the loops finish, stops them and joins the threads. Servers stop
  // (drain) first: what is still queued then is dropped. Idempotent.
  void stop();

  // The loop the next connection lives on (round robin).
  boost::asio::io_context& next();
  boost::asio::io_context& loop(size_t index) { return *loops_[index]; }
  size_t size() const { return loops_.size(); }
  // The index of a loop of this pool; size() for any other io_context.
  size_t index_of(const boost::asio::io_context& loop) const;

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> loops_;
  // Keep the loops running while connections wait on worker pools (not I/O
  // an io_context can see); released at stop.
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> keep_running_;
  std::vector<std::thread> threads_;
  std::atomic<size_t> next_{0};
  bool running_ = false;
};

}  // namespace townhall::net
