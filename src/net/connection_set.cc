#include "net/connection_set.h"

#include <boost/asio/post.hpp>

#include <thread>

namespace townhall::net {

ConnectionSet::ConnectionSet(IoPool& pool) : pool_(pool), per_loop_(pool.size()) {}

void ConnectionSet::add(Connection* connection, boost::asio::io_context& loop) {
  per_loop_[pool_.index_of(loop)].insert(connection);
  count_.fetch_add(1, std::memory_order_acq_rel);
}

void ConnectionSet::remove(Connection* connection, boost::asio::io_context& loop) {
  if (per_loop_[pool_.index_of(loop)].erase(connection)) count_.fetch_sub(1, std::memory_order_acq_rel);
}

void ConnectionSet::close_all(bool force) {
  for (size_t i = 0; i < pool_.size(); ++i) {
    boost::asio::post(pool_.loop(i), [this, i, force] {
      // close() may end a connection at once (and remove it): walk a copy.
      std::vector<Connection*> connections(per_loop_[i].begin(), per_loop_[i].end());
      for (Connection* connection : connections) {
        if (per_loop_[i].count(connection)) connection->close(force);
      }
    });
  }
}

bool ConnectionSet::wait_empty(std::chrono::milliseconds limit) const {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (size() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return size() == 0;
}

}  // namespace townhall::net
