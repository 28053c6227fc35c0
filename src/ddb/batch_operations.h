// Requests and responses of DynamoDB's multi-item operations: batches and
// transactions.
#pragma once

#include "ddb/model.h"

namespace townhall::ddb {

struct KeysAndAttributes {
  std::vector<AttributeMap> keys;
  std::optional<std::string> projection_expression;
  std::optional<NameMap> expression_attribute_names;
  std::optional<bool> consistent_read;
  std::optional<std::vector<std::string>> attributes_to_get;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Keys", s.keys, Field::kRequired);
    v("ProjectionExpression", s.projection_expression);
    v("ExpressionAttributeNames", s.expression_attribute_names);
    v("ConsistentRead", s.consistent_read);
    v("AttributesToGet", s.attributes_to_get);
  }
};
using KeysByTable = std::map<std::string, KeysAndAttributes, std::less<>>;

struct BatchGetItemRequest {
  KeysByTable request_items;
  std::optional<std::string> return_consumed_capacity;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("RequestItems", s.request_items, Field::kRequired);
    v("ReturnConsumedCapacity", s.return_consumed_capacity);
  }
};
struct BatchGetItemResponse {
  std::map<std::string, std::vector<AttributeMap>, std::less<>> responses;
  KeysByTable unprocessed_keys;
  std::optional<std::vector<ConsumedCapacity>> consumed_capacity;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Responses", s.responses);
    v("UnprocessedKeys", s.unprocessed_keys);
    v("ConsumedCapacity", s.consumed_capacity);
  }
};

struct PutRequest {
  AttributeMap item;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Item", s.item, Field::kRequired);
  }
};
struct DeleteRequest {
  AttributeMap key;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Key", s.key, Field::kRequired);
  }
};
struct WriteRequest {  // exactly one of the two
  std::optional<PutRequest> put_request;
  std::optional<DeleteRequest> delete_request;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("PutRequest", s.put_request);
    v("DeleteRequest", s.delete_request);
  }
};
using WritesByTable = std::map<std::string, std::vector<WriteRequest>, std::less<>>;

struct BatchWriteItemRequest {
  WritesByTable request_items;
  std::optional<std::string> return_consumed_capacity;
  std::optional<std::string> return_item_collection_metrics;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("RequestItems", s.request_items, Field::kRequired);
    v("ReturnConsumedCapacity", s.return_consumed_capacity);
    v("ReturnItemCollectionMetrics", s.return_item_collection_metrics);
  }
};
struct BatchWriteItemResponse {
  WritesByTable unprocessed_items;
  std::optional<std::vector<ConsumedCapacity>> consumed_capacity;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("UnprocessedItems", s.unprocessed_items);
    v("ConsumedCapacity", s.consumed_capacity);
  }
};

struct Get {
  std::string table_name;
  AttributeMap key;
  std::optional<std::string> projection_expression;
  std::optional<NameMap> expression_attribute_names;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableName", s.table_name, Field::kRequired);
    v("Key", s.key, Field::kRequired);
    v("ProjectionExpression", s.projection_expression);
    v("ExpressionAttributeNames", s.expression_attribute_names);
  }
};
struct TransactGetItem {
  Get get;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Get", s.get, Field::kRequired);
  }
};
struct TransactGetItemsRequest {
  std::vector<TransactGetItem> transact_items;
  std::optional<std::string> return_consumed_capacity;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TransactItems", s.transact_items, Field::kRequired);
    v("ReturnConsumedCapacity", s.return_consumed_capacity);
  }
};
struct ItemResponse {
  std::optional<AttributeMap> item;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Item", s.item);
  }
};
struct TransactGetItemsResponse {
  std::vector<ItemResponse> responses;
  std::optional<std::vector<ConsumedCapacity>> consumed_capacity;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Responses", s.responses);
    v("ConsumedCapacity", s.consumed_capacity);
  }
};

// The four kinds of TransactWriteItems action share these members.
struct TransactWriteAction {
  std::string table_name;
  std::optional<AttributeMap> key;               // ConditionCheck, Update, Delete
  std::optional<AttributeMap> item;              // Put
  std::optional<std::string> update_expression;  // Update
  std::optional<std::string> condition_expression;
  std::optional<NameMap> expression_attribute_names;
  std::optional<AttributeMap> expression_attribute_values;
  std::optional<std::string> return_values_on_condition_check_failure;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TableName", s.table_name, Field::kRequired);
    v("Key", s.key);
    v("Item", s.item);
    v("UpdateExpression", s.update_expression);
    v("ConditionExpression", s.condition_expression);
    v("ExpressionAttributeNames", s.expression_attribute_names);
    v("ExpressionAttributeValues", s.expression_attribute_values);
    v("ReturnValuesOnConditionCheckFailure", s.return_values_on_condition_check_failure);
  }
};
struct TransactWriteItem {  // exactly one of the four
  std::optional<TransactWriteAction> condition_check;
  std::optional<TransactWriteAction> put;
  std::optional<TransactWriteAction> delete_;
  std::optional<TransactWriteAction> update;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("ConditionCheck", s.condition_check);
    v("Put", s.put);
    v("Delete", s.delete_);
    v("Update", s.update);
  }
};
struct TransactWriteItemsRequest {
  std::vector<TransactWriteItem> transact_items;
  std::optional<std::string> client_request_token;
  std::optional<std::string> return_consumed_capacity;
  std::optional<std::string> return_item_collection_metrics;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TransactItems", s.transact_items, Field::kRequired);
    v("ClientRequestToken", s.client_request_token);
    v("ReturnConsumedCapacity", s.return_consumed_capacity);
    v("ReturnItemCollectionMetrics", s.return_item_collection_metrics);
  }
};
struct TransactWriteItemsResponse {
  std::optional<std::vector<ConsumedCapacity>> consumed_capacity;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("ConsumedCapacity", s.consumed_capacity);
  }
};

}  // namespace townhall::ddb
