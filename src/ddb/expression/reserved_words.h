// DynamoDB's reserved words, which may not appear unescaped as attribute
// names in expressions. Thread-safe (constant data).
#pragma once

#include <string_view>

namespace townhall::ddb::expr {

// True when name (any letter case) is one of DynamoDB's 573 reserved words.
bool is_reserved_word(std::string_view name);

}  // namespace townhall::ddb::expr
