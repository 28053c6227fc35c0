#include "net/listener.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <charconv>

namespace townhall::net {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

Listener::Listener(IoPool& pool, ListenerOptions options, OnAccept on_accept, OnRefused on_refused)
    : pool_(pool),
      options_(std::move(options)),
      on_accept_(std::move(on_accept)),
      on_refused_(std::move(on_refused)),
      limiter_(options_.limits, options_.budget),
      backoff_(pool.loop(0)) {}

Listener::~Listener() {
  // The owner stopped the server first (close(), and the loops ran the
  // posted close) or never started it: nothing of the acceptor runs now.
  closed_->store(true);
}

std::optional<std::string> Listener::open(const tcp::endpoint& endpoint) {
  error_code ec;
  acceptor_.emplace(pool_.loop(0));
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) bound_ = acceptor_->local_endpoint(ec);
  if (ec) {
    acceptor_.reset();
    return "cannot listen on " + endpoint_text(endpoint) + ": " + ec.message();
  }
  return std::nullopt;
}

void Listener::start() {
  asio::post(pool_.loop(0), [this, closed = closed_] {
    if (!*closed) accept();
  });
}

void Listener::close() {
  // Set here, checked by the accept handler: nothing is admitted once
  // close() returns. The acceptor itself belongs to loop 0, which may be
  // busy (a store call running inline): its closing is posted, not awaited.
  if (closed_->exchange(true)) return;
  asio::post(pool_.loop(0), [this] {
    error_code ignored;
    if (acceptor_) acceptor_->close(ignored);
    backoff_.cancel();
  });
}

std::string Listener::address() const { return endpoint_text(bound_); }

void Listener::accept() {
  acceptor_->async_accept(pool_.next(), [this, closed = closed_](error_code ec, tcp::socket socket) {
    if (*closed) return;
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_->is_open()) return;
      // Out of descriptors and the like: back off a little rather than spin.
      spdlog::warn("{}: accept failed: {}", options_.name, ec.message());
      backoff_.expires_after(std::chrono::milliseconds(50));
      backoff_.async_wait([this, closed](error_code timer_ec) {
        if (!timer_ec && !*closed) accept();
      });
      return;
    }
    auto peer = socket.remote_endpoint(ec);
    ConnectionLimiter::Refusal why{};
    auto slot = ec ? std::nullopt : limiter_.try_acquire(peer.address(), &why);
    if (!slot) {
      if (!ec) note_refusal(peer.address(), why);
      socket.close(ec);
    } else {
      socket.set_option(tcp::no_delay(true), ec);
      on_accept_(std::move(socket), std::move(*slot));
    }
    accept();
  });
}

void Listener::note_refusal(const asio::ip::address& peer, ConnectionLimiter::Refusal why) {
  if (on_refused_) on_refused_();
  auto now = std::chrono::steady_clock::now();
  if (now - last_refusal_log_ < std::chrono::minutes(1)) return;
  last_refusal_log_ = now;
  const auto& limits = options_.limits;
  std::string reason = why == ConnectionLimiter::Refusal::kPerAddress
                           ? "over " + std::to_string(limits.max_per_address) + " from one address"
                       : why == ConnectionLimiter::Refusal::kTotal
                           ? "over " + std::to_string(limits.max_total) + " in all"
                           : std::string("out of descriptors for sockets");
  spdlog::warn("{}: refusing connections ({}; latest from {}; {} refused so far)", options_.name, reason,
               peer.to_string(), limiter_.refused());
}

std::optional<tcp::endpoint> parse_listen_address(const std::string& text, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<tcp::endpoint> {
    if (error) *error = "listen address must be host:port (" + why + "), got '" + text + "'";
    return std::nullopt;
  };
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) return fail("no port");
  std::string host = text.substr(0, colon);
  std::string_view port_text = std::string_view(text).substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return fail("bad port");
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty() || host == "localhost") host = "127.0.0.1";
  error_code address_error;
  auto address = asio::ip::make_address(host, address_error);
  if (address_error) return fail("not an IP address: '" + host + "'");
  return tcp::endpoint(address, static_cast<uint16_t>(port));
}

std::string endpoint_text(const tcp::endpoint& endpoint) {
  std::string host = endpoint.address().to_string();
  if (endpoint.address().is_v6()) host = "[" + host + "]";
  return host + ":" + std::to_string(endpoint.port());
}

}  // namespace townhall::net
