#include "chat/reactions.h"

#include <gtest/gtest.h>

namespace townhall::chat {
namespace {

TEST(Reactions, OneEmojiOrAShortName) {
  for (std::string_view good :
       {"👍", "👍🏽", "❤️", "👩‍💻", "🇫🇷", "1️⃣", "🎉", ":shipit:", ":+1:", ":thumbs_up:"}) {
    auto reaction = normalize_reaction(good);
    ASSERT_TRUE(reaction.ok()) << good;
    EXPECT_EQ(*reaction, good);
  }
  for (std::string_view bad : {"", "a", "👍👍", "👍 ", " 👍", "ok", ":", "::", ":Thumbs:", ":has space:",
                               ":this_name_is_far_too_long_for_a_reaction:", "<b>", "\xff", "🇫", "1"}) {
    EXPECT_FALSE(normalize_reaction(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace townhall::chat
