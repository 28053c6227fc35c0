#include "client/connection_pool.h"

namespace townhall::client {

ConnectionPool::Lease::Lease(ConnectionPool* pool, std::unique_ptr<HttpConnection> connection, bool reused)
    : pool_(pool), connection_(std::move(connection)), reused_(reused) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), connection_(std::move(other.connection_)), reused_(other.reused_) {
  other.pool_ = nullptr;
}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->release(std::move(connection_));
}

ConnectionPool::ConnectionPool(Endpoint endpoint, boost::asio::ssl::context* tls_context, PoolOptions options)
    : endpoint_(std::move(endpoint)), tls_context_(tls_context), options_([&] {
        if (options.max_connections == 0) options.max_connections = 1;
        return options;
      }()) {}

ConnectionPool::~ConnectionPool() = default;

TransportResult<ConnectionPool::Lease> ConnectionPool::acquire(bool fresh, std::chrono::milliseconds wait) {
  std::vector<std::unique_ptr<HttpConnection>> stale;  // closed outside the lock
  {
    std::unique_lock lock(mutex_);
    auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
      auto now = std::chrono::steady_clock::now();
      while (!idle_.empty() && (fresh || now - idle_.back()->last_used() > options_.max_idle)) {
        stale.push_back(std::move(idle_.back()));
        idle_.pop_back();
        --open_;
      }
      if (!idle_.empty()) {
        auto connection = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(connection), /*reused=*/true);
      }
      if (open_ < options_.max_connections) {
        ++open_;  // reserve the slot, then connect without the lock
        break;
      }
      if (slot_freed_.wait_until(lock, deadline) == std::cv_status::timeout) {
        return TransportError{TransportError::Kind::kTimeout,
                              "All " + std::to_string(options_.max_connections) + " connections to " +
                                  endpoint_.host_header() + " stayed busy",
                              true};
      }
    }
  }
  stale.clear();
  auto opened = HttpConnection::open(endpoint_, tls_context_, options_.connect_timeout);
  if (!opened.ok()) {
    std::lock_guard lock(mutex_);
    --open_;
    slot_freed_.notify_one();
    return std::move(opened).error();
  }
  return Lease(this, std::move(opened).value(), /*reused=*/false);
}

void ConnectionPool::release(std::unique_ptr<HttpConnection> connection) {
  std::unique_ptr<HttpConnection> discarded;
  {
    std::lock_guard lock(mutex_);
    if (connection && connection->reusable()) {
      idle_.push_back(std::move(connection));
    } else {
      discarded = std::move(connection);
      --open_;
    }
  }
  slot_freed_.notify_one();
}

size_t ConnectionPool::open_connections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

size_t ConnectionPool::idle_connections() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

TransportResult<HttpResponse> ConnectionPool::exchange(const HttpRequest& request,
                                                       std::chrono::milliseconds timeout) {
  auto lease = acquire(/*fresh=*/false, timeout);
  if (!lease.ok()) return std::move(lease).error();
  auto response = (*lease)->exchange(request, timeout);
  if (response.ok() || !lease->reused() || !response.error().nothing_received) return response;
  { auto discard = std::move(lease).value(); }
  auto fresh = acquire(/*fresh=*/true, timeout);
  if (!fresh.ok()) return std::move(fresh).error();
  return (*fresh)->exchange(request, timeout);
}

ddb::Result<std::unique_ptr<boost::asio::ssl::context>> make_tls_context(const std::string& ca_bundle) {
  namespace asio = boost::asio;
  auto tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
  boost::system::error_code ec;
  tls->set_default_verify_paths(ec);
  if (ec) return ddb::Error::Validation("Cannot load the system CA certificates: " + ec.message());
  if (!ca_bundle.empty()) {
    tls->load_verify_file(ca_bundle, ec);
    if (ec) return ddb::Error::Validation("Cannot load the CA bundle " + ca_bundle + ": " + ec.message());
  }
  tls->set_verify_mode(asio::ssl::verify_peer);
  return tls;
}

}  // namespace townhall::client
