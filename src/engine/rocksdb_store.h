// RocksDbStore: the production KvStore, over RocksDB. RocksDB's types stay
// inside rocksdb_store.cc so that no engine header exposes them.
//
// Durability: every write goes to RocksDB's write-ahead log before it is
// acknowledged, so it survives a process crash (kill -9). With sync, the WAL
// is fsynced before acknowledging (RocksDB groups concurrent writers into one
// fsync), so it also survives power loss.
//
// Background errors: a flush or compaction that fails (out of descriptors,
// a full disk) makes RocksDB refuse every write until DB::Resume(). A failed
// write tries Resume() (at most once a second) and then the write once more;
// health() reports the error while it lasts, so readiness turns false and a
// supervisor can restart a process that does not recover.
#pragma once

#include <memory>
#include <string>

#include "engine/kv_store.h"

namespace townhall::engine {

struct RocksDbStoreOptions {
  std::string path;        // the database directory; ignored when in_memory
  bool in_memory = false;  // RocksDB over its in-memory Env: no files at all
  bool sync = false;       // fsync the WAL before acknowledging a write
  size_t block_cache_bytes = 64 << 20;
  // Table files kept open (-1: all). A bound leaves the process's other
  // descriptors to its sockets (net/fd_budget.h).
  int max_open_files = -1;
  // The memtable's size before it is flushed to a table file (0: RocksDB's
  // 64 MB). What a process holds for recent writes, twice over while one flushes.
  size_t write_buffer_bytes = 0;
};

ddb::Result<std::unique_ptr<KvStore>> open_rocksdb_store(const RocksDbStoreOptions& options);

}  // namespace townhall::engine
