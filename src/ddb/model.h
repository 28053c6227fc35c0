// The parts of DynamoDB's API shapes that several operations share: key
// schemas, indexes, table descriptions, capacity, legacy conditions.
//
// Every shape lists its fields once, in describe(), with their DynamoDB JSON
// names; the wire codec (json_codec.h) reads and writes any shape from that
// list. Optional members are absent from the JSON when unset. Enumerated values
// (ReturnValues, ProjectionType, ...) stay strings: the store validates them,
// so a request passes through the remote client untouched.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ddb/attribute_value.h"

namespace townhall::ddb {

// Field flags for describe(): a required member missing from a request is a
// ValidationException ("Value null at 'tableName' ...").
enum class Field : uint8_t { kOptional, kRequired };

using NameMap = std::map<std::string, std::string, std::less<>>;  // ExpressionAttributeNames

struct KeySchemaElement {
  std::string attribute_name;
  std::string key_type;  // HASH | RANGE
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("AttributeName", s.attribute_name, Field::kRequired);
    v("KeyType", s.key_type, Field::kRequired);
  }
  bool operator==(const KeySchemaElement&) const = default;
};

struct AttributeDefinition {
  std::string attribute_name;
  std::string attribute_type;  // S | N | B
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("AttributeName", s.attribute_name, Field::kRequired);
    v("AttributeType", s.attribute_type, Field::kRequired);
  }
  bool operator==(const AttributeDefinition&) const = default;
};

struct Projection {
  std::optional<std::string> projection_type;  // ALL | KEYS_ONLY | INCLUDE
  std::optional<std::vector<std::string>> non_key_attributes;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("ProjectionType", s.projection_type);
    v("NonKeyAttributes", s.non_key_attributes);
  }
  bool operator==(const Projection&) const = default;
};

struct ProvisionedThroughput {
  int64_t read_capacity_units = 0;
  int64_t write_capacity_units = 0;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("ReadCapacityUnits", s.read_capacity_units, Field::kRequired);
    v("WriteCapacityUnits", s.write_capacity_units, Field::kRequired);
  }
};

struct ProvisionedThroughputDescription {
  std::optional<double> last_increase_date_time;
  std::optional<double> last_decrease_date_time;
  std::optional<int64_t> number_of_decreases_today;
  std::optional<int64_t> read_capacity_units;
  std::optional<int64_t> write_capacity_units;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("LastIncreaseDateTime", s.last_increase_date_time);
    v("LastDecreaseDateTime", s.last_decrease_date_time);
    v("NumberOfDecreasesToday", s.number_of_decreases_today);
    v("ReadCapacityUnits", s.read_capacity_units);
    v("WriteCapacityUnits", s.write_capacity_units);
  }
};

struct GlobalSecondaryIndex {
  std::string index_name;
  std::vector<KeySchemaElement> key_schema;
  Projection projection;
  std::optional<ProvisionedThroughput> provisioned_throughput;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("IndexName", s.index_name, Field::kRequired);
    v("KeySchema", s.key_schema, Field::kRequired);
    v("Projection", s.projection, Field::kRequired);
    v("ProvisionedThroughput", s.provisioned_throughput);
  }
};

struct LocalSecondaryIndex {
  std::string index_name;
  std::vector<KeySchemaElement> key_schema;
  Projection projection;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("IndexName", s.index_name, Field::kRequired);
    v("KeySchema", s.key_schema, Field::kRequired);
    v("Projection", s.projection, Field::kRequired);
  }
};

struct IndexDescription {  // GlobalSecondaryIndexDescription and LocalSecondaryIndexDescription
  std::optional<std::string> index_name;
  std::optional<std::vector<KeySchemaElement>> key_schema;
  std::optional<Projection> projection;
  std::optional<std::string> index_status;  // GSIs only: CREATING | UPDATING | DELETING | ACTIVE
  std::optional<bool> backfilling;
  std::optional<ProvisionedThroughputDescription> provisioned_throughput;
  std::optional<int64_t> index_size_bytes;
  std::optional<int64_t> item_count;
  std::optional<std::string> index_arn;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("IndexName", s.index_name);
    v("KeySchema", s.key_schema);
    v("Projection", s.projection);
    v("IndexStatus", s.index_status);
    v("Backfilling", s.backfilling);
    v("ProvisionedThroughput", s.provisioned_throughput);
    v("IndexSizeBytes", s.index_size_bytes);
    v("ItemCount", s.item_count);
    v("IndexArn", s.index_arn);
  }
};

struct BillingModeSummary {
  std::optional<std::string> billing_mode;
  std::optional<double> last_update_to_pay_per_request_date_time;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("BillingMode", s.billing_mode);
    v("LastUpdateToPayPerRequestDateTime", s.last_update_to_pay_per_request_date_time);
  }
};

struct StreamSpecification {
  bool stream_enabled = false;
  std::optional<std::string> stream_view_type;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("StreamEnabled", s.stream_enabled, Field::kRequired);
    v("StreamViewType", s.stream_view_type);
  }
};

struct SseSpecification {
  std::optional<bool> enabled;
  std::optional<std::string> sse_type;
  std::optional<std::string> kms_master_key_id;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Enabled", s.enabled);
    v("SSEType", s.sse_type);
    v("KMSMasterKeyId", s.kms_master_key_id);
  }
};

struct Tag {
  std::string key;
  std::string value;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Key", s.key, Field::kRequired);
    v("Value", s.value, Field::kRequired);
  }
  bool operator==(const Tag&) const = default;
};

struct TableDescription {
  std::optional<std::string> table_name;
  std::optional<std::string> table_status;  // CREATING | ACTIVE | DELETING | UPDATING
  std::optional<std::string> table_arn;
  std::optional<std::string> table_id;
  std::optional<double> creation_date_time;  // seconds since the epoch
  std::optional<std::vector<AttributeDefinition>> attribute_definitions;
  std::optional<std::vector<KeySchemaElement>> key_schema;
  std::optional<ProvisionedThroughputDescription> provisioned_throughput;
  std::optional<BillingModeSummary> billing_mode_summary;
  std::optional<int64_t> table_size_bytes;
  std::optional<int64_t> item_count;
  std::optional<std::vector<IndexDescription>> global_secondary_indexes;
  std::optional<std::vector<IndexDescription>> local_secondary_indexes;
  std::optional<StreamSpecification> stream_specification;
  std::optional<std::string> latest_stream_label;
  std::optional<std::string> latest_stream_arn;
  std::optional<bool> deletion_protection_enabled;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableName", s.table_name);
    v("TableStatus", s.table_status);
    v("TableArn", s.table_arn);
    v("TableId", s.table_id);
    v("CreationDateTime", s.creation_date_time);
    v("AttributeDefinitions", s.attribute_definitions);
    v("KeySchema", s.key_schema);
    v("ProvisionedThroughput", s.provisioned_throughput);
    v("BillingModeSummary", s.billing_mode_summary);
    v("TableSizeBytes", s.table_size_bytes);
    v("ItemCount", s.item_count);
    v("GlobalSecondaryIndexes", s.global_secondary_indexes);
    v("LocalSecondaryIndexes", s.local_secondary_indexes);
    v("StreamSpecification", s.stream_specification);
    v("LatestStreamLabel", s.latest_stream_label);
    v("LatestStreamArn", s.latest_stream_arn);
    v("DeletionProtectionEnabled", s.deletion_protection_enabled);
  }
};

struct Capacity {
  std::optional<double> capacity_units;
  std::optional<double> read_capacity_units;
  std::optional<double> write_capacity_units;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("CapacityUnits", s.capacity_units);
    v("ReadCapacityUnits", s.read_capacity_units);
    v("WriteCapacityUnits", s.write_capacity_units);
  }
};

struct ConsumedCapacity {
  std::optional<std::string> table_name;
  std::optional<double> capacity_units;
  std::optional<double> read_capacity_units;
  std::optional<double> write_capacity_units;
  std::optional<Capacity> table;
  std::optional<std::map<std::string, Capacity, std::less<>>> global_secondary_indexes;
  std::optional<std::map<std::string, Capacity, std::less<>>> local_secondary_indexes;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableName", s.table_name);
    v("CapacityUnits", s.capacity_units);
    v("ReadCapacityUnits", s.read_capacity_units);
    v("WriteCapacityUnits", s.write_capacity_units);
    v("Table", s.table);
    v("GlobalSecondaryIndexes", s.global_secondary_indexes);
    v("LocalSecondaryIndexes", s.local_secondary_indexes);
  }
};

struct ItemCollectionMetrics {
  std::optional<AttributeMap> item_collection_key;
  std::optional<std::vector<double>> size_estimate_range_gb;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("ItemCollectionKey", s.item_collection_key);
    v("SizeEstimateRangeGB", s.size_estimate_range_gb);
  }
};

// Legacy conditions (Expected, KeyConditions, QueryFilter, ScanFilter).
struct ExpectedAttributeValue {
  std::optional<AttributeValue> value;
  std::optional<bool> exists;
  std::optional<std::string> comparison_operator;
  std::optional<std::vector<AttributeValue>> attribute_value_list;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Value", s.value);
    v("Exists", s.exists);
    v("ComparisonOperator", s.comparison_operator);
    v("AttributeValueList", s.attribute_value_list);
  }
};

struct Condition {
  std::string comparison_operator;
  std::optional<std::vector<AttributeValue>> attribute_value_list;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("ComparisonOperator", s.comparison_operator, Field::kRequired);
    v("AttributeValueList", s.attribute_value_list);
  }
};

struct AttributeValueUpdate {  // legacy AttributeUpdates
  std::optional<AttributeValue> value;
  std::optional<std::string> action;  // PUT | ADD | DELETE
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Value", s.value);
    v("Action", s.action);
  }
};

using ExpectedMap = std::map<std::string, ExpectedAttributeValue, std::less<>>;
using ConditionMap = std::map<std::string, Condition, std::less<>>;

}  // namespace townhall::ddb
