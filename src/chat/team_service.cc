#include "chat/team_service.h"

#include <algorithm>

#include "chat/items.h"
#include "chat/keys.h"
#include "chat/names.h"
#include "chat/secrets.h"
#include "chat/validation.h"

namespace townhall::chat {
namespace {

using items::N;
using items::S;
using items::string_of;

ddb::AttributeMap team_key() { return ChatStore::key(std::string(keys::kTeam), std::string(keys::kTeam)); }

TeamSettings settings_from(const ddb::AttributeMap& item) {
  TeamSettings settings;
  settings.signup = signup_policy_from_name(string_of(item, "Signup")).value_or(SignupPolicy::kOpen);
  settings.owner_id = std::string(string_of(item, "OwnerId"));
  settings.claimable = items::bool_of(item, "Claimable");
  settings.claim_by_invite = items::bool_of(item, "ClaimByInvite");
  auto domains = item.find("Domains");
  if (domains != item.end() && domains->second.is(ddb::AttributeType::kL)) {
    for (const auto& domain : domains->second.as_list()) {
      if (domain.is(ddb::AttributeType::kS)) settings.domains.push_back(domain.as_string());
    }
  }
  return settings;
}

// "Example.COM." -> "example.com"; an error for anything that is not a host name.
Result<std::string> normalize_domain(std::string_view text) {
  std::string domain;
  for (char c : text) domain.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  if (!domain.empty() && domain.front() == '@') domain.erase(0, 1);
  bool ok = !domain.empty() && domain.size() <= 253 && domain.front() != '.' && domain.front() != '-' &&
            domain.find("..") == std::string::npos && domain.find('.') != std::string::npos;
  for (char c : domain) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.');
  if (!ok)
    return Error::InvalidArgument("\"" + std::string(text) + "\" is not a domain name like example.com");
  return domain;
}

}  // namespace

const char* signup_policy_name(SignupPolicy policy) {
  switch (policy) {
    case SignupPolicy::kOpen:
      return "open";
    case SignupPolicy::kInvite:
      return "invite";
    case SignupPolicy::kDomain:
      return "domain";
  }
  return "open";
}

std::optional<SignupPolicy> signup_policy_from_name(std::string_view name) {
  if (name == "open") return SignupPolicy::kOpen;
  if (name == "invite") return SignupPolicy::kInvite;
  if (name == "domain") return SignupPolicy::kDomain;
  return std::nullopt;
}

Status require_admin(const User& actor) {
  if (!actor.is_admin()) return Error::PermissionDenied("only an admin may do that");
  return Status::Ok();
}

TeamService::TeamService(ChatStore& store, ChannelEvents* events) : store_(store), events_(events) {}

User TeamService::command_line() {
  User user;
  user.name = "townhall admin (command line)";
  user.role = Role::kOwner;
  return user;
}

Result<TeamSettings> TeamService::settings() {
  TH_ASSIGN_OR_RETURN(auto item, store_.get(std::string(keys::kTeam), std::string(keys::kTeam)));
  if (!item) return ensure();
  return settings_from(*item);
}

Result<TeamSettings> TeamService::ensure() {
  TH_ASSIGN_OR_RETURN(auto item, store_.get(std::string(keys::kTeam), std::string(keys::kTeam)));
  if (item) return settings_from(*item);
  // First start of a table (or of one from before roles): are there users?
  // Those found go into the user directory (GSI1) on the way.
  int64_t users = 0;
  ddb::ScanRequest scan;
  scan.table_name = store_.table();
  scan.filter_expression = "begins_with(PK, :user) AND SK = PK";
  scan.projection_expression = "PK, #name, GSI1PK";
  scan.expression_attribute_names = ddb::NameMap{{"#name", "Name"}};
  scan.expression_attribute_values = ddb::AttributeMap{{":user", S(std::string(keys::kUser))}};
  scan.consistent_read = true;
  for (;;) {
    auto page = store_.db().scan(scan);
    if (!page.ok()) return Error::FromStore(page.error());
    for (const auto& user : page->items.value_or(std::vector<ddb::AttributeMap>{})) {
      ++users;
      if (user.contains("GSI1PK")) continue;
      std::string key(string_of(user, "PK"));
      std::string id = items::id_after(key, keys::kUser);
      ddb::UpdateItemRequest update;
      update.table_name = store_.table();
      update.key = ChatStore::key(key, key);
      update.update_expression = "SET GSI1PK = :dir, GSI1SK = :entry";
      update.condition_expression = "attribute_exists(PK)";
      update.expression_attribute_values =
          ddb::AttributeMap{{":dir", S(std::string(keys::kUserDirectory))},
                            {":entry", S(keys::user_directory(name_key(string_of(user, "Name")), id))}};
      auto updated = store_.db().update_item(update);
      if (!updated.ok() && updated.error().code != ddb::ErrorCode::kConditionalCheckFailed)
        return Error::FromStore(updated.error());
    }
    if (!page->last_evaluated_key) break;
    scan.exclusive_start_key = std::move(page->last_evaluated_key);
  }
  ddb::AttributeMap team = team_key();
  team["Signup"] = S("open");
  if (users == 0) team["Claimable"] = items::BOOL(true);
  team["CreatedAt"] = N(store_.now_ms() / 1000);
  TH_ASSIGN_OR_RETURN(auto outcome, store_.transact({store_.put_action(team, "attribute_not_exists(PK)")}));
  if (!outcome.committed) {  // another node made it first: theirs stands
    TH_ASSIGN_OR_RETURN(item, store_.get(std::string(keys::kTeam), std::string(keys::kTeam)));
    if (!item) return Error::Internal("the team item vanished");
    return settings_from(*item);
  }
  return settings_from(team);
}

Result<TeamSettings> TeamService::set_signup(const User& actor, SignupPolicy policy,
                                             const std::vector<std::string>& domains) {
  if (!actor.is_owner()) return Error::PermissionDenied("only the team's owner may change who can sign up");
  std::vector<std::string> normalized;
  if (policy == SignupPolicy::kDomain) {
    if (domains.empty()) return Error::InvalidArgument("name at least one e-mail domain, like example.com");
    if (domains.size() > kMaxDomains)
      return Error::InvalidArgument("at most " + std::to_string(kMaxDomains) + " domains");
    for (const auto& domain : domains) {
      TH_ASSIGN_OR_RETURN(std::string d, normalize_domain(domain));
      if (std::find(normalized.begin(), normalized.end(), d) == normalized.end()) normalized.push_back(d);
    }
  }
  TH_RETURN_IF_ERROR(ensure());
  ddb::List list;
  for (const auto& domain : normalized) list.push_back(S(domain));
  std::string detail = signup_policy_name(policy);
  for (const auto& domain : normalized) detail += " " + domain;
  std::vector<ddb::TransactWriteItem> actions;
  actions.push_back(store_.update_action(
      team_key(), "SET Signup = :policy, Domains = :domains",
      {{":policy", S(signup_policy_name(policy))}, {":domains", ddb::AttributeValue::L(std::move(list))}},
      "attribute_exists(PK)"));
  actions.push_back(audit_action(store_, actor, "signup.set", "team", detail));
  TH_ASSIGN_OR_RETURN(auto outcome, store_.transact(std::move(actions)));
  if (!outcome.committed) return Error::Internal("changing the sign-up policy was cancelled");
  return settings();
}

Result<std::optional<ddb::TransactWriteItem>> TeamService::use_invite(std::string_view invite_token) {
  if (invite_token.empty()) return std::optional<ddb::TransactWriteItem>();
  auto invalid = Error::PermissionDenied("this invite link is not valid: it expired, was used up or revoked");
  auto parts = split_link_token(invite_token);
  if (!parts) return invalid;
  TH_ASSIGN_OR_RETURN(auto item, store_.get(std::string(keys::kInvites), keys::invite(parts->first)));
  if (!item) return invalid;
  Invite invite = invite_from(*item);
  const int64_t now = store_.now_ms() / 1000;
  if (!secrets_equal(string_of(*item, "SecretHash"), sha256_hex(parts->second)) || invite.revoked ||
      invite.expires_at <= now || (invite.max_uses > 0 && invite.uses >= invite.max_uses)) {
    return invalid;
  }
  // The same checks as a condition: a revocation or the last use racing
  // this sign-up cancels it.
  return std::optional<ddb::TransactWriteItem>(store_.update_action(
      ChatStore::key(std::string(keys::kInvites), keys::invite(invite.id)), "ADD Uses :one",
      {{":one", N(1)}, {":zero", N(0)}, {":now", N(now)}, {":hash", S(sha256_hex(parts->second))}},
      "SecretHash = :hash AND attribute_not_exists(Revoked) AND ExpiresAt > :now AND "
      "(MaxUses = :zero OR Uses < MaxUses)"));
}

Result<Admission> TeamService::admit(std::string_view user_id, std::string_view email,
                                     std::string_view invite_token) {
  TH_ASSIGN_OR_RETURN(TeamSettings team, settings());
  Admission admission;
  TH_ASSIGN_OR_RETURN(auto invite_use, use_invite(invite_token));
  if (invite_use) admission.actions.push_back(std::move(*invite_use));
  if (team.claimable && team.owner_id.empty()) {
    // The first account: it owns the team, whatever the policy says. On a
    // server others can reach it must bring an invite link, made on the
    // machine (`townhall admin invite`): whoever reaches a fresh server
    // first does not get to own it. The condition makes a second, racing
    // first sign-up fail here (it is then admitted again as what it is: a
    // member, under the policy).
    if (team.claim_by_invite && !invite_use) {
      return Error::PermissionDenied(
          "this new team's first account signs up with an invite link: make one on the server with "
          "`townhall admin invite`");
    }
    admission.role = Role::kOwner;
    admission.actions.push_back(
        store_.update_action(team_key(), "SET OwnerId = :owner REMOVE Claimable, ClaimByInvite",
                             {{":owner", S(std::string(user_id))}, {":yes", items::BOOL(true)}},
                             "Claimable = :yes AND attribute_not_exists(OwnerId)"));
    return admission;
  }
  if (invite_use) return admission;
  switch (team.signup) {
    case SignupPolicy::kOpen:
      return admission;
    case SignupPolicy::kInvite:
      return Error::PermissionDenied(
          "this team signs up by invitation only: ask an admin for an invite link");
    case SignupPolicy::kDomain: {
      std::string_view address = email;
      size_t at = address.rfind('@');
      std::string domain;
      for (char c : address.substr(at == std::string_view::npos ? address.size() : at + 1))
        domain.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      if (std::find(team.domains.begin(), team.domains.end(), domain) != team.domains.end()) return admission;
      std::string list;
      for (const auto& d : team.domains) list += (list.empty() ? "" : ", ") + d;
      return Error::PermissionDenied("this team signs up with addresses at " + list +
                                     ", or by invitation: ask an admin for an invite link");
    }
  }
  return admission;
}

Result<TeamSettings> TeamService::claim_by_invite_only() {
  TH_ASSIGN_OR_RETURN(TeamSettings team, ensure());
  if (!team.claimable || team.claim_by_invite) return team;
  TH_ASSIGN_OR_RETURN(
      auto outcome,
      store_.transact({store_.update_action(team_key(), "SET ClaimByInvite = :yes",
                                            {{":yes", items::BOOL(true)}}, "Claimable = :yes")}));
  (void)outcome;  // not committed: someone owns the team by now
  return settings();
}

void TeamService::changed(const std::string& user_id) {
  if (events_) events_->publish_access({AccessEvent::Kind::kUserChanged, user_id});
}

}  // namespace townhall::chat
