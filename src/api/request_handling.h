// serve_request: the answer to one HTTP request that is not a WebSocket
// upgrade, as a free function separate from the connection that carries it
// (the Boost.Beast examples' shape). /api/... goes to ChatApi on the worker
// pool; /healthz, /readyz, /metrics, /openapi.json and the embedded web page
// are answered here. Every response gets the security headers. /metrics is
// for the operator only (ServerOptions::metrics_token).
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

#include "api/http_types.h"
#include "api/server_context.h"

namespace townhall::api {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// Who sent a request: the client address that limits and logs use (behind a
// trusted proxy, the address the proxy forwarded for), and whether the
// request came straight from this machine (loopback, no proxy headers).
struct Peer {
  std::string client_ip;
  bool local = false;
};
// The Peer of a request from a connection's remote address.
Peer peer_of(const HttpRequest& request, const boost::asio::ip::address& remote,
             const ServerOptions& options);

// Copies what the API looks at out of a Beast request.
ApiRequest to_api_request(const HttpRequest& request, const std::string& client_ip);
// Builds the Beast response, with the security headers, Content-Length and keep-alive.
HttpResponse to_http_response(ApiResponse response, const HttpRequest& request);

// Runs on the session's network thread; awaits the worker pool for /api and /readyz.
boost::asio::awaitable<ApiResponse> serve_request(ServerContext& context, const HttpRequest& request,
                                                  const Peer& peer);

}  // namespace townhall::api
