#include "engine/request_checks.h"

namespace townhall::engine {

using ddb::Error;

ddb::Status check_return_values(const std::optional<std::string>& value, ReturnValuesAllowed allowed) {
  if (!value || *value == "NONE" || *value == "ALL_OLD") return {};
  bool known = *value == "ALL_NEW" || *value == "UPDATED_OLD" || *value == "UPDATED_NEW";
  if (allowed == ReturnValuesAllowed::kAll && known) return {};
  if (!known) {
    return Error::Validation(
        "1 validation error detected: Value '" + *value +
        "' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: "
        "[ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]");
  }
  return Error::Validation("Return values set to invalid value");
}

ddb::Status check_return_values_on_condition_check_failure(const std::optional<std::string>& value) {
  if (!value || *value == "NONE" || *value == "ALL_OLD") return {};
  return Error::Validation(
      "1 validation error detected: Value '" + *value +
      "' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must "
      "satisfy enum value set: [ALL_OLD, NONE]");
}

ddb::Status check_return_item_collection_metrics(const std::optional<std::string>& value) {
  if (!value || *value == "NONE" || *value == "SIZE") return {};
  return Error::Validation(
      "1 validation error detected: Value '" + *value +
      "' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy enum "
      "value set: [SIZE, NONE]");
}

bool return_old_on_failure(const std::optional<std::string>& value) { return value && *value == "ALL_OLD"; }

ddb::Status check_update_leaves_key_alone(const TableSchema& schema, const ddb::Expressions& expressions) {
  if (!expressions.has_update()) return {};
  for (const auto& name : expressions.updated_attribute_names()) {
    if (name == schema.hash.name || (schema.range && name == schema.range->name)) {
      return Error::InvalidParameter("Cannot update attribute " + name +
                                     ". This attribute is part of the key");
    }
  }
  return {};
}

ddb::Status check_updated_item_size(const ddb::AttributeMap& item) {
  if (ddb::item_size_bytes(item) > ddb::kMaxItemBytes) {
    return Error::Validation("Item size to update has exceeded the maximum allowed size");
  }
  return {};
}

}  // namespace townhall::engine
