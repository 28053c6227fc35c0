// Fuzzes DynamoDB's expression language: the first byte of the input picks a
// clause (condition, key condition, filter, update, projection), the rest is
// the expression's text. What parses is bound to fixed names and values and
// evaluated, applied or projected against a fixed item; every input also goes
// through Expressions::for_request, the store's entry point.
//
//   build-fuzz/fuzz/expression_fuzz fuzz/corpus/expression -max_total_time=600
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ddb/expression.h"
#include "ddb/expression/binder.h"
#include "ddb/expression/evaluator.h"
#include "ddb/expression/key_condition.h"
#include "ddb/expression/parser.h"
#include "ddb/expression/projection.h"
#include "ddb/expression/update.h"

namespace townhall::ddb {
namespace {

Number num(const char* text) { return Number::parse(text).value(); }

const NameMap& names() {
  static const NameMap instance = {{"#a", "a"},   {"#b", "b"},   {"#n", "nested"}, {"#l", "list"},
                                   {"#s", "set"}, {"#d", "a.b"}, {"#k", "pk"},     {"#r", "sk"}};
  return instance;
}

const AttributeMap& values() {
  static const AttributeMap instance = {
      {":n", AttributeValue::N(7)},
      {":big", AttributeValue::N(num("9.9999999999999999999999999999999999999E+125"))},
      {":s", AttributeValue::S("ab")},
      {":t", AttributeValue::S("S")},
      {":b", AttributeValue::B(std::string("\x00\x01", 2))},
      {":bool", AttributeValue::BOOL(true)},
      {":null", AttributeValue::NUL()},
      {":l", AttributeValue::L({AttributeValue::N(1), AttributeValue::S("x")})},
      {":m", AttributeValue::M({{"k", AttributeValue::S("v")}})},
      {":ss", AttributeValue::SS({"a", "b"})},
      {":ns", AttributeValue::NS({num("1"), num("2")})},
      {":bs", AttributeValue::BS({"x"})},
  };
  return instance;
}

const AttributeMap& item() {
  static const AttributeMap instance = {
      {"pk", AttributeValue::S("k")},
      {"sk", AttributeValue::S("s")},
      {"a", AttributeValue::N(1)},
      {"b", AttributeValue::S("abc")},
      {"nested",
       AttributeValue::M({{"a", AttributeValue::M({{"b", AttributeValue::N(2)}})},
                          {"list", AttributeValue::L({AttributeValue::N(1), AttributeValue::M({})})}})},
      {"list", AttributeValue::L({AttributeValue::N(1), AttributeValue::L({AttributeValue::S("x")}),
                                  AttributeValue::M({{"a", AttributeValue::N(3)}})})},
      {"set", AttributeValue::SS({"a", "c"})},
      {"nums", AttributeValue::NS({num("1"), num("3")})},
  };
  return instance;
}

// Sets must stay sorted, unique and non-empty after any update.
bool sets_valid(const AttributeValue& v) {
  switch (v.type()) {
    case AttributeType::kSS: {
      const auto& s = v.as_string_set().values;
      for (size_t i = 1; i < s.size(); ++i)
        if (!(s[i - 1] < s[i])) return false;
      return !s.empty();
    }
    case AttributeType::kNS: {
      const auto& s = v.as_number_set().values;
      for (size_t i = 1; i < s.size(); ++i)
        if (!(s[i - 1] < s[i])) return false;
      return !s.empty();
    }
    case AttributeType::kL:
      for (const auto& e : v.as_list())
        if (!sets_valid(e)) return false;
      return true;
    case AttributeType::kM:
      for (const auto& [k, e] : v.as_map())
        if (!sets_valid(e)) return false;
      return true;
    default:
      return true;
  }
}

void exercise_tree(expr::Clause clause, std::string_view text) {
  auto parsed = expr::parse(clause, text);
  if (!parsed.ok()) {
    if (parsed.error().code != ErrorCode::kValidation) std::abort();
    return;
  }
  const expr::Tree& tree = *parsed.value();
  auto bound = expr::bind(tree, &names(), &values());
  if (!bound.ok()) return;
  const expr::Bindings& bindings = bound.value();
  switch (clause) {
    case expr::Clause::kUpdate: {
      expr::UpdatePlan plan = expr::plan_update(tree, bindings);
      AttributeMap copy = item();
      if (expr::apply_update(tree, bindings, plan, copy).ok()) {
        for (const auto& [k, v] : copy)
          if (!sets_valid(v)) std::abort();
        (void)expr::project(copy, expr::make_projection(plan.paths));
      }
      AttributeMap empty;
      (void)expr::apply_update(tree, bindings, plan, empty);
      break;
    }
    case expr::Clause::kProjection: {
      std::vector<DocumentPath> paths;
      for (const auto& p : tree.projection) paths.push_back(expr::resolve_path(p, bindings));
      (void)expr::project(item(), expr::make_projection(paths));
      break;
    }
    case expr::Clause::kKeyCondition: {
      auto parts = expr::reduce_key_condition(tree, bindings);
      if (parts.ok()) {
        (void)expr::orient_without_schema(parts.value());
        (void)expr::orient_with_schema(parts.value(), "pk", "sk");
      }
      [[fallthrough]];
    }
    default:
      (void)expr::evaluate(tree.condition, &item(), bindings);
      (void)expr::evaluate(tree.condition, nullptr, bindings);
      break;
  }
}

void exercise_request(expr::Clause clause, std::string_view text) {
  const std::string s(text);
  switch (clause) {
    case expr::Clause::kUpdate: {
      UpdateItemRequest request;
      request.update_expression = s;
      request.expression_attribute_names = names();
      request.expression_attribute_values = values();
      auto e = Expressions::for_request(request);
      if (e.ok()) {
        AttributeMap copy = item();
        if (e->apply_update(copy).ok()) (void)e->updated_parts(copy);
      }
      break;
    }
    case expr::Clause::kKeyCondition: {
      QueryRequest request;
      request.key_condition_expression = s;
      request.expression_attribute_values = values();
      auto e = Expressions::for_request(request);
      if (e.ok()) (void)e->key_condition_for("pk", "sk");
      break;
    }
    case expr::Clause::kProjection: {
      GetItemRequest request;
      request.projection_expression = s;
      auto e = Expressions::for_request(request);
      if (e.ok()) (void)e->project(item());
      break;
    }
    default: {
      PutItemRequest request;
      request.condition_expression = s;
      request.expression_attribute_names = names();
      auto e = Expressions::for_request(request);
      if (e.ok()) (void)e->condition_holds(&item());
      break;
    }
  }
}

}  // namespace
}  // namespace townhall::ddb

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using townhall::ddb::expr::Clause;
  if (size == 0) return 0;
  const Clause clause = static_cast<Clause>(data[0] % 5);
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  townhall::ddb::exercise_tree(clause, text);
  townhall::ddb::exercise_request(clause, text);
  return 0;
}
