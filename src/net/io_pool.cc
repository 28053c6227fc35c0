#include "net/io_pool.h"

#include <spdlog/spdlog.h>

namespace townhall::net {

IoPool::IoPool(unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < threads; ++i) loops_.push_back(std::make_unique<boost::asio::io_context>(1));
}

IoPool::~IoPool() { stop(); }

void IoPool::start() {
  if (running_) return;
  running_ = true;
  for (auto& loop : loops_) {
    loop->restart();
    keep_running_.push_back(boost::asio::make_work_guard(*loop));
  }
  for (auto& loop : loops_) {
    threads_.emplace_back([io = loop.get()] {
      for (;;) {
        try {
          io->run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("network thread: unexpected exception: {}", e.what());
        }
      }
    });
  }
}

void IoPool::stop() {
  if (!running_) return;
  running_ = false;
  keep_running_.clear();
  for (auto& loop : loops_) loop->stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

boost::asio::io_context& IoPool::next() {
  return *loops_[next_.fetch_add(1, std::memory_order_relaxed) % loops_.size()];
}

size_t IoPool::index_of(const boost::asio::io_context& loop) const {
  for (size_t i = 0; i < loops_.size(); ++i) {
    if (loops_[i].get() == &loop) return i;
  }
  return loops_.size();
}

}  // namespace townhall::net
