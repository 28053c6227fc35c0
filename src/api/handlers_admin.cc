// Handlers for the team: who may sign up, the user directory, roles,
// deactivation, invite and reset links, the audit trail. Every route but
// GET /api/team needs an admin (chat::TeamService checks the role on each
// call); a member gets 403, a stranger 401.
#include "api/handlers.h"

namespace townhall::api {
namespace {

ApiResponse user_response(const chat::User& user) { return object_response(200, "user", user, write_user); }

ApiResponse settings_response(const chat::TeamSettings& team) {
  std::string body;
  ddb::JsonWriter w(body);
  write_settings(w, team);
  return json_response(200, std::move(body));
}

}  // namespace

// Public: what the sign-up form needs to know (and who may see it anyway).
HandlerResult handle_team(Call& call) {
  TH_ASSIGN_OR_RETURN(chat::TeamSettings team, call.chat.team().settings());
  return settings_response(team);
}

HandlerResult handle_set_signup(Call& call) {
  TH_ASSIGN_OR_RETURN(JsonObject body, body_object(call));
  TH_ASSIGN_OR_RETURN(std::string name, body.required_string("signup"));
  auto policy = chat::signup_policy_from_name(name);
  if (!policy) return chat::Error::InvalidArgument("'signup' must be open, invite or domain");
  TH_ASSIGN_OR_RETURN(auto domains, body.string_array("domains", chat::TeamService::kMaxDomains));
  TH_ASSIGN_OR_RETURN(chat::TeamSettings team, call.chat.team().set_signup(call.actor(), *policy, domains));
  return settings_response(team);
}

HandlerResult handle_admin_users(Call& call) {
  TH_ASSIGN_OR_RETURN(int limit, limit_param(call));
  TH_ASSIGN_OR_RETURN(auto page, call.chat.team().users(call.actor(), query_param(call, "cursor"), limit));
  return page_response("users", page, write_user);
}

HandlerResult handle_set_role(Call& call) {
  TH_ASSIGN_OR_RETURN(JsonObject body, body_object(call));
  TH_ASSIGN_OR_RETURN(std::string name, body.required_string("role"));
  auto role = chat::role_from_name(name);
  if (!role) return chat::Error::InvalidArgument("'role' must be owner, admin or member");
  TH_ASSIGN_OR_RETURN(chat::User user, call.chat.team().set_role(call.actor(), call.param("user_id"), *role));
  return user_response(user);
}

HandlerResult handle_deactivate(Call& call) {
  TH_ASSIGN_OR_RETURN(chat::User user,
                      call.chat.team().set_active(call.actor(), call.param("user_id"), false));
  return user_response(user);
}

HandlerResult handle_reactivate(Call& call) {
  TH_ASSIGN_OR_RETURN(chat::User user,
                      call.chat.team().set_active(call.actor(), call.param("user_id"), true));
  return user_response(user);
}

HandlerResult handle_reset_link(Call& call) {
  int64_t lifetime = 0;
  if (!call.request.body.empty()) {
    TH_ASSIGN_OR_RETURN(JsonObject body, body_object(call));
    TH_ASSIGN_OR_RETURN(lifetime, body.optional_int("expires_in", 0, 60, 7 * 24 * 3600));
  }
  TH_ASSIGN_OR_RETURN(chat::ResetLink link,
                      call.chat.team().create_reset_link(call.actor(), call.param("user_id"), lifetime));
  std::string body;
  ddb::JsonWriter w(body);
  w.begin_object();
  w.key("token");
  w.string(link.token);
  w.key("path");
  w.string("/#reset=" + link.token);
  w.key("user_id");
  w.string(link.user_id);
  w.key("expires_at");
  w.integer(link.expires_at);
  w.end_object();
  ApiResponse response = json_response(201, std::move(body));
  response.add_header("Cache-Control", "no-store");
  return response;
}

HandlerResult handle_create_invite(Call& call) {
  int64_t lifetime = 0, max_uses = 1;
  if (!call.request.body.empty()) {
    TH_ASSIGN_OR_RETURN(JsonObject body, body_object(call));
    TH_ASSIGN_OR_RETURN(lifetime,
                        body.optional_int("expires_in", 0, 60, chat::TeamService::kMaxInviteSeconds));
    TH_ASSIGN_OR_RETURN(max_uses, body.optional_int("max_uses", 1, 0, chat::TeamService::kMaxInviteUses));
  }
  TH_ASSIGN_OR_RETURN(chat::Invite invite, call.chat.team().create_invite(call.actor(), lifetime, max_uses));
  std::string body;
  ddb::JsonWriter w(body);
  w.begin_object();
  w.key("invite");
  write_invite(w, invite);
  w.key("path");
  w.string("/#invite=" + invite.token);
  w.end_object();
  ApiResponse response = json_response(201, std::move(body));
  response.add_header("Cache-Control", "no-store");
  return response;
}

HandlerResult handle_list_invites(Call& call) {
  TH_ASSIGN_OR_RETURN(int limit, limit_param(call));
  TH_ASSIGN_OR_RETURN(auto page, call.chat.team().invites(call.actor(), query_param(call, "cursor"), limit));
  return page_response("invites", page, write_invite);
}

HandlerResult handle_revoke_invite(Call& call) {
  TH_RETURN_IF_ERROR(call.chat.team().revoke_invite(call.actor(), call.param("invite_id")));
  return no_content();
}

HandlerResult handle_audit(Call& call) {
  TH_ASSIGN_OR_RETURN(int limit, limit_param(call));
  TH_ASSIGN_OR_RETURN(auto page, call.chat.team().audit(call.actor(), query_param(call, "cursor"), limit));
  return page_response("entries", page, write_audit_entry);
}

}  // namespace townhall::api
