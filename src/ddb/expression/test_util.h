// Helpers for the expression tests: items and requests from JSON text.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "ddb/expression.h"
#include "ddb/json_codec.h"

namespace townhall::ddb::testing {

// An item from DynamoDB JSON, e.g. R"({"a": {"N": "1"}})".
inline AttributeMap item(std::string_view json) {
  auto decoded = decode_attribute_map_json(json);
  EXPECT_TRUE(decoded.ok()) << json << ": " << (decoded.ok() ? "" : decoded.error().message);
  return decoded.ok() ? decoded.value() : AttributeMap();
}

inline std::string json(const AttributeMap& map) { return encode_attribute_map_json(map); }
// The item given as JSON, as json() prints it (attribute order normalized).
inline std::string normalized(std::string_view item_json) { return json(item(item_json)); }

inline std::optional<NameMap> names(NameMap map) { return map; }

// Expressions for an UpdateItem with this update and condition.
inline Result<Expressions> update_request(std::string update, std::string_view values_json = "",
                                          std::optional<NameMap> names = std::nullopt,
                                          std::optional<std::string> condition = std::nullopt) {
  UpdateItemRequest request;
  request.table_name = "t";
  request.update_expression = std::move(update);
  request.condition_expression = std::move(condition);
  if (!values_json.empty()) request.expression_attribute_values = item(values_json);
  request.expression_attribute_names = std::move(names);
  return Expressions::for_request(request);
}

// Expressions for a PutItem with this condition.
inline Result<Expressions> condition_request(std::string condition, std::string_view values_json = "",
                                             std::optional<NameMap> names = std::nullopt) {
  PutItemRequest request;
  request.table_name = "t";
  request.condition_expression = std::move(condition);
  if (!values_json.empty()) request.expression_attribute_values = item(values_json);
  request.expression_attribute_names = std::move(names);
  return Expressions::for_request(request);
}

inline std::string error_of(const Status& status) { return status.ok() ? "OK" : status.error().to_string(); }
template <class T>
std::string error_of(const Result<T>& result) {
  return result.ok() ? "OK" : result.error().to_string();
}

}  // namespace townhall::ddb::testing
