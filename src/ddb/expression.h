// DynamoDB's expression language, as the store uses it: key conditions,
// conditions, filters, updates and projections of one request, parsed once
// (syntax trees are cached by their text), with #name and :value placeholders
// resolved and checked the way DynamoDB checks them (every placeholder
// defined, every supplied name and value used).
//
// The legacy parameters (Expected, AttributeUpdates, KeyConditions,
// QueryFilter, ScanFilter, AttributesToGet, ConditionalOperator) are turned
// into the same trees, so the store has one code path for both.
//
// Thread-safety: an Expressions object is immutable after construction and
// may be shared between threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ddb/batch_operations.h"
#include "ddb/item_operations.h"
#include "ddb/result.h"

namespace townhall::ddb {

// The key condition of a Query, reduced to what the store needs to plan a
// range scan. The store checks the names against the table's or index's schema.
struct SortKeyCondition {
  enum class Op { kEq, kLt, kLe, kGt, kGe, kBetween, kBeginsWith };
  Op op = Op::kEq;
  std::string attribute;
  AttributeValue value;
  AttributeValue upper;  // kBetween only
};
struct KeyCondition {
  std::string partition_attribute;
  AttributeValue partition_value;
  std::optional<SortKeyCondition> sort;
};

// One element of a document path: a map key or a list index.
struct PathElement {
  std::string name;  // empty for a list index
  long index = -1;
  bool operator==(const PathElement&) const = default;
};
using DocumentPath = std::vector<PathElement>;

class Expressions {
 public:
  // Which action of a TransactWriteItems a TransactWriteAction is.
  enum class TransactKind { kConditionCheck, kPut, kDelete, kUpdate };

  static Result<Expressions> for_request(const PutItemRequest& request);
  static Result<Expressions> for_request(const GetItemRequest& request);
  static Result<Expressions> for_request(const UpdateItemRequest& request);
  static Result<Expressions> for_request(const DeleteItemRequest& request);
  static Result<Expressions> for_request(const QueryRequest& request);
  static Result<Expressions> for_request(const ScanRequest& request);
  static Result<Expressions> for_request(const KeysAndAttributes& request);  // BatchGetItem
  static Result<Expressions> for_request(const Get& request);                // TransactGetItems
  static Result<Expressions> for_request(const TransactWriteAction& action, TransactKind kind);

  Expressions();
  ~Expressions();
  Expressions(Expressions&&) noexcept;
  Expressions& operator=(Expressions&&) noexcept;

  // ConditionExpression / Expected. item is nullptr when the item does not
  // exist. True when the request has no condition.
  Result<bool> condition_holds(const AttributeMap* item) const;

  // FilterExpression / QueryFilter / ScanFilter. True when there is none.
  bool has_filter() const;
  Result<bool> filter_matches(const AttributeMap& item) const;
  // Top-level attribute names the filter reads, sorted, each once (a Query
  // may not filter on the queried key's attributes).
  std::vector<std::string> filter_attribute_names() const;

  // ProjectionExpression / AttributesToGet.
  bool has_projection() const;
  // The item reduced to the projected paths (nested paths keep their nesting).
  AttributeMap project(const AttributeMap& item) const;
  // Top-level attribute names the projection reads (to check an index's projection).
  std::vector<std::string> projected_attribute_names() const;

  // UpdateExpression / AttributeUpdates.
  bool has_update() const;
  // Applies the update to item in place. item holds the old item, or only the
  // key when the item is new. Fails with DynamoDB's ValidationException for
  // type mismatches, missing operands and bad list indexes.
  Status apply_update(AttributeMap& item) const;
  // Top-level attribute names the update sets, removes, adds to or deletes from.
  std::vector<std::string> updated_attribute_names() const;
  // The parts of item at the paths the update touched: ReturnValues
  // UPDATED_OLD (given the old item) and UPDATED_NEW (given the new one).
  AttributeMap updated_parts(const AttributeMap& item) const;

  // KeyConditionExpression / KeyConditions; nullptr outside Query. Without
  // the key schema the partition-key condition is taken to be the only
  // equality, or the first of two equalities: prefer key_condition_for().
  const KeyCondition* key_condition() const;
  // The key condition checked against the queried table's or index's key
  // schema (sort_key empty when it has none), with DynamoDB's errors: "Query
  // condition missed key schema element", "Query key condition not supported".
  // REQUIRES: a Query (key_condition() != nullptr).
  Result<KeyCondition> key_condition_for(std::string_view partition_key, std::string_view sort_key) const;

 private:
  friend struct ExpressionsAccess;  // the builders in expression/expressions.cc
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace townhall::ddb
