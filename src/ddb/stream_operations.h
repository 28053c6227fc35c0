// Requests and responses of the DynamoDB Streams API
// (X-Amz-Target: DynamoDBStreams_20120810.*): the change log of a table with
// a StreamSpecification, read as one or more shards of ordered records.
#pragma once

#include "ddb/model.h"

namespace townhall::ddb {

struct StreamSummary {
  std::optional<std::string> stream_arn;
  std::optional<std::string> table_name;
  std::optional<std::string> stream_label;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("StreamArn", s.stream_arn);
    v("TableName", s.table_name);
    v("StreamLabel", s.stream_label);
  }
};

struct SequenceNumberRange {
  std::optional<std::string> starting_sequence_number;
  std::optional<std::string> ending_sequence_number;  // set once the shard is closed
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("StartingSequenceNumber", s.starting_sequence_number);
    v("EndingSequenceNumber", s.ending_sequence_number);
  }
};

struct Shard {
  std::optional<std::string> shard_id;
  std::optional<SequenceNumberRange> sequence_number_range;
  std::optional<std::string> parent_shard_id;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("ShardId", s.shard_id);
    v("SequenceNumberRange", s.sequence_number_range);
    v("ParentShardId", s.parent_shard_id);
  }
};

struct StreamDescription {
  std::optional<std::string> stream_arn;
  std::optional<std::string> stream_label;
  std::optional<std::string> stream_status;          // ENABLING | ENABLED | DISABLING | DISABLED
  std::optional<std::string> stream_view_type;       // KEYS_ONLY | NEW_IMAGE | OLD_IMAGE | NEW_AND_OLD_IMAGES
  std::optional<double> creation_request_date_time;  // seconds since the epoch
  std::optional<std::string> table_name;
  std::optional<std::vector<KeySchemaElement>> key_schema;
  std::optional<std::vector<Shard>> shards;
  std::optional<std::string> last_evaluated_shard_id;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("StreamArn", s.stream_arn);
    v("StreamLabel", s.stream_label);
    v("StreamStatus", s.stream_status);
    v("StreamViewType", s.stream_view_type);
    v("CreationRequestDateTime", s.creation_request_date_time);
    v("TableName", s.table_name);
    v("KeySchema", s.key_schema);
    v("Shards", s.shards);
    v("LastEvaluatedShardId", s.last_evaluated_shard_id);
  }
};

// The "dynamodb" member of a record: what changed.
struct StreamRecord {
  std::optional<double> approximate_creation_date_time;  // seconds since the epoch
  std::optional<AttributeMap> keys;
  std::optional<AttributeMap> new_image;
  std::optional<AttributeMap> old_image;
  std::optional<std::string> sequence_number;
  std::optional<int64_t> size_bytes;
  std::optional<std::string> stream_view_type;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("ApproximateCreationDateTime", s.approximate_creation_date_time);
    v("Keys", s.keys);
    v("NewImage", s.new_image);
    v("OldImage", s.old_image);
    v("SequenceNumber", s.sequence_number);
    v("SizeBytes", s.size_bytes);
    v("StreamViewType", s.stream_view_type);
  }
};

// Who made the change; present only for Time to Live deletions.
struct Identity {
  std::optional<std::string> principal_id;
  std::optional<std::string> type;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("PrincipalId", s.principal_id);
    v("Type", s.type);
  }
};

struct Record {
  std::optional<std::string> event_id;
  std::optional<std::string> event_name;  // INSERT | MODIFY | REMOVE
  std::optional<std::string> event_version;
  std::optional<std::string> event_source;
  std::optional<std::string> aws_region;
  std::optional<StreamRecord> dynamodb;
  std::optional<Identity> user_identity;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("eventID", s.event_id);
    v("eventName", s.event_name);
    v("eventVersion", s.event_version);
    v("eventSource", s.event_source);
    v("awsRegion", s.aws_region);
    v("dynamodb", s.dynamodb);
    v("userIdentity", s.user_identity);
  }
};

struct ListStreamsRequest {
  std::optional<std::string> table_name;
  std::optional<int64_t> limit;
  std::optional<std::string> exclusive_start_stream_arn;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableName", s.table_name);
    v("Limit", s.limit);
    v("ExclusiveStartStreamArn", s.exclusive_start_stream_arn);
  }
};
struct ListStreamsResponse {
  std::vector<StreamSummary> streams;
  std::optional<std::string> last_evaluated_stream_arn;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Streams", s.streams);
    v("LastEvaluatedStreamArn", s.last_evaluated_stream_arn);
  }
};

struct DescribeStreamRequest {
  std::string stream_arn;
  std::optional<int64_t> limit;
  std::optional<std::string> exclusive_start_shard_id;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("StreamArn", s.stream_arn, Field::kRequired);
    v("Limit", s.limit);
    v("ExclusiveStartShardId", s.exclusive_start_shard_id);
  }
};
struct DescribeStreamResponse {
  StreamDescription stream_description;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("StreamDescription", s.stream_description);
  }
};

struct GetShardIteratorRequest {
  std::string stream_arn;
  std::string shard_id;
  std::string shard_iterator_type;  // TRIM_HORIZON | LATEST | AT_SEQUENCE_NUMBER | AFTER_SEQUENCE_NUMBER
  std::optional<std::string> sequence_number;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("StreamArn", s.stream_arn, Field::kRequired);
    v("ShardId", s.shard_id, Field::kRequired);
    v("ShardIteratorType", s.shard_iterator_type, Field::kRequired);
    v("SequenceNumber", s.sequence_number);
  }
};
struct GetShardIteratorResponse {
  std::optional<std::string> shard_iterator;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("ShardIterator", s.shard_iterator);
  }
};

struct GetRecordsRequest {
  std::string shard_iterator;
  std::optional<int64_t> limit;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("ShardIterator", s.shard_iterator, Field::kRequired);
    v("Limit", s.limit);
  }
};
struct GetRecordsResponse {
  std::vector<Record> records;
  std::optional<std::string> next_shard_iterator;  // absent once a closed shard is read to its end
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Records", s.records);
    v("NextShardIterator", s.next_shard_iterator);
  }
};

}  // namespace townhall::ddb
