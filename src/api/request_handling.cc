#include "api/request_handling.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/version.hpp>

#include <sodium.h>

#include "api/json.h"
#include "api/offload.h"
#include "api/static_files.h"
#include "net/address.h"

namespace townhall::api {
namespace http = boost::beast::http;

namespace {

// The page loads only its own scripts, styles and images, talks only to its
// own origin (fetch and WebSocket), and may not be framed.
constexpr std::string_view kHtmlCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
// Everything else is data, never a document.
constexpr std::string_view kDataCsp = "default-src 'none'; frame-ancestors 'none'";

template <class Name>
std::string header(const HttpRequest& request, Name name) {
  auto it = request.find(name);
  return it == request.end() ? std::string() : std::string(it->value());
}

ApiResponse static_response(const HttpRequest& request, std::string_view path) {
  ApiResponse response;
  response.route = "(static)";
  const EmbeddedFile* file = find_embedded_file(path);
  if (!file) {
    response = json_response(404, error_json("not_found", "no such route"));
    response.route = "(unmatched)";
    return response;
  }
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    response = json_response(405, error_json("method_not_allowed", "use GET"));
    response.add_header("Allow", "GET, HEAD");
    response.route = "(static)";
    return response;
  }
  response.content_type = std::string(content_type_for(file->path));
  response.add_header("ETag", std::string(file->etag));
  // The page must pick up a new build at once; its assets revalidate cheaply by ETag.
  response.add_header("Cache-Control", "no-cache");
  auto if_none_match = request.find(http::field::if_none_match);
  if (if_none_match != request.end() && if_none_match->value().find(file->etag) != std::string_view::npos) {
    response.status = 304;
    return response;
  }
  response.body = std::string(file->data);
  return response;
}

bool metrics_allowed(const ServerOptions& options, const HttpRequest& request, const Peer& peer) {
  if (!options.metrics_token.empty()) {
    std::string authorization = header(request, http::field::authorization);
    std::string expected = "Bearer " + options.metrics_token;
    return authorization.size() == expected.size() &&
           sodium_memcmp(authorization.data(), expected.data(), expected.size()) == 0;
  }
  return peer.local;
}

}  // namespace

Peer peer_of(const HttpRequest& request, const boost::asio::ip::address& remote,
             const ServerOptions& options) {
  Peer peer;
  std::string forwarded_for = header(request, std::string_view("X-Forwarded-For"));
  peer.client_ip = net::client_address(remote, forwarded_for, options.trusted_proxies);
  // A reverse proxy on this machine forwards everyone's requests from
  // loopback: a request that names where it came from is not local.
  peer.local = net::is_loopback(remote) && forwarded_for.empty() &&
               request.find(http::field::forwarded) == request.end() &&
               request.find(std::string_view("X-Real-IP")) == request.end();
  return peer;
}

ApiRequest to_api_request(const HttpRequest& request, const std::string& client_ip) {
  ApiRequest out;
  out.method = std::string(request.method_string());
  out.target = std::string(request.target());
  out.body = request.body();
  out.content_type = header(request, http::field::content_type);
  out.authorization = header(request, http::field::authorization);
  out.cookie = header(request, http::field::cookie);
  out.csrf_token = header(request, std::string_view("X-CSRF-Token"));
  out.if_none_match = header(request, http::field::if_none_match);
  out.client_ip = client_ip;
  return out;
}

HttpResponse to_http_response(ApiResponse response, const HttpRequest& request) {
  HttpResponse out{static_cast<http::status>(response.status), request.version()};
  out.set(http::field::server, "townhall");
  bool html = response.content_type.rfind("text/html", 0) == 0;
  if (!response.content_type.empty()) out.set(http::field::content_type, response.content_type);
  out.set("X-Content-Type-Options", "nosniff");
  out.set("Referrer-Policy", "no-referrer");
  out.set("X-Frame-Options", "DENY");
  out.set("Content-Security-Policy", html ? kHtmlCsp : kDataCsp);
  if (response.route.rfind("/api", 0) == 0 || response.route == "(unmatched)") {
    bool has_cache_control = false;
    for (const auto& [name, value] : response.headers) has_cache_control |= name == "Cache-Control";
    if (!has_cache_control) out.set(http::field::cache_control, "no-store");
  }
  for (auto& [name, value] : response.headers) out.insert(name, value);
  out.keep_alive(request.keep_alive());
  if (request.method() == http::verb::head) {
    out.content_length(response.body.size());
  } else {
    out.body() = std::move(response.body);
    out.prepare_payload();
  }
  return out;
}

boost::asio::awaitable<ApiResponse> serve_request(ServerContext& context, const HttpRequest& request,
                                                  const Peer& peer) {
  const std::string& client_ip = peer.client_ip;
  std::string_view target = request.target();
  std::string_view path = target.substr(0, target.find('?'));
  if (path == "/api" || path.rfind("/api/", 0) == 0) {
    ApiRequest api_request = to_api_request(request, client_ip);
    co_return co_await offload(context.workers, [&] { return context.api.handle(api_request); });
  }
  ApiResponse response;
  if (path == "/healthz") {
    response.body = R"({"status":"ok"})";
    response.route = "/healthz";
  } else if (path == "/readyz") {
    response.route = "/readyz";
    chat::Status ready = chat::Status::Ok();
    if (context.options.readiness) {
      ready = co_await offload(context.workers, [&] { return context.options.readiness(); });
    }
    if (ready.ok() && !context.stopping) {
      response.body = R"({"status":"ready"})";
    } else {
      response.status = 503;
      response.body =
          error_json("unavailable", context.stopping ? "shutting down" : "the store does not answer");
    }
  } else if (path == "/metrics") {
    if (metrics_allowed(context.options, request, peer)) {
      response.route = "/metrics";
      response.content_type = "text/plain; version=0.0.4; charset=utf-8";
      response.body = context.metrics.render();
    } else {
      response = json_response(
          403,
          error_json("permission_denied", "metrics are served to local clients, or with the metrics token"));
      response.route = "/metrics";
    }
  } else if (path == "/ws") {
    response = json_response(426, error_json("upgrade_required", "connect with a WebSocket client"));
    response.add_header("Upgrade", "websocket");
    response.route = "/ws";
  } else {
    response = static_response(request, path);
  }
  co_return response;
}

}  // namespace townhall::api
