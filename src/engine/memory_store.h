// MemoryStore: a KvStore in a std::map, for tests. It can inject faults:
// fail a chosen write (the whole batch is rejected, nothing applied), which
// lets tests check that the engine never leaves half an operation behind.
//
// Each write copies the map (copy on write), so snapshots and iterators are
// just references to an immutable version. Fine for test-sized data only.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <atomic>
#include <map>
#include <mutex>

#include "engine/kv_store.h"

namespace townhall::engine {

class MemoryStore : public KvStore {
 public:
  using Map = std::map<std::string, std::string, std::less<>>;

  MemoryStore();

  ddb::Result<bool> get(std::string_view key, std::string* value, const KvSnapshot* snapshot) override;
  std::unique_ptr<KvIterator> new_iterator(std::string lower, std::string upper,
                                           const KvSnapshot* snapshot) override;
  std::shared_ptr<const KvSnapshot> snapshot() override;
  ddb::Status write(const KvWriteBatch& batch) override;

  // Fault injection: the nth write() from now (1 = the next one) fails with
  // InternalServerError and applies nothing. 0 disables.
  void fail_nth_write(int nth) { fail_countdown_.store(nth); }
  // Every write() fails while set.
  void fail_all_writes(bool fail) { fail_all_.store(fail); }
  // Number of write() calls that succeeded so far.
  int64_t successful_writes() const { return successful_writes_.load(); }
  // The current contents, for tests.
  Map contents() const;

 private:
  std::shared_ptr<const Map> current() const;

  mutable std::mutex mutex_;
  std::shared_ptr<const Map> map_;  // GUARDED_BY(mutex_)
  std::atomic<int> fail_countdown_{0};
  std::atomic<bool> fail_all_{false};
  std::atomic<int64_t> successful_writes_{0};
};

}  // namespace townhall::engine
