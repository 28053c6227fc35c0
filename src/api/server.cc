#include "api/server.h"

#include <spdlog/spdlog.h>

#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>

#include "api/http_session.h"
#include "api/websocket_session.h"

namespace townhall::api {
namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

chat::Result<tcp::endpoint> parse_listen_address(const std::string& text) {
  auto bad = [&] {
    return chat::Error::InvalidArgument("listen address must be host:port, got '" + text + "'");
  };
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) return bad();
  std::string host = text.substr(0, colon);
  std::string port_text = text.substr(colon + 1);
  if (port_text.find_first_not_of("0123456789") != std::string::npos || port_text.size() > 5) return bad();
  int port = std::stoi(port_text);
  if (port > 65535) return bad();
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";
  if (host.empty()) host = "0.0.0.0";
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return bad();
  return tcp::endpoint(address, static_cast<uint16_t>(port));
}

Server::Server(chat::ChatService& chat, Hub& hub, Metrics& metrics, ServerOptions options)
    : options_(std::move(options)),
      metrics_(metrics),
      api_(chat, metrics, options_.api),
      workers_(std::max(1, options_.workers)),
      hub_(hub) {
  for (int i = 0; i < std::max(1, options_.threads); ++i)
    contexts_.push_back(std::make_unique<asio::io_context>(1));
  context_ = std::make_unique<ServerContext>(api_, hub, metrics, workers_, options_);
}

Server::~Server() {
  if (running_) stop();
}

std::string Server::address() const {
  return (host_.find(':') != std::string::npos ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_);
}

chat::Status Server::start() {
  TH_ASSIGN_OR_RETURN(tcp::endpoint endpoint, parse_listen_address(options_.listen));
  boost::system::error_code ec;
  acceptor_.emplace(*contexts_[0]);
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return chat::Error{chat::Code::kUnavailable, "cannot listen on " + options_.listen + ": " + ec.message()};
  }
  port_ = acceptor_->local_endpoint().port();
  host_ = endpoint.address().to_string();
  running_ = true;
  hub_.set_access_subscriber(this);
  for (auto& context : contexts_) keep_running_.push_back(asio::make_work_guard(*context));
  accept();
  for (auto& context : contexts_) {
    threads_.emplace_back([io = context.get()] {
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
  return chat::Status::Ok();
}

void Server::accept() {
  asio::io_context& io = *contexts_[next_context_++ % contexts_.size()];
  acceptor_->async_accept(io, [this](boost::system::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_->is_open()) return;
      // Out of file descriptors and the like: back off a little rather than spin.
      spdlog::warn("accept failed: {}", ec.message());
      auto timer = std::make_shared<asio::steady_timer>(*contexts_[0], std::chrono::milliseconds(50));
      timer->async_wait([this, timer](boost::system::error_code) {
        if (acceptor_->is_open()) accept();
      });
      return;
    }
    auto peer = socket.remote_endpoint(ec);
    net::ConnectionLimiter::Refusal why{};
    auto slot = ec ? std::nullopt : context_->limiter.try_acquire(peer.address(), &why);
    if (!slot) {
      // Closed at once: the caps leave descriptors for everyone else and the store.
      if (!ec) note_refusal(peer.address(), why);
      socket.close(ec);
      accept();
      return;
    }
    socket.set_option(tcp::no_delay(true), ec);
    std::make_shared<HttpSession>(beast::tcp_stream(std::move(socket)), std::move(*slot), *context_)->start();
    accept();
  });
}

void Server::note_refusal(const asio::ip::address& peer, net::ConnectionLimiter::Refusal why) {
  context_->metrics.connections_refused.fetch_add(1, std::memory_order_relaxed);
  auto now = std::chrono::steady_clock::now();
  if (now - last_refusal_log_ < std::chrono::minutes(1)) return;  // a flood must not flood the log too
  last_refusal_log_ = now;
  const auto& limits = options_.limits;
  std::string reason = why == net::ConnectionLimiter::Refusal::kPerAddress
                           ? "over " + std::to_string(limits.max_per_address) + " from one address"
                       : why == net::ConnectionLimiter::Refusal::kTotal
                           ? "over " + std::to_string(limits.max_total) + " in all"
                           : std::string("out of descriptors for sockets");
  spdlog::warn("refusing connections ({}; latest from {}; {} refused so far)", reason, peer.to_string(),
               context_->limiter.refused());
}

void Server::on_access(const chat::AccessEvent& event) {
  if (event.kind != chat::AccessEvent::Kind::kSessionEnded) return;
  api_.forget_session_hash(event.subject);
  for (auto& session : context_->websockets.with_token(event.subject)) session->end_session();
}

void Server::resync(const std::vector<std::string>& channels, int64_t since_ms) {
  api_.forget_all_sessions();
  for (auto& session : context_->websockets.all()) {
    session->resync(channels, since_ms, options_.websocket.resync_jitter);
    session->recheck_soon();
  }
}

void Server::stop() {
  if (!running_) return;
  running_ = false;
  context_->stopping = true;
  asio::post(*contexts_[0], [this] {
    boost::system::error_code ec;
    acceptor_->close(ec);
  });
  hub_.set_access_subscriber(nullptr);
  std::vector<std::shared_ptr<HttpSession>> http;
  std::vector<std::shared_ptr<WebSocketSession>> websockets = context_->websockets.all();
  {
    std::lock_guard lock(context_->mutex);
    for (auto& [key, weak] : context_->http_sessions) {
      if (auto session = weak.lock()) http.push_back(std::move(session));
    }
  }
  for (auto& session : http) session->stop_if_idle();
  for (auto& session : websockets) session->go_away();
  http.clear();
  websockets.clear();
  auto deadline = std::chrono::steady_clock::now() + options_.drain_timeout;
  while (context_->open_sessions.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (int left = context_->open_sessions.load(); left > 0) {
    spdlog::warn("shutdown: {} connections still open after {}s; closing them", left,
                 options_.drain_timeout.count());
  }
  keep_running_.clear();
  for (auto& context : contexts_) context->stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  workers_.join();
}

}  // namespace townhall::api
