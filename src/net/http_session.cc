#include "net/http_session.h"

#include <array>
#include <limits>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <memory>

namespace townhall::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

class HttpSession : public Connection, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(asio::ip::tcp::socket socket, ConnectionLimiter::Slot slot, const HttpServerState& server)
      : stream_(std::move(socket)), slot_(std::move(slot)), server_(server) {}

  void start() {
    asio::co_spawn(
        stream_.get_executor(), [self = shared_from_this()] { return self->run(); }, asio::detached);
  }

  // On the session's loop.
  void close(bool force) override {
    if (force || !in_request_) {
      beast::error_code ec;
      stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
      stream_.cancel();
    }
  }

 private:
  asio::io_context& loop() {
    return static_cast<asio::io_context&>(asio::query(stream_.get_executor(), asio::execution::context));
  }
  asio::awaitable<void> run();
  asio::awaitable<void> write_and_close(HttpResponse response);

  beast::tcp_stream stream_;
  ConnectionLimiter::Slot slot_;
  const HttpServerState& server_;
  bool in_request_ = false;
};

namespace {
constexpr std::chrono::seconds kLargeBodyTimeout{120};
constexpr std::chrono::seconds kLingerTime{3};
constexpr size_t kLingerBytes = 64 * 1024 * 1024;
}  // namespace

asio::awaitable<void> HttpSession::run() {
  auto self = shared_from_this();
  asio::io_context& my_loop = loop();
  server_.connections.add(this, my_loop);
  const HttpLimits& limits = server_.limits;
  beast::error_code ec;
  IpAddress remote;
  if (auto endpoint = stream_.socket().remote_endpoint(ec); !ec) remote = endpoint.address();
  beast::flat_buffer buffer;
  bool first_request = true;
  bool handed_off = false;
  for (;;) {
    if (server_.stopping.load(std::memory_order_relaxed) && buffer.size() == 0) break;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(limits.max_header_bytes));
    // No limit while the head is read (Beast would refuse a Content-Length
    // over it there, before the service could say what this request may send).
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    stream_.expires_after(first_request        ? std::min(limits.first_request_timeout, limits.read_timeout)
                          : buffer.size() == 0 ? limits.idle_timeout
                                               : limits.read_timeout);
    // The head first: the service may allow this request a larger body.
    co_await http::async_read_header(stream_, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec && !parser.is_done()) {
      size_t limit = server_.service.body_limit(parser.get());
      if (limit == 0) limit = limits.max_body_bytes;
      if (parser.content_length() && *parser.content_length() > limit) {
        co_await write_and_close(server_.service.refuse_body(parser.get(), limit));
        break;
      } else {
        parser.body_limit(limit);
        // A large body gets time to arrive (25 MB in 2 minutes is 210 KB/s);
        // the per-address connection cap bounds how many can be held open.
        if (limit > limits.max_body_bytes)
          stream_.expires_after(std::max(limits.read_timeout, kLargeBodyTimeout));
        co_await http::async_read(stream_, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      }
    }
    first_request = false;
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      co_await write_and_close(server_.service.refuse(ec == http::error::body_limit ? 413 : 431, 11));
      break;
    }
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == beast::error::timeout || ec == asio::error::connection_reset || ec == asio::error::eof) {
      break;
    }
    if (ec) {
      co_await write_and_close(server_.service.refuse(400, 11));
      break;
    }
    in_request_ = true;
    HttpRequest& request = parser.get();
    auto header = [&](auto name) {
      auto it = request.find(name);
      return it == request.end() ? std::string_view() : std::string_view(it->value());
    };
    const Peer peer =
        peer_of(remote, header(std::string_view("X-Forwarded-For")),
                !header(http::field::forwarded).empty() || !header(std::string_view("X-Real-IP")).empty(),
                server_.trusted_proxies);
    if (beast::websocket::is_upgrade(request)) {
      auto refused = co_await server_.service.upgrade(stream_, slot_, request, peer);
      if (!refused) {
        handed_off = true;  // the stream belongs to a WebSocket session now
        break;
      }
      co_await write_and_close(std::move(*refused));
      break;
    }
    HttpResponse response = co_await server_.service.serve(request, peer);
    if (server_.stopping.load(std::memory_order_relaxed)) response.keep_alive(false);
    stream_.expires_after(limits.read_timeout);
    co_await http::async_write(stream_, response, asio::redirect_error(asio::use_awaitable, ec));
    in_request_ = false;
    if (ec || !response.keep_alive()) break;
  }
  if (!handed_off && stream_.socket().is_open()) {
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  }
  server_.connections.remove(this, my_loop);
}

asio::awaitable<void> HttpSession::write_and_close(HttpResponse response) {
  response.keep_alive(false);
  beast::error_code ec;
  stream_.expires_after(server_.limits.read_timeout);
  co_await http::async_write(stream_, response, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  // A lingering close: the client may still be sending the body we refused
  // (a file over the limit). Closing with unread data would reset the
  // connection and the client could lose our answer; so the rest is read and
  // dropped, for a short while and up to a bound.
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream_.expires_after(kLingerTime);
  std::array<char, 16384> scratch;
  size_t drained = 0;
  while (!ec && drained < kLingerBytes) {
    drained += co_await stream_.async_read_some(asio::buffer(scratch),
                                                asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace

void start_http_session(asio::ip::tcp::socket socket, ConnectionLimiter::Slot slot,
                        const HttpServerState& server) {
  std::make_shared<HttpSession>(std::move(socket), std::move(slot), server)->start();
}

}  // namespace townhall::net
