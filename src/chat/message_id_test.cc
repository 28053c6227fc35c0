#include "chat/message_id.h"

#include "chat/keys.h"

#include <gtest/gtest.h>

namespace townhall::chat {
namespace {

TEST(MessageIdGenerator, IdsSortInMintOrderAndNameTheirNodeAndTime) {
  int64_t now = 1700000000123;
  MessageIdGenerator ids(0x2a, [&] { return now; });
  auto first = ids.next();
  auto second = ids.next();  // same millisecond: the sequence orders them
  now += 1;
  auto third = ids.next();
  EXPECT_LT(first.id, second.id);
  EXPECT_LT(second.id, third.id);
  EXPECT_EQ(MessageIdGenerator::node_of(third.id), 0x2a);
  EXPECT_EQ(MessageIdGenerator::time_of(first.id), 1700000000123);
  EXPECT_EQ(MessageIdGenerator::time_of(third.id), 1700000000124);
}

TEST(MessageIdGenerator, IdsMintedElsewhereHaveNoNodeOrTime) {
  for (const char* other : {"", "42", "01HZX3K9Q7", "1700000000#1700000000123000000-00g1"}) {
    EXPECT_FALSE(MessageIdGenerator::node_of(other)) << other;
    EXPECT_FALSE(MessageIdGenerator::time_of(other)) << other;
  }
  EXPECT_FALSE(MessageIdGenerator::time_of("1700000000#17000000001x3000000-0001"));
}

TEST(PublicMessageId, UrlSafeAndBothFormsAccepted) {
  EXPECT_EQ(keys::public_message_id("1796394236#1796394236659000000-0000"),
            "1796394236_1796394236659000000-0000");
  EXPECT_EQ(keys::public_message_id("1700000000#4f1c6a3e-0b7d-4d2a-9f65-2b8e0c2f9d11"),
            "1700000000_4f1c6a3e-0b7d-4d2a-9f65-2b8e0c2f9d11");  // the notebook's uuid ids too
  for (std::string_view form :
       {"1796394236_1796394236659000000-0000", "1796394236#1796394236659000000-0000"}) {
    auto stored = keys::message_id_from(form);
    ASSERT_TRUE(stored.ok()) << form;
    EXPECT_EQ(*stored, "1796394236#1796394236659000000-0000");
  }
  for (std::string_view bad : {"", "1796394236", "17963942x6_1", "1796394236_1/2", "1796394236-1"}) {
    EXPECT_FALSE(keys::message_id_from(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace townhall::chat
