// Events for the realtime tests.
#pragma once

#include <string>

#include "chat/events.h"

namespace townhall::realtime {

// message.created in channel, for a message with this id.
chat::ChannelEvent message_event(std::string channel, std::string id);

}  // namespace townhall::realtime
