#include "chat/audit.h"

#include <fmt/format.h>

#include "chat/items.h"
#include "chat/keys.h"
#include "chat/secrets.h"
#include "chat/validation.h"

namespace townhall::chat {

using items::int_of;
using items::N;
using items::S;
using items::string_of;

ddb::TransactWriteItem audit_action(const ChatStore& store, const User& actor, std::string_view action,
                                    std::string_view target, std::string_view detail) {
  const int64_t now_ms = store.now_ms();
  // Time first, so the partition reads in time order; the random part keeps
  // two actions in one millisecond (on two nodes) apart.
  std::string sk = fmt::format("{}{:013d}#{}", keys::kAuditEntry, now_ms, random_hex(6));
  ddb::AttributeMap item{{"PK", S(std::string(keys::kAudit))},
                         {"SK", S(std::move(sk))},
                         {"At", N(now_ms)},
                         {"ActorName", S(actor.name)},
                         {"Action", S(std::string(action))},
                         {"Target", S(std::string(target))}};
  if (!actor.id.empty()) item["ActorId"] = S(actor.id);
  if (!detail.empty()) item["Detail"] = S(std::string(detail));
  return store.put_action(std::move(item), "attribute_not_exists(PK)");
}

Result<Page<AuditEntry>> read_audit(ChatStore& store, std::string_view cursor, int limit) {
  ddb::QueryRequest query;
  query.key_condition_expression = "PK = :pk AND begins_with(SK, :prefix)";
  query.expression_attribute_values = ddb::AttributeMap{{":pk", S(std::string(keys::kAudit))},
                                                        {":prefix", S(std::string(keys::kAuditEntry))}};
  query.scan_index_forward = false;
  query.limit = page_size(limit);
  if (!cursor.empty()) {
    TH_ASSIGN_OR_RETURN(std::string sk, decode_cursor(cursor, keys::kAuditEntry));
    query.exclusive_start_key = ChatStore::key(std::string(keys::kAudit), std::move(sk));
  }
  TH_ASSIGN_OR_RETURN(auto response, store.query(std::move(query)));
  Page<AuditEntry> page;
  for (const auto& item : response.items.value_or(std::vector<ddb::AttributeMap>{})) {
    AuditEntry entry;
    entry.id = items::id_after(string_of(item, "SK"), keys::kAuditEntry);
    entry.at_ms = int_of(item, "At");
    entry.actor_id = std::string(string_of(item, "ActorId"));
    entry.actor_name = std::string(string_of(item, "ActorName"));
    entry.action = std::string(string_of(item, "Action"));
    entry.target = std::string(string_of(item, "Target"));
    entry.detail = std::string(string_of(item, "Detail"));
    page.items.push_back(std::move(entry));
  }
  if (response.last_evaluated_key) {
    page.next_cursor = encode_cursor(string_of(*response.last_evaluated_key, "SK"));
  }
  return page;
}

}  // namespace townhall::chat
