// ApiRequest and ApiResponse: an HTTP exchange as the request handlers see
// it, independent of Beast so that routing, auth and the handlers can be
// unit-tested without sockets. The HTTP session converts to and from Beast.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace townhall::api {

struct ApiRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // the raw request target, path and query, still percent-encoded
  std::string body;
  // Headers the API looks at; absent headers are empty.
  std::string content_type;
  std::string authorization;
  std::string cookie;
  std::string csrf_token;  // X-CSRF-Token
  std::string if_none_match;
  std::string client_ip;  // the peer's address, for per-IP limits and logs
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Set-Cookie, Retry-After, ...)
  // The route template that answered ("/api/channels/{id}"), for metrics and
  // logs; raw paths would give every channel its own time series.
  std::string route;
  // The authenticated user's id, for the access log; empty when nobody signed in.
  std::string user_id;

  void add_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

// Methods that change state: cookie-authenticated requests with these need a CSRF token.
inline bool is_unsafe_method(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

}  // namespace townhall::api
