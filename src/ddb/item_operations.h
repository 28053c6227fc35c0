// Requests and responses of DynamoDB's item operations: single items, Query
// and Scan. Expressions travel as text; the store parses them.
#pragma once

#include "ddb/model.h"

namespace townhall::ddb {

struct PutItemRequest {
  std::string table_name;
  AttributeMap item;
  std::optional<std::string> condition_expression;
  std::optional<NameMap> expression_attribute_names;
  std::optional<AttributeMap> expression_attribute_values;
  std::optional<std::string> return_values;             // NONE | ALL_OLD
  std::optional<std::string> return_consumed_capacity;  // INDEXES | TOTAL | NONE
  std::optional<std::string> return_item_collection_metrics;
  std::optional<std::string> return_values_on_condition_check_failure;  // NONE | ALL_OLD
  std::optional<ExpectedMap> expected;
  std::optional<std::string> conditional_operator;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableName", s.table_name, Field::kRequired);
    v("Item", s.item, Field::kRequired);
    v("ConditionExpression", s.condition_expression);
    v("ExpressionAttributeNames", s.expression_attribute_names);
    v("ExpressionAttributeValues", s.expression_attribute_values);
    v("ReturnValues", s.return_values);
    v("ReturnConsumedCapacity", s.return_consumed_capacity);
    v("ReturnItemCollectionMetrics", s.return_item_collection_metrics);
    v("ReturnValuesOnConditionCheckFailure", s.return_values_on_condition_check_failure);
    v("Expected", s.expected);
    v("ConditionalOperator", s.conditional_operator);
  }
};
struct PutItemResponse {
  std::optional<AttributeMap> attributes;
  std::optional<ConsumedCapacity> consumed_capacity;
  std::optional<ItemCollectionMetrics> item_collection_metrics;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Attributes", s.attributes);
    v("ConsumedCapacity", s.consumed_capacity);
    v("ItemCollectionMetrics", s.item_collection_metrics);
  }
};

struct GetItemRequest {
  std::string table_name;
  AttributeMap key;
  std::optional<std::string> projection_expression;
  std::optional<NameMap> expression_attribute_names;
  std::optional<bool> consistent_read;
  std::optional<std::string> return_consumed_capacity;
  std::optional<std::vector<std::string>> attributes_to_get;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableName", s.table_name, Field::kRequired);
    v("Key", s.key, Field::kRequired);
    v("ProjectionExpression", s.projection_expression);
    v("ExpressionAttributeNames", s.expression_attribute_names);
    v("ConsistentRead", s.consistent_read);
    v("ReturnConsumedCapacity", s.return_consumed_capacity);
    v("AttributesToGet", s.attributes_to_get);
  }
};
struct GetItemResponse {
  std::optional<AttributeMap> item;
  std::optional<ConsumedCapacity> consumed_capacity;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Item", s.item);
    v("ConsumedCapacity", s.consumed_capacity);
  }
};

struct UpdateItemRequest {
  std::string table_name;
  AttributeMap key;
  std::optional<std::string> update_expression;
  std::optional<std::string> condition_expression;
  std::optional<NameMap> expression_attribute_names;
  std::optional<AttributeMap> expression_attribute_values;
  std::optional<std::string> return_values;  // NONE | ALL_OLD | UPDATED_OLD | ALL_NEW | UPDATED_NEW
  std::optional<std::string> return_consumed_capacity;
  std::optional<std::string> return_item_collection_metrics;
  std::optional<std::string> return_values_on_condition_check_failure;
  std::optional<std::map<std::string, AttributeValueUpdate, std::less<>>> attribute_updates;
  std::optional<ExpectedMap> expected;
  std::optional<std::string> conditional_operator;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableName", s.table_name, Field::kRequired);
    v("Key", s.key, Field::kRequired);
    v("UpdateExpression", s.update_expression);
    v("ConditionExpression", s.condition_expression);
    v("ExpressionAttributeNames", s.expression_attribute_names);
    v("ExpressionAttributeValues", s.expression_attribute_values);
    v("ReturnValues", s.return_values);
    v("ReturnConsumedCapacity", s.return_consumed_capacity);
    v("ReturnItemCollectionMetrics", s.return_item_collection_metrics);
    v("ReturnValuesOnConditionCheckFailure", s.return_values_on_condition_check_failure);
    v("AttributeUpdates", s.attribute_updates);
    v("Expected", s.expected);
    v("ConditionalOperator", s.conditional_operator);
  }
};
struct UpdateItemResponse : PutItemResponse {};

struct DeleteItemRequest {
  std::string table_name;
  AttributeMap key;
  std::optional<std::string> condition_expression;
  std::optional<NameMap> expression_attribute_names;
  std::optional<AttributeMap> expression_attribute_values;
  std::optional<std::string> return_values;  // NONE | ALL_OLD
  std::optional<std::string> return_consumed_capacity;
  std::optional<std::string> return_item_collection_metrics;
  std::optional<std::string> return_values_on_condition_check_failure;
  std::optional<ExpectedMap> expected;
  std::optional<std::string> conditional_operator;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableName", s.table_name, Field::kRequired);
    v("Key", s.key, Field::kRequired);
    v("ConditionExpression", s.condition_expression);
    v("ExpressionAttributeNames", s.expression_attribute_names);
    v("ExpressionAttributeValues", s.expression_attribute_values);
    v("ReturnValues", s.return_values);
    v("ReturnConsumedCapacity", s.return_consumed_capacity);
    v("ReturnItemCollectionMetrics", s.return_item_collection_metrics);
    v("ReturnValuesOnConditionCheckFailure", s.return_values_on_condition_check_failure);
    v("Expected", s.expected);
    v("ConditionalOperator", s.conditional_operator);
  }
};
struct DeleteItemResponse : PutItemResponse {};

struct QueryRequest {
  std::string table_name;
  std::optional<std::string> index_name;
  std::optional<std::string> key_condition_expression;
  std::optional<std::string> filter_expression;
  std::optional<std::string> projection_expression;
  std::optional<NameMap> expression_attribute_names;
  std::optional<AttributeMap> expression_attribute_values;
  std::optional<std::string>
      select;  // ALL_ATTRIBUTES | ALL_PROJECTED_ATTRIBUTES | SPECIFIC_ATTRIBUTES | COUNT
  std::optional<int64_t> limit;
  std::optional<bool> consistent_read;
  std::optional<bool> scan_index_forward;
  std::optional<AttributeMap> exclusive_start_key;
  std::optional<std::string> return_consumed_capacity;
  std::optional<ConditionMap> key_conditions;
  std::optional<ConditionMap> query_filter;
  std::optional<std::string> conditional_operator;
  std::optional<std::vector<std::string>> attributes_to_get;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableName", s.table_name, Field::kRequired);
    v("IndexName", s.index_name);
    v("KeyConditionExpression", s.key_condition_expression);
    v("FilterExpression", s.filter_expression);
    v("ProjectionExpression", s.projection_expression);
    v("ExpressionAttributeNames", s.expression_attribute_names);
    v("ExpressionAttributeValues", s.expression_attribute_values);
    v("Select", s.select);
    v("Limit", s.limit);
    v("ConsistentRead", s.consistent_read);
    v("ScanIndexForward", s.scan_index_forward);
    v("ExclusiveStartKey", s.exclusive_start_key);
    v("ReturnConsumedCapacity", s.return_consumed_capacity);
    v("KeyConditions", s.key_conditions);
    v("QueryFilter", s.query_filter);
    v("ConditionalOperator", s.conditional_operator);
    v("AttributesToGet", s.attributes_to_get);
  }
};
struct QueryResponse {                             // also ScanResponse
  std::optional<std::vector<AttributeMap>> items;  // absent when Select=COUNT
  int64_t count = 0;
  int64_t scanned_count = 0;
  std::optional<AttributeMap> last_evaluated_key;
  std::optional<ConsumedCapacity> consumed_capacity;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Items", s.items);
    v("Count", s.count);
    v("ScannedCount", s.scanned_count);
    v("LastEvaluatedKey", s.last_evaluated_key);
    v("ConsumedCapacity", s.consumed_capacity);
  }
};
struct ScanResponse : QueryResponse {};

struct ScanRequest {
  std::string table_name;
  std::optional<std::string> index_name;
  std::optional<std::string> filter_expression;
  std::optional<std::string> projection_expression;
  std::optional<NameMap> expression_attribute_names;
  std::optional<AttributeMap> expression_attribute_values;
  std::optional<std::string> select;
  std::optional<int64_t> limit;
  std::optional<bool> consistent_read;
  std::optional<AttributeMap> exclusive_start_key;
  std::optional<int64_t> segment;
  std::optional<int64_t> total_segments;
  std::optional<std::string> return_consumed_capacity;
  std::optional<ConditionMap> scan_filter;
  std::optional<std::string> conditional_operator;
  std::optional<std::vector<std::string>> attributes_to_get;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableName", s.table_name, Field::kRequired);
    v("IndexName", s.index_name);
    v("FilterExpression", s.filter_expression);
    v("ProjectionExpression", s.projection_expression);
    v("ExpressionAttributeNames", s.expression_attribute_names);
    v("ExpressionAttributeValues", s.expression_attribute_values);
    v("Select", s.select);
    v("Limit", s.limit);
    v("ConsistentRead", s.consistent_read);
    v("ExclusiveStartKey", s.exclusive_start_key);
    v("Segment", s.segment);
    v("TotalSegments", s.total_segments);
    v("ReturnConsumedCapacity", s.return_consumed_capacity);
    v("ScanFilter", s.scan_filter);
    v("ConditionalOperator", s.conditional_operator);
    v("AttributesToGet", s.attributes_to_get);
  }
};

}  // namespace townhall::ddb
