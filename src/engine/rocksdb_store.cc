#include "engine/rocksdb_store.h"

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <chrono>
#include <mutex>

namespace townhall::engine {
namespace {

ddb::Error to_error(const rocksdb::Status& status) { return ddb::Error::Internal(status.ToString()); }

rocksdb::Slice slice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

struct RocksSnapshot : KvSnapshot {
  RocksSnapshot(rocksdb::DB* db, const rocksdb::Snapshot* snapshot) : db(db), snapshot(snapshot) {}
  ~RocksSnapshot() override { db->ReleaseSnapshot(snapshot); }
  rocksdb::DB* db;
  const rocksdb::Snapshot* snapshot;
};

const rocksdb::Snapshot* raw(const KvSnapshot* snapshot) {
  return snapshot ? static_cast<const RocksSnapshot*>(snapshot)->snapshot : nullptr;
}

class RocksIterator : public KvIterator {
 public:
  RocksIterator(rocksdb::DB* db, std::string lower, std::string upper, const KvSnapshot* snapshot)
      : lower_(std::move(lower)), upper_(std::move(upper)), lower_slice_(lower_), upper_slice_(upper_) {
    rocksdb::ReadOptions options;
    options.snapshot = raw(snapshot);
    options.iterate_lower_bound = &lower_slice_;
    if (!upper_.empty()) options.iterate_upper_bound = &upper_slice_;
    it_.reset(db->NewIterator(options));
  }
  void seek(std::string_view target) override { it_->Seek(slice(target)); }
  void seek_for_prev(std::string_view target) override { it_->SeekForPrev(slice(target)); }
  void seek_to_first() override { it_->SeekToFirst(); }
  void seek_to_last() override { it_->SeekToLast(); }
  bool valid() const override { return it_->Valid(); }
  void next() override { it_->Next(); }
  void prev() override { it_->Prev(); }
  std::string_view key() const override {
    auto k = it_->key();
    return {k.data(), k.size()};
  }
  std::string_view value() const override {
    auto v = it_->value();
    return {v.data(), v.size()};
  }
  ddb::Status status() const override {
    auto s = it_->status();
    if (!s.ok()) return to_error(s);
    return {};
  }

 private:
  // The bounds must outlive the RocksDB iterator that points at them.
  std::string lower_, upper_;
  rocksdb::Slice lower_slice_, upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

class RocksDbStore : public KvStore {
 public:
  RocksDbStore(std::unique_ptr<rocksdb::Env> env, std::unique_ptr<rocksdb::DB> db, bool sync)
      : env_(std::move(env)), db_(std::move(db)) {
    write_options_.sync = sync;
  }
  ~RocksDbStore() override {
    db_->Close();
    db_.reset();  // before env_, which it may live in
  }

  ddb::Result<bool> get(std::string_view key, std::string* value, const KvSnapshot* snapshot) override {
    rocksdb::ReadOptions options;
    options.snapshot = raw(snapshot);
    auto s = db_->Get(options, slice(key), value);
    if (s.IsNotFound()) return false;
    if (!s.ok()) return to_error(s);
    return true;
  }

  std::unique_ptr<KvIterator> new_iterator(std::string lower, std::string upper,
                                           const KvSnapshot* snapshot) override {
    return std::make_unique<RocksIterator>(db_.get(), std::move(lower), std::move(upper), snapshot);
  }

  std::shared_ptr<const KvSnapshot> snapshot() override {
    return std::make_shared<RocksSnapshot>(db_.get(), db_->GetSnapshot());
  }

  ddb::Status write(const KvWriteBatch& batch) override {
    rocksdb::WriteBatch wb;
    for (const auto& op : batch.ops()) {
      rocksdb::Status s;
      switch (op.kind) {
        case KvWriteBatch::Kind::kPut:
          s = wb.Put(op.key, op.value);
          break;
        case KvWriteBatch::Kind::kDelete:
          s = wb.Delete(op.key);
          break;
        case KvWriteBatch::Kind::kDeleteRange:
          s = wb.DeleteRange(op.key, op.value);
          break;
      }
      if (!s.ok()) return to_error(s);
    }
    auto s = db_->Write(write_options_, &wb);
    if (!s.ok() && try_resume()) s = db_->Write(write_options_, &wb);
    if (!s.ok()) {
      note_failure(s);
      return to_error(s);
    }
    if (unhealthy_.load(std::memory_order_relaxed)) clear_failure();
    return {};
  }

  ddb::Status health() override {
    if (!unhealthy_.load(std::memory_order_relaxed)) return {};
    if (try_resume()) return {};
    std::lock_guard lock(health_mutex_);
    return ddb::Error::Internal("the store stopped accepting writes: " + failure_);
  }

  ddb::Status checkpoint(const std::string& dir) override {
    rocksdb::Checkpoint* raw_checkpoint = nullptr;
    auto s = rocksdb::Checkpoint::Create(db_.get(), &raw_checkpoint);
    if (!s.ok()) return to_error(s);
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw_checkpoint);
    s = checkpoint->CreateCheckpoint(dir);
    if (!s.ok()) return to_error(s);
    return {};
  }

 private:
  // Resume() from a background error, at most once a second (it retries
  // the failed flush, which takes time and may fail again). True when it
  // succeeded.
  bool try_resume() {
    auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    auto last = last_resume_.load(std::memory_order_relaxed);
    if (now - last < std::chrono::steady_clock::duration(std::chrono::seconds(1)).count()) return false;
    if (!last_resume_.compare_exchange_strong(last, now)) return false;  // another thread is at it
    auto s = db_->Resume();
    if (!s.ok()) return false;
    clear_failure();
    return true;
  }

  void note_failure(const rocksdb::Status& s) {
    // A write refused because of a background error, or an I/O error of its own.
    if (!s.IsIOError() && !s.IsShutdownInProgress() && !s.IsIncomplete() && !s.IsNoSpace()) {
      std::string value;
      if (!db_->GetProperty("rocksdb.background-errors", &value) || value == "0") return;
    }
    std::lock_guard lock(health_mutex_);
    failure_ = s.ToString();
    unhealthy_.store(true, std::memory_order_relaxed);
  }

  void clear_failure() {
    std::lock_guard lock(health_mutex_);
    failure_.clear();
    unhealthy_.store(false, std::memory_order_relaxed);
  }

  std::unique_ptr<rocksdb::Env> env_;  // only for in-memory stores
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteOptions write_options_;
  std::atomic<bool> unhealthy_{false};
  std::atomic<std::chrono::steady_clock::rep> last_resume_{0};
  std::mutex health_mutex_;
  std::string failure_;
};

}  // namespace

ddb::Result<std::unique_ptr<KvStore>> open_rocksdb_store(const RocksDbStoreOptions& store_options) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.IncreaseParallelism(2);
  options.max_background_jobs = 2;
  // Pipelined writes let the next group append to the WAL while the previous
  // one is still inserting into the memtable.
  options.enable_pipelined_write = true;
  options.max_open_files = store_options.max_open_files;
  if (store_options.write_buffer_bytes > 0) options.write_buffer_size = store_options.write_buffer_bytes;
  rocksdb::BlockBasedTableOptions table_options;
  table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table_options.block_cache = rocksdb::NewLRUCache(store_options.block_cache_bytes);
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));

  std::unique_ptr<rocksdb::Env> env;
  std::string path = store_options.path;
  if (store_options.in_memory) {
    env.reset(rocksdb::NewMemEnv(rocksdb::Env::Default()));
    options.env = env.get();
    path = "/townhall-in-memory";
  } else if (path.empty()) {
    return ddb::Error::Validation("a data directory is required unless the store is in memory");
  }
  rocksdb::DB* raw_db = nullptr;
  auto s = rocksdb::DB::Open(options, path, &raw_db);
  if (!s.ok()) return to_error(s);
  std::unique_ptr<KvStore> store = std::make_unique<RocksDbStore>(
      std::move(env), std::unique_ptr<rocksdb::DB>(raw_db), store_options.sync);
  return store;
}

}  // namespace townhall::engine
