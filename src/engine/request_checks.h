// Checks of request parameters that several operations share, with
// DynamoDB's messages.
#pragma once

#include <optional>
#include <string>

#include "ddb/expression.h"
#include "engine/catalog.h"

namespace townhall::engine {

enum class ReturnValuesAllowed { kNoneOrAllOld, kAll };
ddb::Status check_return_values(const std::optional<std::string>& value, ReturnValuesAllowed allowed);
ddb::Status check_return_values_on_condition_check_failure(const std::optional<std::string>& value);
bool return_old_on_failure(const std::optional<std::string>& value);

// "Cannot update attribute PK. This attribute is part of the key".
ddb::Status check_update_leaves_key_alone(const TableSchema& schema, const ddb::Expressions& expressions);

}  // namespace townhall::engine
