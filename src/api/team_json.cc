// JSON for the team's settings, invites and audit entries (api/json.h).
#include "api/json.h"
#include "chat/team_service.h"

namespace townhall::api {

void write_settings(ddb::JsonWriter& w, const chat::TeamSettings& team) {
  w.begin_object();
  w.key("signup");
  w.string(chat::signup_policy_name(team.signup));
  w.key("domains");
  w.begin_array();
  for (const auto& domain : team.domains) w.string(domain);
  w.end_array();
  w.end_object();
}

void write_invite(ddb::JsonWriter& w, const chat::Invite& invite) {
  w.begin_object();
  w.key("id");
  w.string(invite.id);
  if (!invite.token.empty()) {
    w.key("token");
    w.string(invite.token);
  }
  w.key("created_by");
  w.string(invite.created_by);
  w.key("created_at");
  w.integer(invite.created_at);
  w.key("expires_at");
  w.integer(invite.expires_at);
  w.key("max_uses");
  w.integer(invite.max_uses);
  w.key("uses");
  w.integer(invite.uses);
  w.key("revoked");
  w.boolean(invite.revoked);
  w.end_object();
}

void write_audit_entry(ddb::JsonWriter& w, const chat::AuditEntry& entry) {
  w.begin_object();
  w.key("id");
  w.string(entry.id);
  w.key("at_ms");
  w.integer(entry.at_ms);
  w.key("actor_id");
  w.string(entry.actor_id);
  w.key("actor_name");
  w.string(entry.actor_name);
  w.key("action");
  w.string(entry.action);
  w.key("target");
  w.string(entry.target);
  w.key("detail");
  w.string(entry.detail);
  w.end_object();
}

}  // namespace townhall::api
