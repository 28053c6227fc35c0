// accept_websocket: the /ws upgrade. A cookie-authenticated upgrade must
// come from our own page (browsers send cookies on cross-site WebSocket
// handshakes); credentials, when the request carries them, must be a valid
// session; the per-address and per-user caps must have room. Then a
// WebSocketSession takes the connection: the socket of a plain one, the
// whole stream of a TLS one (its encryption state goes with it).
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <optional>

#include "api/http_frontend.h"
#include "net/connection_limiter.h"
#include "net/http_session.h"
#include "net/peer.h"
#include "net/tls_stream.h"
#include "realtime/socket_context.h"

namespace townhall::realtime {

// nullopt when a session took the stream and slot; otherwise the refusal
// (403, 401, 429) to send before closing. Runs on the connection's loop.
boost::asio::awaitable<std::optional<net::HttpResponse>> accept_websocket(
    SocketContext& context, api::HttpFrontend& frontend, boost::beast::tcp_stream& stream,
    net::ConnectionLimiter::Slot& slot, net::HttpRequest& request, const net::Peer& peer);
boost::asio::awaitable<std::optional<net::HttpResponse>> accept_websocket(
    SocketContext& context, api::HttpFrontend& frontend, net::TlsStream& stream,
    net::ConnectionLimiter::Slot& slot, net::HttpRequest& request, const net::Peer& peer);

}  // namespace townhall::realtime
