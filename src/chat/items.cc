#include "chat/items.h"

#include "chat/keys.h"
#include "chat/reactions.h"

namespace townhall::chat::items {

std::string_view string_of(const AttributeMap& item, std::string_view name) {
  auto it = item.find(name);
  if (it == item.end() || !it->second.is(ddb::AttributeType::kS)) return {};
  return it->second.as_string();
}

int64_t int_of(const AttributeMap& item, std::string_view name, int64_t fallback) {
  auto it = item.find(name);
  if (it == item.end() || !it->second.is(ddb::AttributeType::kN)) return fallback;
  return it->second.as_number().to_int64().value_or(fallback);
}

bool bool_of(const AttributeMap& item, std::string_view name) {
  auto it = item.find(name);
  return it != item.end() && it->second.is(ddb::AttributeType::kBOOL) && it->second.as_bool();
}

std::string id_after(std::string_view key, std::string_view prefix) {
  if (key.starts_with(prefix)) key.remove_prefix(prefix.size());
  return std::string(key);
}

User user_from(const AttributeMap& item) {
  User user;
  user.id = id_after(string_of(item, "PK"), keys::kUser);
  user.name = std::string(string_of(item, "Name"));
  user.email = std::string(string_of(item, "Mail"));
  user.created_at = int_of(item, "CreatedAt");
  user.role = role_from_name(string_of(item, "Role")).value_or(Role::kMember);
  user.deactivated_at = int_of(item, "Deactivated");
  user.sessions_after_ms = int_of(item, "SessionsAfter");
  return user;
}

Channel channel_from(const AttributeMap& item) {
  Channel channel;
  channel.id = id_after(string_of(item, "PK"), keys::kChannel);
  channel.name = std::string(string_of(item, "Name"));
  channel.description = std::string(string_of(item, "Desc"));
  channel.is_private = bool_of(item, "Private");
  channel.user_count = int_of(item, "UserCount");
  channel.message_count = int_of(item, "MessageCount");
  channel.created_by = std::string(string_of(item, "CreatedBy"));
  channel.created_at = int_of(item, "CreatedAt");
  channel.last_message_at_ms = int_of(item, "LastMsgAt");
  channel.archived_at = int_of(item, "Archived");
  std::string_view kind = string_of(item, "Kind");
  if (kind == "dm") channel.kind = ChannelKind::kDirect;
  if (kind == "group") channel.kind = ChannelKind::kGroup;
  auto participants = item.find("Participants");
  if (participants != item.end() && participants->second.is(ddb::AttributeType::kL)) {
    for (const auto& entry : participants->second.as_list()) {
      if (!entry.is(ddb::AttributeType::kM)) continue;
      const auto& fields = entry.as_map();
      channel.participants.push_back(
          {std::string(string_of(fields, "Id")), std::string(string_of(fields, "Name"))});
    }
  }
  return channel;
}

Member member_from(const AttributeMap& item) {
  Member member;
  member.user_id = id_after(string_of(item, "SK"), keys::kMembership);
  member.user_name = std::string(string_of(item, "Name"));
  member.joined_at = std::string(string_of(item, "JoinedAt"));
  member.last_read = std::string(string_of(item, "LastRead"));
  return member;
}

Membership membership_from(const AttributeMap& item) {
  Membership membership;
  membership.channel_id = id_after(string_of(item, "GSI1SK"), keys::kChannel);
  membership.channel_name = std::string(string_of(item, "ChanName"));
  membership.joined_at = std::string(string_of(item, "JoinedAt"));
  return membership;
}

Message message_from(const AttributeMap& item) {
  Message message;
  message.id = id_after(string_of(item, "SK"), keys::kMessage);
  message.channel_id = id_after(string_of(item, "PK"), keys::kChannel);
  message.user_id = id_after(string_of(item, "UserId"), keys::kUser);
  message.user_name = std::string(string_of(item, "UserName"));
  message.text = std::string(string_of(item, "Msg"));
  message.created_at = int_of(item, "CreatedAt");
  message.created_at_ms = int_of(item, "CreatedAtMs", message.created_at * 1000);
  message.edited_at_ms = int_of(item, "EditedAt");
  message.deleted = bool_of(item, "Deleted");
  message.client_message_id = std::string(string_of(item, "ClientMsgId"));
  message.thread_root = std::string(string_of(item, "ThreadRoot"));
  message.also_in_channel = bool_of(item, "InChannel");
  message.reply_count = int_of(item, "ReplyCount");
  message.last_reply_at_ms = int_of(item, "LastReplyAt");
  message.last_reply_id = std::string(string_of(item, "LastReplyId"));
  // "R:<emoji>" string sets, in attribute-name order (AttributeMap is sorted).
  for (const auto& [name, value] : item) {
    if (!name.starts_with(kReactionAttributePrefix) || !value.is(ddb::AttributeType::kSS)) continue;
    const auto& users = value.as_string_set().values;
    if (users.empty()) continue;
    message.reactions.push_back({name.substr(kReactionAttributePrefix.size()), users});
  }
  message.mentions_channel = bool_of(item, "MentionAll");
  // Mentions, MentionHere: M of user id -> name (as of writing), in id order.
  auto read_people = [&item](const char* attribute, std::vector<Participant>& out) {
    auto people = item.find(attribute);
    if (people == item.end() || !people->second.is(ddb::AttributeType::kM)) return;
    for (const auto& [user_id, name] : people->second.as_map()) {
      out.push_back({user_id, name.is(ddb::AttributeType::kS) ? name.as_string() : std::string()});
    }
  };
  read_people("Mentions", message.mentions);
  read_people("MentionHere", message.mentions_here);
  if (auto files = item.find("Files"); files != item.end()) message.files = files_from(files->second);
  return message;
}

AttributeMap user_item(const User& user) {
  std::string key = keys::user(user.id);
  AttributeMap item{{"PK", S(key)}, {"SK", S(key)}, {"Name", S(user.name)}, {"Mail", S(user.email)}};
  if (user.created_at) item["CreatedAt"] = N(user.created_at);
  if (user.role != Role::kMember) item["Role"] = S(role_name(user.role));
  if (user.deactivated_at) item["Deactivated"] = N(user.deactivated_at);
  if (user.sessions_after_ms) item["SessionsAfter"] = N(user.sessions_after_ms);
  return item;
}

AttributeMap channel_item(const Channel& channel) {
  std::string key = keys::channel(channel.id);
  AttributeMap item{{"PK", S(key)},
                    {"SK", S(key)},
                    {"Name", S(channel.name)},
                    {"Desc", S(channel.description)},
                    {"UserCount", N(channel.user_count)},
                    {"MessageCount", N(channel.message_count)}};
  if (channel.is_private) item["Private"] = BOOL(true);
  if (!channel.created_by.empty()) item["CreatedBy"] = S(channel.created_by);
  if (channel.created_at) item["CreatedAt"] = N(channel.created_at);
  if (channel.kind != ChannelKind::kChannel) {
    item["Kind"] = S(kind_name(channel.kind));
    ddb::List participants;
    for (const auto& participant : channel.participants) {
      participants.push_back(
          AttributeValue::M({{"Id", S(participant.user_id)}, {"Name", S(participant.user_name)}}));
    }
    item["Participants"] = AttributeValue::L(std::move(participants));
  }
  return item;
}

AttributeMap membership_item(const Channel& channel, const User& user, std::string joined_at) {
  return AttributeMap{{"PK", S(keys::channel(channel.id))},
                      {"SK", S(keys::membership(user.id))},
                      {"Name", S(user.name)},
                      {"JoinedAt", S(std::move(joined_at))},
                      {"GSI1PK", S(keys::user(user.id))},
                      {"GSI1SK", S(keys::channel(channel.id))},
                      {"ChanName", S(channel.name)}};
}

AttributeMap message_item(const Message& message) {
  AttributeMap item{{"PK", S(keys::channel(message.channel_id))},
                    {"SK", S(keys::message(message.id))},
                    {"Msg", S(message.text)},
                    {"CreatedAt", N(message.created_at)},
                    {"CreatedAtMs", N(message.created_at_ms)},
                    {"UserName", S(message.user_name)},
                    {"UserId", S(keys::user(message.user_id))}};
  if (!message.client_message_id.empty()) item["ClientMsgId"] = S(message.client_message_id);
  if (!message.mentions.empty()) item["Mentions"] = mentions_value(message.mentions);
  if (!message.files.empty()) item["Files"] = files_value(message.files);
  if (message.mentions_channel) item["MentionAll"] = BOOL(true);
  if (!message.mentions_here.empty()) item["MentionHere"] = mentions_value(message.mentions_here);
  if (!message.thread_root.empty()) {
    item["ThreadRoot"] = S(message.thread_root);
    item["GSI1PK"] = S(keys::thread(message.channel_id, message.thread_root));
    item["GSI1SK"] = S(keys::message(message.id));
    if (message.also_in_channel) item["InChannel"] = BOOL(true);
  }
  return item;
}

AttributeValue mentions_value(const std::vector<Participant>& mentions) {
  AttributeMap names;
  for (const auto& mentioned : mentions) names[mentioned.user_id] = S(mentioned.user_name);
  return AttributeValue::M(std::move(names));
}

AttributeValue files_value(const std::vector<Attachment>& files) {
  std::vector<AttributeValue> list;
  for (const auto& file : files) {
    AttributeMap m{
        {"Id", S(file.id)}, {"Name", S(file.name)}, {"Type", S(file.type)}, {"Size", N(file.size)}};
    if (file.width > 0) m.emplace("Width", N(file.width));
    if (file.height > 0) m.emplace("Height", N(file.height));
    if (file.thumbnail) m.emplace("Thumb", BOOL(true));
    list.push_back(AttributeValue::M(std::move(m)));
  }
  return AttributeValue::L(std::move(list));
}

std::vector<Attachment> files_from(const AttributeValue& value) {
  std::vector<Attachment> files;
  if (!value.is(ddb::AttributeType::kL)) return files;
  for (const auto& entry : value.as_list()) {
    if (!entry.is(ddb::AttributeType::kM)) continue;
    const auto& m = entry.as_map();
    Attachment file;
    file.id = std::string(string_of(m, "Id"));
    file.name = std::string(string_of(m, "Name"));
    file.type = std::string(string_of(m, "Type"));
    file.size = int_of(m, "Size");
    file.width = static_cast<int>(int_of(m, "Width"));
    file.height = static_cast<int>(int_of(m, "Height"));
    file.thumbnail = bool_of(m, "Thumb");
    if (!file.id.empty()) files.push_back(std::move(file));
  }
  return files;
}

}  // namespace townhall::chat::items
