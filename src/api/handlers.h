// The REST handlers, one free function per route (registered in
// chat_api.cc). Each reads its inputs from the Call, asks chat, and writes
// the JSON body; a failure is returned as the chat::Error, which ChatApi
// turns into the error response in one place (error_response). See
// src/api/openapi.json for the shapes.
#pragma once

#include "api/chat_api.h"
#include "api/json.h"

namespace townhall::api {

// handlers_account.cc
HandlerResult handle_signup(Call& call);
HandlerResult handle_login(Call& call);
HandlerResult handle_logout(Call& call);
HandlerResult handle_me(Call& call);
HandlerResult handle_change_password(Call& call);
HandlerResult handle_reset_password(Call& call);

// handlers_admin.cc
HandlerResult handle_team(Call& call);
HandlerResult handle_set_signup(Call& call);
HandlerResult handle_admin_users(Call& call);
HandlerResult handle_set_role(Call& call);
HandlerResult handle_deactivate(Call& call);
HandlerResult handle_reactivate(Call& call);
HandlerResult handle_reset_link(Call& call);
HandlerResult handle_create_invite(Call& call);
HandlerResult handle_list_invites(Call& call);
HandlerResult handle_revoke_invite(Call& call);
HandlerResult handle_audit(Call& call);

// handlers_channel.cc
HandlerResult handle_list_channels(Call& call);
HandlerResult handle_create_channel(Call& call);
HandlerResult handle_get_channel(Call& call);
HandlerResult handle_update_channel(Call& call);
HandlerResult handle_join_channel(Call& call);
HandlerResult handle_leave_channel(Call& call);
HandlerResult handle_list_members(Call& call);
HandlerResult handle_add_member(Call& call);
HandlerResult handle_remove_member(Call& call);
HandlerResult handle_my_channels(Call& call);
HandlerResult handle_mark_read(Call& call);
HandlerResult handle_unread(Call& call);
HandlerResult handle_mute(Call& call);
HandlerResult handle_open_conversation(Call& call);

// handlers_message.cc
HandlerResult handle_list_messages(Call& call);
HandlerResult handle_send_message(Call& call);
HandlerResult handle_edit_message(Call& call);
HandlerResult handle_delete_message(Call& call);
HandlerResult handle_thread(Call& call);
HandlerResult handle_my_mentions(Call& call);
HandlerResult handle_add_reaction(Call& call);
HandlerResult handle_remove_reaction(Call& call);

// handlers_files.cc
HandlerResult handle_upload_file(Call& call);
HandlerResult handle_download_file(Call& call);

// handlers_search.cc
HandlerResult handle_search(Call& call);

// Shared by the handlers.
chat::Result<JsonObject> body_object(const Call& call);
// 204, no body.
ApiResponse no_content();
// {"<name>": [...], "next_cursor": ...} (write_page), 200.
template <class T, class Write>
ApiResponse page_response(std::string_view name, const chat::Page<T>& page, Write write) {
  std::string body;
  ddb::JsonWriter w(body);
  write_page(w, name, page, write);
  return json_response(200, std::move(body));
}
// {"<key>": value} written by write, with status.
template <class T, class Write>
ApiResponse object_response(int status, std::string_view key, const T& value, Write write) {
  std::string body;
  ddb::JsonWriter w(body);
  w.begin_object();
  w.key(key);
  write(w, value);
  w.end_object();
  return json_response(status, std::move(body));
}
// ?limit=: absent means the default; not an integer is InvalidArgument.
chat::Result<int> limit_param(const Call& call);
std::string query_param(const Call& call, const std::string& name);

}  // namespace townhall::api
