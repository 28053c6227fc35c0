// Writes to several items as one atomic batch: BatchWriteItem and
// TransactWriteItems. Locks every table involved (shared, in table id order)
// and every item's key stripe (in stripe order), so concurrent multi-item
// writes never deadlock and never interleave; reads every current item, runs
// each item's mutation, and commits all changes in one write batch only when
// every mutation succeeded.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "engine/write_path.h"

namespace townhall::engine {

struct MultiWriteItem {
  std::shared_ptr<TableHandle> handle;
  std::string key;  // the encoded base key
  ItemMutation mutation;
  bool check_only = false;  // a ConditionCheck: run the mutation, write nothing

  // Filled by run_multi_write.
  std::optional<ddb::AttributeMap> old_item;
  std::optional<ddb::Error> error;  // the mutation's failure
  WriteUnits units;
};

// Returns true when everything was committed, false when some mutation
// failed (see each item's error; nothing was written), or an error when a
// table vanished or the store failed.
ddb::Result<bool> run_multi_write(EngineContext& context, std::vector<MultiWriteItem>& items);

}  // namespace townhall::engine
