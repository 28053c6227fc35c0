// The one read-modify-write path of single-item writes (PutItem, UpdateItem,
// DeleteItem, BatchWriteItem): lock the item's key stripe, read the current
// item, let the operation decide the new item (or fail, e.g. a condition),
// write the item, its index entries and its stream record in one atomic batch.
#pragma once

#include <functional>
#include <optional>

#include "engine/items.h"
#include "engine/stream_log.h"

namespace townhall::engine {

// Given the current item (nullptr when absent), the item to store (nullopt:
// delete it), or an error that aborts the write.
using ItemMutation =
    std::function<ddb::Result<std::optional<ddb::AttributeMap>>(const ddb::AttributeMap* old_item)>;

struct WriteOutcome {
  std::optional<ddb::AttributeMap> old_item;
  std::optional<ddb::AttributeMap> new_item;
  WriteUnits units;
};

// REQUIRES: handle's mutex held shared, schema is its current schema, key is
// the encoded base key. A stream record, if the table has a stream, goes in
// the same batch, marked with origin.
ddb::Result<WriteOutcome> write_item(EngineContext& context, TableHandle& handle, const TableSchema& schema,
                                     const std::string& key, const ItemMutation& mutation,
                                     WriteOrigin origin = WriteOrigin::kClient);

// Holds a table open for writing: its mutex shared, its schema, and whether
// the table still exists.
class TableWriteLock {
 public:
  explicit TableWriteLock(std::shared_ptr<TableHandle> handle)
      : handle_(std::move(handle)), lock_(handle_->mutex()), schema_(handle_->schema()) {}
  bool deleted() const { return handle_->deleted(); }
  TableHandle& handle() { return *handle_; }
  const TableSchema& schema() const { return *schema_; }

 private:
  std::shared_ptr<TableHandle> handle_;
  std::shared_lock<std::shared_mutex> lock_;
  std::shared_ptr<const TableSchema> schema_;
};

}  // namespace townhall::engine
