#include "engine/write_path.h"

namespace townhall::engine {

ddb::Result<WriteOutcome> write_item(EngineContext& context, TableHandle& handle, const TableSchema& schema,
                                     const std::string& key, const ItemMutation& mutation,
                                     WriteOrigin origin) {
  KeyLocks::SingleGuard guard(context.locks, key);
  WriteOutcome outcome;
  TH_ASSIGN_OR_RETURN(outcome.old_item, read_item(context.store, key));
  const ddb::AttributeMap* old_item = outcome.old_item ? &*outcome.old_item : nullptr;
  TH_ASSIGN_OR_RETURN(outcome.new_item, mutation(old_item));
  if (outcome.new_item) TH_RETURN_IF_ERROR(validate_item_for_write(schema, *outcome.new_item));
  StreamRecordBatch records(context.stream_sequencer, origin);  // settles after the write
  KvWriteBatch batch;
  CounterDeltas deltas;
  TH_RETURN_IF_ERROR(add_item_change(context.store, schema, key, old_item,
                                     outcome.new_item ? &*outcome.new_item : nullptr, batch, outcome.units,
                                     deltas));
  records.add(schema, old_item, outcome.new_item ? &*outcome.new_item : nullptr);
  TH_RETURN_IF_ERROR(records.write_to(batch));
  if (!batch.empty()) TH_RETURN_IF_ERROR(context.store.write(batch));
  deltas.apply(handle);
  return outcome;
}

}  // namespace townhall::engine
