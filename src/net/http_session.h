// HttpSession: one HTTP/1.1 connection of a server built on net (the chat
// port): reads requests one at a time with deadlines and size limits, asks
// the server's HttpService for each answer, keeps the connection alive, and
// hands it over when a request upgrades to a WebSocket. The DynamoDB
// endpoint has its own session (wire/session.h) over the same listener,
// loops and drain, for its allocation-free request parsing.
//
// Deadlines: the first request must arrive within first_request_timeout
// (idle connections are how one client holds a server), later ones within
// idle_timeout of the previous answer; a request that has begun must be
// complete within read_timeout; an answer must be written within read_timeout.
//
// TLS: with a TlsContext in the server's state the session speaks only TLS
// (HTTPS, and WSS after an upgrade), over the same code templated on the
// stream. The handshake must finish within the first request's deadline
// (a slow one must not hold a connection slot); a client speaking plain
// HTTP gets a plain 400 saying to use https; every answer carries
// Strict-Transport-Security.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <chrono>
#include <optional>

#include "net/connection_limiter.h"
#include "net/connection_set.h"
#include "net/peer.h"
#include "net/tls_stream.h"

namespace townhall::net {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

struct HttpLimits {
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 64 * 1024;
  std::chrono::seconds first_request_timeout{10};
  std::chrono::seconds idle_timeout{75};
  std::chrono::seconds read_timeout{30};
};

// What a server answers. Runs on the session's loop: blocking work goes to
// a worker pool (offload), never the loop.
class HttpService {
 public:
  virtual ~HttpService() = default;
  // The answer to one request (not an upgrade).
  virtual boost::asio::awaitable<HttpResponse> serve(HttpRequest& request, const Peer& peer) = 0;
  // The answer to a request that could not be read: 413 (body), 431
  // (headers) or 400 (malformed). The connection closes after it.
  virtual HttpResponse refuse(int status, unsigned version) = 0;
  // The answer to a request whose head says its body is over limit (what
  // body_limit() allowed it): 413, saying the limit that applied.
  virtual HttpResponse refuse_body(const HttpRequest& head, size_t /*limit*/) {
    return refuse(413, head.version());
  }
  // The largest body this request (its head read) may have; 0: the server's
  // max_body_bytes. Lets one route (a file upload) take more than the rest.
  virtual size_t body_limit(const HttpRequest& /*head*/) const { return 0; }
  // A WebSocket upgrade request: take the connection (move stream and slot
  // out) and return nullopt, or return the answer to send before closing.
  virtual boost::asio::awaitable<std::optional<HttpResponse>> upgrade(boost::beast::tcp_stream& stream,
                                                                      ConnectionLimiter::Slot& slot,
                                                                      HttpRequest& request,
                                                                      const Peer& peer) = 0;
  // The same over TLS (a server whose state has a TlsContext): take the
  // stream by moving it out. A service never served over TLS need not
  // override it.
  virtual boost::asio::awaitable<std::optional<HttpResponse>> upgrade_tls(TlsStream& /*stream*/,
                                                                          ConnectionLimiter::Slot& /*slot*/,
                                                                          HttpRequest& request,
                                                                          const Peer& /*peer*/) {
    co_return refuse(400, request.version());
  }
};

class TlsContext;

struct HttpServerState {
  HttpService& service;
  ConnectionSet& connections;
  const HttpLimits& limits;
  const AddressRanges& trusted_proxies;
  const std::atomic<bool>& stopping;  // answers then say Connection: close
  TlsContext* tls = nullptr;          // non-null: TLS only, each connection with tls->current()
};

// Runs a session for an accepted socket on the socket's loop. Any thread.
void start_http_session(boost::asio::ip::tcp::socket socket, ConnectionLimiter::Slot slot,
                        const HttpServerState& server);

}  // namespace townhall::net
