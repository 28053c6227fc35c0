#include "engine/stream_log.h"

#include <fmt/format.h>

#include <chrono>

#include "engine/item_codec.h"
#include "engine/items.h"
#include "engine/key_codec.h"

namespace townhall::engine {
namespace {

constexpr uint8_t kRecordVersion = 1;

std::string lease_key() { return keys::meta_key("stream_sequence_lease"); }

std::string stream_key(char tag, uint32_t stream_id) {
  std::string key(1, keys::kStreamPrefix);
  key.push_back(tag);
  keys::append_u32(key, stream_id);
  return key;
}

void append_u64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xFF));
}

// The images a view keeps: KEYS_ONLY none, NEW_IMAGE the new one, OLD_IMAGE
// the old one, NEW_AND_OLD_IMAGES both.
bool keeps_new(std::string_view view) { return view == "NEW_IMAGE" || view == "NEW_AND_OLD_IMAGES"; }
bool keeps_old(std::string_view view) { return view == "OLD_IMAGE" || view == "NEW_AND_OLD_IMAGES"; }

void append_optional_item(std::string& out, const ddb::AttributeMap* item) {
  out.push_back(item ? 1 : 0);
  if (item) append_length_prefixed(out, encode_item(*item));
}

}  // namespace

std::string_view stream_event_name(StreamEvent event) {
  switch (event) {
    case StreamEvent::kInsert:
      return "INSERT";
    case StreamEvent::kModify:
      return "MODIFY";
    case StreamEvent::kRemove:
      return "REMOVE";
  }
  return "MODIFY";
}

namespace stream_keys {

std::string info_key(uint32_t stream_id) { return stream_key(kInfoTag, stream_id); }
std::string trimmed_key(uint32_t stream_id) { return stream_key(kTrimmedTag, stream_id); }

std::string record_key(uint32_t stream_id, uint64_t sequence) {
  std::string key = stream_key(kRecordTag, stream_id);
  append_u64(key, sequence);
  return key;
}

std::string records_begin(uint32_t stream_id) { return stream_key(kRecordTag, stream_id); }
std::string records_end(uint32_t stream_id) { return keys::prefix_successor(records_begin(stream_id)); }

uint64_t record_sequence(std::string_view record_key) {
  uint64_t value = 0;
  if (record_key.size() < 8) return 0;
  for (char c : record_key.substr(record_key.size() - 8)) value = (value << 8) | static_cast<uint8_t>(c);
  return value;
}

}  // namespace stream_keys

std::string format_sequence_number(uint64_t sequence) { return fmt::format("{:021}", sequence); }

std::optional<uint64_t> parse_sequence_number(std::string_view text) {
  if (text.empty() || text.size() > 40) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

std::optional<int64_t> stream_change_time_ms(std::string_view value) {
  if (value.size() < 3 || static_cast<uint8_t>(value[0]) != kRecordVersion) return std::nullopt;
  value.remove_prefix(3);
  std::string_view view;
  uint64_t time = 0;
  if (!read_length_prefixed(value, view) || !read_varint(value, time)) return std::nullopt;
  return static_cast<int64_t>(time);
}

std::string encode_stream_change(StreamEvent event, WriteOrigin origin, std::string_view view_type,
                                 int64_t time_ms, const ddb::AttributeMap& keys,
                                 const ddb::AttributeMap* new_image, const ddb::AttributeMap* old_image) {
  std::string out;
  out.push_back(static_cast<char>(kRecordVersion));
  out.push_back(static_cast<char>(event));
  out.push_back(static_cast<char>(origin));
  append_length_prefixed(out, view_type);
  append_varint(out, static_cast<uint64_t>(time_ms));
  append_length_prefixed(out, encode_item(keys));
  append_optional_item(out, new_image);
  append_optional_item(out, old_image);
  return out;
}

ddb::Result<StreamChange> decode_stream_change(std::string_view key, std::string_view value) {
  auto corrupt = [] { return ddb::Error::Internal("corrupt stream record"); };
  if (value.size() < 3 || static_cast<uint8_t>(value[0]) != kRecordVersion) return corrupt();
  StreamChange change;
  change.sequence = stream_keys::record_sequence(key);
  uint8_t event = static_cast<uint8_t>(value[1]);
  if (event < 1 || event > 3) return corrupt();
  change.event = static_cast<StreamEvent>(event);
  change.origin = value[2] == 1 ? WriteOrigin::kTimeToLive : WriteOrigin::kClient;
  value.remove_prefix(3);
  std::string_view view, bytes;
  uint64_t time = 0;
  if (!read_length_prefixed(value, view) || !read_varint(value, time) ||
      !read_length_prefixed(value, bytes)) {
    return corrupt();
  }
  change.view_type = std::string(view);
  change.time_ms = static_cast<int64_t>(time);
  TH_ASSIGN_OR_RETURN(change.keys, decode_item(bytes));
  for (auto* image : {&change.new_image, &change.old_image}) {
    if (value.empty()) return corrupt();
    bool present = value[0] == 1;
    value.remove_prefix(1);
    if (!present) continue;
    if (!read_length_prefixed(value, bytes)) return corrupt();
    TH_ASSIGN_OR_RETURN(*image, decode_item(bytes));
  }
  return change;
}

ddb::Status StreamSequencer::load() {
  std::string value;
  TH_ASSIGN_OR_RETURN(bool found, store_.get(lease_key(), &value));
  std::lock_guard lock(mutex_);
  if (found) {
    std::string_view in(value);
    if (!read_varint(in, leased_through_)) return ddb::Error::Internal("corrupt stream sequence lease");
    next_ = leased_through_ + 1;  // numbers up to the lease may have been handed out
  }
  return {};
}

ddb::Result<uint64_t> StreamSequencer::reserve(size_t n) {
  std::lock_guard lock(mutex_);
  const uint64_t first = next_;
  const uint64_t last = first + n - 1;
  if (last > leased_through_) {
    // Rare (once per kLeaseBlock records): written before any number of the
    // new block can reach the store.
    uint64_t lease = last + kLeaseBlock;
    std::string value;
    append_varint(value, lease);
    KvWriteBatch batch;
    batch.put(lease_key(), value);
    TH_RETURN_IF_ERROR(store_.write(batch));
    leased_through_ = lease;
  }
  next_ = last + 1;
  in_flight_.insert(first);
  return first;
}

void StreamSequencer::release(uint64_t first) {
  std::lock_guard lock(mutex_);
  in_flight_.erase(first);
}

uint64_t StreamSequencer::settled_through() const {
  std::lock_guard lock(mutex_);
  return in_flight_.empty() ? next_ - 1 : *in_flight_.begin() - 1;
}

uint64_t StreamSequencer::next() const {
  std::lock_guard lock(mutex_);
  return next_;
}

StreamRecordBatch::~StreamRecordBatch() {
  if (reserved_) sequencer_.release(*reserved_);
}

void StreamRecordBatch::add(const TableSchema& schema, const ddb::AttributeMap* old_item,
                            const ddb::AttributeMap* new_item) {
  if (!schema.stream || !schema.stream->stream_enabled || schema.stream_id == 0) return;
  if (!old_item && !new_item) return;                          // deleting nothing
  if (old_item && new_item && *old_item == *new_item) return;  // changed nothing: DynamoDB writes no record
  const std::string& view = schema.stream->stream_view_type.value_or("KEYS_ONLY");
  const StreamEvent event = !old_item   ? StreamEvent::kInsert
                            : !new_item ? StreamEvent::kRemove
                                        : StreamEvent::kModify;
  // Encoded here, from the items themselves: no copy of either image.
  pending_.push_back(
      {schema.stream_id,
       encode_stream_change(event, origin_, view, now_epoch_ms(),
                            extract_key(schema, new_item ? *new_item : *old_item),
                            keeps_new(view) ? new_item : nullptr, keeps_old(view) ? old_item : nullptr)});
}

ddb::Status StreamRecordBatch::write_to(KvWriteBatch& batch) {
  if (pending_.empty()) return {};
  TH_ASSIGN_OR_RETURN(uint64_t first, sequencer_.reserve(pending_.size()));
  reserved_ = first;
  uint64_t sequence = first;
  for (auto& pending : pending_)
    batch.put(stream_keys::record_key(pending.stream_id, sequence++), pending.record);
  return {};
}

}  // namespace townhall::engine
