// Mentions: "@Alice" in a message, stored by id so a rename cannot break it.
//
// A message names the users it mentions (its Mentions attribute: user id ->
// name as of writing); only members of the channel can be mentioned (others
// are dropped, so a mention never reveals a private channel to an outsider).
// For each mentioned member but the author, one mention item is written in
// the same transaction as the message:
//   PK CHAN#<channel id>  SK MENTION#<user id>#<message id>
//   GSI1PK MENTIONS#<user id>  GSI1SK MSG#<message id>   ChanId
// so a user's mention count in a channel is one bounded Query after their
// read marker (AP20's sibling), and their Mentions view is one Query on GSI1,
// newest first (AP32). An edit rewrites the set (a removed mention stops
// counting), a delete drops them, both in the message's own transaction.
//
// "@channel" mentions every member: the message gets MentionAll, and each
// member's unread count (AP20's Query, which reads the messages after the
// marker anyway) counts those as mentions too; nothing else is written.
// The rule for large channels: in a channel of more than kMentionAllLimit
// members only its creator may use it (a conversation is at most 8). It is
// not in the Mentions view (that lists mentions by name).
//
// "@here" mentions the members online when it is sent (not away, not
// offline: chat::PresenceView, which the realtime layer answers for every
// node), but the author: they are stored on the message (MentionHere: user
// id -> name) and each gets a mention item as if named, so it counts and is
// in their Mentions view. An edit that takes "@here" out drops them; a
// delete drops them. It is for small channels: in a channel of more than
// kMentionAllLimit members it is refused (name people, or @channel).
#pragma once

#include <cstddef>
#include <cstdint>

#include "chat/message_service.h"

namespace townhall::chat {

inline constexpr size_t kMaxMentions = 20;
inline constexpr int64_t kMentionAllLimit = 50;

// The users of `before` whose "@<name>" is still in text (an edit without its
// own list keeps those).
std::vector<Participant> mentions_still_in(const std::vector<Participant>& before, std::string_view text);
// Those named and those "@here" found online, each once (one mention item per person).
std::vector<Participant> everyone_mentioned(const std::vector<Participant>& named,
                                            const std::vector<Participant>& here);

}  // namespace townhall::chat
