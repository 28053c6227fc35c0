// TlsStream: one TLS connection of a server (OpenSSL through Beast's
// ssl_stream) over a tcp_stream, whose timers give the handshake and every
// request their deadlines. It holds the context it was made with: a reload
// (TlsContext::reload, on SIGHUP) gives new connections a new context while
// each open one, a WebSocket hours old included, keeps its own alive.
//
// Movable (a WebSocket takes it over from the HTTP session); not thread-safe.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <memory>
#include <string_view>
#include <utility>

namespace townhall::net {

// Strict-Transport-Security on every answer over TLS (the WebSocket's 101
// too): a year. No includeSubDomains: other names under the same domain may
// not speak HTTPS, and that is not this server's decision (docs/security.md).
inline constexpr std::string_view kStrictTransportSecurity = "max-age=31536000";

namespace detail {
// Base-from-member: the context must be alive before the stream is built on it.
struct TlsContextOwner {
  std::shared_ptr<boost::asio::ssl::context> context;
};
}  // namespace detail

class TlsStream : private detail::TlsContextOwner, public boost::beast::ssl_stream<boost::beast::tcp_stream> {
 public:
  // REQUIRES: context is not null.
  TlsStream(boost::asio::ip::tcp::socket socket, std::shared_ptr<boost::asio::ssl::context> context)
      : TlsContextOwner{std::move(context)},
        ssl_stream(boost::beast::tcp_stream(std::move(socket)), *TlsContextOwner::context) {}
};

// A WebSocket ends its transport through teardown, found by argument-
// dependent lookup; Beast's catch-all would take a TlsStream for a type it
// does not know, so these say it tears down as the ssl_stream it is.
inline void teardown(boost::beast::role_type role, TlsStream& stream, boost::system::error_code& ec) {
  boost::beast::teardown(role, static_cast<boost::beast::ssl_stream<boost::beast::tcp_stream>&>(stream), ec);
}
template <class TeardownHandler>
void async_teardown(boost::beast::role_type role, TlsStream& stream, TeardownHandler&& handler) {
  boost::beast::async_teardown(role, static_cast<boost::beast::ssl_stream<boost::beast::tcp_stream>&>(stream),
                               std::forward<TeardownHandler>(handler));
}

}  // namespace townhall::net
