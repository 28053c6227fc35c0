#include "api/rate_limiter.h"

#include <algorithm>
#include <functional>

namespace townhall::api {

RateLimiter::Decision RateLimiter::take(std::string_view key, Clock::time_point now, double cost) {
  return decide(key, now, cost, true);
}

RateLimiter::Decision RateLimiter::check(std::string_view key, Clock::time_point now) {
  return decide(key, now, 1, false);
}

RateLimiter::Decision RateLimiter::decide(std::string_view key, Clock::time_point now, double cost,
                                          bool consume) {
  if (!enabled()) return {};
  Shard& shard = shards_[std::hash<std::string_view>{}(key) % kShards];
  std::lock_guard lock(shard.mutex);
  auto it = shard.buckets.find(std::string(key));
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= kPruneAbove) prune(shard, now);
    it = shard.buckets.emplace(std::string(key), Bucket{limit_.burst, now}).first;
  }
  Bucket& bucket = it->second;
  double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
  if (elapsed > 0) {
    bucket.tokens = std::min(limit_.burst, bucket.tokens + elapsed * limit_.rate);
    bucket.updated = now;
  }
  if (bucket.tokens >= cost) {
    if (consume) bucket.tokens -= cost;
    return {};
  }
  return {false, (cost - bucket.tokens) / limit_.rate};
}

void RateLimiter::prune(Shard& shard, Clock::time_point now) {
  // A bucket that has refilled completely behaves exactly like a new one.
  std::erase_if(shard.buckets, [&](const auto& entry) {
    double elapsed = std::chrono::duration<double>(now - entry.second.updated).count();
    return entry.second.tokens + elapsed * limit_.rate >= limit_.burst;
  });
}

size_t RateLimiter::TEST_bucket_count() {
  size_t count = 0;
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    count += shard.buckets.size();
  }
  return count;
}

}  // namespace townhall::api
