// Reactions as stored: one emoji, or a short name. An emoji is one grapheme
// cluster that starts with a pictographic character (with its variation
// selectors, skin tones and ZWJ sequences: "👍", "👍🏽", "👩‍💻"), a flag (two
// regional indicators) or a keycap ("1️⃣"). A short name is ":name:" with 1 to
// 32 of [a-z0-9_+-] (":shipit:", ":+1:"). Anything else is InvalidArgument.
//
// On the message item each reaction is a string set of user ids under the
// attribute "R:<reaction>", so adding is an idempotent ADD and removing a
// DELETE (docs/data-model.md, AP26); history pages carry them for free.
#pragma once

#include <string>
#include <string_view>

#include "chat/error.h"

namespace townhall::chat {

inline constexpr std::string_view kReactionAttributePrefix = "R:";
inline constexpr size_t kMaxReactionsPerMessage = 20;  // distinct emoji on one message

Result<std::string> normalize_reaction(std::string_view text);

}  // namespace townhall::chat
