#include "wire/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "net/connection_set.h"
#include "net/listener.h"
#include "wire/session.h"

namespace townhall::wire {

namespace asio = boost::asio;
using asio::ip::tcp;

class DynamoDbServer::Impl {
 public:
  Impl(ddb::Database& database, ServerOptions options, net::IoPool* pool)
      : options_(std::move(options)),
        own_pool_(pool ? nullptr : std::make_unique<net::IoPool>(options_.io_threads)),
        pool_(pool ? *pool : *own_pool_),
        connections_(pool_),
        shared_{HandlerContext{database, options_.keys ? &*options_.keys : nullptr, options_.region,
                               &options_.hosts},
                options_, connections_},
        listener_(pool_, {"DynamoDB endpoint", options_.limits, options_.budget},
                  [this](tcp::socket socket, net::ConnectionLimiter::Slot slot) {
                    auto loop = socket.get_executor();  // the loop the connection lives on
                    asio::co_spawn(loop, serve_connection(std::move(socket), std::move(slot), shared_),
                                   asio::detached);
                  }) {}

  ~Impl() { stop(); }

  ddb::Status start();
  void stop();

  uint16_t port() const { return listener_.local_endpoint().port(); }
  std::string endpoint() const { return listener_.address(); }

 private:
  ServerOptions options_;
  std::unique_ptr<net::IoPool> own_pool_;  // standalone `townhall dynamodb`
  net::IoPool& pool_;
  net::ConnectionSet connections_;
  SharedState shared_;
  net::Listener listener_;
  std::unique_ptr<asio::thread_pool> store_pool_;
  bool running_ = false;
};

ddb::Status DynamoDbServer::Impl::start() {
  if (running_) return ddb::Error::Internal("the server is already running");
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options_.address, ec);
  if (ec) return ddb::Error::Validation("invalid listen address '" + options_.address + "': " + ec.message());
  if (auto failed = listener_.open(tcp::endpoint(address, options_.port)))
    return ddb::Error::Internal(*failed);
  if (options_.store_threads > 0) {
    store_pool_ = std::make_unique<asio::thread_pool>(options_.store_threads);
    shared_.store_pool = store_pool_.get();
  }
  shared_.stopping = false;
  if (own_pool_) own_pool_->start();
  listener_.start();
  running_ = true;
  return ddb::Status::Ok();
}

void DynamoDbServer::Impl::stop() {
  if (!running_) return;
  running_ = false;
  shared_.stopping = true;
  // Stop accepting, and close connections that wait for a request; those
  // with a request in flight close after answering it.
  listener_.close();
  connections_.close_all(false);
  if (!connections_.wait_empty(options_.stop_grace)) connections_.close_all(true);
  // Store calls still running finish and resume their (closed) connections,
  // which then end: nothing of this server is left on the loops.
  if (store_pool_) store_pool_->join();
  if (!connections_.wait_empty(std::chrono::seconds(5))) {
    spdlog::warn("DynamoDB endpoint: {} connections did not end at shutdown", connections_.size());
  }
  if (own_pool_) own_pool_->stop();
  shared_.store_pool = nullptr;
  store_pool_.reset();
}

DynamoDbServer::DynamoDbServer(ddb::Database& database, ServerOptions options, net::IoPool* pool)
    : impl_(std::make_unique<Impl>(database, std::move(options), pool)) {}
DynamoDbServer::~DynamoDbServer() = default;
ddb::Status DynamoDbServer::start() { return impl_->start(); }
void DynamoDbServer::stop() { impl_->stop(); }
uint16_t DynamoDbServer::port() const { return impl_->port(); }
std::string DynamoDbServer::endpoint() const { return impl_->endpoint(); }

}  // namespace townhall::wire
