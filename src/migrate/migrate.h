// Copying tables between stores: the embedded engine and any DynamoDB
// endpoint, in either direction (`townhall migrate --from A --to B`).
//
// For each table: the schema (keys, GSIs, LSIs) is created on the target if
// missing (and checked if present); items are read with a parallel Scan
// (Segment/TotalSegments) and written with BatchWriteItem, re-sending
// UnprocessedItems and throttled batches with exponential backoff and full
// jitter; the target's item count is verified against the source's at the end.
//
// Resumable: with a state file, each scan segment's position is saved after
// every batch the target acknowledged, so an interrupted copy (Ctrl-C,
// kill -9, a lost connection) continues where it stopped. Re-copying an item
// is harmless: writes are whole-item puts.
//
// Thread-safety: migrate() runs its own threads; the stores must be thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ddb/database.h"

namespace townhall::migrate {

struct Progress {
  std::string table;
  int64_t copied = 0;    // items written so far, this run and earlier runs
  int64_t expected = 0;  // the source's ItemCount (an estimate on DynamoDB)
  bool done = false;
};

struct MigrateOptions {
  std::vector<std::string> tables;                   // empty: every table of the source
  int segments = 4;                                  // parallel scan segments (and threads)
  std::string state_file;                            // empty: not resumable
  int max_attempts = 12;                             // per batch, before giving up
  std::function<void(const Progress&)> on_progress;  // called from worker threads, serialized
  // Tests: stop (as if interrupted) after this many items were written; 0 = never.
  int64_t stop_after_items = 0;
};

struct TableReport {
  std::string table;
  int64_t source_items = 0;
  int64_t target_items = 0;
  bool verified() const { return source_items == target_items; }
};

// Copies the tables; fails on the first error that retries cannot fix, or
// with a ValidationException naming the table whose counts differ.
ddb::Result<std::vector<TableReport>> migrate(ddb::Database& from, ddb::Database& to,
                                              const MigrateOptions& options);

}  // namespace townhall::migrate
