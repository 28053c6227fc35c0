#include "net/http_session.h"

#include <array>
#include <limits>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <memory>
#include <type_traits>

#include "net/tls_context.h"

namespace townhall::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// Stream: beast::tcp_stream (plain HTTP) or TlsStream (HTTPS).
template <class Stream>
class HttpSession : public Connection, public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  HttpSession(Stream stream, ConnectionLimiter::Slot slot, const HttpServerState& server)
      : stream_(std::move(stream)), slot_(std::move(slot)), server_(server) {}

  void start() {
    asio::co_spawn(
        stream_.get_executor(), [self = this->shared_from_this()] { return self->run(); }, asio::detached);
  }

  // On the session's loop.
  void close(bool force) override {
    if (force || !in_request_) {
      beast::error_code ec;
      tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
      tcp().cancel();
    }
  }

 private:
  // The TCP connection under the stream: its deadlines and its socket.
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }
  asio::io_context& loop() {
    return static_cast<asio::io_context&>(asio::query(stream_.get_executor(), asio::execution::context));
  }
  asio::awaitable<void> run();
  // TLS: the handshake, after the first bytes said it is one. False: the
  // connection ends (a failed or slow handshake, or plain HTTP, answered).
  asio::awaitable<bool> handshake(beast::flat_buffer& buffer, const IpAddress& remote);
  asio::awaitable<void> write(HttpResponse& response, beast::error_code& ec);
  asio::awaitable<void> write_and_close(HttpResponse response);
  asio::awaitable<void> linger();

  Stream stream_;
  ConnectionLimiter::Slot slot_;
  const HttpServerState& server_;
  bool in_request_ = false;
};

namespace {
constexpr std::chrono::seconds kLargeBodyTimeout{120};
constexpr std::chrono::seconds kLingerTime{3};
constexpr std::chrono::seconds kTlsShutdownTime{1};
constexpr size_t kLingerBytes = 64 * 1024 * 1024;
}  // namespace

template <class Stream>
asio::awaitable<void> HttpSession<Stream>::run() {
  auto self = this->shared_from_this();
  asio::io_context& my_loop = loop();
  server_.connections.add(this, my_loop);
  const HttpLimits& limits = server_.limits;
  beast::error_code ec;
  IpAddress remote;
  if (auto endpoint = tcp().socket().remote_endpoint(ec); !ec) remote = endpoint.address();
  beast::flat_buffer buffer;
  bool first_request = true;
  bool handed_off = false;
  // TLS: whether to send close_notify at the end (not to a client that has
  // gone, nor after a lingering close, which shut our side already).
  [[maybe_unused]] bool tls_goodbye = true;
  if constexpr (kTls) {
    if (!co_await handshake(buffer, remote)) {
      tcp().close();
      server_.connections.remove(this, my_loop);
      co_return;
    }
  }
  for (;;) {
    if (server_.stopping.load(std::memory_order_relaxed) && buffer.size() == 0) break;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(limits.max_header_bytes));
    // No limit while the head is read (Beast would refuse a Content-Length
    // over it there, before the service could say what this request may send).
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    tcp().expires_after(first_request        ? std::min(limits.first_request_timeout, limits.read_timeout)
                        : buffer.size() == 0 ? limits.idle_timeout
                                             : limits.read_timeout);
    // The head first: the service may allow this request a larger body.
    co_await http::async_read_header(stream_, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec && !parser.is_done()) {
      size_t limit = server_.service.body_limit(parser.get());
      if (limit == 0) limit = limits.max_body_bytes;
      if (parser.content_length() && *parser.content_length() > limit) {
        co_await write_and_close(server_.service.refuse_body(parser.get(), limit));
        tls_goodbye = false;
        break;
      } else {
        parser.body_limit(limit);
        // A large body gets time to arrive (25 MB in 2 minutes is 210 KB/s);
        // the per-address connection cap bounds how many can be held open.
        if (limit > limits.max_body_bytes)
          tcp().expires_after(std::max(limits.read_timeout, kLargeBodyTimeout));
        co_await http::async_read(stream_, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      }
    }
    first_request = false;
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      co_await write_and_close(server_.service.refuse(ec == http::error::body_limit ? 413 : 431, 11));
      tls_goodbye = false;
      break;
    }
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == beast::error::timeout || ec == asio::error::connection_reset || ec == asio::error::eof ||
        ec == asio::ssl::error::stream_truncated) {
      tls_goodbye = false;
      break;
    }
    if (ec) {
      co_await write_and_close(server_.service.refuse(400, 11));
      tls_goodbye = false;
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
      std::optional<HttpResponse> refused;
      if constexpr (kTls) {
        refused = co_await server_.service.upgrade_tls(stream_, slot_, request, peer);
      } else {
        refused = co_await server_.service.upgrade(stream_, slot_, request, peer);
      }
      if (!refused) {
        handed_off = true;  // the stream belongs to a WebSocket session now
        break;
      }
      co_await write_and_close(std::move(*refused));
      tls_goodbye = false;
      break;
    }
    HttpResponse response = co_await server_.service.serve(request, peer);
    if (server_.stopping.load(std::memory_order_relaxed)) response.keep_alive(false);
    co_await write(response, ec);
    in_request_ = false;
    if (ec || !response.keep_alive()) break;
  }
  if (!handed_off && tcp().socket().is_open()) {
    if constexpr (kTls) {
      // close_notify, so the client knows the answer was not cut short; a
      // client that does not answer it is not waited for long.
      if (tls_goodbye) {
        tcp().expires_after(kTlsShutdownTime);
        co_await stream_.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
      }
    }
    tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  }
  server_.connections.remove(this, my_loop);
}

template <class Stream>
asio::awaitable<bool> HttpSession<Stream>::handshake(beast::flat_buffer& buffer, const IpAddress& remote) {
  const HttpLimits& limits = server_.limits;
  beast::error_code ec;
  // One deadline for the whole handshake: a client that trickles it byte by
  // byte must not hold the slot longer than one that sends nothing.
  tcp().expires_after(std::min(limits.first_request_timeout, limits.read_timeout));
  bool is_tls =
      co_await beast::async_detect_ssl(tcp(), buffer, asio::redirect_error(asio::use_awaitable, ec));
  if (!ec && !is_tls) {
    // Plain HTTP to the TLS port: say so in plain HTTP (over TLS the client
    // could not read it), then close.
    HttpResponse response{http::status::bad_request, 11};
    response.set(http::field::content_type, "text/plain; charset=utf-8");
    response.body() = "This port speaks HTTPS only: use https:// in the address.\n";
    response.keep_alive(false);
    response.prepare_payload();
    tcp().expires_after(limits.read_timeout);
    co_await http::async_write(tcp(), response, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
      tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
      co_await linger();
    }
    co_return false;
  }
  if (!ec) {
    size_t used = co_await stream_.async_handshake(asio::ssl::stream_base::server, buffer.data(),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    buffer.consume(used);
  }
  if (ec) {
    if (ec != asio::error::operation_aborted && server_.tls) server_.tls->note_handshake_failure(remote, ec);
    co_return false;
  }
  co_return true;
}

template <class Stream>
asio::awaitable<void> HttpSession<Stream>::write(HttpResponse& response, beast::error_code& ec) {
  if constexpr (kTls) response.set(http::field::strict_transport_security, kStrictTransportSecurity);
  tcp().expires_after(server_.limits.read_timeout);
  co_await http::async_write(stream_, response, asio::redirect_error(asio::use_awaitable, ec));
}

template <class Stream>
asio::awaitable<void> HttpSession<Stream>::write_and_close(HttpResponse response) {
  response.keep_alive(false);
  beast::error_code ec;
  co_await write(response, ec);
  if (ec) co_return;
  // Over TLS no close_notify here: the answer says its length and
  // Connection: close, and a TLS goodbye would wait on a client that may
  // still be sending the body we refused.
  tcp().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  co_await linger();
}

// A lingering close: the client may still be sending the body we refused
// (a file over the limit). Closing with unread data would reset the
// connection and the client could lose our answer; so the rest is read and
// dropped, for a short while and up to a bound. Read below TLS: bytes to
// drop need no decrypting.
template <class Stream>
asio::awaitable<void> HttpSession<Stream>::linger() {
  beast::error_code ec;
  tcp().expires_after(kLingerTime);
  std::array<char, 16384> scratch;
  size_t drained = 0;
  while (!ec && drained < kLingerBytes) {
    drained +=
        co_await tcp().async_read_some(asio::buffer(scratch), asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace

void start_http_session(asio::ip::tcp::socket socket, ConnectionLimiter::Slot slot,
                        const HttpServerState& server) {
  if (server.tls) {
    std::make_shared<HttpSession<TlsStream>>(TlsStream(std::move(socket), server.tls->current()),
                                             std::move(slot), server)
        ->start();
  } else {
    std::make_shared<HttpSession<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), std::move(slot),
                                                     server)
        ->start();
  }
}

}  // namespace townhall::net
