// Requests and responses of DynamoDB's table operations (control plane).
#pragma once

#include "ddb/model.h"

namespace townhall::ddb {

struct CreateTableRequest {
  std::string table_name;
  std::vector<AttributeDefinition> attribute_definitions;
  std::vector<KeySchemaElement> key_schema;
  std::optional<std::vector<LocalSecondaryIndex>> local_secondary_indexes;
  std::optional<std::vector<GlobalSecondaryIndex>> global_secondary_indexes;
  std::optional<std::string> billing_mode;  // PROVISIONED | PAY_PER_REQUEST
  std::optional<ProvisionedThroughput> provisioned_throughput;
  std::optional<StreamSpecification> stream_specification;
  std::optional<SseSpecification> sse_specification;
  std::optional<std::vector<Tag>> tags;
  std::optional<std::string> table_class;
  std::optional<bool> deletion_protection_enabled;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableName", s.table_name, Field::kRequired);
    v("AttributeDefinitions", s.attribute_definitions, Field::kRequired);
    v("KeySchema", s.key_schema, Field::kRequired);
    v("LocalSecondaryIndexes", s.local_secondary_indexes);
    v("GlobalSecondaryIndexes", s.global_secondary_indexes);
    v("BillingMode", s.billing_mode);
    v("ProvisionedThroughput", s.provisioned_throughput);
    v("StreamSpecification", s.stream_specification);
    v("SSESpecification", s.sse_specification);
    v("Tags", s.tags);
    v("TableClass", s.table_class);
    v("DeletionProtectionEnabled", s.deletion_protection_enabled);
  }
};
struct CreateTableResponse {
  TableDescription table_description;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableDescription", s.table_description);
  }
};

struct DeleteTableRequest {
  std::string table_name;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableName", s.table_name, Field::kRequired);
  }
};
struct DeleteTableResponse {
  TableDescription table_description;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableDescription", s.table_description);
  }
};

struct DescribeTableRequest {
  std::string table_name;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableName", s.table_name, Field::kRequired);
  }
};
struct DescribeTableResponse {
  TableDescription table;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Table", s.table);
  }
};

struct ListTablesRequest {
  std::optional<std::string> exclusive_start_table_name;
  std::optional<int64_t> limit;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("ExclusiveStartTableName", s.exclusive_start_table_name);
    v("Limit", s.limit);
  }
};
struct ListTablesResponse {
  std::vector<std::string> table_names;
  std::optional<std::string> last_evaluated_table_name;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableNames", s.table_names);
    v("LastEvaluatedTableName", s.last_evaluated_table_name);
  }
};

struct CreateGlobalSecondaryIndexAction {
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
struct UpdateGlobalSecondaryIndexAction {
  std::string index_name;
  std::optional<ProvisionedThroughput> provisioned_throughput;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("IndexName", s.index_name, Field::kRequired);
    v("ProvisionedThroughput", s.provisioned_throughput);
  }
};
struct DeleteGlobalSecondaryIndexAction {
  std::string index_name;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("IndexName", s.index_name, Field::kRequired);
  }
};
struct GlobalSecondaryIndexUpdate {
  std::optional<CreateGlobalSecondaryIndexAction> create;
  std::optional<UpdateGlobalSecondaryIndexAction> update;
  std::optional<DeleteGlobalSecondaryIndexAction> delete_;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Create", s.create);
    v("Update", s.update);
    v("Delete", s.delete_);
  }
};

struct UpdateTableRequest {
  std::string table_name;
  std::optional<std::vector<AttributeDefinition>> attribute_definitions;
  std::optional<std::string> billing_mode;
  std::optional<ProvisionedThroughput> provisioned_throughput;
  std::optional<std::vector<GlobalSecondaryIndexUpdate>> global_secondary_index_updates;
  std::optional<StreamSpecification> stream_specification;
  std::optional<SseSpecification> sse_specification;
  std::optional<std::string> table_class;
  std::optional<bool> deletion_protection_enabled;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableName", s.table_name, Field::kRequired);
    v("AttributeDefinitions", s.attribute_definitions);
    v("BillingMode", s.billing_mode);
    v("ProvisionedThroughput", s.provisioned_throughput);
    v("GlobalSecondaryIndexUpdates", s.global_secondary_index_updates);
    v("StreamSpecification", s.stream_specification);
    v("SSESpecification", s.sse_specification);
    v("TableClass", s.table_class);
    v("DeletionProtectionEnabled", s.deletion_protection_enabled);
  }
};
struct UpdateTableResponse {
  TableDescription table_description;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableDescription", s.table_description);
  }
};

struct TimeToLiveSpecification {
  bool enabled = false;
  std::string attribute_name;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Enabled", s.enabled, Field::kRequired);
    v("AttributeName", s.attribute_name, Field::kRequired);
  }
};
struct TimeToLiveDescription {
  std::optional<std::string> time_to_live_status;  // ENABLED | DISABLED | ENABLING | DISABLING
  std::optional<std::string> attribute_name;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TimeToLiveStatus", s.time_to_live_status);
    v("AttributeName", s.attribute_name);
  }
};

struct DescribeTimeToLiveRequest {
  std::string table_name;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableName", s.table_name, Field::kRequired);
  }
};
struct DescribeTimeToLiveResponse {
  TimeToLiveDescription time_to_live_description;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TimeToLiveDescription", s.time_to_live_description);
  }
};

struct UpdateTimeToLiveRequest {
  std::string table_name;
  TimeToLiveSpecification time_to_live_specification;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableName", s.table_name, Field::kRequired);
    v("TimeToLiveSpecification", s.time_to_live_specification, Field::kRequired);
  }
};
struct UpdateTimeToLiveResponse {
  TimeToLiveSpecification time_to_live_specification;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TimeToLiveSpecification", s.time_to_live_specification);
  }
};

struct TagResourceRequest {
  std::string resource_arn;
  std::vector<Tag> tags;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("ResourceArn", s.resource_arn, Field::kRequired);
    v("Tags", s.tags, Field::kRequired);
  }
};
struct TagResourceResponse {
  template <class S, class V>
  static void describe(S&, V&) {}
};

struct UntagResourceRequest {
  std::string resource_arn;
  std::vector<std::string> tag_keys;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("ResourceArn", s.resource_arn, Field::kRequired);
    v("TagKeys", s.tag_keys, Field::kRequired);
  }
};
struct UntagResourceResponse {
  template <class S, class V>
  static void describe(S&, V&) {}
};

struct ListTagsOfResourceRequest {
  std::string resource_arn;
  std::optional<std::string> next_token;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("ResourceArn", s.resource_arn, Field::kRequired);
    v("NextToken", s.next_token);
  }
};
struct ListTagsOfResourceResponse {
  std::vector<Tag> tags;
  std::optional<std::string> next_token;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Tags", s.tags);
    v("NextToken", s.next_token);
  }
};

struct DescribeEndpointsRequest {
  template <class S, class V>
  static void describe(S&, V&) {}
};
struct Endpoint {
  std::string address;
  int64_t cache_period_in_minutes = 1440;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Address", s.address, Field::kRequired);
    v("CachePeriodInMinutes", s.cache_period_in_minutes, Field::kRequired);
  }
};
struct DescribeEndpointsResponse {
  std::vector<Endpoint> endpoints;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Endpoints", s.endpoints);
  }
};

}  // namespace townhall::ddb
