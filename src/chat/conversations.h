// Conversations: direct (1:1) and group messages, as private channels with
// a fixed set of participants.
//
// A conversation's channel id is derived from who is in it ("dm-" and 24
// base32 characters of a SHA-256 over the sorted user ids), so opening the
// same conversation twice, from two tabs or two nodes at once, names the
// same item: the first TransactWriteItems (channel item under
// attribute_not_exists, one membership per participant) wins and the others
// read what it wrote. Nothing else changes about messages, history,
// reactions, reading or privacy: every route already treats a private
// channel's non-members as if it did not exist.
//
// Participants are fixed: nobody joins, leaves, is added or renames a
// conversation (FailedPrecondition); a different set of people is a
// different conversation. Each participant's membership item carries the
// other participants' names as ChanName, so AP1 (GSI1, which projects only
// ChanName and JoinedAt) lists "Bob" to Alice and "Alice" to Bob.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "chat/model.h"

namespace townhall::chat {

inline constexpr size_t kMaxConversationParticipants = 8;
inline constexpr std::string_view kConversationIdPrefix = "dm-";

// The id of the conversation of exactly these users (any order, duplicates ignored).
std::string conversation_id(std::vector<std::string> user_ids);
bool is_conversation_id(std::string_view channel_id);
// What a participant sees as the conversation's name: the others' names in
// name order, or their own name in a conversation with themselves.
std::string conversation_name_for(const std::vector<Participant>& participants, std::string_view user_id);

}  // namespace townhall::chat
