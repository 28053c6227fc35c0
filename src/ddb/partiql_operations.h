// Requests and responses of DynamoDB's PartiQL operations: ExecuteStatement,
// BatchExecuteStatement and ExecuteTransaction (ddb/partiql/executor.h runs
// them over any Database).
#pragma once

#include "ddb/batch_operations.h"
#include "ddb/model.h"

namespace townhall::ddb {

struct ExecuteStatementRequest {
  std::string statement;
  std::optional<std::vector<AttributeValue>> parameters;
  std::optional<bool> consistent_read;
  std::optional<std::string> next_token;
  std::optional<std::string> return_consumed_capacity;
  std::optional<int64_t> limit;
  std::optional<std::string> return_values_on_condition_check_failure;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Statement", s.statement, Field::kRequired);
    v("Parameters", s.parameters);
    v("ConsistentRead", s.consistent_read);
    v("NextToken", s.next_token);
    v("ReturnConsumedCapacity", s.return_consumed_capacity);
    v("Limit", s.limit);
    v("ReturnValuesOnConditionCheckFailure", s.return_values_on_condition_check_failure);
  }
};
struct ExecuteStatementResponse {
  std::vector<AttributeMap> items;
  std::optional<std::string> next_token;
  std::optional<ConsumedCapacity> consumed_capacity;
  std::optional<AttributeMap> last_evaluated_key;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Items", s.items);
    v("NextToken", s.next_token);
    v("ConsumedCapacity", s.consumed_capacity);
    v("LastEvaluatedKey", s.last_evaluated_key);
  }
};

struct BatchStatementRequest {
  std::string statement;
  std::optional<std::vector<AttributeValue>> parameters;
  std::optional<bool> consistent_read;
  std::optional<std::string> return_values_on_condition_check_failure;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Statement", s.statement, Field::kRequired);
    v("Parameters", s.parameters);
    v("ConsistentRead", s.consistent_read);
    v("ReturnValuesOnConditionCheckFailure", s.return_values_on_condition_check_failure);
  }
};
struct BatchStatementError {
  // ConditionalCheckFailed | DuplicateItem | ValidationError | ResourceNotFound | ...
  std::optional<std::string> code;
  std::optional<std::string> message;
  std::optional<AttributeMap> item;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Code", s.code);
    v("Message", s.message);
    v("Item", s.item);
  }
};
struct BatchStatementResponse {
  std::optional<BatchStatementError> error;
  std::optional<std::string> table_name;
  std::optional<AttributeMap> item;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Error", s.error);
    v("TableName", s.table_name);
    v("Item", s.item);
  }
};
struct BatchExecuteStatementRequest {
  std::vector<BatchStatementRequest> statements;
  std::optional<std::string> return_consumed_capacity;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Statements", s.statements, Field::kRequired);
    v("ReturnConsumedCapacity", s.return_consumed_capacity);
  }
};
struct BatchExecuteStatementResponse {
  std::vector<BatchStatementResponse> responses;
  std::optional<std::vector<ConsumedCapacity>> consumed_capacity;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Responses", s.responses);
    v("ConsumedCapacity", s.consumed_capacity);
  }
};

struct ParameterizedStatement {
  std::string statement;
  std::optional<std::vector<AttributeValue>> parameters;
  std::optional<std::string> return_values_on_condition_check_failure;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Statement", s.statement, Field::kRequired);
    v("Parameters", s.parameters);
    v("ReturnValuesOnConditionCheckFailure", s.return_values_on_condition_check_failure);
  }
};
struct ExecuteTransactionRequest {
  std::vector<ParameterizedStatement> transact_statements;
  std::optional<std::string> client_request_token;
  std::optional<std::string> return_consumed_capacity;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("TransactStatements", s.transact_statements, Field::kRequired);
    v("ClientRequestToken", s.client_request_token);
    v("ReturnConsumedCapacity", s.return_consumed_capacity);
  }
};
struct ExecuteTransactionResponse {
  std::optional<std::vector<ItemResponse>> responses;
  std::optional<std::vector<ConsumedCapacity>> consumed_capacity;
  template <class S, class V>
  static void describe(S& s, V& v) {
    v("Responses", s.responses);
    v("ConsumedCapacity", s.consumed_capacity);
  }
};

}  // namespace townhall::ddb
