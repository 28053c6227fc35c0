// Binds a parsed tree's #name and :value placeholders to one request's
// ExpressionAttributeNames and ExpressionAttributeValues, and makes the
// checks DynamoDB makes once names and values are known: undefined
// placeholders, operand types of constant operands, BETWEEN bounds,
// overlapping document paths, operands that repeat the first operand.
//
// Thread-safe: pure functions.
#pragma once

#include <string>

#include "ddb/expression.h"
#include "ddb/expression/ast.h"
#include "ddb/model.h"
#include "ddb/result.h"

namespace townhall::ddb::expr {

// Binds tree to names and values (either may be null: none given). The
// bindings point into names and values, which must outlive them.
Result<Bindings> bind(const Tree& tree, const NameMap* names, const AttributeMap* values);

// path with its placeholders replaced by names.
DocumentPath resolve_path(const Path& path, const Bindings& bindings);

// DynamoDB's rendering of a path in messages: [a, b, [1]].
std::string path_text(const DocumentPath& path);

// "Two document paths overlap with each other; ..." or "... conflict ...",
// prefixed "Invalid <clause>: ", when two of paths overlap or conflict.
Status check_paths_disjoint(Clause clause, const std::vector<DocumentPath>& paths);

// The ADD / DELETE messages' type names: STRING, NUMBER, BINARY, BOOLEAN, NULL, LIST, MAP, ...
const char* long_type_name(AttributeType type);

}  // namespace townhall::ddb::expr
