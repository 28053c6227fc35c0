// RateLimiter: token buckets keyed by a string (a user id, an IP address).
// Each key may spend `burst` requests at once and earns `rate` more per
// second. A denied request learns how long until a token is available, for
// the Retry-After header.
//
// Thread-safe: keys are spread over shards, each with its own mutex. Idle
// buckets (full again) are dropped when a shard grows, so memory stays
// bounded by the number of recently active keys.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace townhall::api {

struct RateLimit {
  double rate = 0;   // tokens per second; 0 disables the limit
  double burst = 0;  // bucket size
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(RateLimit limit) : limit_(limit) {}

  struct Decision {
    bool allowed = true;
    double retry_after_seconds = 0;  // when denied: until one token is available
  };
  Decision take(std::string_view key, Clock::time_point now = Clock::now(), double cost = 1);
  // Whether take() would allow one, without taking it (charge failures only:
  // check before the attempt, take after it failed).
  Decision check(std::string_view key, Clock::time_point now = Clock::now());

  bool enabled() const { return limit_.rate > 0; }
  size_t TEST_bucket_count();

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;
  };
  static constexpr size_t kShards = 16;
  static constexpr size_t kPruneAbove = 4096;  // per shard

  void prune(Shard& shard, Clock::time_point now);
  Decision decide(std::string_view key, Clock::time_point now, double cost, bool consume);

  const RateLimit limit_;
  std::array<Shard, kShards> shards_;
};

}  // namespace townhall::api
