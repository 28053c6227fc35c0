#include "realtime/event_test_support.h"

namespace townhall::realtime {

chat::ChannelEvent message_event(std::string channel, std::string id) {
  chat::Message message;
  message.id = std::move(id);
  message.channel_id = channel;
  message.text = "hi";
  return {chat::ChannelEvent::Kind::kMessageCreated, std::move(channel), message, std::nullopt, std::nullopt};
}

}  // namespace townhall::realtime
