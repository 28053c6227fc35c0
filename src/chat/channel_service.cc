#include "chat/channel_service.h"

#include <algorithm>

#include "chat/audit.h"
#include "chat/items.h"
#include "chat/keys.h"
#include "chat/names.h"
#include "chat/validation.h"

namespace townhall::chat {
namespace {

using items::N;
using items::S;

ddb::AttributeMap one() { return {{":one", N(1)}}; }

}  // namespace

ChannelService::ChannelService(ChatStore& store, ChannelEvents* events) : store_(store), events_(events) {}

void ChannelService::publish(const ChannelEvent& event) {
  if (events_) events_->publish(event);
}

Result<Channel> ChannelService::create(const User& actor, std::string_view name, std::string_view description,
                                       bool is_private) {
  TH_ASSIGN_OR_RETURN(std::string normalized, normalize_name(name, "channel name", kMaxChannelNameBytes));
  TH_RETURN_IF_ERROR(check_text(description, "description", 0, kMaxDescriptionBytes, true));
  Channel channel;
  channel.id = keys::new_id();
  channel.name = std::move(normalized);
  channel.description = std::string(description);
  channel.is_private = is_private;
  channel.user_count = 1;
  channel.created_by = actor.id;
  channel.created_at = store_.now_ms() / 1000;

  std::vector<ddb::TransactWriteItem> actions;
  actions.push_back(store_.put_action(items::channel_item(channel), "attribute_not_exists(PK)"));
  actions.push_back(store_.put_action(items::membership_item(channel, actor, store_.today())));
  if (!is_private) {
    actions.push_back(store_.put_action({{"PK", S(std::string(keys::kDirectoryPartition))},
                                         {"SK", S(keys::directory(channel.name, channel.id))},
                                         {"ChanId", S(channel.id)}}));
    actions.push_back(name_guard_put(channel));
  }
  TH_ASSIGN_OR_RETURN(auto outcome, store_.transact(std::move(actions)));
  if (!outcome.committed) {
    if (!is_private && outcome.failed(3)) return name_taken(channel.name);
    return Error::Internal("channel id collision, try again");
  }
  remember(channel);
  return channel;
}

// Public channels' names are unique (as people compare names: case and
// width folded, chat/names.h), so the directory never shows two #general.
// Private channels' names are not checked: a clash would tell a stranger
// that a private channel of that name exists.
ddb::TransactWriteItem ChannelService::name_guard_put(const Channel& channel) const {
  std::string key = keys::channel_name(name_key(channel.name));
  return store_.put_action({{"PK", S(key)}, {"SK", S(key)}, {"ChanId", S(channel.id)}},
                           "attribute_not_exists(PK)");
}

Error ChannelService::name_taken(std::string_view name) {
  return Error::AlreadyExists("there is already a public channel named " + std::string(name) +
                              ": join it, or choose another name");
}

void ChannelService::remember(const Channel& channel) {
  std::lock_guard lock(fixed_mutex_);
  fixed_[channel.id] = Fixed{channel.is_private, channel.kind != ChannelKind::kChannel};
}

Result<ChannelService::Fixed> ChannelService::fixed(const std::string& channel_id) {
  {
    std::lock_guard lock(fixed_mutex_);
    auto it = fixed_.find(channel_id);
    if (it != fixed_.end()) return it->second;
  }
  TH_ASSIGN_OR_RETURN(Channel channel, find(channel_id));
  return Fixed{channel.is_private, channel.kind != ChannelKind::kChannel};
}

Result<std::vector<std::optional<Channel>>> ChannelService::find_many(const std::vector<std::string>& ids) {
  if (ids.size() > 100) return Error::InvalidArgument("at most 100 channels at once");
  std::vector<ddb::AttributeMap> keys;
  for (const auto& id : ids) {
    std::string key = keys::channel(id);
    if (std::none_of(keys.begin(), keys.end(),
                     [&](const auto& k) { return items::string_of(k, "PK") == key; }))
      keys.push_back(ChatStore::key(key, key));
  }
  std::vector<std::optional<Channel>> found(ids.size());
  if (keys.empty()) return found;
  TH_ASSIGN_OR_RETURN(auto items, store_.batch_get(std::move(keys)));
  std::unordered_map<std::string, Channel> by_id;
  for (const auto& item : items) {
    Channel channel = items::channel_from(item);
    remember(channel);
    by_id.emplace(channel.id, std::move(channel));
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    auto it = by_id.find(ids[i]);
    if (it != by_id.end()) found[i] = it->second;
  }
  return found;
}

Result<Channel> ChannelService::find(std::string_view reference) {
  TH_ASSIGN_OR_RETURN(std::string id, keys::channel_id_from(reference));
  std::string key = keys::channel(id);
  TH_ASSIGN_OR_RETURN(auto item, store_.get(key, key));
  if (!item) return Error::NotFound("no channel " + id);
  Channel channel = items::channel_from(*item);
  remember(channel);
  return channel;
}

Result<Channel> ChannelService::get(const User& actor, std::string_view reference) {
  TH_ASSIGN_OR_RETURN(Channel channel, find(reference));
  if (channel.is_private) {
    TH_ASSIGN_OR_RETURN(auto member, membership(channel.id, actor));
    if (!member)
      return Error::NotFound("no channel " + channel.id);  // private channels do not reveal themselves
  }
  return channel;
}

Result<bool> ChannelService::is_private(const std::string& channel_id) {
  TH_ASSIGN_OR_RETURN(Fixed fixed_part, fixed(channel_id));
  return fixed_part.is_private;
}

Result<ChannelService::ReadAccess> ChannelService::read_access(const User& actor,
                                                               const std::string& channel_id) {
  ReadAccess access;
  TH_ASSIGN_OR_RETURN(access.is_private, is_private(channel_id));
  TH_ASSIGN_OR_RETURN(access.member, membership(channel_id, actor));
  if (access.is_private && !access.member) return Error::NotFound("no channel " + channel_id);
  return access;
}

Result<std::optional<Member>> ChannelService::authorize_read(const User& actor,
                                                             const std::string& channel_id) {
  TH_ASSIGN_OR_RETURN(ReadAccess access, read_access(actor, channel_id));
  return std::move(access.member);
}

Result<Channel> ChannelService::update(const User& actor, std::string_view reference,
                                       std::optional<std::string_view> name,
                                       std::optional<std::string_view> description) {
  TH_ASSIGN_OR_RETURN(Channel before, get(actor, reference));
  if (before.kind != ChannelKind::kChannel)
    return Error{Code::kFailedPrecondition, "a conversation has no name or description to change"};
  const bool moderating = before.created_by != actor.id;
  if (moderating && !actor.is_admin())
    return Error::PermissionDenied("only the channel's creator or an admin may change it");
  std::optional<std::string> new_name;
  if (name) {
    TH_ASSIGN_OR_RETURN(new_name, normalize_name(*name, "channel name", kMaxChannelNameBytes));
  }
  if (description) TH_RETURN_IF_ERROR(check_text(*description, "description", 0, kMaxDescriptionBytes, true));
  Channel after = before;
  if (new_name) after.name = std::move(*new_name);
  if (description) after.description = std::string(*description);

  // SET only the fields that change: UserCount and MessageCount stay as they
  // are, which the notebook's save_channel (a whole-item put) did not do.
  std::string key = keys::channel(before.id);
  std::vector<ddb::TransactWriteItem> actions;
  actions.push_back(store_.update_action(ChatStore::key(key, key), "SET #name = :name, #desc = :desc",
                                         {{":name", S(after.name)}, {":desc", S(after.description)}},
                                         "attribute_exists(PK)"));
  actions.back().update->expression_attribute_names = ddb::NameMap{{"#name", "Name"}, {"#desc", "Desc"}};
  const bool renamed_public = !after.is_private && after.name != before.name;
  const bool new_key = renamed_public && name_key(after.name) != name_key(before.name);
  // A change of case only keeps the directory's (lower-cased) entry: one
  // transaction may not delete and put the same item.
  if (renamed_public && keys::directory(before.name, before.id) != keys::directory(after.name, after.id)) {
    std::string directory(keys::kDirectoryPartition);
    actions.push_back(
        store_.delete_action(ChatStore::key(directory, keys::directory(before.name, before.id))));
    actions.push_back(store_.put_action(
        {{"PK", S(directory)}, {"SK", S(keys::directory(after.name, after.id))}, {"ChanId", S(after.id)}}));
  }
  size_t guard_action = 0;
  if (new_key) {
    // The old name's guard goes if it is this channel's (channels made
    // before names were guarded have none); the new one must be free.
    std::string old_key = keys::channel_name(name_key(before.name));
    TH_ASSIGN_OR_RETURN(auto old_guard, store_.get(old_key, old_key));
    if (old_guard && items::string_of(*old_guard, "ChanId") == before.id) {
      actions.push_back(
          store_.delete_action(ChatStore::key(old_key, old_key), "ChanId = :id", {{":id", S(before.id)}}));
    }
    guard_action = actions.size();
    actions.push_back(name_guard_put(after));
  }
  if (moderating) {
    std::string detail = after.name != before.name ? before.name + " -> " + after.name : "description";
    actions.push_back(audit_action(store_, actor, "channel.update", "channel:" + before.id, detail));
  }
  TH_ASSIGN_OR_RETURN(auto outcome, store_.transact(std::move(actions)));
  if (!outcome.committed) {
    if (guard_action && outcome.failed(guard_action)) return name_taken(after.name);
    return Error::NotFound("no channel " + before.id);
  }
  if (after.name != before.name) TH_RETURN_IF_ERROR(rename_memberships(after));
  TH_ASSIGN_OR_RETURN(Channel current, find(after.id));
  publish({ChannelEvent::Kind::kChannelUpdated, current.id, std::nullopt, std::nullopt, current});
  return current;
}

Status ChannelService::rename_memberships(const Channel& channel) {
  // Membership items carry the channel's name for AP1; walk them all. A join
  // racing with a rename may keep the old name until the next rename: the
  // notebook's layout has no atomic way to avoid that across many items.
  std::optional<ddb::AttributeMap> start;
  do {
    ddb::QueryRequest query;
    query.key_condition_expression = "PK = :pk AND begins_with(SK, :prefix)";
    query.expression_attribute_values = ddb::AttributeMap{{":pk", S(keys::channel(channel.id))},
                                                          {":prefix", S(std::string(keys::kMembership))}};
    query.projection_expression = "PK, SK";
    query.exclusive_start_key = std::move(start);
    TH_ASSIGN_OR_RETURN(auto page, store_.query(std::move(query)));
    for (const auto& item : page.items.value_or(std::vector<ddb::AttributeMap>{})) {
      ddb::UpdateItemRequest update;
      update.table_name = store_.table();
      update.key = item;
      update.update_expression = "SET ChanName = :name";
      update.condition_expression = "attribute_exists(SK)";
      update.expression_attribute_values = ddb::AttributeMap{{":name", S(channel.name)}};
      auto result = store_.db().update_item(update);
      if (!result.ok() && !result.error().is(ddb::ErrorCode::kConditionalCheckFailed)) {
        return Error::FromStore(result.error());
      }
    }
    start = std::move(page.last_evaluated_key);
  } while (start);
  return Status::Ok();
}

Result<bool> ChannelService::add(const Channel& channel, const User& user) {
  std::string channel_key = keys::channel(channel.id);
  std::vector<ddb::TransactWriteItem> actions;
  actions.push_back(
      store_.put_action(items::membership_item(channel, user, store_.today()), "attribute_not_exists(SK)"));
  actions.push_back(store_.update_action(ChatStore::key(channel_key, channel_key), "ADD UserCount :one",
                                         one(), "attribute_exists(PK)"));
  TH_ASSIGN_OR_RETURN(auto outcome, store_.transact(std::move(actions)));
  if (outcome.committed) {
    Member member{user.id, user.name, store_.today(), {}};
    publish({ChannelEvent::Kind::kMemberJoined, channel.id, std::nullopt, member, std::nullopt});
    // The user's every socket (other tabs, other devices) learns it at once,
    // whoever made the change.
    Channel now = channel;
    now.user_count += 1;  // as of this add; a racing change shows in the next read
    ChannelEvent added{ChannelEvent::Kind::kChannelAdded, channel.id, std::nullopt, std::nullopt, now};
    added.recipient = user.id;
    publish(added);
    return true;
  }
  if (outcome.failed(0)) return false;  // already a member: nothing changes
  if (outcome.failed(1)) return Error::NotFound("no channel " + channel.id);
  return Error::Internal("join was cancelled");
}

Result<bool> ChannelService::join(const User& actor, std::string_view reference) {
  TH_ASSIGN_OR_RETURN(Channel channel, find(reference));
  if (channel.is_private) {
    TH_ASSIGN_OR_RETURN(auto member, membership(channel.id, actor));
    if (!member) return Error::NotFound("no channel " + channel.id);
    if (channel.kind != ChannelKind::kChannel)
      return Error{Code::kFailedPrecondition, "a conversation's people are fixed; nobody joins it"};
    return false;
  }
  return add(channel, actor);
}

Result<bool> ChannelService::add_member(const User& actor, std::string_view reference, const User& user) {
  TH_ASSIGN_OR_RETURN(Channel channel, get(actor, reference));
  TH_ASSIGN_OR_RETURN(auto member, membership(channel.id, actor));
  if (!member) return Error::PermissionDenied("only members can add members");
  if (channel.kind != ChannelKind::kChannel) {
    return Error{Code::kFailedPrecondition,
                 "a conversation's people are fixed; start a new conversation with everyone"};
  }
  return add(channel, user);
}

Result<bool> ChannelService::leave(const User& actor, std::string_view reference, bool* archived) {
  TH_ASSIGN_OR_RETURN(std::string id, keys::channel_id_from(reference));
  {
    auto fixed_part = fixed(id);
    if (fixed_part.ok() && fixed_part->is_conversation) {
      TH_RETURN_IF_ERROR(authorize_read(actor, id));  // an outsider learns nothing
      return Error{Code::kFailedPrecondition, "a direct or group conversation cannot be left"};
    }
  }
  TH_ASSIGN_OR_RETURN(bool left, take_out(id, actor, archived));
  // Not a member: nothing changes, and a private channel does not reveal itself.
  if (!left) {
    auto hidden = is_private(id);
    if (!hidden.ok() || *hidden) return Error::NotFound("no channel " + id);
  }
  return left;
}

Result<bool> ChannelService::take_out(const std::string& id, const User& user, bool* archived,
                                      std::optional<ddb::TransactWriteItem> audit) {
  TH_ASSIGN_OR_RETURN(Fixed fixed_part, fixed(id));  // NotFound for no channel
  std::string channel_key = keys::channel(id);
  // A private channel's last member leaving would leave it to nobody: the
  // first attempt refuses that (UserCount > 1), the second archives it in
  // the same transaction as the leave (Archived = when), so it is marked,
  // never lost silently. Public channels stay in the directory for anyone.
  for (bool archive : {false, true}) {
    std::vector<ddb::TransactWriteItem> actions;
    actions.push_back(
        store_.delete_action(ChatStore::key(channel_key, keys::membership(user.id)), "attribute_exists(SK)"));
    std::string condition = "attribute_exists(PK)";
    if (fixed_part.is_private) condition += archive ? " AND UserCount <= :one" : " AND UserCount > :one";
    ddb::AttributeMap values{{":minus", N(-1)}};
    if (fixed_part.is_private) values[":one"] = N(1);
    if (archive) values[":now"] = N(store_.now_ms() / 1000);
    actions.push_back(
        store_.update_action(ChatStore::key(channel_key, channel_key),
                             archive ? "ADD UserCount :minus SET Archived = :now" : "ADD UserCount :minus",
                             std::move(values), condition));
    if (audit) actions.push_back(*audit);
    TH_ASSIGN_OR_RETURN(auto outcome, store_.transact(std::move(actions)));
    if (outcome.committed) {
      if (archived) *archived = archive;
      Member member{user.id, user.name, {}, {}};
      publish({ChannelEvent::Kind::kMemberLeft, id, std::nullopt, member, std::nullopt});
      return true;
    }
    if (outcome.failed(0)) return false;  // not a member: nothing changes
    if (!outcome.failed(1)) return Error::Internal("leave was cancelled");
    if (!fixed_part.is_private) return Error::NotFound("no channel " + id);
    // The last member (or, on the second attempt, no longer the last): try the other way.
  }
  return Error::Internal("the channel's members changed while leaving; try again");
}

Result<std::optional<Member>> ChannelService::membership(std::string_view channel_id, const User& actor) {
  TH_ASSIGN_OR_RETURN(auto item, store_.get(keys::channel(channel_id), keys::membership(actor.id)));
  if (!item) return std::optional<Member>();
  return std::optional<Member>(items::member_from(*item));
}

Result<Page<Member>> ChannelService::members(const User& actor, std::string_view reference,
                                             std::string_view cursor, int limit) {
  TH_ASSIGN_OR_RETURN(std::string id, keys::channel_id_from(reference));
  TH_RETURN_IF_ERROR(authorize_read(actor, id));
  ddb::QueryRequest query;
  query.key_condition_expression = "PK = :pk AND begins_with(SK, :prefix)";
  query.expression_attribute_values =
      ddb::AttributeMap{{":pk", S(keys::channel(id))}, {":prefix", S(std::string(keys::kMembership))}};
  query.limit = page_size(limit);
  if (!cursor.empty()) {
    TH_ASSIGN_OR_RETURN(std::string sk, decode_cursor(cursor, keys::kMembership));
    query.exclusive_start_key = ChatStore::key(keys::channel(id), std::move(sk));
  }
  TH_ASSIGN_OR_RETURN(auto response, store_.query(std::move(query)));
  Page<Member> page;
  for (const auto& item : response.items.value_or(std::vector<ddb::AttributeMap>{})) {
    page.items.push_back(items::member_from(item));
  }
  if (response.last_evaluated_key) {
    page.next_cursor = encode_cursor(items::string_of(*response.last_evaluated_key, "SK"));
  }
  return page;
}

Result<Page<Membership>> ChannelService::channels_of(const User& actor, std::string_view cursor, int limit) {
  std::string user_key = keys::user(actor.id);
  ddb::QueryRequest query;
  query.index_name = "GSI1";
  query.key_condition_expression = "GSI1PK = :pk AND begins_with(GSI1SK, :prefix)";
  query.expression_attribute_values =
      ddb::AttributeMap{{":pk", S(user_key)}, {":prefix", S(std::string(keys::kChannel))}};
  query.limit = page_size(limit);
  if (!cursor.empty()) {
    // GSI1SK names the channel; the base key follows from it and the user.
    TH_ASSIGN_OR_RETURN(std::string channel_key, decode_cursor(cursor, keys::kChannel));
    query.exclusive_start_key = ddb::AttributeMap{{"PK", S(channel_key)},
                                                  {"SK", S(keys::membership(actor.id))},
                                                  {"GSI1PK", S(user_key)},
                                                  {"GSI1SK", S(channel_key)}};
  }
  TH_ASSIGN_OR_RETURN(auto response, store_.query(std::move(query)));
  Page<Membership> page;
  for (const auto& item : response.items.value_or(std::vector<ddb::AttributeMap>{})) {
    page.items.push_back(items::membership_from(item));
  }
  if (response.last_evaluated_key) {
    page.next_cursor = encode_cursor(items::string_of(*response.last_evaluated_key, "GSI1SK"));
  }
  return page;
}

Result<Page<Channel>> ChannelService::list_public(std::string_view prefix, std::string_view cursor,
                                                  int limit) {
  if (prefix.size() > kMaxChannelNameBytes) return Error::InvalidArgument("search text is too long");
  std::string partition(keys::kDirectoryPartition);
  std::string sk_prefix = keys::directory(prefix, "");
  sk_prefix.pop_back();  // directory() appends '#' before the (empty) id
  ddb::QueryRequest query;
  query.key_condition_expression = "PK = :pk AND begins_with(SK, :prefix)";
  query.expression_attribute_values = ddb::AttributeMap{{":pk", S(partition)}, {":prefix", S(sk_prefix)}};
  query.limit = page_size(limit);
  if (!cursor.empty()) {
    TH_ASSIGN_OR_RETURN(std::string sk, decode_cursor(cursor, keys::kDirectory));
    query.exclusive_start_key = ChatStore::key(partition, std::move(sk));
  }
  TH_ASSIGN_OR_RETURN(auto response, store_.query(std::move(query)));
  Page<Channel> page;
  for (const auto& entry : response.items.value_or(std::vector<ddb::AttributeMap>{})) {
    auto channel = find(items::string_of(entry, "ChanId"));
    if (channel.ok()) page.items.push_back(std::move(channel).value());
  }
  if (response.last_evaluated_key) {
    page.next_cursor = encode_cursor(items::string_of(*response.last_evaluated_key, "SK"));
  }
  return page;
}

Status ChannelService::set_muted(const User& actor, std::string_view reference, bool muted) {
  TH_ASSIGN_OR_RETURN(std::string id, keys::channel_id_from(reference));
  ddb::UpdateItemRequest update;
  update.table_name = store_.table();
  update.key = ChatStore::key(keys::channel(id), keys::membership(actor.id));
  update.update_expression = muted ? "SET Muted = :yes" : "REMOVE Muted";
  update.condition_expression = "attribute_exists(SK)";
  if (muted) update.expression_attribute_values = ddb::AttributeMap{{":yes", items::BOOL(true)}};
  auto result = store_.db().update_item(update);
  if (result.ok()) return Status::Ok();
  if (!result.error().is(ddb::ErrorCode::kConditionalCheckFailed)) return Error::FromStore(result.error());
  TH_RETURN_IF_ERROR(authorize_read(actor, id));  // NotFound for a private channel one is not in
  return Error::PermissionDenied("join channel " + id + " to mute it");
}

Status ChannelService::mark_read(const User& actor, std::string_view reference, std::string_view message_id) {
  TH_ASSIGN_OR_RETURN(std::string id, keys::channel_id_from(reference));
  TH_ASSIGN_OR_RETURN(std::string stored_id, keys::message_id_from(message_id));  // either form
  message_id = stored_id;
  ddb::UpdateItemRequest update;
  update.table_name = store_.table();
  update.key = ChatStore::key(keys::channel(id), keys::membership(actor.id));
  update.update_expression = "SET LastRead = :id";
  update.condition_expression = "attribute_exists(SK) AND (attribute_not_exists(LastRead) OR LastRead < :id)";
  update.expression_attribute_values = ddb::AttributeMap{{":id", S(std::string(message_id))}};
  auto result = store_.db().update_item(update);
  if (result.ok()) return Status::Ok();
  if (!result.error().is(ddb::ErrorCode::kConditionalCheckFailed)) return Error::FromStore(result.error());
  TH_ASSIGN_OR_RETURN(auto member, authorize_read(actor, id));
  if (!member) return Error::PermissionDenied("not a member of channel " + id);
  return Status::Ok();  // the marker is already at or past message_id
}

}  // namespace townhall::chat
