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
// ReturnItemCollectionMetrics: SIZE | NONE.
ddb::Status check_return_item_collection_metrics(const std::optional<std::string>& value);
bool return_old_on_failure(const std::optional<std::string>& value);

// "Cannot update attribute PK. This attribute is part of the key".
ddb::Status check_update_leaves_key_alone(const TableSchema& schema, const ddb::Expressions& expressions);

// "Item size to update has exceeded the maximum allowed size": UpdateItem's
// words for an update that makes the item larger than 400 KB.
ddb::Status check_updated_item_size(const ddb::AttributeMap& item);

}  // namespace townhall::engine
