#include "engine/backfill.h"

#include <shared_mutex>

#include "engine/context.h"
#include "engine/item_codec.h"
#include "engine/items.h"
#include "engine/key_codec.h"

namespace townhall::engine {
namespace {

// Items per chunk: few enough that the key locks a chunk holds (a stripe
// each) are released within milliseconds.
constexpr size_t kChunkItems = 256;

enum class Step { kMore, kWalked, kGone };

const IndexSchema* backfilling_index(const TableSchema& schema, uint16_t index_id) {
  for (const auto& index : schema.indexes)
    if (index.id == index_id) return index.backfilling ? &index : nullptr;
  return nullptr;
}

// Copies the items from cursor on (at most one chunk) and moves the cursor
// past them.
ddb::Result<Step> copy_chunk(EngineContext& context, TableHandle& handle, uint16_t index_id,
                             std::string& cursor) {
  std::shared_lock table_lock(handle.mutex());
  if (handle.deleted()) return Step::kGone;
  const auto schema = handle.schema();
  const IndexSchema* index = backfilling_index(*schema, index_id);
  if (!index) return Step::kGone;  // dropped, or made ACTIVE by another copy

  const std::string prefix = keys::index_prefix(schema->id, keys::kBaseIndexId);
  std::vector<std::string> keys;
  {
    auto it = context.store.new_iterator(cursor.empty() ? prefix : cursor, keys::prefix_successor(prefix));
    for (it->seek_to_first(); it->valid() && keys.size() < kChunkItems; it->next())
      keys.emplace_back(it->key());
    TH_RETURN_IF_ERROR(it->status());
  }
  if (keys.empty()) return Step::kWalked;

  std::vector<size_t> stripes;
  stripes.reserve(keys.size());
  for (const auto& key : keys) stripes.push_back(KeyLocks::stripe(key));
  KeyLocks::Guard guard(context.locks, std::move(stripes));
  KvWriteBatch batch;
  int64_t items = 0, bytes = 0;
  std::string scratch;
  for (const auto& key : keys) {
    // Read again under the lock: the item may have changed or gone since
    // the walk saw it, and a write may have put its entry already.
    TH_ASSIGN_OR_RETURN(std::optional<ddb::AttributeMap> item, read_item(context.store, key));
    if (!item) continue;
    auto entry_key = index_key(*schema, *index, *item);
    if (!entry_key) continue;
    TH_ASSIGN_OR_RETURN(bool present, context.store.get(*entry_key, &scratch));
    if (present) continue;
    ddb::AttributeMap projected = project_for_index(*schema, *index, *item);
    ++items;
    bytes += static_cast<int64_t>(ddb::item_size_bytes(projected));
    batch.put(*entry_key, encode_item(projected));
  }
  if (!batch.empty()) TH_RETURN_IF_ERROR(context.store.write(batch));
  handle.index_counters(index_id).add(items, bytes);
  cursor = keys.back();
  cursor.push_back('\0');  // the least key after it
  return Step::kMore;
}

// Marks the index ACTIVE, in the store and in the live schema.
ddb::Status activate(EngineContext& context, TableHandle& handle, uint16_t index_id) {
  std::lock_guard ddl(context.catalog.ddl_mutex());
  std::unique_lock table_lock(handle.mutex());
  if (handle.deleted() || !backfilling_index(*handle.schema(), index_id)) return {};
  TableSchema schema = *handle.schema();
  for (auto& index : schema.indexes)
    if (index.id == index_id) index.backfilling = false;
  KvWriteBatch batch;
  Catalog::add_schema_write(schema, batch);
  TH_RETURN_IF_ERROR(context.store.write(batch));
  handle.set_schema(std::make_shared<const TableSchema>(std::move(schema)));
  return {};
}

}  // namespace

ddb::Status IndexBackfill::run(TableHandle& handle, uint16_t index_id, std::stop_token stop) {
  std::string cursor;
  while (!stop.stop_requested()) {
    TH_ASSIGN_OR_RETURN(Step step, copy_chunk(context_, handle, index_id, cursor));
    if (step == Step::kGone) return {};
    if (step == Step::kWalked) return activate(context_, handle, index_id);
  }
  return {};
}

void IndexBackfill::start(std::shared_ptr<TableHandle> handle, uint16_t index_id) {
  context_.tasks.start([this, handle = std::move(handle), index_id](std::stop_token stop) {
    // A failed copy (the store failing) leaves the index CREATING; the next
    // open starts it again.
    (void)run(*handle, index_id, stop);
  });
}

}  // namespace townhall::engine
