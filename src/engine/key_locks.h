// Striped locks over item keys: a write locks the stripe its key hashes to,
// so writes to one item serialize and writes to different items (almost
// always different stripes) run in parallel. A transaction locks all its
// stripes in ascending order; since every locker takes stripes in that one
// order, there is no deadlock.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <algorithm>
#include <array>
#include <functional>
#include <mutex>
#include <string_view>
#include <vector>

namespace townhall::engine {

class KeyLocks {
 public:
  static constexpr size_t kStripes = 4096;

  static size_t stripe(std::string_view key) { return std::hash<std::string_view>{}(key) % kStripes; }

  // Holds the stripes of a set of keys until destroyed.
  class Guard {
   public:
    Guard(KeyLocks& locks, std::vector<size_t> stripes) : locks_(&locks), stripes_(std::move(stripes)) {
      std::sort(stripes_.begin(), stripes_.end());
      stripes_.erase(std::unique(stripes_.begin(), stripes_.end()), stripes_.end());
      for (size_t s : stripes_) locks_->stripes_[s].mutex.lock();
    }
    ~Guard() {
      for (auto it = stripes_.rbegin(); it != stripes_.rend(); ++it) locks_->stripes_[*it].mutex.unlock();
    }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    KeyLocks* locks_;
    std::vector<size_t> stripes_;
  };

  // Locks one key's stripe.
  class SingleGuard {
   public:
    SingleGuard(KeyLocks& locks, std::string_view key) : lock_(locks.stripes_[stripe(key)].mutex) {}

   private:
    std::lock_guard<std::mutex> lock_;
  };

 private:
  struct alignas(64) Stripe {
    std::mutex mutex;
  };
  std::array<Stripe, kStripes> stripes_;
};

}  // namespace townhall::engine
