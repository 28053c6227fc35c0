// The frames the server sends that are not chat events (docs/websocket.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "chat/model.h"

namespace townhall::realtime {

// {"type":"ready","user":{...}}: the socket is signed in.
std::string ready_frame(const chat::User& user);
// {"type":"user.updated","user":{...}}: the signed-in user's role changed.
std::string user_updated_frame(const chat::User& user);
// {"type":"unsubscribed","channels":[...]} with "reason" when the server ended them.
std::string unsubscribed_frame(const std::vector<std::string>& channels, std::string_view reason = {});

}  // namespace townhall::realtime
