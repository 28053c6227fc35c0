// TeamService: who is in the team and what they may do. Roles (owner,
// admin, member) and deactivated accounts, who may sign up (open, by invite
// link, or by e-mail domain), invite links, password-reset links an admin
// hands over (no mail server needed), the user directory, and the audit
// trail of admin actions (chat/audit.h). docs/data-model.md, AP38-AP45.
//
// The team's settings live in one item (PK = SK = TEAM): the owner's id,
// the sign-up policy and its domains. The first account signed up on a new
// table becomes the owner (the item says the team is still claimable, and
// the sign-up's transaction takes that in a condition, so two first
// sign-ups cannot both win). A table from before roles, which already has
// users, has no owner until `townhall admin set-role` names one.
//
// Every change is checked on the actor's role as the store has it (a
// request's actor comes from its session, read at most 30 s earlier and
// dropped on every node when the user changes: AccessEvent::kUserChanged),
// and recorded in the audit trail in the action's own transaction.
//
// Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/audit.h"
#include "chat/events.h"
#include "chat/model.h"
#include "chat/store.h"

namespace townhall::chat {

enum class SignupPolicy {
  kOpen,    // anyone who reaches the server
  kInvite,  // only with an invite link
  kDomain,  // addresses at the listed domains, or with an invite link
};
const char* signup_policy_name(SignupPolicy policy);  // "open", "invite", "domain"
std::optional<SignupPolicy> signup_policy_from_name(std::string_view name);

struct TeamSettings {
  SignupPolicy signup = SignupPolicy::kOpen;
  std::vector<std::string> domains;  // kDomain: lower-case, e.g. "example.com"
  std::string owner_id;              // empty until someone owns the team
  bool claimable = false;            // the next sign-up becomes the owner
  bool claim_by_invite = false;      // ... and must bring an invite link (claim_by_invite_only)
};

struct Invite {
  std::string id;
  std::string token;  // "<id>.<secret>": only when just created; the store keeps its hash
  std::string created_by;
  int64_t created_at = 0;  // seconds
  int64_t expires_at = 0;  // seconds
  int64_t max_uses = 1;    // 0: any number until it expires
  int64_t uses = 0;
  bool revoked = false;
};

struct ResetLink {
  std::string token;  // "<id>.<secret>", shown once
  std::string user_id;
  int64_t expires_at = 0;  // seconds
};

// What a sign-up writes beyond the user: claiming the team, or using an invite.
struct Admission {
  Role role = Role::kMember;
  std::vector<ddb::TransactWriteItem> actions;
};

class TeamService {
 public:
  static constexpr int64_t kDefaultInviteSeconds = 7 * 24 * 3600;
  static constexpr int64_t kMaxInviteSeconds = 90 * 24 * 3600;
  static constexpr int64_t kDefaultResetSeconds = 24 * 3600;
  static constexpr int64_t kMaxInviteUses = 1000;
  static constexpr size_t kMaxDomains = 20;

  TeamService(ChatStore& store, ChannelEvents* events);

  // The team item, made on first use: claimable on a table without users;
  // on a table with users from before roles (found by one Scan, which also
  // puts them in the user directory), not. Idempotent; cheap once made.
  Result<TeamSettings> ensure();
  Result<TeamSettings> settings();
  // While nobody owns the team, its first account must bring an invite
  // link (made on the machine: `townhall admin invite`). serve asks for it
  // when it listens on an address others can reach.
  Result<TeamSettings> claim_by_invite_only();
  // The owner (or the command line) chooses who may sign up.
  Result<TeamSettings> set_signup(const User& actor, SignupPolicy policy,
                                  const std::vector<std::string>& domains);

  // Whether user_id (about to be made) with this e-mail address (and
  // invite token, if any) may sign up now, and what the sign-up's
  // transaction must also write. PermissionDenied with the reason when not.
  Result<Admission> admit(std::string_view user_id, std::string_view email, std::string_view invite_token);

  // The user directory, by name (admins).
  Result<Page<User>> users(const User& actor, std::string_view cursor, int limit);
  // Users by id, strongly consistent, without authorization (a member list's roles).
  Result<std::vector<User>> find_users(const std::vector<std::string>& ids);
  // The owner makes someone an admin or a member; naming another owner
  // hands the team over (the old owner becomes an admin).
  Result<User> set_role(const User& actor, std::string_view user, Role role);
  // Deactivates (or reactivates) an account: its sessions end at once on
  // every node, it cannot sign in, its messages stay. Admins may for
  // members, the owner for admins too; nobody for the owner or themselves.
  Result<User> set_active(const User& actor, std::string_view user, bool active);

  Result<Invite> create_invite(const User& actor, int64_t lifetime_seconds, int64_t max_uses);
  Result<Page<Invite>> invites(const User& actor, std::string_view cursor, int limit);
  Status revoke_invite(const User& actor, std::string_view invite_id);
  // A one-time link with which user sets a new password (AccountService::reset_password).
  Result<ResetLink> create_reset_link(const User& actor, std::string_view user, int64_t lifetime_seconds);

  Result<Page<AuditEntry>> audit(const User& actor, std::string_view cursor, int limit);

  // The actor `townhall admin` acts as: the machine's operator, with the
  // owner's rights, recorded in the audit trail as the command line.
  static User command_line();

 private:
  Result<User> target(std::string_view reference);
  static Invite invite_from(const ddb::AttributeMap& item);
  // The update that uses an invite in a sign-up's transaction, once its
  // secret, expiry and uses checked; none without a token; PermissionDenied
  // for a token that is not a valid invite.
  Result<std::optional<ddb::TransactWriteItem>> use_invite(std::string_view invite_token);
  void changed(const std::string& user_id);

  ChatStore& store_;
  ChannelEvents* events_;
};

// PermissionDenied unless actor is an admin (or the owner).
Status require_admin(const User& actor);

}  // namespace townhall::chat
