// ChannelEvents: how committed chat changes leave the chat layer. The
// realtime hub implements it (in process, or over Redis across nodes).
// publish() is called after the store acknowledged the write, never before.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "chat/model.h"

namespace townhall::chat {

struct ChannelEvent {
  enum class Kind {
    kMessageCreated,
    kMessageEdited,
    kMessageDeleted,
    kMemberJoined,
    kMemberLeft,
    kChannelUpdated,
    kMessageReactions,  // a reaction added or removed; the message carries them all
    kChannelAdded,      // to one user: they were added to a private channel or conversation
    kTyping,            // ephemeral: member is typing (never stored, never replayed)
  };
  Kind kind = Kind::kMessageCreated;
  std::string channel_id;
  std::optional<Message> message;  // message events
  std::optional<Member> member;    // member events
  std::optional<Channel> channel;  // kChannelUpdated, kChannelAdded
  // kChannelAdded: the user it is for. It goes to that user's sockets (the
  // hub's inbox_key), not to the channel's subscribers.
  std::string recipient;
};

// The hub key of a user's own events (kChannelAdded): '@' never occurs in
// a channel id, so it cannot collide with one.
inline std::string inbox_key(std::string_view user_id) { return "@" + std::string(user_id); }

const char* kind_name(ChannelEvent::Kind kind);  // "message.created", ...

// A change of who may connect, which ends live connections at once on
// every node (their HTTP requests are refused from then on anyway).
struct AccessEvent {
  enum class Kind {
    kSessionEnded,  // a logout: subject is the session token's SHA-256 (hex), never the token
    // A user's role or standing changed (deactivated, reactivated, a new
    // role, a password reset): subject is the user id. Every node drops
    // what it cached of their sessions and closes their sockets, which
    // reconnect (if they still may) as the user now is.
    kUserChanged,
  };
  Kind kind = Kind::kSessionEnded;
  std::string subject;
};

class ChannelEvents {
 public:
  virtual ~ChannelEvents() = default;
  // Thread-safe; must not block on slow consumers.
  virtual void publish(const ChannelEvent& event) = 0;
  // After the store acknowledged the change. Thread-safe, non-blocking.
  virtual void publish_access(const AccessEvent& event) { (void)event; }
};

}  // namespace townhall::chat
