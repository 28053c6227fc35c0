// The catalog: every table's schema, persisted under keys::kCatalogPrefix and
// kept in memory as TableHandles.
//
// A TableHandle outlives schema versions: UpdateTable publishes a new
// TableSchema in the same handle. Item writes hold the handle's mutex shared
// for their whole read-modify-write, and schema changes (UpdateTable,
// DeleteTable) hold it exclusively, so a write never straddles two schemas
// and never lands in a deleted table.
//
// Thread-safety: Catalog is safe for concurrent use; see TableHandle.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "ddb/table_operations.h"
#include "engine/kv_store.h"

namespace townhall::engine {

struct KeyAttribute {
  std::string name;
  ddb::AttributeType type = ddb::AttributeType::kS;  // kS, kN or kB
};

struct IndexSchema {
  uint16_t id = 0;  // the index id in data keys; never reused within a table
  std::string name;
  bool global = false;
  KeyAttribute hash;
  std::optional<KeyAttribute> range;
  std::string projection_type;                  // ALL | KEYS_ONLY | INCLUDE
  std::vector<std::string> non_key_attributes;  // INCLUDE only
  std::optional<ddb::ProvisionedThroughput> throughput;
  // A GSI added to a table that already had items, while the items are
  // being copied into it (IndexStatus CREATING): writes maintain it, reads
  // are refused until the copy is done.
  bool backfilling = false;
};

struct TableSchema {
  uint32_t id = 0;  // the table id in data keys; never reused
  std::string name;
  KeyAttribute hash;
  std::optional<KeyAttribute> range;
  std::vector<ddb::AttributeDefinition> attribute_definitions;
  std::vector<IndexSchema> indexes;  // LSIs and GSIs, in creation order
  std::string billing_mode;          // PROVISIONED | PAY_PER_REQUEST
  ddb::ProvisionedThroughput throughput;
  double creation_time = 0;  // seconds since the epoch
  std::vector<ddb::Tag> tags;
  std::optional<std::string> ttl_attribute;        // set when TTL is enabled
  double ttl_changed_at = 0;                       // the last UpdateTimeToLive, seconds since the epoch
  std::optional<ddb::StreamSpecification> stream;  // enabled or not, and the view type
  // The table's latest stream (enabled or not; 0: it never had one): its id
  // in stream keys and its label (stream_catalog.h).
  uint32_t stream_id = 0;
  std::string stream_label;
  bool deletion_protection = false;
  std::string table_class;
  uint16_t next_index_id = 1;

  const IndexSchema* find_index(std::string_view index_name) const;
  // True when name is the partition or sort key of the table or of any index.
  bool is_key_attribute(std::string_view attribute) const;
};

std::string encode_schema(const TableSchema& schema);
ddb::Result<TableSchema> decode_schema(std::string_view bytes);

// Live counters for DescribeTable (ItemCount, TableSizeBytes per table and index).
struct Counters {
  std::atomic<int64_t> items{0};
  std::atomic<int64_t> bytes{0};
  void add(int64_t item_delta, int64_t byte_delta) {
    if (item_delta) items.fetch_add(item_delta, std::memory_order_relaxed);
    if (byte_delta) bytes.fetch_add(byte_delta, std::memory_order_relaxed);
  }
};

class TableHandle {
 public:
  explicit TableHandle(std::shared_ptr<const TableSchema> schema) : schema_(std::move(schema)) {}

  // Shared by item writes for their whole duration; exclusive for schema changes.
  std::shared_mutex& mutex() { return mutex_; }

  // REQUIRES: mutex() held (shared or exclusive), or a stale schema is fine (reads).
  std::shared_ptr<const TableSchema> schema() const { return std::atomic_load(&schema_); }
  // REQUIRES: mutex() held exclusively.
  void set_schema(std::shared_ptr<const TableSchema> schema) {
    std::atomic_store(&schema_, std::move(schema));
  }
  bool deleted() const { return deleted_.load(); }
  void mark_deleted() { deleted_.store(true); }  // REQUIRES: mutex() held exclusively.

  Counters& table_counters() { return table_counters_; }
  // REQUIRES: mutex() held (the map changes only under the exclusive lock).
  Counters& index_counters(uint16_t index_id);
  // Adds to an index's counters unless the index has been dropped; needs no lock.
  void add_index_counts(uint16_t index_id, int64_t items, int64_t bytes);
  // REQUIRES: mutex() held exclusively.
  void drop_index_counters(uint16_t index_id);

  // At open the counters start from zero and take every write's delta at
  // once, while a background count of what was stored at open is still
  // running; it adds its totals when done. Readers of the counters wait.
  void start_counting();
  void finish_counting();
  void wait_counted();

 private:
  std::shared_mutex mutex_;
  std::shared_ptr<const TableSchema> schema_;
  std::atomic<bool> deleted_{false};
  Counters table_counters_;
  std::mutex index_counters_mutex_;
  std::map<uint16_t, std::unique_ptr<Counters>> index_counters_;
  std::mutex counting_mutex_;
  std::condition_variable counted_;
  bool counting_ = false;  // GUARDED_BY(counting_mutex_)
};

class Catalog {
 public:
  explicit Catalog(KvStore& store) : store_(store) {}

  // Reads every schema from the store. Called once, before any other use.
  ddb::Status load();

  std::shared_ptr<TableHandle> find(std::string_view table_name) const;
  std::vector<std::string> table_names() const;  // sorted
  std::vector<std::shared_ptr<TableHandle>> tables() const;

  // A fresh table id (persisted in batch, which the caller writes).
  uint32_t allocate_table_id(KvWriteBatch& batch);

  // Adds the schema's put to batch; the caller writes the batch, then calls
  // publish() (table creation) so nobody sees a table that is not stored.
  static void add_schema_write(const TableSchema& schema, KvWriteBatch& batch);
  static void add_schema_delete(const std::string& table_name, KvWriteBatch& batch);

  // Serializes table creation and deletion (not item writes).
  std::mutex& ddl_mutex() { return ddl_mutex_; }

  // REQUIRES: ddl_mutex() held.
  void publish(std::shared_ptr<TableHandle> handle);
  void remove(const std::string& table_name);

 private:
  KvStore& store_;
  std::mutex ddl_mutex_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<TableHandle>, std::less<>> tables_;  // GUARDED_BY(mutex_)
  uint32_t next_table_id_ = 1;                                               // GUARDED_BY(ddl_mutex_)
};

}  // namespace townhall::engine
