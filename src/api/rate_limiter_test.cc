#include "api/rate_limiter.h"

#include <gtest/gtest.h>

namespace townhall::api {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, AllowsTheBurstThenRefillsAtTheRate) {
  RateLimiter limiter({2, 3});  // 2/s, burst 3
  auto t = RateLimiter::Clock::now();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.take("ip", t).allowed) << i;
  auto denied = limiter.take("ip", t);
  EXPECT_FALSE(denied.allowed);
  EXPECT_NEAR(denied.retry_after_seconds, 0.5, 1e-9);
  EXPECT_FALSE(limiter.take("ip", t + 400ms).allowed);
  EXPECT_TRUE(limiter.take("ip", t + 500ms).allowed);
  // Never more than the burst, however long it rested.
  auto later = t + 1h;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.take("ip", later).allowed);
  EXPECT_FALSE(limiter.take("ip", later).allowed);
}

TEST(RateLimiter, KeysAreIndependent) {
  RateLimiter limiter({1, 1});
  auto t = RateLimiter::Clock::now();
  EXPECT_TRUE(limiter.take("a", t).allowed);
  EXPECT_FALSE(limiter.take("a", t).allowed);
  EXPECT_TRUE(limiter.take("b", t).allowed);
}

TEST(RateLimiter, ZeroRateDisables) {
  RateLimiter limiter({0, 0});
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.take("a").allowed);
  EXPECT_EQ(limiter.TEST_bucket_count(), 0u);
}

TEST(RateLimiter, ForgetsIdleKeys) {
  RateLimiter limiter({100, 1});
  auto t = RateLimiter::Clock::now();
  for (int i = 0; i < 200000; ++i) limiter.take("k" + std::to_string(i), t + std::chrono::milliseconds(i));
  // Full buckets are pruned when a shard grows past its bound.
  EXPECT_LT(limiter.TEST_bucket_count(), 16u * 4096 + 16);
}

}  // namespace
}  // namespace townhall::api
