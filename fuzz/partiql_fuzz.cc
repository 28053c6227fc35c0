// Fuzzes PartiQL: the input is a statement. What parses is planned against a
// fixed key schema with as many parameters as it has `?`s; a plan's
// expressions must then parse as DynamoDB expressions (they are what the
// store receives), and the planner must never crash or loop.
//
//   build-fuzz/fuzz/partiql_fuzz fuzz/corpus/partiql -max_total_time=600
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ddb/expression.h"
#include "ddb/partiql/parser.h"
#include "ddb/partiql/planner.h"

namespace townhall::ddb {
namespace {

partiql::KeySchemaLookup lookup() {
  return [](const std::string&, const std::optional<std::string>& index) -> Result<partiql::KeySchema> {
    if (index) return partiql::KeySchema{"g", AttributeType::kS, std::nullopt, AttributeType::kS};
    return partiql::KeySchema{"pk", AttributeType::kS, "sk", AttributeType::kN};
  };
}

}  // namespace
}  // namespace townhall::ddb

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace townhall::ddb;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = partiql::parse(text);
  if (!parsed.ok()) {
    if (parsed.error().message.empty()) abort();
    return 0;
  }
  std::vector<AttributeValue> parameters(parsed->parameter_count, AttributeValue::S("p"));
  auto plan = partiql::plan(*parsed, parameters, lookup());
  if (!plan.ok()) return 0;
  // Every expression the planner wrote is one the store can read.
  UpdateItemRequest update;
  update.table_name = "t";
  update.update_expression = plan->update;
  update.condition_expression = plan->condition ? plan->condition : plan->filter;
  if (!plan->names.empty()) update.expression_attribute_names = plan->names;
  if (!plan->values.empty()) update.expression_attribute_values = plan->values;
  (void)Expressions::for_request(update);
  return 0;
}
