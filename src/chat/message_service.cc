#include "chat/message_service.h"

#include <algorithm>
#include <functional>
#include <map>

#include "chat/audit.h"
#include "chat/items.h"
#include "chat/keys.h"
#include "chat/mentions.h"
#include "chat/reactions.h"
#include "chat/validation.h"

namespace townhall::chat {
namespace {

using items::N;
using items::S;

// "MSG$" sorts after every "MSG#..." key and before the partition's other
// item kinds, so it bounds range queries to messages.

std::vector<ddb::AttributeMap> items_of(ddb::QueryResponse& response) {
  return response.items ? std::move(*response.items) : std::vector<ddb::AttributeMap>{};
}

}  // namespace

MessageService::MessageService(ChatStore& store, ChannelService& channels, FileService& files,
                               ChannelEvents* events)
    : store_(store),
      channels_(channels),
      files_(files),
      events_(events),
      ids_(store.options().node_id, store.options().clock_ms) {}

void MessageService::publish(ChannelEvent::Kind kind, const Message& message) {
  if (events_) events_->publish({kind, message.channel_id, message, std::nullopt, std::nullopt});
}

Result<MessageService::Sent> MessageService::send(const User& actor, std::string_view channel,
                                                  std::string_view text, std::string_view client_message_id) {
  return send(actor, channel, text, SendOptions{client_message_id, {}, false});
}

Result<MessageService::Sent> MessageService::send(const User& actor, std::string_view channel,
                                                  std::string_view text, const SendOptions& options) {
  std::string_view client_message_id = options.client_message_id;
  TH_ASSIGN_OR_RETURN(std::string channel_id, keys::channel_id_from(channel));
  const bool with_files = options.files && !options.files->empty();
  TH_RETURN_IF_ERROR(check_text(text, "message text", with_files ? 0 : 1, kMaxMessageBytes, true));
  if (!client_message_id.empty() &&
      (client_message_id.size() > kMaxClientMessageIdBytes || !keys::is_valid_id(client_message_id))) {
    return Error::InvalidArgument("client message id must be 1 to 64 of [A-Za-z0-9_.-]");
  }
  std::string root_id;
  if (!options.thread_root.empty()) {
    auto root = thread_root_for(actor, channel_id, options.thread_root);
    if (!root.ok()) {
      // A retry of a reply that went through before its root was deleted
      // is answered with that reply, as any retry is.
      if (root.error().code == Code::kFailedPrecondition && !client_message_id.empty()) {
        auto earlier = resend(actor, channel_id, client_message_id);
        if (earlier.ok()) return earlier;
      }
      return root.error();
    }
    root_id = std::move(root).value();
  }
  std::vector<Participant> mentioned;
  if (options.mentions && !options.mentions->empty()) {
    TH_ASSIGN_OR_RETURN(mentioned, resolve_mentions(channel_id, *options.mentions));
  }

  auto minted = ids_.next();
  Message message;
  message.id = std::move(minted.id);
  message.channel_id = channel_id;
  message.user_id = actor.id;
  message.user_name = actor.name;
  message.text = std::string(text);
  message.created_at = minted.ms / 1000;
  message.created_at_ms = minted.ms;
  message.client_message_id = std::string(client_message_id);
  message.thread_root = root_id;
  message.also_in_channel = !root_id.empty() && options.also_in_channel;
  message.mentions = mentioned;
  if (options.mention_channel) {
    TH_RETURN_IF_ERROR(check_mention_channel(actor, channel_id));
    message.mentions_channel = true;
  }
  if (options.mention_here) {
    TH_ASSIGN_OR_RETURN(message.mentions_here, members_here(actor, channel_id));
  }

  std::string channel_key = keys::channel(channel_id);
  std::vector<ddb::TransactWriteItem> actions;
  actions.push_back(store_.put_action(items::message_item(message), "attribute_not_exists(PK)"));
  // LastMsgAt orders conversations by latest activity (AP29). Two racing
  // sends may leave the older time by a few milliseconds; ordering tolerates it.
  actions.push_back(store_.update_action(ChatStore::key(channel_key, channel_key),
                                         "ADD MessageCount :one SET LastMsgAt = :at",
                                         {{":one", N(1)}, {":at", N(message.created_at_ms)}},
                                         "attribute_exists(PK) AND attribute_not_exists(Archived)"));
  actions.push_back(
      store_.check_action(ChatStore::key(channel_key, keys::membership(actor.id)), "attribute_exists(SK)"));
  const size_t root_action = root_id.empty() ? 0 : actions.size();
  if (root_action) {
    // The root counts its replies and knows the latest (AP30); a root
    // deleted since it was read refuses the reply.
    actions.push_back(
        store_.update_action(ChatStore::key(channel_key, keys::message(root_id)),
                             "ADD ReplyCount :one SET LastReplyAt = :at, LastReplyId = :id",
                             {{":one", N(1)}, {":at", N(message.created_at_ms)}, {":id", S(message.id)}},
                             "attribute_exists(SK) AND attribute_not_exists(Deleted)"));
  }
  const size_t guard_action = client_message_id.empty() ? 0 : actions.size();
  if (guard_action) {
    int64_t expires = message.created_at + store_.options().client_message_id_ttl_seconds;
    actions.push_back(store_.put_action({{"PK", S(channel_key)},
                                         {"SK", S(keys::send_guard(actor.id, client_message_id))},
                                         {"MessageId", S(message.id)},
                                         {"ExpiresAt", N(expires)}},
                                        "attribute_not_exists(PK) OR ExpiresAt < :now"));
    actions.back().put->expression_attribute_values = ddb::AttributeMap{{":now", N(message.created_at)}};
  }
  mention_actions(actions, channel_id, message.id, actor.id,
                  everyone_mentioned(message.mentions, message.mentions_here), true);
  // The files, attached in the same transaction: a message never names a
  // file that is not there, nor one another message took.
  const size_t files_action = actions.size();
  if (with_files) {
    TH_ASSIGN_OR_RETURN(auto claim, files_.claim(actor, channel_id, *options.files, message.id));
    message.files = std::move(claim.files);
    (*actions.front().put->item)["Files"] = items::files_value(message.files);
    for (auto& action : claim.actions) actions.push_back(std::move(action));
  }
  TH_ASSIGN_OR_RETURN(auto outcome, store_.transact(std::move(actions)));
  if (!outcome.committed) {
    if (outcome.failed(1)) {
      TH_ASSIGN_OR_RETURN(Channel archived, channels_.find(channel_id));
      (void)archived;  // it exists: then it is archived
      return Error{Code::kFailedPrecondition,
                   "channel " + channel_id + " is archived: it takes no new messages"};
    }
    if (outcome.failed(2)) {
      TH_RETURN_IF_ERROR(channels_.authorize_read(actor, channel_id));  // NotFound when private
      return Error::PermissionDenied("join channel " + channel_id + " to post in it");
    }
    if (guard_action && outcome.failed(guard_action)) return resend(actor, channel_id, client_message_id);
    if (root_action && outcome.failed(root_action)) {
      return Error{Code::kFailedPrecondition, "message " + keys::public_message_id(root_id) + " was deleted"};
    }
    for (size_t i = files_action; i < outcome.reasons.size(); ++i) {
      if (outcome.failed(i))
        return Error{Code::kFailedPrecondition, "a file was shared meanwhile; upload it again"};
    }
    return Error::Internal("send was cancelled");
  }
  publish(ChannelEvent::Kind::kMessageCreated, message);
  return Sent{std::move(message), false};
}

Result<MessageService::Sent> MessageService::resend(const User& actor, const std::string& channel_id,
                                                    std::string_view client_message_id) {
  TH_ASSIGN_OR_RETURN(auto guard,
                      store_.get(keys::channel(channel_id), keys::send_guard(actor.id, client_message_id)));
  if (!guard) return Error::Internal("send guard vanished; retry the send");
  TH_ASSIGN_OR_RETURN(Message message, read_message(channel_id, items::string_of(*guard, "MessageId")));
  return Sent{std::move(message), true};
}

Result<Message> MessageService::read_message(const std::string& channel_id, std::string_view message_id) {
  TH_ASSIGN_OR_RETURN(std::string stored_id, keys::message_id_from(message_id));  // either form
  message_id = stored_id;
  TH_ASSIGN_OR_RETURN(auto item, store_.get(keys::channel(channel_id), keys::message(message_id)));
  if (!item) return Error::NotFound("no message " + keys::public_message_id(message_id));
  return items::message_from(*item);
}

Result<Page<Message>> MessageService::history(const User& actor, std::string_view channel,
                                              std::string_view cursor, int limit) {
  TH_ASSIGN_OR_RETURN(std::string channel_id, keys::channel_id_from(channel));
  TH_RETURN_IF_ERROR(channels_.authorize_read(actor, channel_id));
  std::string channel_key = keys::channel(channel_id);
  ddb::QueryRequest query;
  query.key_condition_expression = "PK = :pk AND begins_with(SK, :prefix)";
  query.expression_attribute_values =
      ddb::AttributeMap{{":pk", S(channel_key)}, {":prefix", S(std::string(keys::kMessage))}};
  query.scan_index_forward = false;
  query.limit = page_size(limit);
  query.filter_expression = "attribute_not_exists(ThreadRoot) OR InChannel = :yes";
  query.expression_attribute_values->emplace(":yes", items::BOOL(true));
  if (!cursor.empty()) {
    TH_ASSIGN_OR_RETURN(std::string sk, decode_cursor(cursor, keys::kMessage));
    query.exclusive_start_key = ChatStore::key(channel_key, std::move(sk));
  }
  TH_ASSIGN_OR_RETURN(auto response, store_.query(std::move(query)));
  Page<Message> page;
  for (const auto& item : items_of(response)) page.items.push_back(items::message_from(item));
  if (response.last_evaluated_key) {
    page.next_cursor = encode_cursor(items::string_of(*response.last_evaluated_key, "SK"));
  }
  return page;
}

Result<Page<Message>> MessageService::after(const User& actor, std::string_view channel,
                                            std::string_view after, int limit) {
  TH_ASSIGN_OR_RETURN(std::string channel_id, keys::channel_id_from(channel));
  std::string stored_after;
  if (!after.empty()) {
    TH_ASSIGN_OR_RETURN(stored_after, keys::message_id_from(after));  // either form
    after = stored_after;
  }
  TH_RETURN_IF_ERROR(channels_.authorize_read(actor, channel_id));
  std::string from = after.empty() ? std::string(keys::kMessage) : keys::message(after);
  ddb::QueryRequest query;
  // BETWEEN includes `from` itself; it is dropped below.
  query.key_condition_expression = "PK = :pk AND SK BETWEEN :from AND :to";
  query.expression_attribute_values = ddb::AttributeMap{{":pk", S(keys::channel(channel_id))},
                                                        {":from", S(from)},
                                                        {":to", S(std::string(keys::kAfterLastMessage))}};
  query.limit = page_size(limit) + 1;
  TH_ASSIGN_OR_RETURN(auto response, store_.query(std::move(query)));
  Page<Message> page;
  for (const auto& item : items_of(response)) {
    if (items::string_of(item, "SK") == from) continue;
    if (page.items.size() == static_cast<size_t>(page_size(limit))) {
      page.next_cursor = page.items.back().id;
      break;
    }
    page.items.push_back(items::message_from(item));
  }
  if (page.next_cursor.empty() && response.last_evaluated_key && !page.items.empty()) {
    page.next_cursor = page.items.back().id;
  }
  return page;
}

Result<Message> MessageService::edit(const User& actor, std::string_view channel, std::string_view message_id,
                                     std::string_view text, const std::vector<std::string>* mentions) {
  TH_ASSIGN_OR_RETURN(std::string channel_id, keys::channel_id_from(channel));
  TH_ASSIGN_OR_RETURN(std::string stored_id, keys::message_id_from(message_id));  // either form
  message_id = stored_id;
  TH_RETURN_IF_ERROR(check_text(text, "message text", 1, kMaxMessageBytes, true));
  // Only who may read the channel may change what is in it (its existence
  // stays hidden from the others).
  TH_RETURN_IF_ERROR(channels_.authorize_read(actor, channel_id));
  TH_ASSIGN_OR_RETURN(Message before, read_message(channel_id, message_id));
  std::vector<Participant> after;
  if (mentions) {
    TH_ASSIGN_OR_RETURN(after, resolve_mentions(channel_id, *mentions));
  } else {
    after = mentions_still_in(before.mentions, text);
  }
  auto missing_from = [](const std::vector<Participant>& from, const std::vector<Participant>& in) {
    std::vector<Participant> out;
    for (const auto& m : from) {
      if (std::none_of(in.begin(), in.end(), [&](const Participant& p) { return p.user_id == m.user_id; }))
        out.push_back(m);
    }
    return out;
  };

  ddb::AttributeMap values{
      {":text", S(std::string(text))}, {":now", N(store_.now_ms())}, {":me", S(keys::user(actor.id))}};
  std::string update = "SET Msg = :text, EditedAt = :now";
  std::vector<std::string> removed;
  if (after.empty()) {
    removed.push_back("Mentions");
  } else {
    update += ", Mentions = :mentions";
    values[":mentions"] = items::mentions_value(after);
  }
  // "@channel" taken out of the text stops counting (an edit cannot add it); "@here" too.
  const bool drops_all = before.mentions_channel && text.find("@channel") == std::string_view::npos;
  if (drops_all) removed.push_back("MentionAll");
  const bool drops_here = !before.mentions_here.empty() && text.find("@here") == std::string_view::npos;
  if (drops_here) removed.push_back("MentionHere");
  for (size_t i = 0; i < removed.size(); ++i) update += (i ? ", " : " REMOVE ") + removed[i];
  std::vector<ddb::TransactWriteItem> actions;
  actions.push_back(store_.update_action(
      ChatStore::key(keys::channel(channel_id), keys::message(message_id)), std::move(update),
      std::move(values), "attribute_exists(SK) AND UserId = :me AND attribute_not_exists(Deleted)"));
  // A mention taken out of the text stops counting; a new one starts.
  const auto had = everyone_mentioned(before.mentions, before.mentions_here);
  const auto has = everyone_mentioned(after, drops_here ? std::vector<Participant>{} : before.mentions_here);
  mention_actions(actions, channel_id, std::string(message_id), actor.id, missing_from(had, has), false);
  mention_actions(actions, channel_id, std::string(message_id), actor.id, missing_from(has, had), true);
  TH_ASSIGN_OR_RETURN(auto outcome, store_.transact(std::move(actions)));
  if (!outcome.committed) {
    if (outcome.failed(0)) return explain_failed_change(actor, channel_id, message_id);
    return Error::Internal("edit was cancelled");
  }
  TH_ASSIGN_OR_RETURN(Message message, read_message(channel_id, message_id));
  publish(ChannelEvent::Kind::kMessageEdited, message);
  return message;
}

Result<Message> MessageService::remove(const User& actor, std::string_view channel,
                                       std::string_view message_id) {
  TH_ASSIGN_OR_RETURN(std::string channel_id, keys::channel_id_from(channel));
  TH_ASSIGN_OR_RETURN(std::string stored_id, keys::message_id_from(message_id));  // either form
  message_id = stored_id;
  TH_RETURN_IF_ERROR(channels_.authorize_read(actor, channel_id));
  TH_ASSIGN_OR_RETURN(Message before, read_message(channel_id, message_id));
  // An admin may delete anyone's message in a channel they can read (the
  // read check above: moderation never opens a private channel to them).
  const bool moderating = before.user_id != actor.id && actor.is_admin() && !before.deleted;
  const int64_t now_ms = store_.now_ms();
  std::string channel_key = keys::channel(channel_id);
  std::vector<ddb::TransactWriteItem> actions;
  actions.push_back(
      store_.update_action(ChatStore::key(channel_key, keys::message(message_id)),
                           "SET Deleted = :yes, EditedAt = :now REMOVE Msg",
                           {{":yes", items::BOOL(true)},
                            {":now", N(now_ms)},
                            {":me", S(keys::user(moderating ? before.user_id : actor.id))}},
                           "attribute_exists(SK) AND UserId = :me AND attribute_not_exists(Deleted)"));
  actions.push_back(store_.update_action(ChatStore::key(channel_key, channel_key), "ADD MessageCount :minus",
                                         {{":minus", N(-1)}}, "attribute_exists(PK)"));
  if (!before.thread_root.empty()) {
    actions.push_back(store_.update_action(ChatStore::key(channel_key, keys::message(before.thread_root)),
                                           "ADD ReplyCount :minus", {{":minus", N(-1)}},
                                           "attribute_exists(SK)"));
  }
  mention_actions(actions, channel_id, std::string(message_id), before.user_id,
                  everyone_mentioned(before.mentions, before.mentions_here), false);
  // Its files go with it (their bytes once the sweep finds them unreferenced).
  for (auto& action : files_.release_actions(channel_id, before.user_id, before.files)) {
    actions.push_back(std::move(action));
  }
  if (moderating) {
    actions.push_back(audit_action(store_, actor, "message.delete",
                                   "message:" + channel_id + "/" + keys::public_message_id(message_id),
                                   "by " + before.user_name));
  }
  TH_ASSIGN_OR_RETURN(auto outcome, store_.transact(std::move(actions)));
  if (!outcome.committed) {
    if (outcome.failed(0)) return explain_failed_change(actor, channel_id, message_id);
    if (outcome.failed(2)) return Error::Internal("the thread's root is gone");
    return Error::NotFound("no channel " + channel_id);
  }
  // The tombstone, as the transaction left it (no need to read it back).
  Message message = std::move(before);
  message.text.clear();
  message.files.clear();
  message.deleted = true;
  message.edited_at_ms = now_ms;
  publish(ChannelEvent::Kind::kMessageDeleted, message);
  return message;
}

Result<Message> MessageService::react(const User& actor, std::string_view channel,
                                      std::string_view message_id, std::string_view reaction, bool on) {
  TH_ASSIGN_OR_RETURN(std::string channel_id, keys::channel_id_from(channel));
  TH_ASSIGN_OR_RETURN(std::string stored_id, keys::message_id_from(message_id));  // either form
  TH_ASSIGN_OR_RETURN(std::string emoji, normalize_reaction(reaction));
  // Reacting is posting: members only, as for send (NotFound when private).
  TH_ASSIGN_OR_RETURN(auto member, channels_.authorize_read(actor, channel_id));
  if (!member) return Error::PermissionDenied("join channel " + channel_id + " to react in it");
  TH_ASSIGN_OR_RETURN(Message before, read_message(channel_id, stored_id));
  if (before.deleted) {
    return Error{Code::kFailedPrecondition, "message " + keys::public_message_id(stored_id) + " was deleted"};
  }
  auto existing = std::find_if(before.reactions.begin(), before.reactions.end(),
                               [&](const Reaction& r) { return r.emoji == emoji; });
  bool mine = existing != before.reactions.end() &&
              std::binary_search(existing->user_ids.begin(), existing->user_ids.end(), actor.id);
  if (mine == on) return before;  // already so: nothing to write, nothing to announce
  if (on && existing == before.reactions.end() && before.reactions.size() >= kMaxReactionsPerMessage) {
    return Error{
        Code::kFailedPrecondition,
        "a message takes at most " + std::to_string(kMaxReactionsPerMessage) + " different reactions"};
  }
  ddb::UpdateItemRequest update;
  update.table_name = store_.table();
  update.key = ChatStore::key(keys::channel(channel_id), keys::message(stored_id));
  // ADD and DELETE on a string set are idempotent: a retry of either changes nothing.
  update.update_expression = on ? "ADD #r :me" : "DELETE #r :me";
  update.condition_expression = "attribute_exists(SK) AND attribute_not_exists(Deleted)";
  update.expression_attribute_names = ddb::NameMap{{"#r", std::string(kReactionAttributePrefix) + emoji}};
  update.expression_attribute_values = ddb::AttributeMap{{":me", ddb::AttributeValue::SS({actor.id})}};
  update.return_values = "ALL_NEW";
  auto result = store_.db().update_item(update);
  if (!result.ok()) {
    if (result.error().is(ddb::ErrorCode::kConditionalCheckFailed)) {
      return Error{Code::kFailedPrecondition,
                   "message " + keys::public_message_id(stored_id) + " was deleted"};
    }
    return Error::FromStore(result.error());
  }
  Message message = items::message_from(result->attributes.value_or(ddb::AttributeMap{}));
  publish(ChannelEvent::Kind::kMessageReactions, message);
  return message;
}

Result<Message> MessageService::explain_failed_change(const User& actor, const std::string& channel_id,
                                                      std::string_view message_id) {
  auto message = read_message(channel_id, message_id);
  if (!message.ok()) return message;
  if (message->user_id != actor.id) return Error::PermissionDenied("only the author may change a message");
  if (message->deleted)
    return Error::NotFound("message " + keys::public_message_id(message_id) + " was deleted");
  return Error::Internal("the message changed concurrently; try again");
}

Result<int64_t> MessageService::unread_count(const User& actor, std::string_view channel, int64_t cap) {
  TH_ASSIGN_OR_RETURN(std::string channel_id, keys::channel_id_from(channel));
  TH_ASSIGN_OR_RETURN(auto member, channels_.authorize_read(actor, channel_id));
  if (!member) return Error::PermissionDenied("not a member of channel " + channel_id);
  TH_ASSIGN_OR_RETURN(Unread unread, count_after(actor, channel_id, member->last_read, cap));
  return unread.messages;
}

Result<std::vector<MessageService::ReadState>> MessageService::read_states(
    const User& actor, const std::vector<std::string>& channel_ids, int64_t cap) {
  std::vector<ddb::AttributeMap> keys;
  keys.reserve(channel_ids.size());
  for (const auto& id : channel_ids)
    keys.push_back(ChatStore::key(keys::channel(id), keys::membership(actor.id)));
  TH_ASSIGN_OR_RETURN(auto memberships, store_.batch_get(std::move(keys)));
  std::map<std::string, const ddb::AttributeMap*, std::less<>> by_channel;  // channel key -> membership
  for (const auto& item : memberships) by_channel[std::string(items::string_of(item, "PK"))] = &item;
  std::vector<ReadState> states(channel_ids.size());
  for (size_t i = 0; i < channel_ids.size(); ++i) {
    auto found = by_channel.find(keys::channel(channel_ids[i]));
    if (found == by_channel.end()) continue;  // left (or removed) since the list was read: 0
    const ddb::AttributeMap& membership = *found->second;
    states[i].last_read = std::string(items::string_of(membership, "LastRead"));
    states[i].muted = items::bool_of(membership, "Muted");
    TH_ASSIGN_OR_RETURN(Unread unread, count_after(actor, channel_ids[i], states[i].last_read, cap));
    TH_ASSIGN_OR_RETURN(int64_t by_name, count_mentions(actor, channel_ids[i], states[i].last_read, cap));
    states[i].unread = unread.messages;
    states[i].mentions = std::min(cap, by_name + unread.channel_mentions);
  }
  return states;
}

Result<int64_t> MessageService::count_items(ddb::QueryRequest query, const std::string& skip_sk, int64_t cap,
                                            const std::function<void(const ddb::AttributeMap&)>& each) {
  int64_t count = 0;
  std::optional<ddb::AttributeMap> start;
  do {
    query.exclusive_start_key = std::move(start);
    query.limit = cap + 2;
    TH_ASSIGN_OR_RETURN(auto response, store_.query(query));
    for (const auto& item : items_of(response)) {
      if (items::string_of(item, "SK") == skip_sk) continue;
      ++count;
      if (each) each(item);
    }
    start = std::move(response.last_evaluated_key);
  } while (start && count < cap);
  return std::min(count, cap);
}

Result<MessageService::Unread> MessageService::count_after(const User& actor, const std::string& channel_id,
                                                           const std::string& last_read, int64_t cap) {
  std::string from = last_read.empty() ? std::string(keys::kMessage) : keys::message(last_read);
  ddb::QueryRequest query;
  query.key_condition_expression = "PK = :pk AND SK BETWEEN :from AND :to";
  // Thread replies count in their thread, not in the channel (unless also sent to it).
  query.filter_expression =
      "attribute_not_exists(Deleted) AND UserId <> :me AND (attribute_not_exists(ThreadRoot) OR InChannel = "
      ":yes)";
  // MentionAll: an "@channel" among them is a mention of actor too (chat/mentions.h).
  query.projection_expression = "SK, MentionAll";
  query.expression_attribute_values = ddb::AttributeMap{{":pk", S(keys::channel(channel_id))},
                                                        {":from", S(from)},
                                                        {":to", S(std::string(keys::kAfterLastMessage))},
                                                        {":me", S(keys::user(actor.id))},
                                                        {":yes", items::BOOL(true)}};
  Unread unread;
  TH_ASSIGN_OR_RETURN(unread.messages,
                      count_items(std::move(query), from, cap, [&](const ddb::AttributeMap& item) {
                        if (items::bool_of(item, "MentionAll")) ++unread.channel_mentions;
                      }));
  return unread;
}

}  // namespace townhall::chat
