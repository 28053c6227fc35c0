// Handlers for signup, login, logout and the current user.
#include "api/handlers.h"

namespace townhall::api {
namespace {

// {user, token, expires_at}, with the session and CSRF cookies for the web page.
ApiResponse session_response(Call& call, int status, const chat::Session& session) {
  std::string body;
  ddb::JsonWriter w(body);
  w.begin_object();
  w.key("user");
  write_user(w, session.user);
  w.key("token");
  w.string(session.token);
  w.key("expires_at");
  w.integer(session.expires_at);
  w.end_object();
  ApiResponse response = json_response(status, std::move(body));
  int64_t max_age = call.chat.options().session_lifetime_seconds;
  const auto& cookies = call.api.options().cookies;
  response.add_header("Set-Cookie", session_cookie(session.token, max_age, cookies));
  response.add_header("Set-Cookie", csrf_cookie(new_csrf_token(), max_age, cookies));
  response.add_header("Cache-Control", "no-store");
  return response;
}

}  // namespace

HandlerResult handle_signup(Call& call) {
  TH_ASSIGN_OR_RETURN(JsonObject body, body_object(call));
  TH_ASSIGN_OR_RETURN(std::string name, body.required_string("name"));
  TH_ASSIGN_OR_RETURN(std::string email, body.required_string("email"));
  TH_ASSIGN_OR_RETURN(std::string password, body.required_string("password"));
  TH_ASSIGN_OR_RETURN(auto invite, body.optional_string("invite"));
  TH_RETURN_IF_ERROR(call.chat.accounts().sign_up(name, email, password, invite.value_or("")));
  TH_ASSIGN_OR_RETURN(chat::Session session, call.chat.accounts().log_in(email, password));
  return session_response(call, 201, session);
}

// A new password for the signed-in user: every session of theirs ends (on
// every node), and this client gets a new one.
HandlerResult handle_change_password(Call& call) {
  TH_ASSIGN_OR_RETURN(JsonObject body, body_object(call));
  TH_ASSIGN_OR_RETURN(std::string current, body.required_string("current_password"));
  TH_ASSIGN_OR_RETURN(std::string password, body.required_string("password"));
  TH_ASSIGN_OR_RETURN(chat::Session session,
                      call.chat.accounts().change_password(call.actor(), current, password));
  call.api.forget_session(call.credentials.token);
  return session_response(call, 200, session);
}

// Redeems a reset link an admin handed over: the new password, then signed in.
HandlerResult handle_reset_password(Call& call) {
  TH_ASSIGN_OR_RETURN(JsonObject body, body_object(call));
  TH_ASSIGN_OR_RETURN(std::string token, body.required_string("token"));
  TH_ASSIGN_OR_RETURN(std::string password, body.required_string("password"));
  TH_ASSIGN_OR_RETURN(chat::User user, call.chat.accounts().reset_password(token, password));
  if (user.email.empty() || !user.active()) return object_response(200, "user", user, write_user);
  TH_ASSIGN_OR_RETURN(chat::Session session, call.chat.accounts().log_in(user.email, password));
  return session_response(call, 200, session);
}

HandlerResult handle_login(Call& call) {
  TH_ASSIGN_OR_RETURN(JsonObject body, body_object(call));
  TH_ASSIGN_OR_RETURN(std::string email, body.required_string("email"));
  TH_ASSIGN_OR_RETURN(std::string password, body.required_string("password"));
  // Per account, not only per address: behind a shared proxy every user
  // has the same address, and an attacker has many.
  if (auto decision = call.api.check_login(email); !decision.allowed) {
    return too_many_requests(decision.retry_after_seconds);
  }
  auto session = call.chat.accounts().log_in(email, password);
  if (!session.ok() && session.error().code == chat::Code::kUnauthenticated)
    call.api.note_failed_login(email);
  TH_RETURN_IF_ERROR(session);
  return session_response(call, 200, *session);
}

HandlerResult handle_logout(Call& call) {
  auto status = call.chat.accounts().log_out(call.credentials.token);
  call.api.forget_session(call.credentials.token);
  TH_RETURN_IF_ERROR(status);
  ApiResponse response = no_content();
  const auto& cookies = call.api.options().cookies;
  response.add_header("Set-Cookie", expired_session_cookie(cookies));
  response.add_header("Set-Cookie", expired_csrf_cookie(cookies));
  return response;
}

HandlerResult handle_me(Call& call) { return object_response(200, "user", call.actor(), write_user); }

ApiResponse no_content() {
  ApiResponse response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

chat::Result<JsonObject> body_object(const Call& call) {
  if (call.request.body.empty()) return chat::Error::InvalidArgument("a JSON body is required");
  return JsonObject::parse(call.request.body);
}

chat::Result<int> limit_param(const Call& call) {
  auto it = call.query.find("limit");
  if (it == call.query.end() || it->second.empty()) return 0;
  const std::string& text = it->second;
  if (text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos) {
    return chat::Error::InvalidArgument("limit must be a positive integer");
  }
  return std::stoi(text);
}

std::string query_param(const Call& call, const std::string& name) {
  auto it = call.query.find(name);
  return it == call.query.end() ? std::string() : it->second;
}

}  // namespace townhall::api
