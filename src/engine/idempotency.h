// IdempotencyCache: TransactWriteItems' ClientRequestToken. A token seen in
// the last ten minutes with the same request is answered as before without
// writing again; with a different request it is an
// IdempotentParameterMismatchException, and while the first is still running a
// TransactionInProgressException. Kept in memory: a restart forgets
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

  enum class Lookup { kNew, kSameRequest, kMismatch, kInProgress };

  // What a request with this token and request fingerprint should do. kNew
  // claims the token: the caller then calls finish() whether it committed or not.
  Lookup begin(const std::string& token, const std::string& fingerprint,
               Clock::time_point now = Clock::now()) {
    std::lock_guard lock(mutex_);
    expire(now);
    auto it = entries_.find(token);
    if (it == entries_.end()) {
      entries_[token] = Entry{fingerprint, now, true};
      return Lookup::kNew;
    }
    if (it->second.fingerprint != fingerprint) return Lookup::kMismatch;
    return it->second.in_progress ? Lookup::kInProgress : Lookup::kSameRequest;
  }
  // Ends a claim: a committed request is remembered for ten minutes, a
  // failed one frees the token for a retry.
  void finish(const std::string& token, bool committed, Clock::time_point now = Clock::now()) {
    std::lock_guard lock(mutex_);
    if (!committed) {
      entries_.erase(token);
      return;
    }
    auto& entry = entries_[token];
    entry.in_progress = false;
    entry.when = now;
  }

 private:
  struct Entry {
    std::string fingerprint;
    Clock::time_point when;
    bool in_progress = false;
  };
  void expire(Clock::time_point now) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      it = !it->second.in_progress && now - it->second.when > kLifetime ? entries_.erase(it) : std::next(it);
    }
  }
  std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace townhall::engine
