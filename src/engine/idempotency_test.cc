#include "engine/idempotency.h"

#include <gtest/gtest.h>

namespace townhall::engine {
namespace {

using Lookup = IdempotencyCache::Lookup;

TEST(IdempotencyCacheTest, TokensLiveTenMinutes) {
  IdempotencyCache cache;
  auto t0 = IdempotencyCache::Clock::now();
  EXPECT_EQ(cache.begin("tok", "request A", t0), Lookup::kNew);
  EXPECT_EQ(cache.begin("tok", "request A", t0), Lookup::kInProgress);
  EXPECT_EQ(cache.begin("tok", "request B", t0), Lookup::kMismatch);
  cache.finish("tok", true, t0);
  EXPECT_EQ(cache.begin("tok", "request A", t0 + std::chrono::minutes(9)), Lookup::kSameRequest);
  EXPECT_EQ(cache.begin("tok", "request B", t0 + std::chrono::minutes(9)), Lookup::kMismatch);
  // After ten minutes the token is forgotten and may carry a new request.
  EXPECT_EQ(cache.begin("tok", "request B", t0 + std::chrono::minutes(11)), Lookup::kNew);
}

TEST(IdempotencyCacheTest, FailedRequestsFreeTheirToken) {
  IdempotencyCache cache;
  EXPECT_EQ(cache.begin("tok", "A"), Lookup::kNew);
  cache.finish("tok", false);
  EXPECT_EQ(cache.begin("tok", "B"), Lookup::kNew);
}

}  // namespace
}  // namespace townhall::engine
