#include "chat/threads.h"

#include <algorithm>

#include "chat/items.h"
#include "chat/keys.h"
#include "chat/validation.h"

namespace townhall::chat {

using items::S;

Result<std::string> MessageService::thread_root_for(const User& actor, const std::string& channel_id,
                                                    std::string_view message_id) {
  TH_ASSIGN_OR_RETURN(std::string stored_id, keys::message_id_from(message_id));  // either form
  // Replying is posting: members only (NotFound when private, as for send).
  TH_ASSIGN_OR_RETURN(auto member, channels_.authorize_read(actor, channel_id));
  if (!member) return Error::PermissionDenied("join channel " + channel_id + " to post in it");
  TH_ASSIGN_OR_RETURN(Message target, read_message(channel_id, stored_id));
  if (!target.thread_root.empty()) {
    TH_ASSIGN_OR_RETURN(target, read_message(channel_id, target.thread_root));
  }
  if (target.deleted) {
    return Error{Code::kFailedPrecondition, "message " + keys::public_message_id(target.id) + " was deleted"};
  }
  return target.id;
}

Result<MessageService::Thread> MessageService::thread(const User& actor, std::string_view channel,
                                                      std::string_view message_id, std::string_view cursor,
                                                      int limit) {
  TH_ASSIGN_OR_RETURN(std::string channel_id, keys::channel_id_from(channel));
  TH_ASSIGN_OR_RETURN(std::string stored_id, keys::message_id_from(message_id));  // either form
  TH_RETURN_IF_ERROR(channels_.authorize_read(actor, channel_id));
  Thread thread;
  TH_ASSIGN_OR_RETURN(thread.root, read_message(channel_id, stored_id));
  if (!thread.root.thread_root.empty()) {
    TH_ASSIGN_OR_RETURN(thread.root, read_message(channel_id, thread.root.thread_root));
  }

  std::string channel_key = keys::channel(channel_id);
  std::string thread_key = keys::thread(channel_id, thread.root.id);
  ddb::QueryRequest query;
  query.index_name = "GSI1";
  query.key_condition_expression = "GSI1PK = :thread";
  query.expression_attribute_values = ddb::AttributeMap{{":thread", S(thread_key)}};
  query.projection_expression = "PK, SK";
  query.limit = page_size(limit);
  if (!cursor.empty()) {
    TH_ASSIGN_OR_RETURN(std::string sk, decode_cursor(cursor, keys::kMessage));
    query.exclusive_start_key = ddb::AttributeMap{
        {"PK", S(channel_key)}, {"SK", S(sk)}, {"GSI1PK", S(thread_key)}, {"GSI1SK", S(sk)}};
  }
  TH_ASSIGN_OR_RETURN(auto response, store_.query(std::move(query)));
  std::vector<ddb::AttributeMap> keys;
  for (const auto& item : response.items.value_or(std::vector<ddb::AttributeMap>{})) {
    keys.push_back(
        ChatStore::key(std::string(items::string_of(item, "PK")), std::string(items::string_of(item, "SK"))));
  }
  if (!keys.empty()) {
    TH_ASSIGN_OR_RETURN(auto replies, store_.batch_get(std::move(keys)));
    for (const auto& item : replies) thread.replies.items.push_back(items::message_from(item));
    std::sort(thread.replies.items.begin(), thread.replies.items.end(),
              [](const Message& a, const Message& b) { return a.id < b.id; });
  }
  if (response.last_evaluated_key) {
    thread.replies.next_cursor = encode_cursor(items::string_of(*response.last_evaluated_key, "GSI1SK"));
  }
  return thread;
}

}  // namespace townhall::chat
