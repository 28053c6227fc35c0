// Expressions::for_request: gathers a request's expressions (or legacy
// parameters), parses them through the tree cache, binds them to the request's
// names and values, and makes DynamoDB's checks across the whole request.
#include <algorithm>
#include <string>
#include <vector>

#include "ddb/expression.h"
#include "ddb/expression/binder.h"
#include "ddb/expression/evaluator.h"
#include "ddb/expression/key_condition.h"
#include "ddb/expression/legacy.h"
#include "ddb/expression/parser.h"
#include "ddb/expression/projection.h"
#include "ddb/expression/tree_cache.h"
#include "ddb/expression/update.h"

namespace townhall::ddb {

using expr::Bindings;
using expr::Clause;
using expr::Tree;

namespace {

struct BoundTree {
  std::shared_ptr<const Tree> tree;
  Bindings bindings;
};

// One request parameter that may or may not be present.
struct Param {
  const char* name;
  bool present;
};

using AttributeUpdateMap = std::map<std::string, AttributeValueUpdate, std::less<>>;

// What a request carries that concerns expressions; absent members stay null.
struct RequestParts {
  const std::optional<std::string>* update_expression = nullptr;
  const std::optional<std::string>* condition_expression = nullptr;
  const std::optional<std::string>* key_condition_expression = nullptr;
  const std::optional<std::string>* filter_expression = nullptr;
  const std::optional<std::string>* projection_expression = nullptr;
  const std::optional<NameMap>* names = nullptr;
  const std::optional<AttributeMap>* values = nullptr;
  const std::optional<ExpectedMap>* expected = nullptr;
  const std::optional<std::string>* conditional_operator = nullptr;
  const std::optional<AttributeUpdateMap>* attribute_updates = nullptr;
  const std::optional<ConditionMap>* key_conditions = nullptr;
  const std::optional<ConditionMap>* query_filter = nullptr;
  const std::optional<ConditionMap>* scan_filter = nullptr;
  const std::optional<std::vector<std::string>>* attributes_to_get = nullptr;
};

template <class T>
bool present(const std::optional<T>* field) {
  return field && field->has_value();
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out.append(separator);
    out.append(parts[i]);
  }
  return out;
}

bool valid_placeholder_key(std::string_view key, char sigil) {
  if (key.size() < 2 || key[0] != sigil) return false;
  for (char c : key.substr(1)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

struct Expressions::State {
  NameMap names;        // the request's ExpressionAttributeNames
  AttributeMap values;  // its ExpressionAttributeValues, or the legacy parameters' values
  std::optional<BoundTree> condition;
  std::optional<BoundTree> filter;
  std::optional<BoundTree> update;
  std::optional<BoundTree> projection;
  expr::UpdatePlan update_plan;
  expr::ProjectionNode projection_root;
  std::vector<SortKeyCondition> key_parts;
  std::optional<KeyCondition> key_condition;

  // Parses text as clause and binds it; the names and values must be in place.
  Result<BoundTree> bind_text(Clause clause, const std::string& text) const {
    if (text.size() > expr::kMaxExpressionBytes) {
      return Error::Validation(std::string("Invalid ") + expr::clause_name(clause) +
                               ": Expression size has exceeded the maximum allowed size; expression size: " +
                               std::to_string(text.size()));
    }
    TH_ASSIGN_OR_RETURN(auto tree, expr::parse_cached(clause, text));
    return bind_tree(std::move(tree));
  }
  Result<BoundTree> bind_tree(std::shared_ptr<const Tree> tree) const {
    TH_ASSIGN_OR_RETURN(Bindings bindings, expr::bind(*tree, &names, &values));
    return BoundTree{std::move(tree), std::move(bindings)};
  }

  void finish_update() { update_plan = expr::plan_update(*update->tree, update->bindings); }
  void finish_projection() {
    std::vector<DocumentPath> paths;
    paths.reserve(projection->tree->projection.size());
    for (const auto& p : projection->tree->projection)
      paths.push_back(expr::resolve_path(p, projection->bindings));
    projection_root = expr::make_projection(paths);
  }
};

// Lets this file's helpers name Expressions' private state.
struct ExpressionsAccess {
  using State = Expressions::State;
  static Result<Expressions> build(const RequestParts& r, std::initializer_list<Param> expression_params,
                                   std::initializer_list<Param> legacy_params);
};
using State = ExpressionsAccess::State;

namespace {

using Params = std::initializer_list<Param>;

template <class Keep>
std::vector<std::string> names_of(Params params, Keep keep) {
  std::vector<std::string> out;
  for (const auto& p : params)
    if (keep(p)) out.emplace_back(p.name);
  return out;
}

// DynamoDB's checks on which parameters a request combines. Every request
// passes through here: the lists of names are built only for the messages.
Status check_parameter_mix(Params expression_params, Params legacy_params, const RequestParts& r) {
  // KeyConditions may go with the other expressions, but not with KeyConditionExpression.
  const bool key_conditions_allowed = !present(r.key_condition_expression);
  auto is_present = [](const Param& p) { return p.present; };
  auto takes_values = [](const Param& p) { return std::string_view(p.name) != "ProjectionExpression"; };
  auto conflicting_legacy = [key_conditions_allowed](const Param& p) {
    return p.present && !(std::string_view(p.name) == "KeyConditions" && key_conditions_allowed);
  };
  const bool any_expression = std::any_of(expression_params.begin(), expression_params.end(), is_present);
  if (any_expression && std::any_of(legacy_params.begin(), legacy_params.end(), conflicting_legacy)) {
    return Error::Validation(
        "Can not use both expression and non-expression parameters in the same request: Non-expression "
        "parameters: {" +
        join(names_of(legacy_params, conflicting_legacy), ", ") + "} Expression parameters: {" +
        join(names_of(expression_params, is_present), ", ") + "}");
  }
  if (present(r.names) && !any_expression) {
    return Error::Validation("ExpressionAttributeNames can only be specified when using expressions");
  }
  const bool any_value_expression = std::any_of(expression_params.begin(), expression_params.end(),
                                                [&](const Param& p) { return p.present && takes_values(p); });
  if (present(r.values) && !any_value_expression) {
    const auto value_expressions = names_of(expression_params, takes_values);
    return Error::Validation("ExpressionAttributeValues can only be specified when using expressions: " +
                             join(value_expressions, " and ") +
                             (value_expressions.size() > 1 ? " are" : " is") + " null");
  }
  return {};
}

Status check_placeholder_maps(const RequestParts& r) {
  if (present(r.names)) {
    if ((*r.names)->empty()) return Error::Validation("ExpressionAttributeNames must not be empty");
    for (const auto& [key, name] : **r.names) {
      if (!valid_placeholder_key(key, '#')) {
        return Error::Validation("ExpressionAttributeNames contains invalid key: Syntax error; key: \"" +
                                 key + "\"");
      }
    }
  }
  if (present(r.values)) {
    if ((*r.values)->empty()) return Error::Validation("ExpressionAttributeValues must not be empty");
    for (const auto& [key, value] : **r.values) {
      if (!valid_placeholder_key(key, ':')) {
        return Error::Validation("ExpressionAttributeValues contains invalid key: Syntax error; key: \"" +
                                 key + "\"");
      }
    }
  }
  return {};
}

// Every supplied name and value must be used by some expression.
Status check_all_used(const State& s, const std::vector<const BoundTree*>& bound) {
  auto used = [&](const std::string& key, bool is_name) {
    for (const BoundTree* b : bound) {
      const auto& refs = is_name ? b->tree->name_refs : b->tree->value_refs;
      for (const auto& ref : refs)
        if (ref == key) return true;
    }
    return false;
  };
  std::vector<std::string> unused;
  for (const auto& [key, name] : s.names)
    if (!used(key, true)) unused.push_back(key);
  if (!unused.empty()) {
    return Error::Validation("Value provided in ExpressionAttributeNames unused in expressions: keys: {" +
                             join(unused, ", ") + "}");
  }
  for (const auto& [key, value] : s.values)
    if (!used(key, false)) unused.push_back(key);
  if (!unused.empty()) {
    return Error::Validation("Value provided in ExpressionAttributeValues unused in expressions: keys: {" +
                             join(unused, ", ") + "}");
  }
  return {};
}

}  // namespace

Expressions::Expressions() = default;
Expressions::~Expressions() = default;
Expressions::Expressions(Expressions&&) noexcept = default;
Expressions& Expressions::operator=(Expressions&&) noexcept = default;

namespace {

Status build_expressions(const RequestParts& r, State& s) {
  if (present(r.names)) s.names = **r.names;
  if (present(r.values)) s.values = **r.values;
  std::vector<const BoundTree*> bound;
  auto bind_clause = [&](const std::optional<std::string>* text, Clause clause,
                         std::optional<BoundTree>& slot) -> Status {
    if (!present(text)) return {};
    TH_ASSIGN_OR_RETURN(BoundTree b, s.bind_text(clause, **text));
    slot = std::move(b);
    bound.push_back(&*slot);
    return {};
  };
  std::optional<BoundTree> key_tree;
  TH_RETURN_IF_ERROR(bind_clause(r.update_expression, Clause::kUpdate, s.update));
  TH_RETURN_IF_ERROR(bind_clause(r.condition_expression, Clause::kCondition, s.condition));
  TH_RETURN_IF_ERROR(bind_clause(r.key_condition_expression, Clause::kKeyCondition, key_tree));
  TH_RETURN_IF_ERROR(bind_clause(r.filter_expression, Clause::kFilter, s.filter));
  TH_RETURN_IF_ERROR(bind_clause(r.projection_expression, Clause::kProjection, s.projection));
  TH_RETURN_IF_ERROR(check_all_used(s, bound));
  if (key_tree) {
    TH_ASSIGN_OR_RETURN(s.key_parts, expr::reduce_key_condition(*key_tree->tree, key_tree->bindings));
  }
  return {};
}

Status build_legacy(const RequestParts& r, State& s) {
  const bool has_filter = present(r.query_filter) || present(r.scan_filter);
  if (present(r.conditional_operator) && !present(r.expected) && !has_filter) {
    return Error::Validation("ConditionalOperator cannot be used without Filter or Expected");
  }
  const std::optional<std::string> no_operator;
  const auto& conditional_operator = r.conditional_operator ? *r.conditional_operator : no_operator;
  // Every tree adds its values to s.values before any is bound: binding
  // points into s.values, and a later tree's values would move them.
  std::shared_ptr<const Tree> condition, filter, update;
  if (present(r.expected)) {
    TH_ASSIGN_OR_RETURN(condition, expr::tree_from_expected(**r.expected, conditional_operator, s.values));
  }
  const std::optional<ConditionMap>* filter_map = present(r.query_filter) ? r.query_filter : r.scan_filter;
  if (present(filter_map)) {
    TH_ASSIGN_OR_RETURN(filter, expr::tree_from_filter(**filter_map, conditional_operator, s.values));
  }
  if (present(r.attribute_updates) && !(*r.attribute_updates)->empty()) {
    TH_ASSIGN_OR_RETURN(update, expr::tree_from_attribute_updates(**r.attribute_updates, s.values));
  }
  if (condition) {
    TH_ASSIGN_OR_RETURN(s.condition, s.bind_tree(std::move(condition)));
  }
  if (filter) {
    TH_ASSIGN_OR_RETURN(s.filter, s.bind_tree(std::move(filter)));
  }
  if (update) {
    TH_ASSIGN_OR_RETURN(s.update, s.bind_tree(std::move(update)));
  }
  if (present(r.attributes_to_get)) {
    TH_ASSIGN_OR_RETURN(auto tree, expr::tree_from_attributes_to_get(**r.attributes_to_get));
    TH_ASSIGN_OR_RETURN(s.projection, s.bind_tree(std::move(tree)));
  }
  if (present(r.key_conditions)) {
    TH_ASSIGN_OR_RETURN(s.key_parts, expr::reduce_key_conditions(**r.key_conditions));
  }
  return {};
}

}  // namespace

// The one builder behind every for_request overload.
Result<Expressions> ExpressionsAccess::build(const RequestParts& r,
                                             std::initializer_list<Param> expression_params,
                                             std::initializer_list<Param> legacy_params) {
  // Most point reads and plain puts carry no expression at all: nothing to
  // check or build (and no allocation on their hot path).
  auto any_present = [](std::initializer_list<Param> params) {
    return std::any_of(params.begin(), params.end(), [](const Param& p) { return p.present; });
  };
  if (!any_present(expression_params) && !any_present(legacy_params) && !present(r.names) &&
      !present(r.values) && !present(r.conditional_operator)) {
    return Expressions();
  }
  auto s = std::make_unique<State>();
  Expressions result;
  TH_RETURN_IF_ERROR(check_parameter_mix(expression_params, legacy_params, r));
  TH_RETURN_IF_ERROR(check_placeholder_maps(r));
  TH_RETURN_IF_ERROR(build_expressions(r, *s));
  // Legacy values live in the same map; expressions and legacy parameters
  // never mix (KeyConditions aside, which keeps no values there).
  TH_RETURN_IF_ERROR(build_legacy(r, *s));
  const bool is_query = present(r.key_condition_expression) || present(r.key_conditions);
  if (is_query) {
    TH_ASSIGN_OR_RETURN(s->key_condition, expr::orient_without_schema(s->key_parts));
  }
  if (s->update) s->finish_update();
  if (s->projection) s->finish_projection();
  result.state_ = std::move(s);
  return result;
}

// --- the builders per request kind ---

#define TH_PARAM(name, field) \
  Param { name, present(field) }

Result<Expressions> Expressions::for_request(const PutItemRequest& q) {
  RequestParts r;
  r.condition_expression = &q.condition_expression;
  r.names = &q.expression_attribute_names;
  r.values = &q.expression_attribute_values;
  r.expected = &q.expected;
  r.conditional_operator = &q.conditional_operator;
  return ExpressionsAccess::build(r, {TH_PARAM("ConditionExpression", r.condition_expression)},
                                  {TH_PARAM("Expected", r.expected)});
}

Result<Expressions> Expressions::for_request(const DeleteItemRequest& q) {
  RequestParts r;
  r.condition_expression = &q.condition_expression;
  r.names = &q.expression_attribute_names;
  r.values = &q.expression_attribute_values;
  r.expected = &q.expected;
  r.conditional_operator = &q.conditional_operator;
  return ExpressionsAccess::build(r, {TH_PARAM("ConditionExpression", r.condition_expression)},
                                  {TH_PARAM("Expected", r.expected)});
}

Result<Expressions> Expressions::for_request(const UpdateItemRequest& q) {
  RequestParts r;
  r.update_expression = &q.update_expression;
  r.condition_expression = &q.condition_expression;
  r.names = &q.expression_attribute_names;
  r.values = &q.expression_attribute_values;
  r.expected = &q.expected;
  r.conditional_operator = &q.conditional_operator;
  r.attribute_updates = &q.attribute_updates;
  return ExpressionsAccess::build(
      r,
      {TH_PARAM("UpdateExpression", r.update_expression),
       TH_PARAM("ConditionExpression", r.condition_expression)},
      {TH_PARAM("AttributeUpdates", r.attribute_updates), TH_PARAM("Expected", r.expected)});
}

Result<Expressions> Expressions::for_request(const GetItemRequest& q) {
  RequestParts r;
  r.projection_expression = &q.projection_expression;
  r.names = &q.expression_attribute_names;
  r.attributes_to_get = &q.attributes_to_get;
  return ExpressionsAccess::build(r, {TH_PARAM("ProjectionExpression", r.projection_expression)},
                                  {TH_PARAM("AttributesToGet", r.attributes_to_get)});
}

Result<Expressions> Expressions::for_request(const QueryRequest& q) {
  RequestParts r;
  r.key_condition_expression = &q.key_condition_expression;
  r.filter_expression = &q.filter_expression;
  r.projection_expression = &q.projection_expression;
  r.names = &q.expression_attribute_names;
  r.values = &q.expression_attribute_values;
  r.key_conditions = &q.key_conditions;
  r.query_filter = &q.query_filter;
  r.conditional_operator = &q.conditional_operator;
  r.attributes_to_get = &q.attributes_to_get;
  if (!present(r.key_condition_expression) && !present(r.key_conditions)) {
    return Error::Validation(
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in "
        "the request.");
  }
  return ExpressionsAccess::build(
      r,
      {TH_PARAM("ProjectionExpression", r.projection_expression),
       TH_PARAM("FilterExpression", r.filter_expression),
       TH_PARAM("KeyConditionExpression", r.key_condition_expression)},
      {TH_PARAM("AttributesToGet", r.attributes_to_get), TH_PARAM("QueryFilter", r.query_filter),
       TH_PARAM("ConditionalOperator", r.conditional_operator), TH_PARAM("KeyConditions", r.key_conditions)});
}

Result<Expressions> Expressions::for_request(const ScanRequest& q) {
  RequestParts r;
  r.filter_expression = &q.filter_expression;
  r.projection_expression = &q.projection_expression;
  r.names = &q.expression_attribute_names;
  r.values = &q.expression_attribute_values;
  r.scan_filter = &q.scan_filter;
  r.conditional_operator = &q.conditional_operator;
  r.attributes_to_get = &q.attributes_to_get;
  return ExpressionsAccess::build(
      r,
      {TH_PARAM("ProjectionExpression", r.projection_expression),
       TH_PARAM("FilterExpression", r.filter_expression)},
      {TH_PARAM("AttributesToGet", r.attributes_to_get), TH_PARAM("ScanFilter", r.scan_filter),
       TH_PARAM("ConditionalOperator", r.conditional_operator)});
}

Result<Expressions> Expressions::for_request(const KeysAndAttributes& q) {
  RequestParts r;
  r.projection_expression = &q.projection_expression;
  r.names = &q.expression_attribute_names;
  r.attributes_to_get = &q.attributes_to_get;
  return ExpressionsAccess::build(r, {TH_PARAM("ProjectionExpression", r.projection_expression)},
                                  {TH_PARAM("AttributesToGet", r.attributes_to_get)});
}

Result<Expressions> Expressions::for_request(const Get& q) {
  RequestParts r;
  r.projection_expression = &q.projection_expression;
  r.names = &q.expression_attribute_names;
  return ExpressionsAccess::build(r, {TH_PARAM("ProjectionExpression", r.projection_expression)}, {});
}

Result<Expressions> Expressions::for_request(const TransactWriteAction& q, TransactKind kind) {
  RequestParts r;
  r.condition_expression = &q.condition_expression;
  r.names = &q.expression_attribute_names;
  r.values = &q.expression_attribute_values;
  if (kind == TransactKind::kUpdate) {
    r.update_expression = &q.update_expression;
    return ExpressionsAccess::build(r,
                                    {TH_PARAM("UpdateExpression", r.update_expression),
                                     TH_PARAM("ConditionExpression", r.condition_expression)},
                                    {});
  }
  return ExpressionsAccess::build(r, {TH_PARAM("ConditionExpression", r.condition_expression)}, {});
}

#undef TH_PARAM

// --- evaluation ---

Result<bool> Expressions::condition_holds(const AttributeMap* item) const {
  if (!state_ || !state_->condition) return true;
  return expr::evaluate(state_->condition->tree->condition, item, state_->condition->bindings);
}

bool Expressions::has_filter() const { return state_ && state_->filter; }

Result<bool> Expressions::filter_matches(const AttributeMap& item) const {
  if (!has_filter()) return true;
  return expr::evaluate(state_->filter->tree->condition, &item, state_->filter->bindings);
}

bool Expressions::has_projection() const { return state_ && state_->projection; }

AttributeMap Expressions::project(const AttributeMap& item) const {
  if (!has_projection()) return item;
  return expr::project(item, state_->projection_root);
}

namespace {

void collect_names(const expr::Operand& operand, const expr::Bindings& b, std::vector<std::string>& out) {
  if (operand.kind == expr::Operand::Kind::kPath) out.push_back(expr::step_name(operand.path.steps[0], b));
  for (const auto& arg : operand.args) collect_names(arg, b, out);
}

void collect_names(const expr::Condition& condition, const expr::Bindings& b, std::vector<std::string>& out) {
  for (const auto& operand : condition.operands) collect_names(operand, b, out);
  for (const auto& child : condition.children) collect_names(child, b, out);
}

}  // namespace

std::vector<std::string> Expressions::filter_attribute_names() const {
  std::vector<std::string> out;
  if (!has_filter()) return out;
  collect_names(state_->filter->tree->condition, state_->filter->bindings, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> Expressions::projected_attribute_names() const {
  std::vector<std::string> out;
  if (!has_projection()) return out;
  for (const auto& [name, node] : state_->projection_root.fields) out.push_back(name);
  return out;
}

bool Expressions::has_update() const { return state_ && state_->update; }

Status Expressions::apply_update(AttributeMap& item) const {
  if (!has_update()) return {};
  return expr::apply_update(*state_->update->tree, state_->update->bindings, state_->update_plan, item);
}

std::vector<std::string> Expressions::updated_attribute_names() const {
  std::vector<std::string> out;
  if (!has_update()) return out;
  for (const auto& path : state_->update_plan.paths) out.push_back(path[0].name);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

AttributeMap Expressions::updated_parts(const AttributeMap& item) const {
  if (!has_update()) return {};
  // Built on demand: only ReturnValues UPDATED_OLD / UPDATED_NEW need it.
  return expr::project(item, expr::make_projection(state_->update_plan.paths));
}

const KeyCondition* Expressions::key_condition() const {
  return state_ && state_->key_condition ? &*state_->key_condition : nullptr;
}

Result<KeyCondition> Expressions::key_condition_for(std::string_view partition_key,
                                                    std::string_view sort_key) const {
  if (!key_condition()) return Error::Validation("Query condition missed key schema element");
  return expr::orient_with_schema(state_->key_parts, partition_key, sort_key);
}

}  // namespace townhall::ddb
