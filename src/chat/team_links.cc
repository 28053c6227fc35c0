// TeamService: invite links, password-reset links, the audit trail.
#include "chat/items.h"
#include "chat/keys.h"
#include "chat/secrets.h"
#include "chat/team_service.h"
#include "chat/validation.h"

namespace townhall::chat {
namespace {

using items::int_of;
using items::N;
using items::S;
using items::string_of;

ddb::AttributeMap invite_key(std::string_view id) {
  return ChatStore::key(std::string(keys::kInvites), keys::invite(id));
}

}  // namespace

Invite TeamService::invite_from(const ddb::AttributeMap& item) {
  Invite invite;
  invite.id = items::id_after(string_of(item, "SK"), keys::kInvite);
  invite.created_by = std::string(string_of(item, "CreatedBy"));
  invite.created_at = int_of(item, "CreatedAt");
  invite.expires_at = int_of(item, "ExpiresAt");
  invite.max_uses = int_of(item, "MaxUses");
  invite.uses = int_of(item, "Uses");
  invite.revoked = item.contains("Revoked");
  return invite;
}

Result<Invite> TeamService::create_invite(const User& actor, int64_t lifetime_seconds, int64_t max_uses) {
  TH_RETURN_IF_ERROR(require_admin(actor));
  if (lifetime_seconds == 0) lifetime_seconds = kDefaultInviteSeconds;
  if (lifetime_seconds < 60 || lifetime_seconds > kMaxInviteSeconds) {
    return Error::InvalidArgument("an invite lasts from a minute to " +
                                  std::to_string(kMaxInviteSeconds / 86400) + " days");
  }
  if (max_uses < 0 || max_uses > kMaxInviteUses) {
    return Error::InvalidArgument("an invite is good for 1 to " + std::to_string(kMaxInviteUses) +
                                  " sign-ups, or 0 for any number until it expires");
  }
  Invite invite;
  invite.id = random_hex(8);
  std::string secret = random_token();
  invite.token = invite.id + "." + secret;
  invite.created_by = actor.id;
  invite.created_at = store_.now_ms() / 1000;
  invite.expires_at = invite.created_at + lifetime_seconds;
  invite.max_uses = max_uses;
  ddb::AttributeMap item = invite_key(invite.id);
  item["SecretHash"] = S(sha256_hex(secret));
  item["CreatedBy"] = S(actor.id.empty() ? std::string("command line") : actor.id);
  item["CreatedAt"] = N(invite.created_at);
  item["ExpiresAt"] = N(invite.expires_at);
  item["MaxUses"] = N(max_uses);
  item["Uses"] = N(0);
  std::string detail = max_uses == 0 ? "any number of sign-ups" : std::to_string(max_uses) + " sign-up(s)";
  TH_ASSIGN_OR_RETURN(
      auto outcome, store_.transact({store_.put_action(std::move(item), "attribute_not_exists(PK)"),
                                     audit_action(store_, actor, "invite.create", "invite:" + invite.id,
                                                  detail + ", " + std::to_string(lifetime_seconds) + " s")}));
  if (!outcome.committed) return Error::Internal("the invite could not be stored; try again");
  return invite;
}

Result<Page<Invite>> TeamService::invites(const User& actor, std::string_view cursor, int limit) {
  TH_RETURN_IF_ERROR(require_admin(actor));
  ddb::QueryRequest query;
  query.key_condition_expression = "PK = :pk AND begins_with(SK, :prefix)";
  query.expression_attribute_values =
      ddb::AttributeMap{{":pk", S(std::string(keys::kInvites))}, {":prefix", S(std::string(keys::kInvite))}};
  query.limit = page_size(limit);
  if (!cursor.empty()) {
    TH_ASSIGN_OR_RETURN(std::string sk, decode_cursor(cursor, keys::kInvite));
    query.exclusive_start_key = ChatStore::key(std::string(keys::kInvites), std::move(sk));
  }
  TH_ASSIGN_OR_RETURN(auto response, store_.query(std::move(query)));
  Page<Invite> page;
  for (const auto& item : response.items.value_or(std::vector<ddb::AttributeMap>{})) {
    page.items.push_back(invite_from(item));
  }
  if (response.last_evaluated_key)
    page.next_cursor = encode_cursor(string_of(*response.last_evaluated_key, "SK"));
  return page;
}

Status TeamService::revoke_invite(const User& actor, std::string_view invite_id) {
  TH_RETURN_IF_ERROR(require_admin(actor));
  if (!keys::is_valid_id(invite_id)) return Error::NotFound("no such invite");
  TH_ASSIGN_OR_RETURN(
      auto outcome,
      store_.transact({store_.update_action(invite_key(invite_id), "SET Revoked = :now",
                                            {{":now", N(store_.now_ms() / 1000)}}, "attribute_exists(PK)"),
                       audit_action(store_, actor, "invite.revoke", "invite:" + std::string(invite_id))}));
  if (!outcome.committed) return Error::NotFound("no invite " + std::string(invite_id));
  return Status::Ok();
}

Result<ResetLink> TeamService::create_reset_link(const User& actor, std::string_view reference,
                                                 int64_t lifetime_seconds) {
  TH_RETURN_IF_ERROR(require_admin(actor));
  TH_ASSIGN_OR_RETURN(User user, target(reference));
  if (user.is_admin() && !actor.is_owner() && user.id != actor.id) {
    return Error::PermissionDenied("only the owner may reset an admin's password");
  }
  if (user.is_owner() && !actor.is_owner()) return Error::PermissionDenied("only the owner may do that");
  if (user.email.empty()) {
    return Error{Code::kFailedPrecondition, user.name + " has no e-mail address to sign in with"};
  }
  if (lifetime_seconds == 0) lifetime_seconds = kDefaultResetSeconds;
  if (lifetime_seconds < 60 || lifetime_seconds > 7 * 24 * 3600) {
    return Error::InvalidArgument("a reset link lasts from a minute to 7 days");
  }
  std::string id = random_hex(8);
  std::string secret = random_token();
  ResetLink link{id + "." + secret, user.id, store_.now_ms() / 1000 + lifetime_seconds};
  std::string key = keys::reset(id);
  TH_ASSIGN_OR_RETURN(
      auto outcome,
      store_.transact(
          {store_.put_action({{"PK", S(key)},
                              {"SK", S(key)},
                              {"UserId", S(user.id)},
                              {"SecretHash", S(sha256_hex(secret))},
                              {"CreatedBy", S(actor.id.empty() ? std::string("command line") : actor.id)},
                              {"ExpiresAt", N(link.expires_at)}},
                             "attribute_not_exists(PK)"),
           audit_action(store_, actor, "password.reset_link", "user:" + user.id, user.name)}));
  if (!outcome.committed) return Error::Internal("the reset link could not be stored; try again");
  return link;
}

Result<Page<AuditEntry>> TeamService::audit(const User& actor, std::string_view cursor, int limit) {
  TH_RETURN_IF_ERROR(require_admin(actor));
  return read_audit(store_, cursor, limit);
}

}  // namespace townhall::chat
