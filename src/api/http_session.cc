#include "api/http_session.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>

#include "api/json.h"
#include "api/offload.h"
#include "api/request_handling.h"
#include "api/websocket_session.h"

namespace townhall::api {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

// A cookie-authenticated upgrade must come from our own page: browsers send
// cookies on cross-site WebSocket handshakes, and SameSite is the only other guard.
bool same_origin(const HttpRequest& request) {
  auto origin = request.find(http::field::origin);
  if (origin == request.end()) return true;  // not a browser
  auto host = request.find(http::field::host);
  if (host == request.end()) return false;
  std::string_view value = origin->value();
  for (std::string_view scheme : {"http://", "https://"}) {
    if (value.rfind(scheme, 0) == 0 && value.substr(scheme.size()) == host->value()) return true;
  }
  return false;
}

}  // namespace

HttpSession::HttpSession(beast::tcp_stream stream, net::ConnectionLimiter::Slot slot, ServerContext& context)
    : stream_(std::move(stream)), slot_(std::move(slot)), context_(context) {
  context_.open_sessions.fetch_add(1);
}

HttpSession::~HttpSession() { context_.open_sessions.fetch_sub(1); }

void HttpSession::start() {
  {
    std::lock_guard lock(context_.mutex);
    context_.http_sessions[this] = weak_from_this();
  }
  asio::co_spawn(
      stream_.get_executor(), [self = shared_from_this()] { return self->run(); }, asio::detached);
}

void HttpSession::stop_if_idle() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    if (!self->in_request_) {
      beast::error_code ec;
      self->stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
      self->stream_.cancel();
    }
  });
}

asio::awaitable<void> HttpSession::run() {
  const ServerOptions& options = context_.options;
  beast::error_code ec;
  boost::asio::ip::address remote;
  if (auto endpoint = stream_.socket().remote_endpoint(ec); !ec) remote = endpoint.address();
  beast::flat_buffer buffer;
  bool first_request = true;
  bool handed_off = false;  // the stream now belongs to a WebSocketSession

  // Answers and closes: for requests we cannot or will not read to the end.
  auto reject = [&](int status, std::string_view code, std::string_view message) -> asio::awaitable<void> {
    HttpRequest dummy;
    dummy.version(11);
    ApiResponse answer = json_response(status, error_json(code, message));
    answer.route = "(rejected)";
    auto response = to_http_response(std::move(answer), dummy);
    response.keep_alive(false);
    stream_.expires_after(options.read_timeout);
    co_await http::async_write(stream_, response, asio::redirect_error(asio::use_awaitable, ec));
    context_.metrics.observe_request("(rejected)", "-", status, 0);
  };

  for (;;) {
    if (context_.stopping && buffer.size() == 0) break;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(options.max_header_bytes));
    parser.body_limit(options.api.max_body_bytes);
    // A new connection gets first_request_timeout for its whole first
    // request: connections that never send anything are how one client
    // holds a server's descriptors.
    stream_.expires_after(first_request        ? std::min(options.first_request_timeout, options.read_timeout)
                          : buffer.size() == 0 ? options.idle_timeout
                                               : options.read_timeout);
    co_await http::async_read(stream_, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    first_request = false;
    if (ec == http::error::body_limit) {
      // Named, not a temporary in the co_await expression (see offload.h).
      std::string message =
          "the body must be at most " + std::to_string(options.api.max_body_bytes) + " bytes";
      co_await reject(413, "payload_too_large", message);
      break;
    }
    if (ec == http::error::header_limit) {
      co_await reject(431, "headers_too_large", "the request headers are too large");
      break;
    }
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == beast::error::timeout || ec == asio::error::connection_reset || ec == asio::error::eof) {
      break;
    }
    if (ec) {
      co_await reject(400, "bad_request", "malformed HTTP request");
      break;
    }
    in_request_ = true;
    auto started = std::chrono::steady_clock::now();
    HttpRequest& request = parser.get();
    const Peer peer = peer_of(request, remote, options);
    const std::string& client_ip = peer.client_ip;

    if (websocket::is_upgrade(request)) {
      std::string_view target = request.target();
      if (target.substr(0, target.find('?')) == "/ws") {
        ApiRequest api_request = to_api_request(request, client_ip);
        Credentials credentials = credentials_of(api_request);
        std::optional<chat::Session> signed_in;
        if (credentials.source == Credentials::Source::kCookie && !same_origin(request)) {
          co_await reject(403, "permission_denied", "cross-origin WebSocket with a session cookie");
          break;
        }
        if (credentials.source != Credentials::Source::kNone) {
          auto authenticated = co_await offload(
              context_.workers, [&] { return context_.api.authenticate_session(credentials.token); });
          if (!authenticated.ok()) {
            const std::string& message = authenticated.error().message;
            co_await reject(401, "unauthenticated", message);
            break;
          }
          signed_in = std::move(authenticated).value();
          signed_in->token = credentials.token;
        }
        if (!context_.websockets.admits(client_ip, signed_in ? signed_in->user.id : std::string())) {
          co_await reject(429, "rate_limited", "too many WebSockets from this address or for this user");
          break;
        }
        context_.metrics.observe_request(
            "/ws", "GET", 101,
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        auto session = std::make_shared<WebSocketSession>(std::move(stream_), std::move(slot_), context_,
                                                          client_ip, std::move(signed_in));
        session->start(parser.release());
        handed_off = true;
        break;
      }
    }

    ApiResponse answer = co_await serve_request(context_, request, peer);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string route = answer.route.empty() ? "(unmatched)" : answer.route;
    int status = answer.status;
    context_.metrics.observe_request(route, request.method_string(), status, seconds);
    if (options.log_requests) {
      // Route templates only: paths carry ids, queries may carry cursors; never headers.
      spdlog::info("http {} {} {} {:.2f}ms ip={}", request.method_string(), route, status, seconds * 1000,
                   client_ip);
    }
    HttpResponse response = to_http_response(std::move(answer), request);
    if (context_.stopping) response.keep_alive(false);
    stream_.expires_after(options.read_timeout);
    co_await http::async_write(stream_, response, asio::redirect_error(asio::use_awaitable, ec));
    in_request_ = false;
    if (ec || !response.keep_alive()) break;
  }
  if (!handed_off && stream_.socket().is_open()) {
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  }
  std::lock_guard lock(context_.mutex);
  context_.http_sessions.erase(this);
}

}  // namespace townhall::api
