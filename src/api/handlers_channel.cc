// Handlers for channels, memberships and read markers.
#include "api/handlers.h"

#include <unordered_map>

#include "chat/conversations.h"
#include "chat/keys.h"

namespace townhall::api {
namespace {

ApiResponse channel_response(int status, const chat::Channel& channel) {
  return object_response(status, "channel", channel, write_channel);
}

}  // namespace

HandlerResult handle_list_channels(Call& call) {
  TH_ASSIGN_OR_RETURN(int limit, limit_param(call));
  TH_ASSIGN_OR_RETURN(auto page, call.chat.channels().list_public(query_param(call, "q"),
                                                                  query_param(call, "cursor"), limit));
  return page_response("channels", page, write_channel);
}

HandlerResult handle_create_channel(Call& call) {
  TH_ASSIGN_OR_RETURN(JsonObject body, body_object(call));
  TH_ASSIGN_OR_RETURN(std::string name, body.required_string("name"));
  TH_ASSIGN_OR_RETURN(auto description, body.optional_string("description"));
  TH_ASSIGN_OR_RETURN(bool is_private, body.optional_bool("private", false));
  TH_ASSIGN_OR_RETURN(chat::Channel channel,
                      call.chat.channels().create(call.actor(), name, description.value_or(""), is_private));
  return channel_response(201, channel);
}

HandlerResult handle_get_channel(Call& call) {
  TH_ASSIGN_OR_RETURN(chat::Channel channel, call.chat.channels().get(call.actor(), call.param("id")));
  return channel_response(200, channel);
}

HandlerResult handle_update_channel(Call& call) {
  TH_ASSIGN_OR_RETURN(JsonObject body, body_object(call));
  TH_ASSIGN_OR_RETURN(auto name, body.optional_string("name"));
  TH_ASSIGN_OR_RETURN(auto description, body.optional_string("description"));
  if (body.has("archived")) {
    // Archiving (or bringing back) is its own change: not mixed with a rename.
    if (name || description) return chat::Error::InvalidArgument("archive or rename, not both at once");
    TH_ASSIGN_OR_RETURN(bool archived, body.optional_bool("archived", false));
    TH_ASSIGN_OR_RETURN(chat::Channel channel,
                        call.chat.channels().set_archived(call.actor(), call.param("id"), archived));
    return channel_response(200, channel);
  }
  if (!name && !description) return chat::Error::InvalidArgument("give a name, a description or archived");
  std::optional<std::string_view> new_name, new_description;
  if (name) new_name = *name;
  if (description) new_description = *description;
  TH_ASSIGN_OR_RETURN(chat::Channel channel,
                      call.chat.channels().update(call.actor(), call.param("id"), new_name, new_description));
  return channel_response(200, channel);
}

HandlerResult handle_join_channel(Call& call) {
  TH_ASSIGN_OR_RETURN(bool joined, call.chat.channels().join(call.actor(), call.param("id")));
  TH_ASSIGN_OR_RETURN(chat::Channel channel, call.chat.channels().get(call.actor(), call.param("id")));
  std::string body;
  ddb::JsonWriter w(body);
  w.begin_object();
  w.key("joined");
  w.boolean(joined);
  w.key("channel");
  write_channel(w, channel);
  w.end_object();
  return json_response(200, std::move(body));
}

// {"left": bool, "archived": bool}: archived when the last member left a private channel.
HandlerResult handle_leave_channel(Call& call) {
  bool archived = false;
  TH_ASSIGN_OR_RETURN(bool left, call.chat.channels().leave(call.actor(), call.param("id"), &archived));
  return json_response(200, std::string("{\"left\":") + (left ? "true" : "false") +
                                ",\"archived\":" + (archived ? "true" : "false") + "}");
}

HandlerResult handle_remove_member(Call& call) {
  TH_ASSIGN_OR_RETURN(chat::User user, call.chat.accounts().find_user(call.param("user_id")));
  TH_ASSIGN_OR_RETURN(bool removed, call.chat.channels().remove_member(call.actor(), call.param("id"), user));
  return json_response(200, std::string("{\"removed\":") + (removed ? "true" : "false") + "}");
}

HandlerResult handle_list_members(Call& call) {
  TH_ASSIGN_OR_RETURN(int limit, limit_param(call));
  TH_ASSIGN_OR_RETURN(auto page, call.chat.channels().members(call.actor(), call.param("id"),
                                                              query_param(call, "cursor"), limit));
  // Each member's role: the page's users in one BatchGetItem.
  std::vector<std::string> ids;
  for (const auto& member : page.items) ids.push_back(member.user_id);
  TH_ASSIGN_OR_RETURN(auto users, call.chat.team().find_users(ids));
  std::unordered_map<std::string, const chat::User*> by_id;
  for (const auto& user : users) by_id.emplace(user.id, &user);
  return page_response("members", page, [&](ddb::JsonWriter& w, const chat::Member& member) {
    auto it = by_id.find(member.user_id);
    write_member_with_role(w, member, it == by_id.end() ? nullptr : it->second);
  });
}

HandlerResult handle_add_member(Call& call) {
  TH_ASSIGN_OR_RETURN(JsonObject body, body_object(call));
  TH_ASSIGN_OR_RETURN(auto user_id, body.optional_string("user_id"));
  TH_ASSIGN_OR_RETURN(auto user_name, body.optional_string("user_name"));
  if (!user_id == !user_name) return chat::Error::InvalidArgument("give user_id or user_name");
  TH_ASSIGN_OR_RETURN(chat::User user, user_id ? call.chat.accounts().find_user(*user_id)
                                               : call.chat.accounts().find_user_by_name(*user_name));
  TH_ASSIGN_OR_RETURN(bool added, call.chat.channels().add_member(call.actor(), call.param("id"), user));
  return json_response(200, std::string("{\"added\":") + (added ? "true" : "false") + "}");
}

// AP1 with each channel's read state (chat::MessageService::read_states:
// one batch for the read markers, then one bounded count per channel).
HandlerResult handle_my_channels(Call& call) {
  TH_ASSIGN_OR_RETURN(int limit, limit_param(call));
  TH_ASSIGN_OR_RETURN(auto page,
                      call.chat.channels().channels_of(call.actor(), query_param(call, "cursor"), limit));
  std::vector<std::string> ids;
  for (const auto& membership : page.items) ids.push_back(membership.channel_id);
  TH_ASSIGN_OR_RETURN(auto states, call.chat.messages().read_states(call.actor(), ids));
  // The channel items in one BatchGetItem: kind and latest activity (AP29).
  TH_ASSIGN_OR_RETURN(auto channels, call.chat.channels().find_many(ids));
  size_t i = 0;
  return page_response("channels", page, [&](ddb::JsonWriter& w, const chat::Membership& membership) {
    const std::optional<chat::Channel>& channel = channels[i];
    w.begin_object();
    w.key("channel_id");
    w.string(membership.channel_id);
    w.key("channel_name");
    w.string(membership.channel_name);
    w.key("joined_at");
    w.string(membership.joined_at);
    w.key("last_read");
    w.string(chat::keys::public_message_id(states[i].last_read));
    w.key("muted");
    w.boolean(states[i].muted);
    w.key("mentions");
    w.integer(states[i].mentions);
    w.key("unread");
    w.integer(states[i++].unread);
    w.key("kind");
    w.string(chat::kind_name(channel ? channel->kind : chat::ChannelKind::kChannel));
    w.key("private");
    w.boolean(channel && channel->is_private);
    w.key("last_message_at_ms");
    w.integer(channel ? channel->last_message_at_ms : 0);
    if (channel && channel->kind != chat::ChannelKind::kChannel) {
      w.key("participants");
      write_participants(w, channel->participants);
    }
    w.end_object();
  });
}

// Opens (makes on first use) the conversation of the caller and the users
// named by id and/or by name; none: a conversation with oneself.
HandlerResult handle_open_conversation(Call& call) {
  const size_t most = chat::kMaxConversationParticipants - 1;
  TH_ASSIGN_OR_RETURN(JsonObject body, body_object(call));
  TH_ASSIGN_OR_RETURN(auto user_ids, body.string_array("user_ids", most));
  TH_ASSIGN_OR_RETURN(auto user_names, body.string_array("user_names", most));
  if (user_ids.size() + user_names.size() > most) {
    return chat::Error::InvalidArgument("a conversation has at most " +
                                        std::to_string(chat::kMaxConversationParticipants) + " people");
  }
  std::vector<chat::User> others;
  for (const auto& id : user_ids) {
    TH_ASSIGN_OR_RETURN(chat::User user, call.chat.accounts().find_user(id));
    others.push_back(std::move(user));
  }
  for (const auto& name : user_names) {
    TH_ASSIGN_OR_RETURN(chat::User user, call.chat.accounts().find_user_by_name(name));
    others.push_back(std::move(user));
  }
  TH_ASSIGN_OR_RETURN(auto opened, call.chat.channels().open_conversation(call.actor(), others));
  std::string out;
  ddb::JsonWriter w(out);
  w.begin_object();
  w.key("created");
  w.boolean(opened.created);
  w.key("channel");
  write_channel(w, opened.channel);
  w.end_object();
  return json_response(opened.created ? 201 : 200, std::move(out));
}

HandlerResult handle_mark_read(Call& call) {
  TH_ASSIGN_OR_RETURN(JsonObject body, body_object(call));
  TH_ASSIGN_OR_RETURN(std::string message_id, body.required_string("message_id"));
  TH_RETURN_IF_ERROR(call.chat.channels().mark_read(call.actor(), call.param("id"), message_id));
  return no_content();
}

// PUT {"muted": bool}: no notifications from it; the page dims it.
HandlerResult handle_mute(Call& call) {
  TH_ASSIGN_OR_RETURN(JsonObject body, body_object(call));
  if (!body.has("muted")) return chat::Error::InvalidArgument("give muted: true or false");
  TH_ASSIGN_OR_RETURN(bool muted, body.optional_bool("muted", false));
  TH_RETURN_IF_ERROR(call.chat.channels().set_muted(call.actor(), call.param("id"), muted));
  return no_content();
}

HandlerResult handle_unread(Call& call) {
  TH_ASSIGN_OR_RETURN(int64_t count, call.chat.messages().unread_count(call.actor(), call.param("id")));
  return json_response(200, "{\"count\":" + std::to_string(count) + "}");
}

}  // namespace townhall::api
