// IndexBackfill: copies a table's existing items into a global secondary
// index added by UpdateTable, while writes to the table go on.
//
// The index is in the schema (marked backfilling) before the copy starts, so
// every write from then on maintains it. The copy walks the table in chunks;
// each chunk holds the table shared (as a write does) and its items' key
// locks, re-reads every item under its lock and writes the entries that are
// still missing. So an entry is only ever written from the item's current
// state, by a writer or by the copy, and never twice. A chunk holds its locks
// for a few milliseconds; UpdateTable's old copy held the whole table.
//
// When the walk ends the index becomes ACTIVE. A backfilling index is stored
// as such, and Engine::open starts its copy again (entries already there are
// skipped). Thread-safety: safe for concurrent use.
#pragma once

#include <cstdint>
#include <memory>
#include <stop_token>

#include "ddb/result.h"

namespace townhall::engine {

struct EngineContext;
class TableHandle;

class IndexBackfill {
 public:
  explicit IndexBackfill(EngineContext& context) : context_(context) {}

  // Copies on a thread of the engine's BackgroundTasks. A copy the engine's
  // close stops resumes at the next open.
  void start(std::shared_ptr<TableHandle> handle, uint16_t index_id);
  // Copies on the caller's thread. REQUIRES: no lock of the table or the
  // catalog held (the copy takes them).
  ddb::Status run(TableHandle& handle, uint16_t index_id, std::stop_token stop = {});

 private:
  EngineContext& context_;
};

}  // namespace townhall::engine
