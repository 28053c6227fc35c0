// ChannelService: channels (AP2, AP4, AP7), memberships (AP1, AP5), the
// public directory and read markers.
//
// Joining and leaving are transactions: the membership item and the
// channel's UserCount change together or not at all, and both are
// idempotent (a second join or leave changes nothing). Renaming a channel
// never touches its counters, and the new name follows onto the membership
// items (ChanName) that AP1 reads.
//
// Authorization: anyone signed in may see and join a public channel; a
// private channel is visible only to its members, and only a member can add
// another user to it. Only the creator may rename a channel. Every answer
// about a private channel to a non-member is NotFound, whatever the call.
//
// Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "chat/events.h"
#include "chat/model.h"
#include "chat/store.h"

namespace townhall::chat {

class ChannelService {
 public:
  ChannelService(ChatStore& store, ChannelEvents* events);

  // The creator becomes the first member.
  Result<Channel> create(const User& actor, std::string_view name, std::string_view description,
                         bool is_private);
  // AP2 (with AP4 and AP7 as message_count and user_count), as actor may see it.
  Result<Channel> get(const User& actor, std::string_view reference);
  // AP2 without authorization, for trusted callers (the CLI, the notebook's view).
  Result<Channel> find(std::string_view reference);
  // Changes name and/or description; counters are left alone.
  Result<Channel> update(const User& actor, std::string_view reference, std::optional<std::string_view> name,
                         std::optional<std::string_view> description);

  // True when the call made actor a member, false when it already was.
  Result<bool> join(const User& actor, std::string_view reference);
  // True when the call removed actor, false when it was not a member.
  Result<bool> leave(const User& actor, std::string_view reference);
  // Adds user to a channel actor is a member of (how private channels grow).
  Result<bool> add_member(const User& actor, std::string_view reference, const User& user);

  // AP5, in user-id order.
  Result<Page<Member>> members(const User& actor, std::string_view reference, std::string_view cursor,
                               int limit);
  // AP1 (GSI1): the channels actor belongs to.
  Result<Page<Membership>> channels_of(const User& actor, std::string_view cursor, int limit);
  // Public channels whose name starts with prefix (case-insensitive), by name.
  Result<Page<Channel>> list_public(std::string_view prefix, std::string_view cursor, int limit);

  // actor's membership of the channel, or nullopt.
  Result<std::optional<Member>> membership(std::string_view channel_id, const User& actor);
  // Moves actor's read marker forward to message_id (never backward).
  Status mark_read(const User& actor, std::string_view reference, std::string_view message_id);

  // Checks actor may read the channel: public, or a member. Returns the
  // membership when there is one. A private channel actor is not in is
  // NotFound, as if it did not exist (no existence oracle).
  Result<std::optional<Member>> authorize_read(const User& actor, const std::string& channel_id);
  struct ReadAccess {
    bool is_private = false;
    std::optional<Member> member;
  };
  // authorize_read, also telling whether the channel is private.
  Result<ReadAccess> read_access(const User& actor, const std::string& channel_id);

 private:
  Result<bool> add(const Channel& channel, const User& user);
  Result<bool> is_private(const std::string& channel_id);
  Status rename_memberships(const Channel& channel);
  void publish(const ChannelEvent& event);

  ChatStore& store_;
  ChannelEvents* events_;
  // Privacy never changes after creation, so it is cached per channel id.
  std::mutex privacy_mutex_;
  std::unordered_map<std::string, bool> privacy_;
};

}  // namespace townhall::chat
