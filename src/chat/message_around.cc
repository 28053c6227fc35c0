// MessageService::around: a message in its history, for jumping to a
// search hit (AP3's Query on both sides of the message).
#include "chat/items.h"
#include "chat/keys.h"
#include "chat/message_service.h"
#include "chat/validation.h"

namespace townhall::chat {
Result<MessageService::Around> MessageService::around(const User& actor, std::string_view channel,
                                                      std::string_view message_id, int limit) {
  TH_ASSIGN_OR_RETURN(std::string channel_id, keys::channel_id_from(channel));
  TH_ASSIGN_OR_RETURN(std::string stored_id, keys::message_id_from(message_id));  // either form
  TH_RETURN_IF_ERROR(channels_.authorize_read(actor, channel_id));
  const int half = std::max(1, page_size(limit) / 2);
  const std::string channel_key = keys::channel(channel_id);
  const std::string at = keys::message(stored_id);
  // One side of the message: history's filter (thread replies stay in their thread).
  auto side = [&](bool older) -> Result<ddb::QueryResponse> {
    ddb::QueryRequest query;
    query.key_condition_expression = "PK = :pk AND SK BETWEEN :from AND :to";
    query.expression_attribute_values =
        ddb::AttributeMap{{":pk", items::S(channel_key)},
                          {":from", items::S(older ? std::string(keys::kMessage) : at)},
                          {":to", items::S(older ? at : std::string(keys::kAfterLastMessage))},
                          {":yes", items::BOOL(true)}};
    query.filter_expression = "attribute_not_exists(ThreadRoot) OR InChannel = :yes";
    query.scan_index_forward = !older;
    query.limit = half + 1;  // older: the message and half before it; newer: it again and half after
    return store_.query(std::move(query));
  };
  TH_ASSIGN_OR_RETURN(auto older, side(true));
  TH_ASSIGN_OR_RETURN(auto newer, side(false));
  Around around;
  std::vector<Message> after;
  for (const auto& item : newer.items.value_or(std::vector<ddb::AttributeMap>{})) {
    if (items::string_of(item, "SK") == at) continue;
    if (after.size() == static_cast<size_t>(half)) {
      around.newer_after = after.back().id;
      break;
    }
    after.push_back(items::message_from(item));
  }
  if (around.newer_after.empty() && newer.last_evaluated_key && !after.empty()) {
    around.newer_after = after.back().id;
  }
  for (auto it = after.rbegin(); it != after.rend(); ++it) around.page.items.push_back(std::move(*it));
  for (const auto& item : older.items.value_or(std::vector<ddb::AttributeMap>{})) {
    around.page.items.push_back(items::message_from(item));
  }
  if (older.last_evaluated_key) {
    around.page.next_cursor = encode_cursor(items::string_of(*older.last_evaluated_key, "SK"));
  }
  return around;
}

}  // namespace townhall::chat
