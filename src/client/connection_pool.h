// ConnectionPool: keep-alive connections to one endpoint, shared by many
// threads, bounded in number.
//
// acquire() hands out an idle connection (the most recently used: the least
// likely to have been closed by the server) or opens a new one while fewer
// than max_connections exist; otherwise it waits for a release. Idle
// connections older than max_idle are closed rather than reused.
//
// Thread-safety: acquire() and the Lease are safe to use from any thread; a
// leased connection belongs to its holder until the Lease is destroyed.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "client/endpoint.h"
#include "client/http_connection.h"

namespace townhall::client {

struct PoolOptions {
  size_t max_connections = 64;
  std::chrono::milliseconds connect_timeout{3'000};
  std::chrono::milliseconds max_idle{30'000};
};

class ConnectionPool {
 public:
  // tls_context: REQUIRES non-null when endpoint.tls; must outlive the pool.
  ConnectionPool(Endpoint endpoint, boost::asio::ssl::context* tls_context, PoolOptions options);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A connection for one exchange; back to the pool (if still reusable) when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    HttpConnection& operator*() const { return *connection_; }
    HttpConnection* operator->() const { return connection_.get(); }
    // True when the connection had served an earlier request.
    bool reused() const { return reused_; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<HttpConnection> connection, bool reused);
    ConnectionPool* pool_;
    std::unique_ptr<HttpConnection> connection_;
    bool reused_;
  };

  // fresh: skip idle connections and open a new one. Waits at most `wait` for
  // a free slot when max_connections are all busy (a kTimeout error then).
  TransportResult<Lease> acquire(bool fresh, std::chrono::milliseconds wait);

  // One exchange on a pooled connection. When a reused idle connection
  // turns out closed by the server before anything came back, it is tried
  // once more on a new connection at once (not a failed attempt).
  TransportResult<HttpResponse> exchange(const HttpRequest& request, std::chrono::milliseconds timeout);

  const Endpoint& endpoint() const { return endpoint_; }
  // For tests and metrics.
  size_t open_connections() const;
  size_t idle_connections() const;

 private:
  void release(std::unique_ptr<HttpConnection> connection);

  const Endpoint endpoint_;
  boost::asio::ssl::context* const tls_context_;
  const PoolOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable slot_freed_;
  std::vector<std::unique_ptr<HttpConnection>> idle_;  // GUARDED_BY(mutex_); most recently used last
  size_t open_ = 0;                                    // GUARDED_BY(mutex_); idle + leased + opening
};

// A TLS client context: TLS 1.2 or later, the system's CAs and ca_bundle's
// (a PEM file; empty: none), peers verified (host names by each connection).
ddb::Result<std::unique_ptr<boost::asio::ssl::context>> make_tls_context(const std::string& ca_bundle);

}  // namespace townhall::client
