// Handlers for channels, memberships and read markers.
#include "api/handlers.h"

namespace townhall::api {
namespace {

ApiResponse channel_response(int status, const chat::Channel& channel) {
  std::string body;
  ddb::JsonWriter w(body);
  w.begin_object();
  w.key("channel");
  write_channel(w, channel);
  w.end_object();
  return json_response(status, std::move(body));
}

template <class T, class Write>
ApiResponse page_response(std::string_view name, const chat::Page<T>& page, Write write) {
  std::string body;
  ddb::JsonWriter w(body);
  write_page(w, name, page, write);
  return json_response(200, std::move(body));
}

}  // namespace

ApiResponse handle_list_channels(Call& call) {
  auto limit = limit_param(call);
  if (!limit.ok()) return error_response(limit.error());
  auto page = call.chat.channels().list_public(query_param(call, "q"), query_param(call, "cursor"), *limit);
  if (!page.ok()) return error_response(page.error());
  return page_response("channels", *page, write_channel);
}

ApiResponse handle_create_channel(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return error_response(body.error());
  auto name = body->required_string("name");
  auto description = body->optional_string("description");
  auto is_private = body->optional_bool("private", false);
  if (!name.ok()) return error_response(name.error());
  if (!description.ok()) return error_response(description.error());
  if (!is_private.ok()) return error_response(is_private.error());
  auto channel = call.chat.channels().create(call.actor(), *name, description->value_or(""), *is_private);
  if (!channel.ok()) return error_response(channel.error());
  return channel_response(201, *channel);
}

ApiResponse handle_get_channel(Call& call) {
  auto channel = call.chat.channels().get(call.actor(), call.param("id"));
  if (!channel.ok()) return error_response(channel.error());
  return channel_response(200, *channel);
}

ApiResponse handle_update_channel(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return error_response(body.error());
  auto name = body->optional_string("name");
  auto description = body->optional_string("description");
  if (!name.ok()) return error_response(name.error());
  if (!description.ok()) return error_response(description.error());
  if (!*name && !*description) return error_response(400, "invalid_argument", "give a name or a description");
  std::optional<std::string_view> new_name, new_description;
  if (*name) new_name = **name;
  if (*description) new_description = **description;
  auto channel = call.chat.channels().update(call.actor(), call.param("id"), new_name, new_description);
  if (!channel.ok()) return error_response(channel.error());
  return channel_response(200, *channel);
}

ApiResponse handle_join_channel(Call& call) {
  auto joined = call.chat.channels().join(call.actor(), call.param("id"));
  if (!joined.ok()) return error_response(joined.error());
  auto channel = call.chat.channels().get(call.actor(), call.param("id"));
  if (!channel.ok()) return error_response(channel.error());
  std::string body;
  ddb::JsonWriter w(body);
  w.begin_object();
  w.key("joined");
  w.boolean(*joined);
  w.key("channel");
  write_channel(w, *channel);
  w.end_object();
  return json_response(200, std::move(body));
}

ApiResponse handle_leave_channel(Call& call) {
  auto left = call.chat.channels().leave(call.actor(), call.param("id"));
  if (!left.ok()) return error_response(left.error());
  return json_response(200, std::string("{\"left\":") + (*left ? "true" : "false") + "}");
}

ApiResponse handle_list_members(Call& call) {
  auto limit = limit_param(call);
  if (!limit.ok()) return error_response(limit.error());
  auto page =
      call.chat.channels().members(call.actor(), call.param("id"), query_param(call, "cursor"), *limit);
  if (!page.ok()) return error_response(page.error());
  return page_response("members", *page, write_member);
}

ApiResponse handle_add_member(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return error_response(body.error());
  auto user_id = body->required_string("user_id");
  if (!user_id.ok()) return error_response(user_id.error());
  auto user = call.chat.accounts().find_user(*user_id);
  if (!user.ok()) return error_response(user.error());
  auto added = call.chat.channels().add_member(call.actor(), call.param("id"), *user);
  if (!added.ok()) return error_response(added.error());
  return json_response(200, std::string("{\"added\":") + (*added ? "true" : "false") + "}");
}

ApiResponse handle_my_channels(Call& call) {
  auto limit = limit_param(call);
  if (!limit.ok()) return error_response(limit.error());
  auto page = call.chat.channels().channels_of(call.actor(), query_param(call, "cursor"), *limit);
  if (!page.ok()) return error_response(page.error());
  std::vector<int64_t> unread;
  for (const auto& membership : page->items) {
    auto count = call.chat.messages().unread_count(call.actor(), membership.channel_id);
    // A channel that vanished or was left since the index was read counts zero.
    unread.push_back(count.ok() ? *count : 0);
  }
  size_t i = 0;
  return page_response("channels", *page, [&](ddb::JsonWriter& w, const chat::Membership& membership) {
    w.begin_object();
    w.key("channel_id");
    w.string(membership.channel_id);
    w.key("channel_name");
    w.string(membership.channel_name);
    w.key("joined_at");
    w.string(membership.joined_at);
    w.key("unread");
    w.integer(unread[i++]);
    w.end_object();
  });
}

ApiResponse handle_mark_read(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return error_response(body.error());
  auto message_id = body->required_string("message_id");
  if (!message_id.ok()) return error_response(message_id.error());
  auto status = call.chat.channels().mark_read(call.actor(), call.param("id"), *message_id);
  if (!status.ok()) return error_response(status.error());
  ApiResponse response;
  response.status = 204;
  response.content_type.clear();
  return response;
}

ApiResponse handle_unread(Call& call) {
  auto count = call.chat.messages().unread_count(call.actor(), call.param("id"));
  if (!count.ok()) return error_response(count.error());
  return json_response(200, "{\"count\":" + std::to_string(*count) + "}");
}

}  // namespace townhall::api
