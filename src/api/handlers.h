// The REST handlers, one free function per route (registered in
// chat_api.cc). Each reads its inputs from the Call, asks chat, and writes
// the JSON body. See src/api/openapi.json for the shapes.
#pragma once

#include "api/chat_api.h"
#include "api/json.h"

namespace townhall::api {

// handlers_account.cc
ApiResponse handle_signup(Call& call);
ApiResponse handle_login(Call& call);
ApiResponse handle_logout(Call& call);
ApiResponse handle_me(Call& call);

// handlers_channel.cc
ApiResponse handle_list_channels(Call& call);
ApiResponse handle_create_channel(Call& call);
ApiResponse handle_get_channel(Call& call);
ApiResponse handle_update_channel(Call& call);
ApiResponse handle_join_channel(Call& call);
ApiResponse handle_leave_channel(Call& call);
ApiResponse handle_list_members(Call& call);
ApiResponse handle_add_member(Call& call);
ApiResponse handle_my_channels(Call& call);
ApiResponse handle_mark_read(Call& call);
ApiResponse handle_unread(Call& call);

// handlers_message.cc
ApiResponse handle_list_messages(Call& call);
ApiResponse handle_send_message(Call& call);
ApiResponse handle_edit_message(Call& call);
ApiResponse handle_delete_message(Call& call);

// Shared by the handlers.
chat::Result<JsonObject> body_object(const Call& call);
// ?limit=: absent means the default; not an integer is InvalidArgument.
chat::Result<int> limit_param(const Call& call);
std::string query_param(const Call& call, const std::string& name);

}  // namespace townhall::api
