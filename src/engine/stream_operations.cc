// The DynamoDB Streams API: ListStreams, DescribeStream, GetShardIterator
// and GetRecords, over stream_catalog.h and stream_log.h. Each stream is one
// shard. Where DynamoDB's documentation says nothing about a message, the
// words are DynamoDB Local's (tests/integration/streams_test.py compares).
#include <fmt/format.h>

#include <algorithm>

#include "engine/context.h"
#include "engine/hashing.h"
#include "engine/key_codec.h"
#include "engine/shard_iterator.h"
#include "engine/stream_log.h"

namespace townhall::engine {

using ddb::Error;

namespace {

// A GetRecords answer holds at most this many bytes of records (DynamoDB: 1 MB).
constexpr size_t kMaxRecordsBytes = 1 << 20;
constexpr int64_t kMaxRecords = 1000;

Error limit_below_one(int64_t limit) {
  return Error::Validation(
      "1 validation error detected: Value '" + std::to_string(limit) +
      "' at 'limit' failed to satisfy constraint: Member must have value greater than or "
      "equal to 1");
}

Error stream_not_found(std::string_view arn) {
  return Error::ResourceNotFound("Requested resource not found: Stream: " + std::string(arn) + " not found");
}

ddb::Shard describe_shard(const StreamInfo& info) {
  ddb::Shard shard;
  shard.shard_id = info.shard_id();
  ddb::SequenceNumberRange range;
  range.starting_sequence_number = format_sequence_number(info.first_sequence);
  if (info.ending_sequence) range.ending_sequence_number = format_sequence_number(*info.ending_sequence);
  shard.sequence_number_range = std::move(range);
  return shard;
}

// DynamoDB's eventID: 32 hex digits, unique per record (a mix of the
// stream and the sequence number, so reading a record twice gives the same id).
std::string event_id(uint32_t stream_id, uint64_t sequence) {
  uint64_t high = mix64((static_cast<uint64_t>(stream_id) << 32) ^ mix64(sequence));
  return fmt::format("{:016x}{:016x}", high, mix64(high ^ sequence));
}

ddb::Record to_record(uint32_t stream_id, StreamChange change) {
  ddb::Record record;
  record.event_id = event_id(stream_id, change.sequence);
  record.event_name = std::string(stream_event_name(change.event));
  record.event_version = "1.1";
  record.event_source = "aws:dynamodb";
  record.aws_region = "ddblocal";
  ddb::StreamRecord data;
  // The documentation: epoch seconds, rounded down to the second (DynamoDB
  // Local rounds down to the minute).
  data.approximate_creation_date_time = static_cast<double>(change.time_ms - change.time_ms % 1000) / 1000.0;
  int64_t size = static_cast<int64_t>(ddb::item_size_bytes(change.keys));
  if (change.new_image) size += static_cast<int64_t>(ddb::item_size_bytes(*change.new_image));
  if (change.old_image) size += static_cast<int64_t>(ddb::item_size_bytes(*change.old_image));
  data.keys = std::move(change.keys);
  data.new_image = std::move(change.new_image);
  data.old_image = std::move(change.old_image);
  data.sequence_number = format_sequence_number(change.sequence);
  data.size_bytes = size;
  data.stream_view_type = change.view_type;
  record.dynamodb = std::move(data);
  if (change.origin == WriteOrigin::kTimeToLive) {
    record.user_identity = ddb::Identity{"dynamodb.amazonaws.com", "Service"};
  }
  return record;
}

}  // namespace

ddb::Result<ddb::ListStreamsResponse> Engine::list_streams(const ddb::ListStreamsRequest& request) {
  if (request.limit && *request.limit < 1) return limit_below_one(*request.limit);
  if (request.limit && *request.limit > 100) {
    return Error::InvalidParameter("Limit cannot be greater than the maximum allowed size: 100");
  }
  const size_t limit = static_cast<size_t>(request.limit.value_or(100));
  ddb::ListStreamsResponse response;
  // Pages go from the oldest stream on, each page listed newest first (as
  // DynamoDB Local does; the documentation names no order). A start ARN
  // that names no stream starts nowhere: an empty list, as there.
  std::vector<StreamInfo> streams = context_->streams.list();
  std::reverse(streams.begin(), streams.end());
  bool started = !request.exclusive_start_stream_arn;
  for (const StreamInfo& info : streams) {
    if (request.table_name && info.table_name != *request.table_name) continue;
    if (!started) {
      started = info.arn() == *request.exclusive_start_stream_arn;
      continue;
    }
    if (response.streams.size() == limit) {
      response.last_evaluated_stream_arn = response.streams.back().stream_arn;
      break;
    }
    response.streams.push_back({info.arn(), info.table_name, info.label});
  }
  std::reverse(response.streams.begin(), response.streams.end());
  return response;
}

ddb::Result<ddb::DescribeStreamResponse> Engine::describe_stream(const ddb::DescribeStreamRequest& request) {
  if (request.limit && *request.limit < 1) return limit_below_one(*request.limit);
  if (request.limit && *request.limit > 100) {
    return Error::InvalidParameter("Limit cannot be greater than the maximum: 100");
  }
  auto info = context_->streams.find_by_arn(request.stream_arn);
  if (!info) return stream_not_found(request.stream_arn);
  ddb::DescribeStreamResponse response;
  auto& description = response.stream_description;
  description.stream_arn = info->arn();
  description.stream_label = info->label;
  description.stream_status = info->open() ? "ENABLED" : "DISABLED";
  description.stream_view_type = info->view_type;
  description.creation_request_date_time = static_cast<double>(info->created_ms) / 1000.0;
  description.table_name = info->table_name;
  description.key_schema = std::vector<ddb::KeySchemaElement>{{info->hash_key, "HASH"}};
  if (info->range_key) description.key_schema->push_back({*info->range_key, "RANGE"});
  description.shards.emplace();
  if (request.exclusive_start_shard_id != info->shard_id())
    description.shards->push_back(describe_shard(*info));
  return response;
}

ddb::Result<ddb::GetShardIteratorResponse> Engine::get_shard_iterator(
    const ddb::GetShardIteratorRequest& request) {
  const std::string& type = request.shard_iterator_type;
  const bool by_sequence = type == "AT_SEQUENCE_NUMBER" || type == "AFTER_SEQUENCE_NUMBER";
  if (!by_sequence && type != "TRIM_HORIZON" && type != "LATEST") {
    return Error::Validation("Invalid ShardIteratorType.");
  }
  if (request.sequence_number &&
      (request.sequence_number->size() < 21 || request.sequence_number->size() > 40)) {
    const bool short_number = request.sequence_number->size() < 21;
    return Error::Validation("1 validation error detected: Value '" + *request.sequence_number +
                             "' at 'sequenceNumber' failed to satisfy constraint: Member must have length " +
                             (short_number ? "greater than or equal to 21" : "less than or equal to 40"));
  }
  if (!by_sequence && request.sequence_number) {
    return Error::InvalidParameter("SequenceNumber should not be passed for this iterator type");
  }
  std::optional<uint64_t> sequence;
  if (by_sequence) {
    if (request.sequence_number) sequence = parse_sequence_number(*request.sequence_number);
    if (!sequence) return Error::InvalidParameter("Invalid SequenceNumber");
  }
  auto info = context_->streams.find_by_arn(request.stream_arn);
  if (!info) return Error::ResourceNotFound("Stream does not exist");
  if (request.shard_id != info->shard_id()) return Error::ResourceNotFound("Shard does not exist");

  ShardPosition position{info->id, 0, now_epoch_ms()};
  if (type == "TRIM_HORIZON") {
    position.after = info->trimmed_through;
  } else if (type == "LATEST") {
    position.after = info->ending_sequence.value_or(context_->stream_sequencer.settled_through());
  } else {
    position.after = type == "AT_SEQUENCE_NUMBER" ? *sequence - 1 : *sequence;
    if (*sequence <= info->trimmed_through) {
      return Error{ddb::ErrorCode::kTrimmedDataAccess,
                   "The operation attempted to read past the oldest stream record in a shard."};
    }
  }
  ddb::GetShardIteratorResponse response;
  response.shard_iterator = encode_shard_iterator(info->arn(), position);
  return response;
}

ddb::Result<ddb::GetRecordsResponse> Engine::get_records(const ddb::GetRecordsRequest& request) {
  if (request.limit && *request.limit < 1) return limit_below_one(*request.limit);
  if (request.limit && *request.limit > kMaxRecords) {
    return Error::InvalidParameter("Limit should be less than or equal to 1000");
  }
  auto decoded = decode_shard_iterator(request.shard_iterator);
  if (!decoded) return Error::Validation("Invalid ShardIterator");
  auto& [arn, position] = *decoded;
  const int64_t now = now_epoch_ms();
  if (now - position.issued_ms > kShardIteratorLifetimeMs) {
    return Error{ddb::ErrorCode::kExpiredIterator,
                 fmt::format("Iterator expired. The iterator was created at time {} while right now it's {} "
                             "which is further in future than the tolerated delay of {} milliseconds.",
                             position.issued_ms, now, kShardIteratorLifetimeMs)};
  }
  auto info = context_->streams.find(position.stream_id);
  if (!info || info->arn() != arn) return Error::ResourceNotFound("Stream does not exist");
  if (position.after < info->trimmed_through) {
    return Error{ddb::ErrorCode::kTrimmedDataAccess,
                 "The operation attempted to read past the oldest stream record in a shard."};
  }
  // An open shard is read up to the last settled number (a smaller one
  // still being written would otherwise be skipped); a closed one to its end.
  const uint64_t through = info->ending_sequence.value_or(context_->stream_sequencer.settled_through());
  const size_t limit = static_cast<size_t>(request.limit.value_or(kMaxRecords));

  ddb::GetRecordsResponse response;
  uint64_t last = position.after;
  if (position.after < through) {
    auto it = context_->store.new_iterator(stream_keys::record_key(info->id, position.after + 1),
                                           stream_keys::record_key(info->id, through) + '\0');
    size_t bytes = 0;
    for (it->seek_to_first(); it->valid() && response.records.size() < limit; it->next()) {
      if (bytes > 0 && bytes + it->value().size() > kMaxRecordsBytes) break;
      bytes += it->value().size();
      TH_ASSIGN_OR_RETURN(StreamChange change, decode_stream_change(it->key(), it->value()));
      last = change.sequence;
      response.records.push_back(to_record(info->id, std::move(change)));
    }
    TH_RETURN_IF_ERROR(it->status());
    // Every record up to `through` was read: the next read starts there.
    if (!it->valid()) last = through;
  }
  // A closed shard read to its end has no next iterator.
  if (info->open() || last < through) {
    response.next_shard_iterator = encode_shard_iterator(arn, {info->id, last, now});
  }
  return response;
}

}  // namespace townhall::engine
