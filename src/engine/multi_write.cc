#include "engine/multi_write.h"

#include <algorithm>
#include <map>

namespace townhall::engine {

ddb::Result<bool> run_multi_write(EngineContext& context, std::vector<MultiWriteItem>& items) {
  // Tables first (in id order), then key stripes: one global lock order.
  std::map<uint32_t, std::unique_ptr<TableWriteLock>> tables;
  for (auto& item : items) {
    uint32_t id = item.handle->schema()->id;
    if (!tables.count(id)) tables[id] = nullptr;
  }
  std::map<uint32_t, std::shared_ptr<TableHandle>> handles;
  for (auto& item : items) handles[item.handle->schema()->id] = item.handle;
  for (auto& [id, lock] : tables) {
    lock = std::make_unique<TableWriteLock>(handles[id]);
    if (lock->deleted()) return table_not_found();
  }
  std::vector<size_t> stripes;
  stripes.reserve(items.size());
  for (const auto& item : items) stripes.push_back(KeyLocks::stripe(item.key));
  KeyLocks::Guard guard(context.locks, std::move(stripes));

  std::vector<std::optional<ddb::AttributeMap>> new_items(items.size());
  bool all_ok = true;
  for (size_t i = 0; i < items.size(); ++i) {
    auto& item = items[i];
    const TableSchema& schema = tables[item.handle->schema()->id]->schema();
    TH_ASSIGN_OR_RETURN(item.old_item, read_item(context.store, item.key));
    auto produced = item.mutation(item.old_item ? &*item.old_item : nullptr);
    if (!produced.ok()) {
      item.error = std::move(produced).error();
      all_ok = false;
      continue;
    }
    new_items[i] = std::move(produced).value();
    if (!item.check_only && new_items[i]) {
      auto valid = validate_item_for_write(schema, *new_items[i]);
      if (!valid.ok()) {
        item.error = std::move(valid).error();
        all_ok = false;
      }
    }
  }
  if (!all_ok) return false;

  StreamRecordBatch records(context.stream_sequencer, WriteOrigin::kClient);  // settles after the write
  KvWriteBatch batch;
  std::map<uint32_t, CounterDeltas> deltas;
  for (size_t i = 0; i < items.size(); ++i) {
    auto& item = items[i];
    if (item.check_only) continue;
    uint32_t id = item.handle->schema()->id;
    const TableSchema& schema = tables[id]->schema();
    TH_RETURN_IF_ERROR(
        add_item_change(context.store, schema, item.key, item.old_item ? &*item.old_item : nullptr,
                        new_items[i] ? &*new_items[i] : nullptr, batch, item.units, deltas[id]));
    records.add(schema, item.old_item ? &*item.old_item : nullptr, new_items[i] ? &*new_items[i] : nullptr);
  }
  TH_RETURN_IF_ERROR(records.write_to(batch));
  if (!batch.empty()) TH_RETURN_IF_ERROR(context.store.write(batch));
  for (auto& [id, delta] : deltas) delta.apply(tables[id]->handle());
  return true;
}

}  // namespace townhall::engine
