// ChatApi: the REST API under /api, as a function from request to response.
// It matches the route, applies the rate limits, authenticates (bearer token
// or session cookie with its CSRF check), reads the JSON body and calls the
// route's handler (handlers_*.cc), which calls chat. Chat enforces who may
// do what; ChatApi establishes who is asking.
//
// handle() blocks on the store: the HTTP server calls it on its worker pool,
// never on a network thread. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "api/auth.h"
#include "api/http_types.h"
#include "api/metrics.h"
#include "api/rate_limiter.h"
#include "api/router.h"
#include "chat/chat_service.h"

namespace townhall::search {
class SearchService;
}

namespace townhall::api {

struct ApiOptions {
  size_t max_body_bytes = 64 * 1024;
  // A file upload's body (POST /api/channels/{id}/files): the file itself.
  size_t max_upload_bytes = 25 * 1024 * 1024;
  // Every request from one address (0 rate = off).
  RateLimit per_ip{100, 200};
  // Every authenticated request and WebSocket send of one user.
  RateLimit per_user{50, 100};
  // Signup and login from one address: password guessing is the threat.
  RateLimit auth_per_ip{2, 10};
  // Failed logins per account (e-mail), whatever the address: guessing one
  // account's password from many addresses, or through one proxy that every
  // user shares. 10 at once, then one per 10 s; a success costs nothing.
  RateLimit failed_logins_per_account{0.1, 10};
  std::chrono::milliseconds session_cache_ttl{30000};
  CookieOptions cookies;
  // Message search (GET /api/search); null: answered 503, search is off.
  search::SearchService* search = nullptr;
};

class ChatApi;

// What a handler gets: the request, the route's captured parameters, the
// query string, and the authenticated user when the route requires one.
struct Call {
  ChatApi& api;
  chat::ChatService& chat;
  const ApiRequest& request;
  std::map<std::string, std::string> params;
  std::map<std::string, std::string> query;
  std::optional<chat::User> user;  // set for routes that need authentication
  Credentials credentials;

  const chat::User& actor() const { return *user; }
  const std::string& param(const std::string& name) const { return params.at(name); }
};

using HandlerResult = chat::Result<ApiResponse>;
using Handler = HandlerResult (*)(Call& call);

struct RouteSpec {
  Handler handler = nullptr;
  bool needs_auth = true;
  bool auth_limited = false;  // counts against the stricter signup/login bucket
  bool raw_body = false;      // the body is a file (any type, up to max_upload_bytes), not JSON
};

class ChatApi {
 public:
  // chat and metrics must outlive this object.
  ChatApi(chat::ChatService& chat, Metrics& metrics, ApiOptions options = {});

  // Answers one request whose path starts with /api. Blocking; thread-safe.
  ApiResponse handle(const ApiRequest& request);

  // The user a session token belongs to, from the cache or the store.
  chat::Result<chat::User> authenticate(const std::string& token);
  // The same with the session's expiry (Session::token stays empty).
  chat::Result<chat::Session> authenticate_session(const std::string& token);
  void forget_session(const std::string& token);
  // A session that ended (on any node): by its token's hash.
  void forget_session_hash(const std::string& token_hash) { sessions_.erase(token_hash); }
  // Events may have been lost between nodes: nothing cached is trusted.
  void forget_all_sessions() { sessions_.clear(); }
  // A user changed (role, deactivated, new password): their cached sessions go.
  void forget_user(const std::string& user_id) { sessions_.erase_user(user_id); }
  // Per-account login throttling: whether a login for email may be tried
  // now, and charging a failed one.
  RateLimiter::Decision check_login(std::string_view email);
  void note_failed_login(std::string_view email);
  // A token from the per-user bucket (REST requests and WebSocket sends).
  RateLimiter::Decision take_user_token(const std::string& user_id) { return per_user_.take(user_id); }
  RateLimiter::Decision take_ip_token(const std::string& ip) { return per_ip_.take(ip); }

  chat::ChatService& chat() { return chat_; }
  Metrics& metrics() { return metrics_; }
  const ApiOptions& options() const { return options_; }
  const Router<RouteSpec>& router() const { return router_; }

 private:
  ApiResponse dispatch(const ApiRequest& request);

  chat::ChatService& chat_;
  Metrics& metrics_;
  const ApiOptions options_;
  Router<RouteSpec> router_;
  SessionCache sessions_;
  RateLimiter per_ip_;
  RateLimiter per_user_;
  RateLimiter auth_per_ip_;
  RateLimiter failed_logins_;
};

// Responses every handler builds.
ApiResponse json_response(int status, std::string body);
ApiResponse error_response(int status, std::string_view code, std::string_view message);
// A chat error with its HTTP status: invalid_argument 400, unauthenticated
// 401, permission_denied 403, not_found 404, already_exists 409,
// failed_precondition 409, payload_too_large 413, unavailable 503 (with Retry-After), internal 500
// (whose details go to the log, not the client).
ApiResponse error_response(const chat::Error& error);
int http_status_of(chat::Code code);
ApiResponse too_many_requests(double retry_after_seconds);

}  // namespace townhall::api
