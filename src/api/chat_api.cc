#include "api/chat_api.h"

#include <spdlog/spdlog.h>

#include <cmath>
#include <exception>

#include "api/handlers.h"
#include "api/json.h"
#include "chat/validation.h"
#include "net/text.h"

namespace townhall::api {
namespace {

bool is_json_content_type(std::string_view value) {
  return net::iequals(net::trim(value.substr(0, value.find(';'))), "application/json");
}

}  // namespace

ApiResponse json_response(int status, std::string body) {
  ApiResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

ApiResponse error_response(int status, std::string_view code, std::string_view message) {
  return json_response(status, error_json(code, message));
}

int http_status_of(chat::Code code) {
  switch (code) {
    case chat::Code::kInvalidArgument:
      return 400;
    case chat::Code::kUnauthenticated:
      return 401;
    case chat::Code::kPermissionDenied:
      return 403;
    case chat::Code::kNotFound:
      return 404;
    case chat::Code::kAlreadyExists:
    case chat::Code::kFailedPrecondition:
      return 409;
    case chat::Code::kTooLarge:
      return 413;
    case chat::Code::kUnavailable:
      return 503;
    case chat::Code::kInternal:
      return 500;
  }
  return 500;
}

ApiResponse error_response(const chat::Error& error) {
  int status = http_status_of(error.code);
  if (status >= 500) {
    // Store details may name tables and keys: they go to the log only.
    spdlog::warn("chat error {}: {}", chat::code_name(error.code), error.message);
    ApiResponse response =
        error_response(status, chat::code_name(error.code),
                       status == 503 ? "the service is busy, try again shortly" : "internal error");
    if (status == 503) response.add_header("Retry-After", "1");
    return response;
  }
  return error_response(status, chat::code_name(error.code), error.message);
}

ApiResponse too_many_requests(double retry_after_seconds) {
  ApiResponse response = error_response(429, "rate_limited", "too many requests, slow down");
  response.add_header("Retry-After", std::to_string(std::max<int64_t>(1, std::ceil(retry_after_seconds))));
  return response;
}

ChatApi::ChatApi(chat::ChatService& chat, Metrics& metrics, ApiOptions options)
    : chat_(chat),
      metrics_(metrics),
      options_(options),
      sessions_(options.session_cache_ttl),
      per_ip_(options.per_ip),
      per_user_(options.per_user),
      auth_per_ip_(options.auth_per_ip),
      failed_logins_(options.failed_logins_per_account) {
  auto& r = router_;
  r.add("POST", "/api/signup", {handle_signup, false, true});
  r.add("POST", "/api/login", {handle_login, false, true});
  r.add("POST", "/api/logout", {handle_logout});
  r.add("GET", "/api/me", {handle_me});
  r.add("PUT", "/api/me/password", {handle_change_password, true, true});
  r.add("POST", "/api/password-reset", {handle_reset_password, false, true});
  r.add("GET", "/api/team", {handle_team, false});
  r.add("PUT", "/api/team/signup", {handle_set_signup});
  r.add("GET", "/api/admin/users", {handle_admin_users});
  r.add("PUT", "/api/admin/users/{user_id}/role", {handle_set_role});
  r.add("POST", "/api/admin/users/{user_id}/deactivate", {handle_deactivate});
  r.add("POST", "/api/admin/users/{user_id}/reactivate", {handle_reactivate});
  r.add("POST", "/api/admin/users/{user_id}/reset-link", {handle_reset_link});
  r.add("GET", "/api/admin/invites", {handle_list_invites});
  r.add("POST", "/api/admin/invites", {handle_create_invite});
  r.add("DELETE", "/api/admin/invites/{invite_id}", {handle_revoke_invite});
  r.add("GET", "/api/admin/audit", {handle_audit});
  r.add("GET", "/api/me/channels", {handle_my_channels});
  r.add("GET", "/api/me/mentions", {handle_my_mentions});
  r.add("POST", "/api/conversations", {handle_open_conversation});
  r.add("GET", "/api/search", {handle_search});
  r.add("POST", "/api/channels/{id}/files", {handle_upload_file, true, false, true});
  r.add("GET", "/api/channels/{id}/files/{file_id}", {handle_download_file});
  r.add("GET", "/api/channels", {handle_list_channels});
  r.add("POST", "/api/channels", {handle_create_channel});
  r.add("GET", "/api/channels/{id}", {handle_get_channel});
  r.add("PATCH", "/api/channels/{id}", {handle_update_channel});
  r.add("POST", "/api/channels/{id}/join", {handle_join_channel});
  r.add("POST", "/api/channels/{id}/leave", {handle_leave_channel});
  r.add("GET", "/api/channels/{id}/members", {handle_list_members});
  r.add("POST", "/api/channels/{id}/members", {handle_add_member});
  r.add("DELETE", "/api/channels/{id}/members/{user_id}", {handle_remove_member});
  r.add("GET", "/api/channels/{id}/messages", {handle_list_messages});
  r.add("POST", "/api/channels/{id}/messages", {handle_send_message});
  r.add("PATCH", "/api/channels/{id}/messages/{message_id}", {handle_edit_message});
  r.add("DELETE", "/api/channels/{id}/messages/{message_id}", {handle_delete_message});
  r.add("GET", "/api/channels/{id}/messages/{message_id}/thread", {handle_thread});
  r.add("PUT", "/api/channels/{id}/messages/{message_id}/reactions/{emoji}", {handle_add_reaction});
  r.add("DELETE", "/api/channels/{id}/messages/{message_id}/reactions/{emoji}", {handle_remove_reaction});
  r.add("POST", "/api/channels/{id}/read", {handle_mark_read});
  r.add("PUT", "/api/channels/{id}/mute", {handle_mute});
  r.add("GET", "/api/channels/{id}/unread", {handle_unread});
}

chat::Result<chat::User> ChatApi::authenticate(const std::string& token) {
  TH_ASSIGN_OR_RETURN(chat::Session session, authenticate_session(token));
  return std::move(session.user);
}

chat::Result<chat::Session> ChatApi::authenticate_session(const std::string& token) {
  if (token.empty()) return chat::Error::Unauthenticated("sign in first");
  std::string token_hash = chat::session_token_hash(token);
  if (auto cached = sessions_.find(token_hash)) return std::move(*cached);
  TH_ASSIGN_OR_RETURN(chat::Session session, chat_.accounts().find_session(token));
  // An expiring session leaves the cache when it expires, not up to a ttl later.
  const auto expires_in =
      std::chrono::seconds(session.expires_at) - std::chrono::system_clock::now().time_since_epoch();
  sessions_.insert(token_hash, session, SessionCache::Clock::now(),
                   std::chrono::duration_cast<SessionCache::Clock::duration>(expires_in));
  return session;
}

void ChatApi::forget_session(const std::string& token) { sessions_.erase(chat::session_token_hash(token)); }

namespace {
// The key failed logins are counted under: the e-mail as login looks it up.
std::string login_key(std::string_view email) {
  auto normalized = chat::normalize_email(email);
  return normalized.ok() ? *normalized : std::string(email.substr(0, 256));
}
}  // namespace

RateLimiter::Decision ChatApi::check_login(std::string_view email) {
  return failed_logins_.check(login_key(email));
}

void ChatApi::note_failed_login(std::string_view email) { failed_logins_.take(login_key(email)); }

ApiResponse ChatApi::handle(const ApiRequest& request) {
  try {
    return dispatch(request);
  } catch (const std::exception& e) {
    // Nothing below throws on purpose; this keeps one bad request from taking the server down.
    spdlog::error("unexpected exception answering {} {}: {}", request.method, request.target.substr(0, 200),
                  e.what());
    return error_response(500, "internal", "internal error");
  }
}

ApiResponse ChatApi::dispatch(const ApiRequest& request) {
  auto split = split_target(request.target);
  auto query = split ? parse_query(split->query) : std::nullopt;
  if (!split || !query) {
    ApiResponse response = error_response(400, "invalid_argument", "malformed request target");
    response.route = "(unmatched)";
    return response;
  }
  auto match = router_.match(request.method, split->segments);
  if (match.outcome != Router<RouteSpec>::Outcome::kMatched) {
    ApiResponse response;
    if (match.outcome == Router<RouteSpec>::Outcome::kMethodNotAllowed) {
      std::string allow;
      for (const auto& method : match.allowed) allow += (allow.empty() ? "" : ", ") + method;
      response =
          error_response(405, "method_not_allowed", request.method + " is not allowed here; use " + allow);
      response.add_header("Allow", allow);
    } else {
      response = error_response(404, "not_found", "no such route");
    }
    response.route = "(unmatched)";
    return response;
  }
  const auto& route = *match.route;
  auto answer = [&](ApiResponse response) {
    response.route = route.pattern;
    return response;
  };

  if (auto decision = per_ip_.take(request.client_ip); !decision.allowed) {
    return answer(too_many_requests(decision.retry_after_seconds));
  }
  if (route.handler.auth_limited) {
    if (auto decision = auth_per_ip_.take(request.client_ip); !decision.allowed) {
      return answer(too_many_requests(decision.retry_after_seconds));
    }
  }
  const size_t max_body = route.handler.raw_body ? options_.max_upload_bytes : options_.max_body_bytes;
  if (request.body.size() > max_body) {
    return answer(error_response(413, "payload_too_large",
                                 "the body must be at most " + std::to_string(max_body) + " bytes"));
  }
  if (!route.handler.raw_body && !request.body.empty() && !is_json_content_type(request.content_type)) {
    return answer(
        error_response(415, "unsupported_media_type", "send JSON with Content-Type: application/json"));
  }

  Call call{*this, chat_, request, std::move(match.params), std::move(*query), std::nullopt, {}};
  if (route.handler.needs_auth) {
    call.credentials = credentials_of(request);
    if (call.credentials.source == Credentials::Source::kNone) {
      return answer(
          error_response(401, "unauthenticated", "sign in first: send Authorization: Bearer <token>"));
    }
    if (!csrf_ok(request, call.credentials)) {
      return answer(
          error_response(403, "permission_denied",
                         "cookie-authenticated requests must echo the th_csrf cookie in X-CSRF-Token"));
    }
    auto user = authenticate(call.credentials.token);
    if (!user.ok()) return answer(error_response(user.error()));
    if (auto decision = per_user_.take(user->id); !decision.allowed) {
      return answer(too_many_requests(decision.retry_after_seconds));
    }
    call.user = std::move(user).value();
  }
  HandlerResult result = route.handler.handler(call);
  ApiResponse response = answer(result.ok() ? std::move(result).value() : error_response(result.error()));
  if (call.user) response.user_id = call.user->id;  // the access log's "user"
  return response;
}

}  // namespace townhall::api
