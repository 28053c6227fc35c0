// ChannelService: channels (AP2, AP4, AP7), memberships (AP1, AP5), the
// public directory and read markers.
//
// Joining and leaving are transactions: the membership item and the
// channel's UserCount change together or not at all, and both are
// idempotent (a second join or leave changes nothing). Renaming a channel
// never touches its counters, and the new name follows onto the membership
// items (ChanName) that AP1 reads.
//
// Direct and group conversations are private channels too
// (chat/conversations.h): open_conversation makes or finds one; join,
// leave, add_member and update refuse them (their people are fixed).
//
// Authorization: anyone signed in may see and join a public channel; a
// private channel is visible only to its members, and only a member can add
// another user to it. Only the creator or an admin may rename a channel. Every answer
// about a private channel to a non-member is NotFound, whatever the call.
//
// Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

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

  // Archives a channel (it keeps its history and members, and takes no new
  // messages) or brings it back: its creator or an admin. Everyone
  // watching it is told (kChannelUpdated).
  Result<Channel> set_archived(const User& actor, std::string_view reference, bool archived);

  // True when the call made actor a member, false when it already was.
  Result<bool> join(const User& actor, std::string_view reference);
  // True when the call removed actor, false when it was not a member. The
  // last member leaving a private channel archives it (Channel::archived_at;
  // *archived says so when given).
  Result<bool> leave(const User& actor, std::string_view reference, bool* archived = nullptr);
  // Takes user out of the channel: the channel's creator or an admin (who
  // can read the channel) may; user themselves may (a leave). They get
  // member.left on every socket, and their subscription of a private
  // channel ends. False when user was not a member.
  Result<bool> remove_member(const User& actor, std::string_view reference, const User& user);
  // Adds user to a channel actor is a member of (how private channels grow).
  // The added user is told at once (kChannelAdded to their inbox), as is a
  // user who joins (their other tabs and devices).
  Result<bool> add_member(const User& actor, std::string_view reference, const User& user);

  struct Opened {
    Channel channel;
    bool created = false;  // false: it existed (opened before, or by a racing call)
  };
  // The conversation of actor and others (1 to 7 more people; none: a
  // conversation with oneself), made on first use. Every participant is
  // told (kChannelAdded) when it is made. In chat/conversations.cc.
  Result<Opened> open_conversation(const User& actor, const std::vector<User>& others);

  // AP5, in user-id order.
  Result<Page<Member>> members(const User& actor, std::string_view reference, std::string_view cursor,
                               int limit);
  // AP1 (GSI1): the channels actor belongs to.
  Result<Page<Membership>> channels_of(const User& actor, std::string_view cursor, int limit);
  // AP2 for up to 100 channels in one BatchGetItem, without authorization
  // (callers pass ids from actor's own memberships); in the order asked,
  // nullopt for a channel that is gone.
  Result<std::vector<std::optional<Channel>>> find_many(const std::vector<std::string>& ids);
  // Public channels whose name starts with prefix (case-insensitive), by name.
  Result<Page<Channel>> list_public(std::string_view prefix, std::string_view cursor, int limit);

  // actor's membership of the channel, or nullopt.
  Result<std::optional<Member>> membership(std::string_view channel_id, const User& actor);
  // Mutes (or unmutes) the channel for actor: a flag on actor's membership
  // item (Muted), returned with the read state; clients stay quiet about it.
  Status set_muted(const User& actor, std::string_view reference, bool muted);
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
  // Makes user a member; they are told on their inbox (kChannelAdded).
  Result<bool> add(const Channel& channel, const User& user);
  // audit: the trail's entry when an admin moderates, in the same transaction.
  Result<bool> take_out(const std::string& channel_id, const User& user, bool* archived = nullptr,
                        std::optional<ddb::TransactWriteItem> audit = std::nullopt);
  Result<bool> is_private(const std::string& channel_id);
  // What never changes about a channel, cached: privacy and kind.
  void remember(const Channel& channel);
  ddb::TransactWriteItem name_guard_put(const Channel& channel) const;
  static Error name_taken(std::string_view name);
  struct Fixed {
    bool is_private = false;
    bool is_conversation = false;
  };
  Result<Fixed> fixed(const std::string& channel_id);
  Status rename_memberships(const Channel& channel);
  void publish(const ChannelEvent& event);

  ChatStore& store_;
  ChannelEvents* events_;
  // Privacy and kind never change after creation, so they are cached per channel id.
  std::mutex fixed_mutex_;
  std::unordered_map<std::string, Fixed> fixed_;
};

}  // namespace townhall::chat
