#include "realtime/websocket_upgrade.h"

#include <boost/beast/http/field.hpp>

#include <chrono>

#include "api/auth.h"
#include "api/offload.h"
#include "api/router.h"
#include "realtime/websocket_session.h"

namespace townhall::realtime {
namespace {

namespace http = boost::beast::http;

bool same_origin(const net::HttpRequest& request) {
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

// /ws?batch=1: the client takes several events per frame, one per line.
bool wants_batches(std::string_view target) {
  size_t question = target.find('?');
  if (question == std::string_view::npos) return false;
  auto query = api::parse_query(target.substr(question + 1));
  return query && query->count("batch") && query->at("batch") == "1";
}

// The checks before a WebSocket may take the connection: a refusal, or the
// session the upgrade signed in with (none: the socket signs in by frame).
struct Admission {
  std::optional<net::HttpResponse> refusal;
  std::optional<chat::Session> session;
};

boost::asio::awaitable<Admission> admit(SocketContext& context, api::HttpFrontend& frontend,
                                        net::HttpRequest& request, const net::Peer& peer) {
  auto started = std::chrono::steady_clock::now();
  api::ApiRequest api_request = api::to_api_request(request, peer.client_ip);
  api::Credentials credentials = api::credentials_of(api_request);
  if (credentials.source == api::Credentials::Source::kCookie && !same_origin(request)) {
    co_return Admission{frontend.error(request, "/ws", 403, "permission_denied",
                                       "cross-origin WebSocket with a session cookie"),
                        std::nullopt};
  }
  std::optional<chat::Session> signed_in;
  if (credentials.source != api::Credentials::Source::kNone) {
    auto authenticated = co_await api::offload(
        context.workers, [&] { return context.api.authenticate_session(credentials.token); });
    if (!authenticated.ok()) {
      co_return Admission{
          frontend.error(request, "/ws", 401, "unauthenticated", authenticated.error().message),
          std::nullopt};
    }
    signed_in = std::move(authenticated).value();
    signed_in->token = credentials.token;
  }
  if (!context.registry.admits(peer.client_ip, signed_in ? signed_in->user.id : std::string())) {
    co_return Admission{frontend.error(request, "/ws", 429, "rate_limited",
                                       "too many WebSockets from this address or for this user"),
                        std::nullopt};
  }
  std::string request_id = frontend.observe(
      request, "/ws", 101, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
      peer);
  // The 101 carries the id its log line has (WebSocketStream::accept copies it).
  request.set("X-Request-Id", request_id);
  co_return Admission{std::nullopt, std::move(signed_in)};
}

// From here on nothing waits: the HTTP session ends as soon as its upgrade returns.
void start_session(SocketContext& context, std::unique_ptr<WebSocketStream> stream,
                   net::ConnectionLimiter::Slot& slot, net::HttpRequest& request, const net::Peer& peer,
                   std::optional<chat::Session> signed_in) {
  bool batch = wants_batches(request.target());
  auto session = std::make_shared<WebSocketSession>(std::move(stream), std::move(slot), context,
                                                    peer.client_ip, std::move(signed_in), batch);
  session->start(std::move(request));
}

}  // namespace

boost::asio::awaitable<std::optional<net::HttpResponse>> accept_websocket(
    SocketContext& context, api::HttpFrontend& frontend, boost::beast::tcp_stream& stream,
    net::ConnectionLimiter::Slot& slot, net::HttpRequest& request, const net::Peer& peer) {
  Admission admitted = co_await admit(context, frontend, request, peer);
  if (admitted.refusal) co_return std::move(admitted.refusal);
  start_session(context, make_websocket_stream(stream.release_socket()), slot, request, peer,
                std::move(admitted.session));
  co_return std::nullopt;
}

boost::asio::awaitable<std::optional<net::HttpResponse>> accept_websocket(
    SocketContext& context, api::HttpFrontend& frontend, net::TlsStream& stream,
    net::ConnectionLimiter::Slot& slot, net::HttpRequest& request, const net::Peer& peer) {
  Admission admitted = co_await admit(context, frontend, request, peer);
  if (admitted.refusal) co_return std::move(admitted.refusal);
  start_session(context, make_websocket_stream(std::move(stream)), slot, request, peer,
                std::move(admitted.session));
  co_return std::nullopt;
}

}  // namespace townhall::realtime
