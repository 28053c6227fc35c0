// DynamoDB's legacy (pre-expression) parameters turned into the same syntax
// trees as expressions, so the store evaluates both one way: Expected with
// ConditionalOperator, QueryFilter / ScanFilter, AttributeUpdates and
// AttributesToGet. Their values go into a values map under generated
// placeholders (":0", ":1", ...), to which the tree is then bound.
//
// Thread-safe: pure functions.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ddb/expression/ast.h"
#include "ddb/model.h"
#include "ddb/result.h"

namespace townhall::ddb::expr {

Result<std::shared_ptr<const Tree>> tree_from_expected(const ExpectedMap& expected,
                                                       const std::optional<std::string>& conditional_operator,
                                                       AttributeMap& values);

// QueryFilter or ScanFilter.
Result<std::shared_ptr<const Tree>> tree_from_filter(const ConditionMap& filter,
                                                     const std::optional<std::string>& conditional_operator,
                                                     AttributeMap& values);

Result<std::shared_ptr<const Tree>> tree_from_attribute_updates(
    const std::map<std::string, AttributeValueUpdate, std::less<>>& updates, AttributeMap& values);

Result<std::shared_ptr<const Tree>> tree_from_attributes_to_get(const std::vector<std::string>& names);

}  // namespace townhall::ddb::expr
