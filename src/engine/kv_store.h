// KvStore: the small ordered key-value interface the engine stores everything
// in. Two implementations: RocksDbStore (rocksdb_store.h; on disk or over
// RocksDB's in-memory Env) and MemoryStore (memory_store.h; for tests, with
// fault injection).
//
// Semantics every implementation provides:
// - Keys and values are byte strings; keys are ordered by unsigned bytes.
// - write() applies a KvWriteBatch atomically: after a crash either every
//   operation of an acknowledged batch is there or the batch never was.
// - A snapshot sees the store as of the moment it was taken.
//
// Thread-safety: a KvStore is safe for concurrent use. A KvIterator is used
// by one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ddb/result.h"

namespace townhall::engine {

// A consistent read view. Release it by dropping the last shared_ptr.
class KvSnapshot {
 public:
  virtual ~KvSnapshot() = default;
};

// Iterates the keys of [lower, upper) in either direction.
class KvIterator {
 public:
  virtual ~KvIterator() = default;
  virtual void seek(std::string_view target) = 0;           // first key >= target
  virtual void seek_for_prev(std::string_view target) = 0;  // last key <= target
  virtual void seek_to_first() = 0;
  virtual void seek_to_last() = 0;
  virtual bool valid() const = 0;
  virtual void next() = 0;  // REQUIRES: valid()
  virtual void prev() = 0;  // REQUIRES: valid()
  // REQUIRES: valid(). The views stay good until the iterator moves.
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // An I/O error ends iteration (valid() turns false); check it afterwards.
  virtual ddb::Status status() const = 0;
};

// Operations applied together by KvStore::write, in order.
class KvWriteBatch {
 public:
  enum class Kind : uint8_t { kPut, kDelete, kDeleteRange };
  struct Op {
    Kind kind;
    std::string key;    // for kDeleteRange, the first key deleted
    std::string value;  // for kDeleteRange, the end (exclusive)
  };

  void put(std::string_view key, std::string_view value) {
    ops_.push_back({Kind::kPut, std::string(key), std::string(value)});
  }
  void del(std::string_view key) { ops_.push_back({Kind::kDelete, std::string(key), {}}); }
  // Deletes every key in [begin, end).
  void delete_range(std::string_view begin, std::string_view end) {
    ops_.push_back({Kind::kDeleteRange, std::string(begin), std::string(end)});
  }
  void append(KvWriteBatch&& other) {
    for (auto& op : other.ops_) ops_.push_back(std::move(op));
    other.ops_.clear();
  }
  const std::vector<Op>& ops() const { return ops_; }
  bool empty() const { return ops_.empty(); }
  size_t size() const { return ops_.size(); }
  void clear() { ops_.clear(); }

 private:
  std::vector<Op> ops_;
};

class KvStore {
 public:
  virtual ~KvStore() = default;

  // Reads one key as of snapshot (nullptr: the latest state). Returns true
  // and fills *value when the key exists.
  virtual ddb::Result<bool> get(std::string_view key, std::string* value,
                                const KvSnapshot* snapshot = nullptr) = 0;

  // An iterator over [lower, upper) as of snapshot (nullptr: latest).
  virtual std::unique_ptr<KvIterator> new_iterator(std::string lower, std::string upper,
                                                   const KvSnapshot* snapshot = nullptr) = 0;

  virtual std::shared_ptr<const KvSnapshot> snapshot() = 0;

  // Applies the batch atomically. Acknowledged writes survive a process
  // crash; with the store's sync option they also survive power loss.
  virtual ddb::Status write(const KvWriteBatch& batch) = 0;

  // Writes a consistent copy of the store to dir (which must not exist), if
  // the implementation supports it.
  virtual ddb::Status checkpoint(const std::string& dir) {
    (void)dir;
    return ddb::Error::Validation("checkpoint is not supported by this store");
  }

  // OK while writes can succeed; otherwise the error that stopped them (a
  // background error the store could not recover from: a failed flush,
  // compaction or WAL write). Cheap: no I/O.
  virtual ddb::Status health() { return {}; }
};

}  // namespace townhall::engine
