// Parses one PartiQL statement (lexer.h's tokens) into its tree (ast.h), by
// recursive descent. Any text that is not a statement DynamoDB accepts is
// the ValidationException DynamoDB gives: "Statement wasn't well formed,
// can't be processed: <statement>". Nesting is bounded, so hostile input
// cannot exhaust the stack (fuzz/partiql_fuzz.cc).
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "ddb/partiql/ast.h"
#include "ddb/result.h"

namespace townhall::ddb::partiql {

Result<ParsedStatement> parse(std::string_view statement);

// "Statement wasn't well formed, can't be processed: <statement>", as DynamoDB says it.
Error not_well_formed(std::string_view statement);

}  // namespace townhall::ddb::partiql
