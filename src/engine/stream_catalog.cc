#include "engine/stream_catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>

#include "engine/item_codec.h"
#include "engine/key_codec.h"
#include "engine/shard_iterator.h"
#include "engine/stream_log.h"
#include "engine/table_schema_builder.h"

namespace townhall::engine {
namespace {

constexpr uint8_t kInfoVersion = 1;
// Records removed per stream per trim: bounded work, so a backlog after a
// long downtime goes over several ticks without a long write.
constexpr int64_t kTrimBatchRecords = 10000;

std::string next_stream_id_key() { return keys::meta_key("next_stream_id"); }

std::string encode_info(const StreamInfo& info) {
  std::string out;
  out.push_back(static_cast<char>(kInfoVersion));
  append_varint(out, info.id);
  append_length_prefixed(out, info.table_name);
  append_length_prefixed(out, info.label);
  append_length_prefixed(out, info.view_type);
  append_length_prefixed(out, info.hash_key);
  out.push_back(info.range_key ? 1 : 0);
  if (info.range_key) append_length_prefixed(out, *info.range_key);
  append_varint(out, static_cast<uint64_t>(info.created_ms));
  append_varint(out, info.first_sequence);
  out.push_back(info.closed_ms ? 1 : 0);
  if (info.closed_ms) {
    append_varint(out, static_cast<uint64_t>(*info.closed_ms));
    append_varint(out, info.ending_sequence.value_or(info.first_sequence));
  }
  return out;
}

ddb::Result<StreamInfo> decode_info(std::string_view in) {
  auto corrupt = [] { return ddb::Error::Internal("corrupt stream description"); };
  if (in.empty() || static_cast<uint8_t>(in[0]) != kInfoVersion) return corrupt();
  in.remove_prefix(1);
  StreamInfo info;
  uint64_t id = 0, created = 0;
  std::string_view table, label, view, hash, range;
  if (!read_varint(in, id) || !read_length_prefixed(in, table) || !read_length_prefixed(in, label) ||
      !read_length_prefixed(in, view) || !read_length_prefixed(in, hash) || in.empty()) {
    return corrupt();
  }
  const bool has_range = in[0] == 1;
  in.remove_prefix(1);
  if (has_range && !read_length_prefixed(in, range)) return corrupt();
  if (!read_varint(in, created) || !read_varint(in, info.first_sequence) || in.empty()) return corrupt();
  const bool closed = in[0] == 1;
  in.remove_prefix(1);
  if (closed) {
    uint64_t closed_ms = 0, ending = 0;
    if (!read_varint(in, closed_ms) || !read_varint(in, ending)) return corrupt();
    info.closed_ms = static_cast<int64_t>(closed_ms);
    info.ending_sequence = ending;
  }
  info.id = static_cast<uint32_t>(id);
  info.table_name = std::string(table);
  info.label = std::string(label);
  info.view_type = std::string(view);
  info.hash_key = std::string(hash);
  if (has_range) info.range_key = std::string(range);
  info.created_ms = static_cast<int64_t>(created);
  info.trimmed_through = info.first_sequence - 1;
  return info;
}

// "2026-12-07T18:04:35.353", as DynamoDB labels streams.
std::string label_for(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}", utc.tm_year + 1900, utc.tm_mon + 1,
                     utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, ms % 1000);
}

}  // namespace

std::string StreamInfo::arn() const { return table_arn(table_name) + "/stream/" + label; }

std::string StreamInfo::shard_id() const {
  // DynamoDB's shape: "shardId-" 20 digits "-" 8 hex digits.
  return fmt::format("shardId-{:020}-{:08x}", created_ms, mix64(id) & 0xFFFFFFFFu);
}

ddb::Status StreamCatalog::load() {
  std::string value;
  TH_ASSIGN_OR_RETURN(bool has_next, store_.get(next_stream_id_key(), &value));
  std::lock_guard lock(mutex_);
  if (has_next) {
    std::string_view in(value);
    uint64_t next = 0;
    if (!read_varint(in, next)) return ddb::Error::Internal("corrupt next stream id");
    next_id_ = static_cast<uint32_t>(next);
  }
  std::string begin{keys::kStreamPrefix, stream_keys::kInfoTag};
  auto it = store_.new_iterator(begin, keys::prefix_successor(begin));
  for (it->seek_to_first(); it->valid(); it->next()) {
    TH_ASSIGN_OR_RETURN(StreamInfo info, decode_info(it->value()));
    last_created_ms_ = std::max(last_created_ms_, info.created_ms);
    streams_[info.id] = std::move(info);
  }
  TH_RETURN_IF_ERROR(it->status());
  for (auto& [id, info] : streams_) {
    TH_ASSIGN_OR_RETURN(bool trimmed, store_.get(stream_keys::trimmed_key(id), &value));
    std::string_view in(value);
    uint64_t through = 0;
    if (trimmed && read_varint(in, through)) info.trimmed_through = through;
  }
  return {};
}

StreamInfo StreamCatalog::create(const TableSchema& schema, const std::string& view_type,
                                 uint64_t first_sequence, KvWriteBatch& batch) {
  std::lock_guard lock(mutex_);
  StreamInfo info;
  info.id = next_id_++;
  info.table_name = schema.name;
  // Labels (and so ARNs) of one table never repeat, even when a stream is
  // disabled and enabled again within a millisecond.
  info.created_ms = std::max(now_epoch_ms(), last_created_ms_ + 1);
  last_created_ms_ = info.created_ms;
  info.label = label_for(info.created_ms);
  info.view_type = view_type;
  info.hash_key = schema.hash.name;
  if (schema.range) info.range_key = schema.range->name;
  info.first_sequence = first_sequence;
  info.trimmed_through = first_sequence - 1;
  std::string next;
  append_varint(next, next_id_);
  batch.put(next_stream_id_key(), next);
  batch.put(stream_keys::info_key(info.id), encode_info(info));
  return info;
}

StreamInfo StreamCatalog::create_for(TableSchema& schema, uint64_t first_sequence, KvWriteBatch& batch) {
  StreamInfo info =
      create(schema, schema.stream->stream_view_type.value_or("KEYS_ONLY"), first_sequence, batch);
  schema.stream_id = info.id;
  schema.stream_label = info.label;
  return info;
}

ddb::Result<StreamInfo> StreamCatalog::close(uint32_t stream_id, KvWriteBatch& batch) {
  auto found = find(stream_id);
  if (!found) return ddb::Error::Internal("unknown stream " + std::to_string(stream_id));
  StreamInfo info = std::move(*found);
  if (!info.open()) return info;
  info.closed_ms = now_epoch_ms();
  // The table is locked against writes: its last record is final.
  auto it = store_.new_iterator(stream_keys::records_begin(stream_id), stream_keys::records_end(stream_id));
  it->seek_to_last();
  info.ending_sequence = it->valid() ? stream_keys::record_sequence(it->key()) : info.first_sequence;
  TH_RETURN_IF_ERROR(it->status());
  batch.put(stream_keys::info_key(info.id), encode_info(info));
  return info;
}

void StreamCatalog::publish(const StreamInfo& info) {
  std::lock_guard lock(mutex_);
  auto& slot = streams_[info.id];
  const uint64_t trimmed = std::max(slot.trimmed_through, info.trimmed_through);
  slot = info;
  slot.trimmed_through = trimmed;  // retention may have moved on meanwhile
}

std::optional<StreamInfo> StreamCatalog::find(uint32_t stream_id) const {
  std::lock_guard lock(mutex_);
  auto it = streams_.find(stream_id);
  if (it == streams_.end()) return std::nullopt;
  return it->second;
}

std::optional<StreamInfo> StreamCatalog::find_by_arn(std::string_view arn) const {
  std::lock_guard lock(mutex_);
  for (const auto& [id, info] : streams_)
    if (info.arn() == arn) return info;
  return std::nullopt;
}

std::vector<StreamInfo> StreamCatalog::list() const {
  std::vector<StreamInfo> out;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, info] : streams_) out.push_back(info);
  }
  std::sort(out.begin(), out.end(), [](const StreamInfo& a, const StreamInfo& b) {
    return a.created_ms != b.created_ms ? a.created_ms > b.created_ms : a.id > b.id;
  });
  return out;
}

ddb::Result<int64_t> StreamCatalog::trim(int64_t cutoff_ms) {
  int64_t removed = 0;
  for (const StreamInfo& info : list()) {
    if (info.closed_ms && *info.closed_ms < cutoff_ms) {
      // Closed for longer than the retention: nothing in it is readable any more.
      KvWriteBatch batch;
      batch.delete_range(stream_keys::records_begin(info.id), stream_keys::records_end(info.id));
      batch.del(stream_keys::trimmed_key(info.id));
      batch.del(stream_keys::info_key(info.id));
      TH_RETURN_IF_ERROR(store_.write(batch));
      std::lock_guard lock(mutex_);
      streams_.erase(info.id);
      continue;
    }
    TH_ASSIGN_OR_RETURN(int64_t n, trim_stream(info, cutoff_ms));
    removed += n;
  }
  return removed;
}

ddb::Result<int64_t> StreamCatalog::trim_stream(const StreamInfo& info, int64_t cutoff_ms) {
  const std::string begin = stream_keys::records_begin(info.id);
  auto it = store_.new_iterator(begin, stream_keys::records_end(info.id));
  int64_t count = 0;
  std::string last;
  for (it->seek_to_first(); it->valid() && count < kTrimBatchRecords; it->next()) {
    auto time = stream_change_time_ms(it->value());
    if (time && *time >= cutoff_ms) break;
    last = std::string(it->key());
    ++count;
  }
  TH_RETURN_IF_ERROR(it->status());
  if (count == 0) return 0;
  const uint64_t through = stream_keys::record_sequence(last);
  KvWriteBatch batch;
  batch.delete_range(begin, keys::prefix_successor(last));
  std::string value;
  append_varint(value, through);
  batch.put(stream_keys::trimmed_key(info.id), value);
  TH_RETURN_IF_ERROR(store_.write(batch));
  std::lock_guard lock(mutex_);
  auto found = streams_.find(info.id);
  if (found != streams_.end())
    found->second.trimmed_through = std::max(found->second.trimmed_through, through);
  return count;
}

}  // namespace townhall::engine
