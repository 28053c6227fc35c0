// HttpFrontend: the chat port's HTTP answers, as a function of the request
// (the Boost.Beast examples' shape, apart from the connection that carries
// it): /api/... goes to ChatApi on the worker pool; /healthz, /readyz,
// /metrics, /openapi.json and the embedded web page are answered here. Every
// response gets the security headers; every answer is counted in Metrics and
// logged (route templates only, never paths, tokens or bodies).
//
// The WebSocket upgrade at /ws is not answered here: the server hands it to
// realtime (server/chat_server.h).
//
// Thread-safety: serve() runs on network threads concurrently; the
// frontend is immutable after construction.
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "api/access_log.h"
#include "api/chat_api.h"
#include "api/http_types.h"
#include "api/metrics.h"
#include "net/http_session.h"
#include "net/peer.h"

namespace spdlog {
class logger;
}

namespace townhall::api {

using net::HttpRequest;
using net::HttpResponse;

struct FrontendOptions {
  bool log_requests = true;
  // One line per request as text, or as a JSON object (api/access_log.h).
  LogFormat log_format = LogFormat::kText;
  // /metrics: with a token, only to "Authorization: Bearer <token>";
  // without, only to local clients (net::Peer::local).
  std::string metrics_token;
  // Answers /readyz: OK when the store answers. Unset means always ready.
  std::function<chat::Status()> readiness;
};

// Copies what the API looks at out of a Beast request.
ApiRequest to_api_request(const HttpRequest& request, const std::string& client_ip);
// Builds the Beast response, with the security headers, Content-Length and keep-alive.
HttpResponse to_http_response(ApiResponse response, const HttpRequest& request);
HttpResponse to_http_response(ApiResponse response, unsigned version, bool keep_alive);

class HttpFrontend {
 public:
  // Everything must outlive the frontend. stopping: /readyz answers 503 once set.
  HttpFrontend(ChatApi& api, Metrics& metrics, boost::asio::thread_pool& workers, FrontendOptions options,
               const std::atomic<bool>& stopping);

  // On the session's network thread; awaits the worker pool for /api and /readyz.
  boost::asio::awaitable<HttpResponse> serve(const HttpRequest& request, const net::Peer& peer);
  // A request the session could not read (413, 431, 400), as a JSON error.
  HttpResponse refuse(int status, unsigned version);
  // A JSON error answer, counted under route (for upgrades the realtime layer refuses).
  HttpResponse error(const HttpRequest& request, std::string_view route, int status, std::string_view code,
                     std::string_view message);
  // Counts (and logs) an answer given elsewhere, such as a WebSocket's 101;
  // returns the request id it logged, for that answer's X-Request-Id.
  std::string observe(const HttpRequest& request, std::string_view route, int status, double seconds,
                      const net::Peer& peer);

 private:
  // Counts the answer in the metrics and writes its access log line.
  void record(const HttpRequest& request, std::string_view route, int status, double seconds, size_t bytes,
              std::string_view ip, std::string_view request_id, std::string_view user_id);
  void log_request(const AccessLogEntry& entry);

  ChatApi& api_;
  Metrics& metrics_;
  boost::asio::thread_pool& workers_;
  const FrontendOptions options_;
  const std::atomic<bool>& stopping_;
  // The "access" logger when serve set one up (cli/logging.h), else the default.
  std::shared_ptr<spdlog::logger> access_log_;
};

}  // namespace townhall::api
