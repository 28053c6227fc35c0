// Engine: Townhall's embedded DynamoDB, ddb::Database in process over an
// ordered key-value store (RocksDB by default).
//
// It behaves like DynamoDB item for item and error for error: the same
// validation, the same error types and messages, the same pagination,
// projections, indexes, conditions, capacity units and transactions.
//
// Thread-safety: every method may be called concurrently. Writes to one item
// are serialized by striped key locks; writes to different items run in
// parallel; a transaction locks all its items in one global order and commits
// one atomic write batch.
//
// Durability: an acknowledged write is in the store's write-ahead log, so it
// survives a crash of the process; with `sync` it also survives power loss.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "ddb/database.h"
#include "engine/kv_store.h"

namespace townhall::engine {

struct EngineOptions {
  // The RocksDB directory (created if missing). Ignored when in_memory or kv_store is set.
  std::string data_dir;
  // RocksDB over its in-memory Env: nothing touches the disk, nothing is left behind.
  bool in_memory = false;
  // fsync the write-ahead log before acknowledging (concurrent writers share one fsync).
  bool sync = false;
  // Tests: use this store instead of opening RocksDB (e.g. a MemoryStore with fault injection).
  std::shared_ptr<KvStore> kv_store;
  // What DescribeEndpoints answers.
  std::string endpoint_address = "localhost:8000";
  // RocksDbStoreOptions::write_buffer_bytes (0: RocksDB's default).
  size_t write_buffer_bytes = 0;
  // UpdateTable fills a new GSI before it answers when the table holds at
  // most this many items (the index is ACTIVE at once, as in DynamoDB
  // Local); a larger table is copied in the background while the index is
  // CREATING, as DynamoDB does. Writes go on either way.
  int64_t synchronous_backfill_items = 10000;
  // RocksDB table files kept open (-1: all); see net/fd_budget.h.
  int max_open_files = -1;
  // How often the Time to Live sweeper reads a page of each TTL-enabled
  // table and deletes what has expired (engine/ttl_sweeper.h); 0: never.
  std::chrono::milliseconds ttl_sweep_interval{200};
  // After an UpdateTimeToLive, another on the same table within this time is
  // refused, as DynamoDB refuses it within an hour; 0 (the default, as in
  // DynamoDB Local): no limit.
  std::chrono::milliseconds ttl_change_interval{0};
  // Stream records older than this are trimmed away, and a disabled stream
  // is forgotten this long after it closed (DynamoDB: 24 hours).
  std::chrono::milliseconds stream_retention{std::chrono::hours(24)};
  // How often retention is applied; 0: never.
  std::chrono::milliseconds stream_trim_interval{std::chrono::seconds(5)};
};

struct EngineContext;
class TableHandle;
class TtlSweeper;

class Engine : public ddb::Database {
 public:
  static ddb::Result<std::unique_ptr<Engine>> open(const EngineOptions& options);
  ~Engine() override;

#define TOWNHALL_ENGINE_OPERATION(Name, method, Request, Response) \
  ddb::Result<ddb::Response> method(const ddb::Request& request) override;
  TOWNHALL_DDB_ALL_OPERATIONS(TOWNHALL_ENGINE_OPERATION)
#undef TOWNHALL_ENGINE_OPERATION
  // Pages of whole items are written straight from their stored bytes.
  ddb::Status query_json(const ddb::QueryRequest& request, std::string& out) override;
  ddb::Status scan_json(const ddb::ScanRequest& request, std::string& out) override;

  // Writes a consistent copy of the whole store to dir (which must not exist).
  ddb::Status checkpoint(const std::string& dir);
  // OK while the store accepts writes; the error that stopped them otherwise
  // (KvStore::health). For readiness probes.
  ddb::Status health();

 private:
  explicit Engine(std::unique_ptr<EngineContext> context);
  ddb::Result<std::shared_ptr<TableHandle>> change_table(const ddb::UpdateTableRequest& request,
                                                         std::vector<uint16_t>& created);
  // DeleteItem by the Time to Live sweeper: its stream record names the
  // service (userIdentity) as the one who deleted.
  ddb::Result<ddb::DeleteItemResponse> expire_item(const ddb::DeleteItemRequest& request);
  // TransactWriteItems once its ClientRequestToken (if any) is claimed.
  ddb::Result<ddb::TransactWriteItemsResponse> run_transaction(const ddb::TransactWriteItemsRequest& request);
  std::unique_ptr<EngineContext> context_;
  // After context_: stopped (its thread joined) before the store goes away.
  std::unique_ptr<TtlSweeper> ttl_sweeper_;
};

}  // namespace townhall::engine
