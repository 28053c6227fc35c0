// Authentication for the chat API: where a request's session token comes
// from (an "Authorization: Bearer" header or the th_session cookie), the
// double-submit CSRF check for cookie-authenticated unsafe requests, the
// cookies signup and login set, and a short-lived cache of session -> user
// lookups that keeps the store off the hot path.
//
// Tokens and cookies are never logged.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/http_types.h"
#include "chat/model.h"

namespace townhall::api {

inline constexpr std::string_view kSessionCookie = "th_session";
inline constexpr std::string_view kCsrfCookie = "th_csrf";

// The value of cookie `name` in a Cookie header, or empty.
std::string cookie_value(std::string_view cookie_header, std::string_view name);

struct Credentials {
  enum class Source { kNone, kBearer, kCookie } source = Source::kNone;
  std::string token;
};
// Bearer wins over the cookie when both are present.
Credentials credentials_of(const ApiRequest& request);

// Double-submit: a cookie-authenticated unsafe request must echo the th_csrf
// cookie in X-CSRF-Token. Bearer requests and safe methods pass. Compares in
// constant time.
bool csrf_ok(const ApiRequest& request, const Credentials& credentials);

struct CookieOptions {
  bool secure = false;  // add Secure (when served over TLS or behind a TLS proxy)
};
// Set-Cookie values for a new session: th_session (HttpOnly) and th_csrf
// (readable by the page's script, which echoes it).
std::string session_cookie(std::string_view token, int64_t max_age_seconds, const CookieOptions& options);
std::string csrf_cookie(std::string_view csrf, int64_t max_age_seconds, const CookieOptions& options);
// Set-Cookie values that delete both cookies.
std::string expired_session_cookie(const CookieOptions& options);
std::string expired_csrf_cookie(const CookieOptions& options);
// 32 random bytes as hex.
std::string new_csrf_token();

// SessionCache: session -> user for a short while (30 s by default), keyed
// by the token's hash (chat::session_token_hash), never the token. A logout
// removes the entry on every node at once (the access event reaches each
// node's cache); if that event was lost between nodes, the gap notice that
// follows clears every node's cache.
// Thread-safe.
class SessionCache {
 public:
  using Clock = std::chrono::steady_clock;
  explicit SessionCache(std::chrono::milliseconds ttl, size_t max_entries = 100000)
      : ttl_(ttl), max_entries_(max_entries) {}

  std::optional<chat::Session> find(const std::string& token_hash, Clock::time_point now = Clock::now());
  // Cached for the cache's ttl, or until the session expires if sooner
  // (expires_in: the session's time left).
  void insert(const std::string& token_hash, const chat::Session& session,
              Clock::time_point now = Clock::now(), Clock::duration expires_in = Clock::duration::max());
  void erase(const std::string& token_hash);
  // Every entry of one user (a linear walk: user changes are rare).
  void erase_user(const std::string& user_id);
  void clear();
  size_t size();

 private:
  struct Entry {
    chat::Session session;
    Clock::time_point valid_until;
  };
  const std::chrono::milliseconds ttl_;
  const size_t max_entries_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace townhall::api
