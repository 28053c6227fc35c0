#include "chat/message_id.h"

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

}  // namespace
}  // namespace townhall::chat
