#include "api/http_frontend.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/version.hpp>

#include <spdlog/spdlog.h>

#include <chrono>

#include "api/json.h"
#include "api/offload.h"
#include "api/static_files.h"
#include "chat/secrets.h"
#include "net/content_type.h"

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
  response.content_type = std::string(net::content_type_for(file->path));
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

bool metrics_allowed(const FrontendOptions& options, const HttpRequest& request, const net::Peer& peer) {
  if (!options.metrics_token.empty()) {
    std::string authorization = header(request, http::field::authorization);
    std::string expected = "Bearer " + options.metrics_token;
    return chat::secrets_equal(authorization, expected);
  }
  return peer.local;
}

}  // namespace

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

HttpResponse to_http_response(ApiResponse response, unsigned version, bool keep_alive) {
  HttpResponse out{static_cast<http::status>(response.status), version};
  out.set(http::field::server, "townhall");
  bool html = response.content_type.rfind("text/html", 0) == 0;
  if (!response.content_type.empty()) out.set(http::field::content_type, response.content_type);
  out.set("X-Content-Type-Options", "nosniff");
  out.set("Referrer-Policy", "no-referrer");
  out.set("X-Frame-Options", "DENY");
  bool own_csp = false;  // a file download sets its own (stricter) policy
  for (const auto& [name, value] : response.headers) own_csp |= name == "Content-Security-Policy";
  if (!own_csp) out.set("Content-Security-Policy", html ? kHtmlCsp : kDataCsp);
  if (response.route.rfind("/api", 0) == 0 || response.route == "(unmatched)") {
    bool has_cache_control = false;
    for (const auto& [name, value] : response.headers) has_cache_control |= name == "Cache-Control";
    if (!has_cache_control) out.set(http::field::cache_control, "no-store");
  }
  for (auto& [name, value] : response.headers) out.insert(name, value);
  out.keep_alive(keep_alive);
  out.body() = std::move(response.body);
  out.prepare_payload();
  return out;
}

HttpResponse to_http_response(ApiResponse response, const HttpRequest& request) {
  if (request.method() != http::verb::head) {
    return to_http_response(std::move(response), request.version(), request.keep_alive());
  }
  size_t length = response.body.size();
  response.body.clear();
  HttpResponse out = to_http_response(std::move(response), request.version(), request.keep_alive());
  out.content_length(length);  // HEAD: the length of what GET would send
  return out;
}

HttpFrontend::HttpFrontend(ChatApi& api, Metrics& metrics, boost::asio::thread_pool& workers,
                           FrontendOptions options, const std::atomic<bool>& stopping)
    : api_(api),
      metrics_(metrics),
      workers_(workers),
      options_(std::move(options)),
      stopping_(stopping),
      access_log_(spdlog::get(kAccessLoggerName)) {
  if (!access_log_) access_log_ = spdlog::default_logger();
}

boost::asio::awaitable<HttpResponse> HttpFrontend::serve(const HttpRequest& request, const net::Peer& peer) {
  auto started = std::chrono::steady_clock::now();
  // Echoed to the client and written in the log line: one id ties them (and a proxy's log) together.
  std::string request_id = request_id_for(header(request, std::string_view("X-Request-Id")));
  std::string_view target = request.target();
  std::string_view path = target.substr(0, target.find('?'));
  ApiResponse response;
  if (path == "/api" || path.rfind("/api/", 0) == 0) {
    ApiRequest api_request = to_api_request(request, peer.client_ip);
    response = co_await offload(workers_, [&] { return api_.handle(api_request); });
  } else if (path == "/healthz") {
    response.body = R"({"status":"ok"})";
    response.route = "/healthz";
  } else if (path == "/readyz") {
    response.route = "/readyz";
    chat::Status ready = chat::Status::Ok();
    if (options_.readiness) ready = co_await offload(workers_, [&] { return options_.readiness(); });
    bool stopping = stopping_.load(std::memory_order_relaxed);
    if (ready.ok() && !stopping) {
      response.body = R"({"status":"ready"})";
    } else {
      response.status = 503;
      response.body = error_json("unavailable", stopping ? "shutting down" : "the store does not answer");
    }
  } else if (path == "/metrics") {
    if (metrics_allowed(options_, request, peer)) {
      response.route = "/metrics";
      response.content_type = "text/plain; version=0.0.4; charset=utf-8";
      response.body = metrics_.render();
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
  if (response.route.empty()) response.route = "(unmatched)";
  response.add_header("X-Request-Id", request_id);
  const std::string route = response.route;
  const std::string user_id = std::move(response.user_id);
  const int status = response.status;
  HttpResponse out = to_http_response(std::move(response), request);
  record(request, route, status,
         std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(), out.body().size(),
         peer.client_ip, request_id, user_id);
  co_return out;
}

HttpResponse HttpFrontend::refuse(int status, unsigned version) {
  std::string_view code = status == 413   ? "payload_too_large"
                          : status == 431 ? "headers_too_large"
                                          : "bad_request";
  std::string message =
      status == 413 ? "the body must be at most " + std::to_string(api_.options().max_body_bytes) +
                          " bytes (a file upload: " + std::to_string(api_.options().max_upload_bytes) + ")"
      : status == 431 ? std::string("the request headers are too large")
                      : std::string("malformed HTTP request");
  ApiResponse answer = json_response(status, error_json(code, message));
  answer.route = "(rejected)";
  std::string request_id = new_request_id();  // the request was not read: no client id to keep
  answer.add_header("X-Request-Id", request_id);
  metrics_.observe_request("(rejected)", "-", status, 0);
  log_request({request_id, "-", "(rejected)", status, 0, answer.body.size(), "", ""});
  return to_http_response(std::move(answer), version, false);
}

HttpResponse HttpFrontend::error(const HttpRequest& request, std::string_view route, int status,
                                 std::string_view code, std::string_view message) {
  ApiResponse answer = json_response(status, error_json(code, message));
  answer.route = std::string(route);
  std::string request_id = request_id_for(header(request, std::string_view("X-Request-Id")));
  answer.add_header("X-Request-Id", request_id);
  size_t bytes = answer.body.size();
  record(request, route, status, 0, bytes, "", request_id, "");
  return to_http_response(std::move(answer), request);
}

std::string HttpFrontend::observe(const HttpRequest& request, std::string_view route, int status,
                                  double seconds, const net::Peer& peer) {
  // The answer is made elsewhere (a WebSocket's 101): the line has the client's id, or a fresh one,
  // which the caller puts on that answer.
  std::string request_id = request_id_for(header(request, std::string_view("X-Request-Id")));
  record(request, route, status, seconds, 0, peer.client_ip, request_id, "");
  return request_id;
}

void HttpFrontend::record(const HttpRequest& request, std::string_view route, int status, double seconds,
                          size_t bytes, std::string_view ip, std::string_view request_id,
                          std::string_view user_id) {
  metrics_.observe_request(route, request.method_string(), status, seconds);
  log_request({request_id, request.method_string(), route, status, seconds * 1000, bytes, ip, user_id});
}

void HttpFrontend::log_request(const AccessLogEntry& entry) {
  if (!options_.log_requests) return;
  // Route templates only: paths carry ids, queries may carry cursors; never headers but the request id.
  if (options_.log_format == LogFormat::kJson) {
    access_log_->info("{}", access_log_json_members(entry));
  } else {
    access_log_->info("{}", access_log_text(entry));
  }
}

}  // namespace townhall::api
