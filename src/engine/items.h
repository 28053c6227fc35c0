// Item-level machinery shared by every data operation: finding a table, key
// validation and encoding, index entries, the write set of one item change,
// capacity units and counters. One read-modify-write path (write_path.h)
// builds on these for Put, Update, Delete, batches and transactions.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ddb/model.h"
#include "ddb/result.h"
#include "engine/catalog.h"
#include "engine/context.h"

namespace townhall::engine {

// "Invalid table/index name..." unless name is 3..255 of [a-zA-Z0-9_.-].
ddb::Status validate_table_name(std::string_view name);
// The live table, or ResourceNotFoundException as DynamoDB words it.
ddb::Result<std::shared_ptr<TableHandle>> find_table(EngineContext& context, std::string_view name);
ddb::Error table_not_found();

// A Key parameter (GetItem, DeleteItem, UpdateItem, batches, transactions)
// has exactly the key attributes; an Item (PutItem) has them among others.
enum class KeySource { kKey, kItem };

// Validates the key attributes (presence, types, no empty values, size
// limits) and returns the base table's key for the item.
ddb::Result<std::string> encode_base_key(const TableSchema& schema, const ddb::AttributeMap& attributes,
                                         KeySource source);
// The primary key attributes of an item.
ddb::AttributeMap extract_key(const TableSchema& schema, const ddb::AttributeMap& item);

// Checks an item about to be stored: the 400 KB limit and the types and
// values of secondary index key attributes it carries.
ddb::Status validate_item_for_write(const TableSchema& schema, const ddb::AttributeMap& item);

// The index's key for item, or nullopt when the item lacks one of the
// index's key attributes (then it is not in the index).
std::optional<std::string> index_key(const TableSchema& schema, const IndexSchema& index,
                                     const ddb::AttributeMap& item);
// The attributes of item the index stores (its projection).
ddb::AttributeMap project_for_index(const TableSchema& schema, const IndexSchema& index,
                                    const ddb::AttributeMap& item);
// True when the attribute is stored in the index (keys always are).
bool index_projects(const TableSchema& schema, const IndexSchema& index, std::string_view attribute);

// Reads and decodes one item.
ddb::Result<std::optional<ddb::AttributeMap>> read_item(KvStore& store, std::string_view key,
                                                        const KvSnapshot* snapshot = nullptr);

// Capacity units consumed by one write, by table and index.
struct WriteUnits {
  double table = 0;
  std::map<std::string, double, std::less<>> global_indexes, local_indexes;
  double total() const;
  void add(const WriteUnits& other);
};

// Changes to DescribeTable's counters, applied once the batch is committed.
class CounterDeltas {
 public:
  void add_table(int64_t items, int64_t bytes) {
    table_items_ += items;
    table_bytes_ += bytes;
  }
  void add_index(uint16_t index_id, int64_t items, int64_t bytes) {
    auto& d = indexes_[index_id];
    d.first += items;
    d.second += bytes;
  }
  // REQUIRES: the handle's mutex held (shared or exclusive).
  void apply(TableHandle& handle) const;

 private:
  int64_t table_items_ = 0, table_bytes_ = 0;
  std::map<uint16_t, std::pair<int64_t, int64_t>> indexes_;
};

// Adds to batch the writes that replace old_item with new_item at base_key
// (either may be null: a new item, a deletion): the base item and every index
// entry that changes. Tallies write units and counter deltas. An index still
// backfilling may not have old_item's entry yet; the store says whether it
// does. REQUIRES: base_key's lock held.
ddb::Status add_item_change(KvStore& store, const TableSchema& schema, std::string_view base_key,
                            const ddb::AttributeMap* old_item, const ddb::AttributeMap* new_item,
                            KvWriteBatch& batch, WriteUnits& units, CounterDeltas& deltas);

// DynamoDB's units: reads in 4 KB steps (half for eventually consistent),
// writes in 1 KB steps; at least one step.
double read_units(size_t bytes, bool consistent);
double write_units(size_t bytes);

// ReturnConsumedCapacity: NONE | TOTAL | INDEXES.
ddb::Status validate_return_consumed_capacity(const std::optional<std::string>& mode);
bool wants_capacity(const std::optional<std::string>& mode);
ddb::ConsumedCapacity write_capacity(const std::string& table_name, const WriteUnits& units,
                                     const std::optional<std::string>& mode);
// Reads: the units fall on the table, or on the index that was read.
ddb::ConsumedCapacity read_capacity(const std::string& table_name, double units,
                                    const std::optional<std::string>& mode,
                                    const IndexSchema* index = nullptr);

}  // namespace townhall::engine
