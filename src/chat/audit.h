// The audit trail: one item per admin action (who, what, to whom, when),
// written in the same transaction as the action itself, so that an action
// the store acknowledged is never missing from the trail and a trail entry
// never names an action that did not happen. Read newest first by admins
// (TeamService::audit).
//
//   PK AUDIT   SK AUDIT#<13-digit ms>#<random>   ActorId ActorName Action Target Detail
#pragma once

#include <string>
#include <string_view>

#include "chat/model.h"
#include "chat/store.h"

namespace townhall::chat {

struct AuditEntry {
  std::string id;  // sorts by time
  int64_t at_ms = 0;
  std::string actor_id;  // empty: the command line (`townhall admin`)
  std::string actor_name;
  std::string action;  // "user.deactivate", "message.delete", ... (docs/data-model.md)
  std::string target;  // "user:<id>", "channel:<id>", "message:<channel>/<id>", "invite:<id>"
  std::string detail;  // free text: a new role, a policy, a channel's new name
};

// The Put that records actor doing action to target.
ddb::TransactWriteItem audit_action(const ChatStore& store, const User& actor, std::string_view action,
                                    std::string_view target, std::string_view detail = {});

// Newest first, paged.
Result<Page<AuditEntry>> read_audit(ChatStore& store, std::string_view cursor, int limit);

}  // namespace townhall::chat
