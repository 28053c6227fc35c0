#include "net/connection_limiter.h"

#include <gtest/gtest.h>

#include <vector>

#include "net/fd_budget.h"

namespace townhall::net {
namespace {

IpAddress address(const char* text) { return boost::asio::ip::make_address(text); }

TEST(ConnectionLimiter, CapsOneAddressWithoutLockingOutOthers) {
  ConnectionLimiter limiter({10, 3, {}});
  std::vector<ConnectionLimiter::Slot> held;
  for (int i = 0; i < 3; ++i) {
    auto slot = limiter.try_acquire(address("10.0.0.1"));
    ASSERT_TRUE(slot);
    held.push_back(std::move(*slot));
  }
  ConnectionLimiter::Refusal why;
  EXPECT_FALSE(limiter.try_acquire(address("10.0.0.1"), &why));
  EXPECT_EQ(why, ConnectionLimiter::Refusal::kPerAddress);
  EXPECT_FALSE(limiter.try_acquire(address("::ffff:10.0.0.1")));  // the same client
  EXPECT_TRUE(limiter.try_acquire(address("10.0.0.2")));          // released at once (temporary)
  held.pop_back();
  EXPECT_TRUE(limiter.try_acquire(address("10.0.0.1")));
  EXPECT_EQ(limiter.refused(), 2u);
}

TEST(ConnectionLimiter, CapsTheTotalAndExemptsProxies) {
  std::string error;
  ConnectionLimiter limiter({4, 1, *AddressRanges::parse("127.0.0.1", &error)});
  std::vector<ConnectionLimiter::Slot> held;
  held.reserve(4);
  for (int i = 0; i < 3; ++i) held.push_back(std::move(*limiter.try_acquire(address("127.0.0.1"))));
  held.push_back(std::move(*limiter.try_acquire(address("10.0.0.1"))));
  EXPECT_EQ(limiter.open(), 4u);
  ConnectionLimiter::Refusal why;
  EXPECT_FALSE(limiter.try_acquire(address("10.0.0.9"), &why));
  EXPECT_EQ(why, ConnectionLimiter::Refusal::kTotal);
  held.clear();
  EXPECT_EQ(limiter.open(), 0u);
}

TEST(ConnectionLimiter, ListenersShareTheDescriptorBudget) {
  auto budget = std::make_shared<Budget>(3);
  ConnectionLimiter chat({100, 100, {}}, budget);
  ConnectionLimiter dynamodb({100, 100, {}}, budget);
  auto a = chat.try_acquire(address("10.0.0.1"));
  auto b = chat.try_acquire(address("10.0.0.2"));
  auto c = dynamodb.try_acquire(address("10.0.0.3"));
  ASSERT_TRUE(a && b && c);
  ConnectionLimiter::Refusal why;
  EXPECT_FALSE(dynamodb.try_acquire(address("10.0.0.4"), &why));
  EXPECT_EQ(why, ConnectionLimiter::Refusal::kBudget);
  ConnectionLimiter::Slot moved = std::move(*a);
  a.reset();
  EXPECT_EQ(budget->used(), 3u);
  moved.release();
  EXPECT_EQ(budget->used(), 2u);
  EXPECT_TRUE(dynamodb.try_acquire(address("10.0.0.4")));
}

TEST(FdBudget, KeepsDescriptorsForTheStore) {
  auto small = split_fd_limit(1024);
  EXPECT_EQ(small.store_open_files, 256u);
  EXPECT_EQ(small.sockets, 1024u - 256u - 128u);
  auto large = split_fd_limit(1 << 20);
  EXPECT_EQ(large.store_open_files, 1000u);
  EXPECT_EQ(large.sockets + large.reserved, size_t{1} << 20);
  auto tiny = split_fd_limit(100);
  EXPECT_EQ(tiny.sockets, 0u);
}

}  // namespace
}  // namespace townhall::net
