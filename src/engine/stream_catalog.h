// The streams of every table, current and past: what ListStreams and
// DescribeStream answer and what GetShardIterator and GetRecords read.
//
// A table's stream is born when StreamSpecification enables it (CreateTable
// or UpdateTable) and closed when it is disabled or the table is deleted;
// enabling again makes a new stream with a new ARN. A closed stream stays
// readable until its last record ages out of the retention (24 hours), then
// it is forgotten. Each stream is one shard: its records in sequence order.
//
// Stored under [kStreamPrefix][kInfoTag][stream id] (one entry per stream)
// and [kStreamPrefix][kTrimmedTag][stream id] (how far retention trimmed it);
// the records are stream_log.h's.
//
// Thread-safety: safe for concurrent use. Creating and closing streams is
// serialized by the callers (the catalog's DDL mutex).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ddb/result.h"
#include "engine/catalog.h"
#include "engine/kv_store.h"

namespace townhall::engine {

struct StreamInfo {
  uint32_t id = 0;
  std::string table_name;
  std::string label;      // the creation time, "2026-12-07T18:04:35.353" (UTC): unique per table
  std::string view_type;  // KEYS_ONLY | NEW_IMAGE | OLD_IMAGE | NEW_AND_OLD_IMAGES
  std::string hash_key;
  std::optional<std::string> range_key;
  int64_t created_ms = 0;
  uint64_t first_sequence = 0;  // the shard's StartingSequenceNumber
  // Set once the stream is disabled or its table deleted: no record follows ending_sequence.
  std::optional<int64_t> closed_ms;
  std::optional<uint64_t> ending_sequence;
  // Every record at or below this has been trimmed away (retention).
  uint64_t trimmed_through = 0;

  bool open() const { return !closed_ms.has_value(); }
  std::string arn() const;
  std::string shard_id() const;
};

class StreamCatalog {
 public:
  explicit StreamCatalog(KvStore& store) : store_(store) {}

  // Reads every stream. Called once, before any other use.
  ddb::Status load();

  // A new, open stream for schema's table, its first record numbered at or
  // after first_sequence. Adds its entry to batch; the caller writes the
  // batch, then calls publish().
  StreamInfo create(const TableSchema& schema, const std::string& view_type, uint64_t first_sequence,
                    KvWriteBatch& batch);
  // The stream closed: adds its entry to batch (the caller writes, then
  // publishes). ending_sequence is its last record's (or, with none, its first number).
  ddb::Result<StreamInfo> close(uint32_t stream_id, KvWriteBatch& batch);
  // create() for the schema's enabled stream, named in the schema (stream_id, stream_label).
  StreamInfo create_for(TableSchema& schema, uint64_t first_sequence, KvWriteBatch& batch);
  void publish(const StreamInfo& info);

  std::optional<StreamInfo> find(uint32_t stream_id) const;
  std::optional<StreamInfo> find_by_arn(std::string_view arn) const;
  // Newest first.
  std::vector<StreamInfo> list() const;

  // Retention: removes the records of every stream written before cutoff_ms
  // and forgets closed streams closed before it. Bounded work per call.
  // Returns how many records were removed.
  ddb::Result<int64_t> trim(int64_t cutoff_ms);

 private:
  ddb::Result<int64_t> trim_stream(const StreamInfo& info, int64_t cutoff_ms);

  KvStore& store_;
  mutable std::mutex mutex_;
  std::map<uint32_t, StreamInfo> streams_;  // GUARDED_BY(mutex_)
  uint32_t next_id_ = 1;                    // GUARDED_BY(mutex_)
  int64_t last_created_ms_ = 0;             // GUARDED_BY(mutex_)
};

}  // namespace townhall::engine
