// Stream records: the change log of a table whose StreamSpecification is
// enabled, kept in the same store as the items and put into the same atomic
// write batch as the change each one describes. So a record exists exactly
// when its change does: none for a failed or unacknowledged write, one for
// every acknowledged one (also inside batches, transactions and Time to Live
// deletions), and both survive a crash together.
//
// Keys (docs/storage-format.md):
//   [kStreamPrefix][kRecordTag][stream id: u32 BE][sequence number: u64 BE] -> record
// so one stream's records are one key range in sequence order.
//
// Sequence numbers come from one store-wide StreamSequencer: they increase
// within every stream (not contiguously). Writers take theirs under their
// item locks but commit in any order, so a reader must not read past a
// number still in flight (a smaller one could commit after it and be
// skipped): settled_through() is the highest number at or below which every
// number handed out is written or abandoned.
//
// Thread-safety: StreamSequencer is safe for concurrent use; the rest are
// pure functions or single-thread objects.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ddb/attribute_value.h"
#include "ddb/result.h"
#include "engine/catalog.h"
#include "engine/hashing.h"
#include "engine/kv_store.h"

namespace townhall::engine {

enum class StreamEvent : uint8_t { kInsert = 1, kModify = 2, kRemove = 3 };
std::string_view stream_event_name(StreamEvent event);  // INSERT | MODIFY | REMOVE

// Who made a change: a client, or the Time to Live sweeper (whose REMOVE
// records carry userIdentity {Type: Service, PrincipalId: dynamodb.amazonaws.com}).
enum class WriteOrigin : uint8_t { kClient = 0, kTimeToLive = 1 };

// One stored record, decoded.
struct StreamChange {
  uint64_t sequence = 0;
  StreamEvent event = StreamEvent::kInsert;
  WriteOrigin origin = WriteOrigin::kClient;
  std::string view_type;  // the stream's view when the record was written
  int64_t time_ms = 0;
  ddb::AttributeMap keys;
  std::optional<ddb::AttributeMap> new_image, old_image;  // as the view type asks
};

// A record's stored form; the images as the view keeps them (null: not kept).
std::string encode_stream_change(StreamEvent event, WriteOrigin origin, std::string_view view_type,
                                 int64_t time_ms, const ddb::AttributeMap& keys,
                                 const ddb::AttributeMap* new_image, const ddb::AttributeMap* old_image);
// REQUIRES: key is a record key (its sequence number is read from it).
ddb::Result<StreamChange> decode_stream_change(std::string_view key, std::string_view value);
// Only the time a record was written (retention reads no more), or nullopt when corrupt.
std::optional<int64_t> stream_change_time_ms(std::string_view value);

namespace stream_keys {
constexpr char kInfoTag = 0x00;     // the stream's description (stream_catalog.h)
constexpr char kRecordTag = 0x01;   // its records
constexpr char kTrimmedTag = 0x02;  // the last sequence number trimmed away
std::string info_key(uint32_t stream_id);
std::string trimmed_key(uint32_t stream_id);
std::string record_key(uint32_t stream_id, uint64_t sequence);
std::string records_begin(uint32_t stream_id);  // [begin, end): every record of the stream
std::string records_end(uint32_t stream_id);
uint64_t record_sequence(std::string_view record_key);
}  // namespace stream_keys

// Sequence numbers as the API shows them: 21 digits, zero-padded (as DynamoDB Local does).
std::string format_sequence_number(uint64_t sequence);
// The number, or nullopt when text is not 1..40 digits that fit.
std::optional<uint64_t> parse_sequence_number(std::string_view text);

class StreamSequencer {
 public:
  // Numbers are leased from the store a block at a time (one small write per
  // kLeaseBlock records), so after a restart every new number is above every
  // number handed out before, whatever was trimmed since.
  static constexpr uint64_t kLeaseBlock = uint64_t{1} << 20;

  explicit StreamSequencer(KvStore& store) : store_(store) {}
  // Reads the lease. Called once, before any other use.
  ddb::Status load();

  // n consecutive numbers, in flight until release(first).
  ddb::Result<uint64_t> reserve(size_t n);
  void release(uint64_t first);
  // Every number at or below this is written or abandoned.
  uint64_t settled_through() const;
  // The next number reserve would hand out.
  uint64_t next() const;

 private:
  KvStore& store_;
  mutable std::mutex mutex_;
  uint64_t next_ = 1;             // GUARDED_BY(mutex_)
  uint64_t leased_through_ = 0;   // GUARDED_BY(mutex_)
  std::set<uint64_t> in_flight_;  // first numbers of reservations; GUARDED_BY(mutex_)
};

// The stream records of one atomic write: collected per item change, given
// sequence numbers and put into the batch just before it is written, and
// released (settled) when this object goes, after the batch was written or
// abandoned. Declare it before the write and keep it until after.
class StreamRecordBatch {
 public:
  StreamRecordBatch(StreamSequencer& sequencer, WriteOrigin origin)
      : sequencer_(sequencer), origin_(origin) {}
  ~StreamRecordBatch();
  StreamRecordBatch(const StreamRecordBatch&) = delete;
  StreamRecordBatch& operator=(const StreamRecordBatch&) = delete;

  // The record of replacing old_item by new_item (either may be null) in a
  // table, when its stream is enabled and the change changed something.
  void add(const TableSchema& schema, const ddb::AttributeMap* old_item, const ddb::AttributeMap* new_item);
  // Numbers the records and puts them into batch. Call at most once.
  ddb::Status write_to(KvWriteBatch& batch);

 private:
  struct Pending {
    uint32_t stream_id;
    std::string record;  // encoded
  };
  StreamSequencer& sequencer_;
  WriteOrigin origin_;
  std::vector<Pending> pending_;
  std::optional<uint64_t> reserved_;
};

}  // namespace townhall::engine
