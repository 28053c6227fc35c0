// What chat is about: users, channels, memberships, messages, sessions, as
// the services return them. Ids are the part after the notebook's key prefix
// ("12" for USER#12); message ids are the sort key after "MSG#".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace townhall::chat {

// What a user may do beyond their own messages and channels (chat/team_service.h).
// Owner: the first account (or the one `townhall admin` names), one per
// team: everything an admin may, and choosing admins and who may sign up.
// Admins moderate: delete any message, remove people from channels,
// archive and rename channels, deactivate members, hand out invites and
// password-reset links, read the audit trail.
enum class Role { kMember, kAdmin, kOwner };
const char* role_name(Role role);  // "member", "admin", "owner"
std::optional<Role> role_from_name(std::string_view name);

struct User {
  std::string id;
  std::string name;
  std::string email;
  int64_t created_at = 0;  // seconds; 0 for users the notebook wrote
  Role role = Role::kMember;
  int64_t deactivated_at = 0;  // seconds; 0 while the account is active
  // Sessions begun before this (ms) are void: set by a deactivation and a
  // password reset, so that neither leaves an old session usable.
  int64_t sessions_after_ms = 0;

  bool is_admin() const { return role != Role::kMember; }
  bool is_owner() const { return role == Role::kOwner; }
  bool active() const { return deactivated_at == 0; }
};

// Someone in a direct or group conversation, as the channel item lists them.
struct Participant {
  std::string user_id;
  std::string user_name;
};

// What a channel is for. Conversations are private channels with a fixed
// set of participants (chat/conversations.h); everything about messages,
// reactions, reading and privacy works on them as on any private channel.
enum class ChannelKind {
  kChannel,  // a named channel, public or private (the notebook's)
  kDirect,   // a 1:1 conversation (or one with oneself: notes)
  kGroup,    // a conversation of 3 to 8 people
};
const char* kind_name(ChannelKind kind);  // "channel", "dm", "group"

struct Channel {
  std::string id;
  std::string name;
  std::string description;
  bool is_private = false;
  ChannelKind kind = ChannelKind::kChannel;
  std::vector<Participant> participants;  // conversations only, in user-id order
  int64_t last_message_at_ms = 0;         // 0 before the first message (or for notebook channels)
  int64_t archived_at = 0;                // seconds; set when a private channel's last member left
  int64_t user_count = 0;                 // AP7
  int64_t message_count = 0;              // AP4: messages not deleted
  std::string created_by;                 // user id; empty for channels the notebook wrote
  int64_t created_at = 0;
};

// A user in a channel (AP5): the membership item seen from the channel.
struct Member {
  std::string user_id;
  std::string user_name;
  std::string joined_at;  // YYYY-MM-DD, as the notebook writes it
  std::string last_read;  // message id of the read marker, empty if none
};

// A channel of a user (AP1): the membership item seen through GSI1.
struct Membership {
  std::string channel_id;
  std::string channel_name;  // for a conversation: the other participants' names
  std::string joined_at;
};

// The people who reacted to a message with one emoji (or short name).
struct Reaction {
  std::string emoji;                  // "👍", or a short name ":shipit:" (chat/reactions.h)
  std::vector<std::string> user_ids;  // sorted
};

// A file shared in a message, as the message carries it (chat/file_service.h).
struct Attachment {
  std::string id;
  std::string name;
  std::string type;  // sniffed MIME type
  int64_t size = 0;  // bytes
  int width = 0;     // images: pixels
  int height = 0;
  bool thumbnail = false;  // an image with a thumbnail (shown inline)
};

struct Message {
  std::string id;  // "<seconds>#<time-ordered id>": sorts in send order
  std::string channel_id;
  std::string user_id;
  std::string user_name;
  std::string text;           // empty once deleted
  int64_t created_at = 0;     // seconds (the notebook's CreatedAt)
  int64_t created_at_ms = 0;  // milliseconds; CreatedAt * 1000 for notebook messages
  int64_t edited_at_ms = 0;   // 0 if never edited
  bool deleted = false;       // a tombstone keeps the place in history
  std::string client_message_id;
  std::vector<Reaction> reactions;    // by emoji (byte order); empty when none
  std::vector<Participant> mentions;  // who it mentions (chat/mentions.h), by user id; names as of writing
  bool mentions_channel = false;      // "@channel": every member (chat/mentions.h)
  std::vector<Participant> mentions_here;  // "@here": the members online when it was sent (chat/mentions.h)
  // Threads (chat/threads.h). A reply names its root; a root counts its replies.
  std::string thread_root;        // the root's id when this is a thread reply, else empty
  bool also_in_channel = false;   // a reply also shown in the channel's history
  int64_t reply_count = 0;        // on a root: replies not deleted
  int64_t last_reply_at_ms = 0;   // on a root: when the latest reply was sent
  std::string last_reply_id;      // on a root: the latest reply (clients count replies newer than it)
  std::vector<Attachment> files;  // shared with the message (AP35)
};

// One page of a listing; next_cursor is opaque and empty on the last page.
template <class T>
struct Page {
  std::vector<T> items;
  std::string next_cursor;
};

struct Session {
  std::string token;  // shown once; the store keeps only its hash
  User user;
  int64_t expires_at = 0;  // seconds
};

}  // namespace townhall::chat
