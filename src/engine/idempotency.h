// IdempotencyCache: TransactWriteItems' ClientRequestToken. A token seen in
// the last ten minutes with the same request is answered as before without
// writing again; with a different request it is an
// IdempotentParameterMismatchException. Kept in memory: a restart forgets
// tokens, which DynamoDB clients only use to retry within seconds.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace townhall::engine {

class IdempotencyCache {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::minutes kLifetime{10};

  enum class Lookup { kNew, kSameRequest, kMismatch };

  // What a request with this token and request fingerprint should do.
  Lookup check(const std::string& token, const std::string& fingerprint,
               Clock::time_point now = Clock::now()) {
    std::lock_guard lock(mutex_);
    expire(now);
    auto it = entries_.find(token);
    if (it == entries_.end()) return Lookup::kNew;
    return it->second.fingerprint == fingerprint ? Lookup::kSameRequest : Lookup::kMismatch;
  }
  // Records a committed request.
  void remember(const std::string& token, const std::string& fingerprint,
                Clock::time_point now = Clock::now()) {
    std::lock_guard lock(mutex_);
    entries_[token] = Entry{fingerprint, now};
  }

 private:
  struct Entry {
    std::string fingerprint;
    Clock::time_point when;
  };
  void expire(Clock::time_point now) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      it = now - it->second.when > kLifetime ? entries_.erase(it) : std::next(it);
    }
  }
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace townhall::engine
