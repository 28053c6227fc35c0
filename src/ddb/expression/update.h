// Applies a bound update expression (or the AttributeUpdates turned into one)
// to an item, with DynamoDB's semantics and errors: every operand is read
// from the item as it was before the update; SET on a list index past the end
// appends (in index order); REMOVE of list elements shifts the rest down (all
// indexes refer to the old list); ADD creates a missing number or set; DELETE
// removes an attribute whose set it empties.
//
// Thread-safe: pure functions over their arguments.
#pragma once

#include <cstdint>
#include <vector>

#include "ddb/expression.h"
#include "ddb/expression/ast.h"
#include "ddb/result.h"

namespace townhall::ddb::expr {

// What binding an update expression works out once per request.
struct UpdatePlan {
  std::vector<DocumentPath> paths;  // per action, placeholders resolved
  std::vector<uint32_t> order;      // the order in which the actions apply
};
UpdatePlan plan_update(const Tree& tree, const Bindings& bindings);

Status apply_update(const Tree& tree, const Bindings& bindings, const UpdatePlan& plan, AttributeMap& item);

// The value at a resolved path, or nullptr.
const AttributeValue* find_document_path(const AttributeMap& item, const DocumentPath& path);

}  // namespace townhall::ddb::expr
