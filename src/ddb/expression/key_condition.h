// Reduces a Query's key condition (KeyConditionExpression or legacy
// KeyConditions) to the one or two conditions a key range can serve, with
// DynamoDB's errors for anything else (OR, NOT, IN, <>, functions other than
// begins_with, nested paths, two conditions on one key, ...).
//
// Thread-safe: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include "ddb/expression.h"
#include "ddb/expression/ast.h"
#include "ddb/model.h"
#include "ddb/result.h"

namespace townhall::ddb::expr {

// The conditions of a bound KeyConditionExpression, in the order written.
Result<std::vector<SortKeyCondition>> reduce_key_condition(const Tree& tree, const Bindings& bindings);

// The conditions of legacy KeyConditions.
Result<std::vector<SortKeyCondition>> reduce_key_conditions(const ConditionMap& conditions);

// Which condition is on the partition key when the schema is not known: the
// only one, or the only equality of two, or else the first one written.
Result<KeyCondition> orient_without_schema(const std::vector<SortKeyCondition>& conditions);

// The conditions matched against a key schema (sort_key empty: none).
Result<KeyCondition> orient_with_schema(const std::vector<SortKeyCondition>& conditions,
                                        std::string_view partition_key, std::string_view sort_key);

}  // namespace townhall::ddb::expr
