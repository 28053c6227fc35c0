// A bounded, thread-safe cache of parsed syntax trees keyed by clause and
// expression text, so that a request repeating an expression (the usual case)
// does not parse it again. Trees hold placeholders, not values, so one tree
// serves every request with the same text. Parse errors are not cached.
//
// Thread-safe: shards, each under its own mutex; trees are immutable.
#pragma once

#include <memory>
#include <string_view>

#include "ddb/expression/ast.h"
#include "ddb/result.h"

namespace townhall::ddb::expr {

// Parses text as clause, or returns the cached tree from an earlier parse.
Result<std::shared_ptr<const Tree>> parse_cached(Clause clause, std::string_view text);

// For tests: the number of trees held, and emptying the cache.
size_t TEST_cached_tree_count();
void TEST_clear_tree_cache();

}  // namespace townhall::ddb::expr
