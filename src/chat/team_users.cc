// TeamService: the user directory, roles, deactivation.
#include <algorithm>
#include <unordered_map>

#include "chat/items.h"
#include "chat/keys.h"
#include "chat/team_service.h"
#include "chat/validation.h"

namespace townhall::chat {
namespace {

using items::N;
using items::S;
using items::string_of;

std::string user_target(const User& user) { return "user:" + user.id; }

// An update of a user item. Role is one of DynamoDB's reserved words: the
// expressions say #role, named here when they use it (DynamoDB refuses a
// name no expression uses).
ddb::TransactWriteItem user_update(const ChatStore& store, const std::string& user_id, std::string update,
                                   ddb::AttributeMap values, std::string condition = "attribute_exists(PK)") {
  const bool names_role =
      update.find("#role") != std::string::npos || condition.find("#role") != std::string::npos;
  std::string key = keys::user(user_id);
  auto action = store.update_action(ChatStore::key(key, key), std::move(update), std::move(values),
                                    std::move(condition));
  if (names_role) action.update->expression_attribute_names = ddb::NameMap{{"#role", "Role"}};
  return action;
}

constexpr const char* kNotTheOwner =
    "attribute_exists(PK) AND (attribute_not_exists(#role) OR #role <> :owner)";

}  // namespace

Result<User> TeamService::target(std::string_view reference) {
  TH_ASSIGN_OR_RETURN(std::string id, keys::user_id_from(reference));
  std::string key = keys::user(id);
  TH_ASSIGN_OR_RETURN(auto item, store_.get(key, key));
  if (!item) return Error::NotFound("no user " + id);
  return items::user_from(*item);
}

Result<Page<User>> TeamService::users(const User& actor, std::string_view cursor, int limit) {
  TH_RETURN_IF_ERROR(require_admin(actor));
  ddb::QueryRequest query;
  query.index_name = "GSI1";
  query.key_condition_expression = "GSI1PK = :dir";
  query.expression_attribute_values = ddb::AttributeMap{{":dir", S(std::string(keys::kUserDirectory))}};
  query.limit = page_size(limit);
  if (!cursor.empty()) {
    TH_ASSIGN_OR_RETURN(std::string entry, decode_cursor(cursor, keys::kUserName));
    // GSI1SK ends in "#<id>": the table key of the last user of the page.
    std::string id = entry.substr(entry.rfind('#') + 1);
    query.exclusive_start_key = ddb::AttributeMap{{"GSI1PK", S(std::string(keys::kUserDirectory))},
                                                  {"GSI1SK", S(entry)},
                                                  {"PK", S(keys::user(id))},
                                                  {"SK", S(keys::user(id))}};
  }
  TH_ASSIGN_OR_RETURN(auto response, store_.query(std::move(query)));
  std::vector<std::string> ids;
  for (const auto& entry : response.items.value_or(std::vector<ddb::AttributeMap>{})) {
    ids.push_back(items::id_after(string_of(entry, "PK"), keys::kUser));
  }
  Page<User> page;
  TH_ASSIGN_OR_RETURN(page.items, find_users(ids));
  if (response.last_evaluated_key) {
    page.next_cursor = encode_cursor(string_of(*response.last_evaluated_key, "GSI1SK"));
  }
  return page;
}

Result<std::vector<User>> TeamService::find_users(const std::vector<std::string>& ids) {
  std::vector<User> users;
  for (size_t start = 0; start < ids.size(); start += 100) {
    std::vector<ddb::AttributeMap> keys;
    for (size_t i = start; i < std::min(ids.size(), start + 100); ++i) {
      keys.push_back(ChatStore::key(keys::user(ids[i]), keys::user(ids[i])));
    }
    TH_ASSIGN_OR_RETURN(auto found, store_.batch_get(std::move(keys)));
    std::unordered_map<std::string, User> by_id;
    for (const auto& item : found) {
      User user = items::user_from(item);
      by_id.emplace(user.id, std::move(user));
    }
    for (size_t i = start; i < std::min(ids.size(), start + 100); ++i) {
      auto it = by_id.find(ids[i]);
      if (it != by_id.end()) users.push_back(it->second);
    }
  }
  return users;
}

Result<User> TeamService::set_role(const User& actor, std::string_view reference, Role role) {
  if (!actor.is_owner()) return Error::PermissionDenied("only the team's owner may change roles");
  TH_ASSIGN_OR_RETURN(User user, target(reference));
  if (!user.active()) return Error{Code::kFailedPrecondition, "reactivate " + user.name + " first"};
  if (user.role == role) return user;
  if (user.is_owner()) {
    return Error{Code::kFailedPrecondition,
                 "the owner stays the owner until another is named: make someone else the owner"};
  }
  std::vector<ddb::TransactWriteItem> actions;
  TeamSettings team;
  if (role == Role::kOwner) {
    TH_ASSIGN_OR_RETURN(team, ensure());
    // The hand-over: the new owner in, the old one an admin, the team item
    // moved from one to the other, all or nothing.
    actions.push_back(user_update(store_, user.id, "SET #role = :owner", {{":owner", S("owner")}}));
    auto team_key = ChatStore::key(std::string(keys::kTeam), std::string(keys::kTeam));
    if (team.owner_id.empty()) {
      actions.push_back(store_.update_action(team_key, "SET OwnerId = :id REMOVE Claimable",
                                             {{":id", S(user.id)}}, "attribute_not_exists(OwnerId)"));
    } else {
      actions.push_back(store_.update_action(team_key, "SET OwnerId = :id",
                                             {{":id", S(user.id)}, {":old", S(team.owner_id)}},
                                             "OwnerId = :old"));
      actions.push_back(user_update(store_, team.owner_id, "SET #role = :admin", {{":admin", S("admin")}}));
    }
  } else {
    std::string update = role == Role::kAdmin ? "SET #role = :role" : "REMOVE #role";
    ddb::AttributeMap values{{":owner", S("owner")}};
    if (role == Role::kAdmin) values[":role"] = S("admin");
    actions.push_back(user_update(store_, user.id, update, std::move(values), kNotTheOwner));
  }
  actions.push_back(audit_action(store_, actor, "role.set", "user:" + user.id, role_name(role)));
  TH_ASSIGN_OR_RETURN(auto outcome, store_.transact(std::move(actions)));
  if (!outcome.committed) return Error{Code::kFailedPrecondition, "the team changed meanwhile; try again"};
  changed(user.id);
  if (role == Role::kOwner && !team.owner_id.empty()) changed(team.owner_id);
  return target(user.id);
}

Result<User> TeamService::set_active(const User& actor, std::string_view reference, bool active) {
  TH_RETURN_IF_ERROR(require_admin(actor));
  TH_ASSIGN_OR_RETURN(User user, target(reference));
  if (!actor.id.empty() && user.id == actor.id)
    return Error{Code::kFailedPrecondition, "not your own account"};
  if (user.is_owner()) return Error::PermissionDenied("the owner's account cannot be deactivated");
  if (user.is_admin() && !actor.is_owner())
    return Error::PermissionDenied("only the owner may deactivate or reactivate an admin");
  if (user.active() == active) return user;
  const int64_t now_ms = store_.now_ms();
  std::vector<ddb::TransactWriteItem> actions;
  if (active) {
    actions.push_back(user_update(store_, user.id, "REMOVE Deactivated", {}));
  } else {
    // SessionsAfter voids every session begun so far, on every node's next
    // check: reactivating later does not bring them back.
    actions.push_back(user_update(
        store_, user.id, "SET Deactivated = :now, SessionsAfter = :now_ms",
        {{":now", N(now_ms / 1000)}, {":now_ms", N(now_ms)}, {":owner", S("owner")}}, kNotTheOwner));
  }
  actions.push_back(audit_action(store_, actor, active ? "user.reactivate" : "user.deactivate",
                                 user_target(user), user.name));
  TH_ASSIGN_OR_RETURN(auto outcome, store_.transact(std::move(actions)));
  if (!outcome.committed) return Error{Code::kFailedPrecondition, "the account changed meanwhile; try again"};
  changed(user.id);
  return target(user.id);
}

}  // namespace townhall::chat
