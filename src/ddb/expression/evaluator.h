// Evaluates condition trees (ConditionExpression, FilterExpression, Expected,
// QueryFilter, ScanFilter) against an item, with DynamoDB's semantics:
// comparisons between values of different types are false rather than errors,
// < <= > >= and BETWEEN order only S, N and B, sets compare as sets, and a
// function applied to a value of the wrong type makes its condition false.
//
// Thread-safe: pure functions over immutable inputs.
#pragma once

#include "ddb/attribute_value.h"
#include "ddb/expression/ast.h"

namespace townhall::ddb::expr {

// The value at path in item, or nullptr when the path does not lead to one.
const AttributeValue* find_path(const AttributeMap& item, const Path& path, const Bindings& bindings);

// The value of operand (a path, a :value or size()) against item, or nullptr
// when it has none (a missing attribute, size() of a number). storage holds a
// computed value. item may be nullptr (no item).
const AttributeValue* evaluate_operand(const Operand& operand, const AttributeMap* item,
                                       const Bindings& bindings, AttributeValue& storage);

// Whether condition holds for item (nullptr: no item, every path is missing).
bool evaluate(const Condition& condition, const AttributeMap* item, const Bindings& bindings);

// DynamoDB's ordering of two values of the same scalar type (S, N or B); false
// when they cannot be ordered. Sets *result to <0, 0 or >0.
bool compare_scalars(const AttributeValue& a, const AttributeValue& b, int* result);

// size(): characters of S, bytes of B, elements of sets, L and M; false for other types.
bool value_size(const AttributeValue& value, int64_t* size);

}  // namespace townhall::ddb::expr
