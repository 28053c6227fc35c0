#include "api/auth.h"

#include <algorithm>

#include "chat/secrets.h"
#include "net/text.h"

namespace townhall::api {
namespace {

using net::iequals;
using net::trim;

std::string cookie(std::string_view name, std::string_view value, int64_t max_age, bool http_only,
                   const CookieOptions& options) {
  std::string out = std::string(name) + "=" + std::string(value) +
                    "; Path=/; Max-Age=" + std::to_string(max_age) + "; SameSite=Strict";
  if (http_only) out += "; HttpOnly";
  if (options.secure) out += "; Secure";
  return out;
}

}  // namespace

std::string cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semicolon = header.find(';');
    std::string_view pair = trim(header.substr(0, semicolon));
    header = semicolon == std::string_view::npos ? std::string_view() : header.substr(semicolon + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (trim(pair.substr(0, eq)) == name) {
      std::string_view value = trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
        value = value.substr(1, value.size() - 2);
      return std::string(value);
    }
  }
  return {};
}

Credentials credentials_of(const ApiRequest& request) {
  std::string_view authorization = trim(request.authorization);
  constexpr std::string_view kBearer = "bearer ";
  if (authorization.size() > kBearer.size() && iequals(authorization.substr(0, kBearer.size()), kBearer)) {
    return {Credentials::Source::kBearer, std::string(trim(authorization.substr(kBearer.size())))};
  }
  std::string token = cookie_value(request.cookie, kSessionCookie);
  if (!token.empty()) return {Credentials::Source::kCookie, std::move(token)};
  return {};
}

bool csrf_ok(const ApiRequest& request, const Credentials& credentials) {
  if (credentials.source != Credentials::Source::kCookie || !is_unsafe_method(request.method)) return true;
  std::string expected = cookie_value(request.cookie, kCsrfCookie);
  return !expected.empty() && chat::secrets_equal(expected, request.csrf_token);
}

std::string session_cookie(std::string_view token, int64_t max_age, const CookieOptions& options) {
  return cookie(kSessionCookie, token, max_age, true, options);
}
std::string csrf_cookie(std::string_view csrf, int64_t max_age, const CookieOptions& options) {
  return cookie(kCsrfCookie, csrf, max_age, false, options);
}
std::string expired_session_cookie(const CookieOptions& options) {
  return cookie(kSessionCookie, "", 0, true, options);
}
std::string expired_csrf_cookie(const CookieOptions& options) {
  return cookie(kCsrfCookie, "", 0, false, options);
}

std::string new_csrf_token() { return chat::random_hex(32); }

std::optional<chat::Session> SessionCache::find(const std::string& token_hash, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(token_hash);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.valid_until <= now) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second.session;
}

void SessionCache::insert(const std::string& token_hash, const chat::Session& session, Clock::time_point now,
                          Clock::duration expires_in) {
  const Clock::duration lifetime = std::min<Clock::duration>(ttl_, expires_in);
  if (lifetime <= Clock::duration::zero()) return;
  std::lock_guard lock(mutex_);
  if (entries_.size() >= max_entries_) {
    std::erase_if(entries_, [&](const auto& entry) { return entry.second.valid_until <= now; });
    if (entries_.size() >= max_entries_) entries_.clear();  // still full: start over rather than grow
  }
  entries_[token_hash] = Entry{session, now + lifetime};
}

void SessionCache::erase(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  entries_.erase(token_hash);
}

void SessionCache::erase_user(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  std::erase_if(entries_, [&](const auto& entry) { return entry.second.session.user.id == user_id; });
}

void SessionCache::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

size_t SessionCache::size() {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace townhall::api
