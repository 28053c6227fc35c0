#include "wire/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <thread>

#include "wire/session.h"

namespace townhall::wire {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

class DynamoDbServer::Impl {
 public:
  Impl(ddb::Database& database, ServerOptions options)
      : options_(std::move(options)),
        shared_{HandlerContext{database, options_.keys ? &*options_.keys : nullptr, options_.region,
                               &options_.hosts},
                options_} {}

  ~Impl() { stop(); }

  ddb::Status start();
  void stop();

  uint16_t port() const { return bound_.port(); }
  std::string endpoint() const {
    std::string host = bound_.address().to_string();
    if (bound_.address().is_v6()) host = "[" + host + "]";
    return host + ":" + std::to_string(bound_.port());
  }

 private:
  asio::awaitable<void> accept_loop();
  void wait_for_connections(std::chrono::milliseconds limit);
  // Logs a refused connection, at most once a minute (a flood must not flood the log too).
  void note_refusal(const net::IpAddress& peer, net::ConnectionLimiter::Refusal why);

  ServerOptions options_;
  SharedState shared_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  std::unique_ptr<asio::thread_pool> store_pool_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  tcp::endpoint bound_;
  size_t next_worker_ = 0;
  std::chrono::steady_clock::time_point last_refusal_log_{};
  bool running_ = false;
};

ddb::Status DynamoDbServer::Impl::start() {
  if (running_) return ddb::Error::Internal("the server is already running");
  error_code ec;
  auto address = asio::ip::make_address(options_.address, ec);
  if (ec) return ddb::Error::Validation("invalid listen address '" + options_.address + "': " + ec.message());

  unsigned io_threads =
      options_.io_threads ? options_.io_threads : std::max(1u, std::thread::hardware_concurrency());
  workers_.clear();
  for (unsigned i = 0; i < io_threads; ++i) workers_.push_back(std::make_unique<Worker>());

  acceptor_ = std::make_unique<tcp::acceptor>(workers_[0]->context);
  tcp::endpoint endpoint(address, options_.port);
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) bound_ = acceptor_->local_endpoint(ec);
  if (ec) {
    acceptor_.reset();
    workers_.clear();
    return ddb::Error::Internal("cannot listen on " + options_.address + ":" + std::to_string(options_.port) +
                                ": " + ec.message());
  }

  if (options_.store_threads > 0) {
    store_pool_ = std::make_unique<asio::thread_pool>(options_.store_threads);
    shared_.store_pool = store_pool_.get();
  }
  shared_.stopping = false;
  asio::co_spawn(workers_[0]->context, accept_loop(), asio::detached);
  for (auto& worker : workers_) {
    guards_.push_back(asio::make_work_guard(worker->context));
    threads_.emplace_back([w = worker.get()] { w->context.run(); });
  }
  running_ = true;
  return ddb::Status::Ok();
}

asio::awaitable<void> DynamoDbServer::Impl::accept_loop() {
  error_code ec;
  while (acceptor_->is_open()) {
    Worker& worker = *workers_[next_worker_++ % workers_.size()];
    tcp::socket socket(worker.context);
    co_await acceptor_->async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_->is_open()) break;
    if (ec) {
      // Out of file descriptors or a connection reset before accept: back off briefly, keep listening.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer timer(acceptor_->get_executor(), std::chrono::milliseconds(10));
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    auto peer = socket.remote_endpoint(ec);
    net::ConnectionLimiter::Refusal why{};
    auto slot = ec ? std::nullopt : shared_.limiter.try_acquire(peer.address(), &why);
    if (!slot) {
      if (!ec) note_refusal(peer.address(), why);
      socket.close(ec);
      continue;
    }
    shared_.connections.fetch_add(1, std::memory_order_relaxed);
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(worker.context, serve_connection(std::move(socket), std::move(*slot), shared_, worker),
                   asio::detached);
  }
}

void DynamoDbServer::Impl::note_refusal(const net::IpAddress& peer, net::ConnectionLimiter::Refusal why) {
  auto now = std::chrono::steady_clock::now();
  if (now - last_refusal_log_ < std::chrono::minutes(1)) return;
  last_refusal_log_ = now;
  const auto& limits = options_.limits;
  spdlog::warn("DynamoDB endpoint: refusing connections ({} from {}; {} refused so far)",
               why == net::ConnectionLimiter::Refusal::kPerAddress
                   ? "over " + std::to_string(limits.max_per_address) + " per address"
               : why == net::ConnectionLimiter::Refusal::kTotal
                   ? "over " + std::to_string(limits.max_total) + " in all"
                   : std::string("out of descriptors for sockets"),
               peer.to_string(), shared_.limiter.refused());
}

void DynamoDbServer::Impl::wait_for_connections(std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (shared_.connections.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void DynamoDbServer::Impl::stop() {
  if (!running_) return;
  running_ = false;
  shared_.stopping = true;
  // Stop accepting, and close connections that wait for a request; those
  // with a request in flight close after answering it. Posted, not waited
  // for: a network thread may be inside a slow store call.
  asio::post(workers_[0]->context, [this] {
    error_code ignored;
    acceptor_->close(ignored);
  });
  for (auto& worker : workers_)
    asio::post(worker->context, [w = worker.get()] { close_sessions(*w, false); });
  wait_for_connections(options_.stop_grace);
  for (auto& worker : workers_) asio::post(worker->context, [w = worker.get()] { close_sessions(*w, true); });
  wait_for_connections(std::chrono::milliseconds(500));

  if (store_pool_) store_pool_->join();  // store calls still running finish first
  guards_.clear();
  for (auto& worker : workers_) worker->context.stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  acceptor_.reset();
  workers_.clear();  // destroys suspended coroutines, then the registries
  shared_.store_pool = nullptr;
  store_pool_.reset();
}

DynamoDbServer::DynamoDbServer(ddb::Database& database, ServerOptions options)
    : impl_(std::make_unique<Impl>(database, std::move(options))) {}
DynamoDbServer::~DynamoDbServer() = default;
ddb::Status DynamoDbServer::start() { return impl_->start(); }
void DynamoDbServer::stop() { impl_->stop(); }
uint16_t DynamoDbServer::port() const { return impl_->port(); }
std::string DynamoDbServer::endpoint() const { return impl_->endpoint(); }

}  // namespace townhall::wire
