// A hand-written recursive-descent parser for DynamoDB's expression language.
//
// Precedence, from the DynamoDB developer guide, tightest first:
//   = <> < <= > >=;  IN;  BETWEEN;  attribute_exists ... functions;
//   parentheses;  NOT;  AND;  OR.
// Errors are DynamoDB's ValidationExceptions with its wording, prefixed with
// the clause ("Invalid UpdateExpression: Syntax error; token: ..., near: ...").
// The parser checks everything that depends on the text alone (syntax,
// reserved words, function names and arity, nesting limits); checks that need
// the request's names and values happen when the tree is bound (binder.h).
//
// Thread-safe: parse() has no shared state.
#pragma once

#include <memory>
#include <string_view>

#include "ddb/expression/ast.h"
#include "ddb/result.h"

namespace townhall::ddb::expr {

// DynamoDB's limits on expressions.
constexpr size_t kMaxExpressionBytes = 4096;
constexpr size_t kMaxPathDepth = 32;
constexpr size_t kMaxInOperands = 100;

Result<std::shared_ptr<const Tree>> parse(Clause clause, std::string_view text);

}  // namespace townhall::ddb::expr
