// ConnectionLimiter: admission for a listener's connections. At most
// `max_total` at once, and at most `max_per_address` from one client address
// (addresses in `exempt`, such as a trusted reverse proxy that carries every
// user's connections, only count toward the total). Listeners of one process
// may also share a Budget: the descriptors the process can spend on sockets
// (see fd_budget.h), so that no flood can take the descriptors the store
// needs.
//
//   ConnectionLimiter limiter(options, budget);
//   auto slot = limiter.try_acquire(peer_address);
//   if (!slot) { close the socket; }          // refused: counted, and logged at most once a minute
//   ... the connection holds *slot until it closes ...
//
// Thread-safe. A Slot may be released (destroyed) on any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "net/address.h"

namespace townhall::net {

// Descriptors shared by every listener of the process.
class Budget {
 public:
  explicit Budget(size_t limit) : limit_(limit) {}
  bool try_take() {
    size_t used = used_.fetch_add(1, std::memory_order_relaxed);
    if (used < limit_) return true;
    used_.fetch_sub(1, std::memory_order_relaxed);
    return false;
  }
  void give_back() { used_.fetch_sub(1, std::memory_order_relaxed); }
  size_t limit() const { return limit_; }
  size_t used() const { return used_.load(std::memory_order_relaxed); }

 private:
  const size_t limit_;
  std::atomic<size_t> used_{0};
};

struct ConnectionLimits {
  size_t max_total = 16384;
  size_t max_per_address = 1024;
  AddressRanges exempt;  // counted in the total only
};

class ConnectionLimiter {
 public:
  // budget: shared with other listeners; nullptr: none.
  ConnectionLimiter(ConnectionLimits limits, std::shared_ptr<Budget> budget = nullptr);

  // Holds one admitted connection; moving transfers it.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)), key_(std::move(other.key_)) {}
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { release(); }
    void release();

   private:
    friend class ConnectionLimiter;
    Slot(ConnectionLimiter* owner, std::string key) : owner_(owner), key_(std::move(key)) {}
    ConnectionLimiter* owner_ = nullptr;
    std::string key_;  // empty: exempt address
  };

  enum class Refusal { kNone, kTotal, kPerAddress, kBudget };
  // A slot, or nullopt with why in *refusal.
  std::optional<Slot> try_acquire(const IpAddress& peer, Refusal* refusal = nullptr);

  size_t open() const { return open_.load(std::memory_order_relaxed); }
  uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }
  const ConnectionLimits& limits() const { return limits_; }

 private:
  void release(const std::string& key);

  const ConnectionLimits limits_;
  std::shared_ptr<Budget> budget_;
  std::mutex mutex_;
  std::unordered_map<std::string, size_t> per_address_;
  std::atomic<size_t> open_{0};
  std::atomic<uint64_t> refused_{0};
};

}  // namespace townhall::net
