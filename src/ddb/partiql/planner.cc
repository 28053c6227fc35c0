#include "ddb/partiql/planner.h"

#include "ddb/partiql/parser.h"

#include <algorithm>
#include <map>
#include <set>

namespace townhall::ddb::partiql {
namespace {

using ExprKind = Expr::Kind;

Error missing_key_equality() {
  return Error::Validation("Where clause does not contain a mandatory equality on all key attributes");
}

// What every statement is planned with.
struct Inputs {
  const std::vector<AttributeValue>& parameters;
  const KeySchemaLookup& lookup;
  std::string_view statement;  // as written, for DynamoDB's "not well formed" message
};

// Writes expression text, naming every attribute #aN and every value :vN.
class ExpressionWriter {
 public:
  ExpressionWriter(const Inputs& in, NameMap& names, AttributeMap& values)
      : parameters_(in.parameters), statement_(in.statement), names_(names), values_(values) {}

  std::string path(const Path& steps) {
    std::string out;
    for (const PathStep& step : steps) {
      if (step.is_index) {
        out += "[" + std::to_string(step.index) + "]";
        continue;
      }
      if (!out.empty()) out += ".";
      auto [it, added] = aliases_.try_emplace(step.name, "#a" + std::to_string(aliases_.size()));
      if (added) names_[it->second] = step.name;
      out += it->second;
    }
    return out;
  }

  std::string value(AttributeValue v) {
    std::string placeholder = ":v" + std::to_string(values_.size());
    values_[placeholder] = std::move(v);
    return placeholder;
  }

  // The value of an expression made only of literals and parameters.
  Result<AttributeValue> constant(const Expr& e) const {
    switch (e.kind) {
      case ExprKind::kLiteral:
        return e.literal;
      case ExprKind::kParameter:
        return parameters_.at(e.parameter);  // the count was checked before planning
      case ExprKind::kNegate: {
        TH_ASSIGN_OR_RETURN(AttributeValue inner, constant(*e.operands[0]));
        if (!inner.is(AttributeType::kN)) return not_well_formed();
        std::string text;
        inner.as_number().append_to(text);
        text = text[0] == '-' ? text.substr(1) : "-" + text;
        TH_ASSIGN_OR_RETURN(Number negated, Number::parse(text));
        return AttributeValue::N(std::move(negated));
      }
      case ExprKind::kList: {
        std::vector<AttributeValue> list;
        for (const auto& element : e.operands) {
          TH_ASSIGN_OR_RETURN(AttributeValue v, constant(*element));
          list.push_back(std::move(v));
        }
        return AttributeValue::L(std::move(list));
      }
      case ExprKind::kMap: {
        AttributeMap map;
        for (size_t i = 0; i < e.operands.size(); ++i) {
          TH_ASSIGN_OR_RETURN(AttributeValue v, constant(*e.operands[i]));
          map[e.keys[i]] = std::move(v);
        }
        return AttributeValue::M(std::move(map));
      }
      case ExprKind::kBag:
        return bag(e);
      default:
        return not_well_formed();
    }
  }

  // A side of a comparison or an argument: a path, a value, or size(path).
  Result<std::string> operand(const Expr& e) {
    if (e.kind == ExprKind::kPath) return path(e.path);
    if (e.kind == ExprKind::kCall && e.function == "size" && e.operands.size() == 1 &&
        e.operands[0]->kind == ExprKind::kPath) {
      return "size(" + path(e.operands[0]->path) + ")";
    }
    TH_ASSIGN_OR_RETURN(AttributeValue v, constant(e));
    return value(std::move(v));
  }

  // The right side of SET path = ...: operands, + and -, list_append, if_not_exists.
  Result<std::string> set_value(const Expr& e) {
    if (e.kind == ExprKind::kAdd || e.kind == ExprKind::kSubtract) {
      TH_ASSIGN_OR_RETURN(std::string left, set_value(*e.operands[0]));
      TH_ASSIGN_OR_RETURN(std::string right, set_value(*e.operands[1]));
      return left + (e.kind == ExprKind::kAdd ? " + " : " - ") + right;
    }
    if (e.kind == ExprKind::kCall && (e.function == "list_append" || e.function == "if_not_exists")) {
      if (e.operands.size() != 2) return wrong_arguments(e.function);
      TH_ASSIGN_OR_RETURN(std::string first, set_value(*e.operands[0]));
      TH_ASSIGN_OR_RETURN(std::string second, set_value(*e.operands[1]));
      return e.function + "(" + first + ", " + second + ")";
    }
    return operand(e);
  }

  Result<std::string> condition(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kAnd:
      case ExprKind::kOr: {
        TH_ASSIGN_OR_RETURN(std::string left, condition(*e.operands[0]));
        TH_ASSIGN_OR_RETURN(std::string right, condition(*e.operands[1]));
        return "(" + left + (e.kind == ExprKind::kAnd ? ") AND (" : ") OR (") + right + ")";
      }
      case ExprKind::kNot: {
        TH_ASSIGN_OR_RETURN(std::string inner, condition(*e.operands[0]));
        return "NOT (" + inner + ")";
      }
      case ExprKind::kCompare: {
        static constexpr const char* kOps[] = {" = ", " <> ", " < ", " <= ", " > ", " >= "};
        TH_ASSIGN_OR_RETURN(std::string left, operand(*e.operands[0]));
        TH_ASSIGN_OR_RETURN(std::string right, operand(*e.operands[1]));
        return left + kOps[static_cast<int>(e.op)] + right;
      }
      case ExprKind::kBetween: {
        TH_ASSIGN_OR_RETURN(std::string subject, operand(*e.operands[0]));
        TH_ASSIGN_OR_RETURN(std::string low, operand(*e.operands[1]));
        TH_ASSIGN_OR_RETURN(std::string high, operand(*e.operands[2]));
        return subject + " BETWEEN " + low + " AND " + high;
      }
      case ExprKind::kIn: {
        TH_ASSIGN_OR_RETURN(std::string subject, operand(*e.operands[0]));
        std::string out = subject + " IN (";
        for (size_t i = 1; i < e.operands.size(); ++i) {
          TH_ASSIGN_OR_RETURN(std::string candidate, operand(*e.operands[i]));
          out += (i > 1 ? ", " : "") + candidate;
        }
        return out + ")";
      }
      case ExprKind::kIsMissing:
      case ExprKind::kIsNull: {
        if (e.operands[0]->kind != ExprKind::kPath) return not_well_formed();
        std::string subject = path(e.operands[0]->path);
        std::string test = e.kind == ExprKind::kIsMissing
                               ? "attribute_not_exists(" + subject + ")"
                               : "attribute_type(" + subject + ", " + value(AttributeValue::S("NULL")) + ")";
        return e.negated ? "NOT " + test : test;
      }
      case ExprKind::kCall:
        return call(e);
      default:
        return not_well_formed();
    }
  }

  Error not_well_formed() const { return partiql::not_well_formed(statement_); }

 private:
  Result<std::string> call(const Expr& e) {
    static const std::map<std::string, size_t, std::less<>> kArity = {{"begins_with", 2},
                                                                      {"contains", 2},
                                                                      {"attribute_type", 2},
                                                                      {"attribute_exists", 1},
                                                                      {"attribute_not_exists", 1}};
    auto arity = kArity.find(e.function);
    if (arity == kArity.end()) {
      return Error::Validation("Unrecognized function: " + e.function);
    }
    if (e.operands.size() != arity->second) return wrong_arguments(e.function);
    std::string out = e.function + "(";
    for (size_t i = 0; i < e.operands.size(); ++i) {
      TH_ASSIGN_OR_RETURN(std::string argument, operand(*e.operands[i]));
      out += (i ? ", " : "") + argument;
    }
    return out + ")";
  }

  Result<AttributeValue> bag(const Expr& e) const {
    std::vector<AttributeValue> elements;
    for (const auto& element : e.operands) {
      TH_ASSIGN_OR_RETURN(AttributeValue v, constant(*element));
      elements.push_back(std::move(v));
    }
    if (elements.empty()) return Error::Validation("An empty set is not a DynamoDB value");
    const AttributeType type = elements[0].type();
    for (const auto& v : elements) {
      if (v.type() != type)
        return Error::Validation("A set's elements must all be strings, numbers or binaries");
    }
    if (type == AttributeType::kS) {
      std::vector<std::string> set;
      set.reserve(elements.size());
      for (auto& v : elements) set.push_back(v.as_string());
      return AttributeValue::SS(std::move(set));
    }
    if (type == AttributeType::kN) {
      std::vector<Number> set;
      set.reserve(elements.size());
      for (auto& v : elements) set.push_back(v.as_number());
      return AttributeValue::NS(std::move(set));
    }
    if (type == AttributeType::kB) {
      std::vector<std::string> set;
      set.reserve(elements.size());
      for (auto& v : elements) set.push_back(v.as_binary());
      return AttributeValue::BS(std::move(set));
    }
    return Error::Validation("A set's elements must all be strings, numbers or binaries");
  }

  static Error wrong_arguments(const std::string& function) {
    return Error::Validation("Incorrect number of arguments for function " + function);
  }

  const std::vector<AttributeValue>& parameters_;
  std::string_view statement_;
  NameMap& names_;
  AttributeMap& values_;
  std::map<std::string, std::string, std::less<>> aliases_;
};

// The top-level conjuncts of a WHERE clause (a AND b AND c -> a, b, c).
void conjuncts(const Expr* e, std::vector<const Expr*>& out) {
  if (!e) return;
  if (e->kind == ExprKind::kAnd) {
    conjuncts(e->operands[0].get(), out);
    conjuncts(e->operands[1].get(), out);
  } else {
    out.push_back(e);
  }
}

bool names_attribute(const Expr& e, const std::string& attribute) {
  return e.kind == ExprKind::kPath && e.path.size() == 1 && !e.path[0].is_index &&
         e.path[0].name == attribute;
}

// True when e names the attribute anywhere (as the first step of a path).
bool mentions(const Expr& e, const std::string& attribute) {
  if (e.kind == ExprKind::kPath && !e.path.empty() && e.path[0].name == attribute) return true;
  return std::any_of(e.operands.begin(), e.operands.end(),
                     [&](const ExprPtr& operand) { return operand && mentions(*operand, attribute); });
}

bool is_constant(const Expr& e) {
  return e.kind == ExprKind::kLiteral || e.kind == ExprKind::kParameter || e.kind == ExprKind::kNegate ||
         e.kind == ExprKind::kList || e.kind == ExprKind::kMap || e.kind == ExprKind::kBag;
}

// attribute = constant (either way round): the constant's expression, else null.
const Expr* equality_on(const Expr& e, const std::string& attribute) {
  if (e.kind != ExprKind::kCompare || e.op != CompareOp::kEq) return nullptr;
  if (names_attribute(*e.operands[0], attribute) && is_constant(*e.operands[1])) return e.operands[1].get();
  if (names_attribute(*e.operands[1], attribute) && is_constant(*e.operands[0])) return e.operands[0].get();
  return nullptr;
}

// A condition on the sort key that a key condition can hold: a comparison
// with a constant, BETWEEN two constants, or begins_with(sk, constant).
bool sort_key_condition(const Expr& e, const std::string& attribute) {
  if (e.kind == ExprKind::kCompare && e.op != CompareOp::kNe) {
    return (names_attribute(*e.operands[0], attribute) && is_constant(*e.operands[1])) ||
           (names_attribute(*e.operands[1], attribute) && is_constant(*e.operands[0]));
  }
  if (e.kind == ExprKind::kBetween) {
    return names_attribute(*e.operands[0], attribute) && is_constant(*e.operands[1]) &&
           is_constant(*e.operands[2]);
  }
  return e.kind == ExprKind::kCall && e.function == "begins_with" && e.operands.size() == 2 &&
         names_attribute(*e.operands[0], attribute) && is_constant(*e.operands[1]);
}

// Takes the whole key's equalities out of the conjuncts into key; what is
// left stays in rest. Fails when an attribute of the key has none.
Status take_key(const KeySchema& schema, const ExpressionWriter& writer, std::vector<const Expr*> all,
                AttributeMap& key, std::vector<const Expr*>& rest) {
  std::vector<std::string> names{schema.hash};
  if (schema.range) names.push_back(*schema.range);
  for (const std::string& name : names) {
    auto it = std::find_if(all.begin(), all.end(), [&](const Expr* e) { return equality_on(*e, name); });
    if (it == all.end()) return missing_key_equality();
    TH_ASSIGN_OR_RETURN(key[name], writer.constant(*equality_on(**it, name)));
    all.erase(it);
  }
  rest = std::move(all);
  return {};
}

Result<std::optional<std::string>> and_all(ExpressionWriter& writer, const std::vector<const Expr*>& parts) {
  std::string out;
  for (const Expr* part : parts) {
    TH_ASSIGN_OR_RETURN(std::string text, writer.condition(*part));
    out += (out.empty() ? "(" : " AND (") + text + ")";
  }
  if (out.empty()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(out));
}

// attribute_exists / attribute_not_exists of the partition key: the item is there, or not.
std::string key_exists(ExpressionWriter& writer, const KeySchema& keys, bool exists) {
  return std::string(exists ? "attribute_exists(" : "attribute_not_exists(") +
         writer.path({{false, keys.hash, 0}}) + ")";
}

// The condition of a statement on one item: the WHERE clause less the key's
// equalities, after the item's existence when must_exist.
Result<std::optional<std::string>> item_condition(ExpressionWriter& writer, const KeySchema& keys,
                                                  const std::vector<const Expr*>& rest, bool must_exist) {
  std::optional<std::string> exists;
  if (must_exist) exists = key_exists(writer, keys, true);
  TH_ASSIGN_OR_RETURN(auto others, and_all(writer, rest));
  if (exists && others) return std::optional<std::string>(*exists + " AND " + *others);
  return exists ? exists : others;
}

Result<Plan> plan_select(const SelectStatement& select, const Inputs& in) {
  Plan plan;
  plan.table = select.from.table;
  plan.index = select.from.index;
  TH_ASSIGN_OR_RETURN(KeySchema keys, in.lookup(select.from.table, select.from.index));
  ExpressionWriter writer(in, plan.names, plan.values);
  if (select.order_by) {
    if (!select.where)
      return Error::Validation("Must have WHERE clause in the statement when using ORDER BY clause.");
    const Path& order = *select.order_by;
    const bool key_attribute = order.size() == 1 && !order[0].is_index &&
                               (order[0].name == keys.hash || (keys.range && order[0].name == *keys.range));
    if (!key_attribute) {
      return Error::Validation("Variable reference " + order[0].name +
                               " in ORDER BY clause must be part of the primary key");
    }
    plan.descending = select.descending;
  }
  if (select.projection) {
    // The store is asked for the top-level attributes the paths start at,
    // and the paths are followed in them afterwards (shape_projection): a
    // projected list element comes back from the store moved to index 0.
    std::string projection;
    std::set<std::string> seen;
    for (const Path& path : *select.projection) {
      if (!seen.insert(path[0].name).second) continue;
      projection += (projection.empty() ? "" : ", ") + writer.path({path[0]});
    }
    plan.projection = std::move(projection);
    plan.projected_paths = *select.projection;
  }
  std::vector<const Expr*> parts;
  conjuncts(select.where.get(), parts);
  auto hash =
      std::find_if(parts.begin(), parts.end(), [&](const Expr* e) { return equality_on(*e, keys.hash); });
  if (hash == parts.end()) {
    if (select.order_by) {
      return Error::Validation(
          "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY "
          "clause.");
    }
    plan.kind = Plan::Kind::kScan;
    TH_ASSIGN_OR_RETURN(plan.filter, and_all(writer, parts));
    return plan;
  }
  // The whole key and nothing else, on the table: one item.
  if (!select.from.index && !select.order_by) {
    AttributeMap key;
    std::vector<const Expr*> rest;
    if (take_key(keys, writer, parts, key, rest).ok() && rest.empty()) {
      plan.kind = Plan::Kind::kGet;
      plan.key = std::move(key);
      return plan;
    }
  }
  plan.kind = Plan::Kind::kQuery;
  std::vector<const Expr*> key_parts{*hash};
  parts.erase(hash);
  if (keys.range) {
    auto range = std::find_if(parts.begin(), parts.end(),
                              [&](const Expr* e) { return sort_key_condition(*e, *keys.range); });
    if (range != parts.end()) {
      key_parts.push_back(*range);
      parts.erase(range);
    }
  }
  // A Query's filter may not name a key attribute; a WHERE that needs one
  // there (sk IN [...], two ranges on sk) is read as a Scan with everything
  // in its filter.
  const bool key_in_filter = std::any_of(parts.begin(), parts.end(), [&](const Expr* e) {
    return mentions(*e, keys.hash) || (keys.range && mentions(*e, *keys.range));
  });
  if (key_in_filter) {
    if (select.order_by) {
      return Error::Validation(
          "ORDER BY needs the WHERE clause's conditions on key attributes to be key conditions");
    }
    parts.insert(parts.end(), key_parts.begin(), key_parts.end());
    plan.kind = Plan::Kind::kScan;
    TH_ASSIGN_OR_RETURN(plan.filter, and_all(writer, parts));
    return plan;
  }
  TH_ASSIGN_OR_RETURN(plan.key_condition, and_all(writer, key_parts));
  TH_ASSIGN_OR_RETURN(plan.filter, and_all(writer, parts));
  return plan;
}

Result<Plan> plan_insert(const InsertStatement& insert, const Inputs& in) {
  Plan plan;
  plan.kind = Plan::Kind::kPut;
  plan.table = insert.table;
  TH_ASSIGN_OR_RETURN(KeySchema keys, in.lookup(insert.table, std::nullopt));
  ExpressionWriter writer(in, plan.names, plan.values);
  if (insert.value->kind != ExprKind::kMap) {
    return Error::Validation(
        "Unsupported format in item expression. Please use struct format {...} to express item values for "
        "insert "
        "statement.");
  }
  TH_ASSIGN_OR_RETURN(AttributeValue value, writer.constant(*insert.value));
  plan.item = value.as_map();
  for (auto [name, type] : {std::pair{&keys.hash, keys.hash_type},
                            std::pair{keys.range ? &*keys.range : nullptr, keys.range_type}}) {
    if (!name) continue;
    auto it = plan.item.find(*name);
    if (it == plan.item.end())
      return Error::Validation("Key attribute should be present in the item: Key " + *name);
    if (it->second.type() != type) {
      return Error::Validation(
          "Key attribute's data type should match its data type in table's schema: Key " + *name);
    }
    plan.key[*name] = it->second;
  }
  plan.condition = key_exists(writer, keys, false);
  return plan;
}

Result<Plan> plan_update(const UpdateStatement& update, const Inputs& in) {
  Plan plan;
  plan.kind = Plan::Kind::kUpdate;
  plan.table = update.table;
  plan.return_values = update.returning;
  TH_ASSIGN_OR_RETURN(KeySchema keys, in.lookup(update.table, std::nullopt));
  ExpressionWriter writer(in, plan.names, plan.values);
  std::vector<const Expr*> parts, rest;
  conjuncts(update.where.get(), parts);
  TH_RETURN_IF_ERROR(take_key(keys, writer, parts, plan.key, rest));
  std::string set, remove, add, del;
  for (const UpdateAction& action : update.actions) {
    std::string target = writer.path(action.path);
    if (action.remove) {
      remove += (remove.empty() ? "" : ", ") + target;
      continue;
    }
    const Expr& value = *action.value;
    if (value.kind == ExprKind::kCall && (value.function == "set_add" || value.function == "set_delete")) {
      // SET s = set_add(s, <<...>>): DynamoDB's ADD and DELETE of set elements.
      if (value.operands.size() != 2 || value.operands[0]->kind != ExprKind::kPath ||
          value.operands[0]->path != action.path) {
        return Error::Validation(value.function + " must name the attribute it sets as its first argument");
      }
      TH_ASSIGN_OR_RETURN(AttributeValue elements, writer.constant(*value.operands[1]));
      std::string& clause = value.function == "set_add" ? add : del;
      clause += (clause.empty() ? "" : ", ") + target + " " + writer.value(std::move(elements));
      continue;
    }
    TH_ASSIGN_OR_RETURN(std::string text, writer.set_value(value));
    if (!set.empty()) set += ", ";
    set += target;
    set += " = ";
    set += text;
  }
  std::string expression;
  for (auto [word, clause] :
       {std::pair{"SET ", &set}, {"REMOVE ", &remove}, {"ADD ", &add}, {"DELETE ", &del}}) {
    if (!clause->empty()) expression += (expression.empty() ? "" : " ") + std::string(word) + *clause;
  }
  plan.update = std::move(expression);
  // The item must exist: an UPDATE never creates one.
  TH_ASSIGN_OR_RETURN(plan.condition, item_condition(writer, keys, rest, true));
  return plan;
}

Result<Plan> plan_delete(const DeleteStatement& remove, const Inputs& in) {
  Plan plan;
  plan.kind = Plan::Kind::kDelete;
  plan.table = remove.table;
  plan.return_values = remove.returning;
  TH_ASSIGN_OR_RETURN(KeySchema keys, in.lookup(remove.table, std::nullopt));
  ExpressionWriter writer(in, plan.names, plan.values);
  std::vector<const Expr*> parts, rest;
  conjuncts(remove.where.get(), parts);
  TH_RETURN_IF_ERROR(take_key(keys, writer, parts, plan.key, rest));
  TH_ASSIGN_OR_RETURN(plan.condition, item_condition(writer, keys, rest, false));
  return plan;
}

Result<Plan> plan_exists(const ExistsStatement& exists, const Inputs& in) {
  const SelectStatement& select = exists.select;
  if (select.from.index || select.projection || select.order_by) {
    return Error::Validation("EXISTS takes SELECT * FROM a table WHERE its whole key and a condition");
  }
  Plan plan;
  plan.kind = Plan::Kind::kCheck;
  plan.table = select.from.table;
  TH_ASSIGN_OR_RETURN(KeySchema keys, in.lookup(select.from.table, std::nullopt));
  ExpressionWriter writer(in, plan.names, plan.values);
  std::vector<const Expr*> parts, rest;
  conjuncts(select.where.get(), parts);
  TH_RETURN_IF_ERROR(take_key(keys, writer, parts, plan.key, rest));
  TH_ASSIGN_OR_RETURN(plan.condition, item_condition(writer, keys, rest, true));
  return plan;
}

// The value at a document path of item, if there is one.
const AttributeValue* value_at(const AttributeMap& item, const Path& path) {
  auto it = item.find(path[0].name);
  if (it == item.end()) return nullptr;
  const AttributeValue* v = &it->second;
  for (size_t i = 1; i < path.size(); ++i) {
    if (path[i].is_index) {
      if (!v->is(AttributeType::kL) || path[i].index >= v->as_list().size()) return nullptr;
      v = &v->as_list()[path[i].index];
    } else {
      if (!v->is(AttributeType::kM)) return nullptr;
      auto next = v->as_map().find(path[i].name);
      if (next == v->as_map().end()) return nullptr;
      v = &next->second;
    }
  }
  return v;
}

}  // namespace

Result<Plan> plan(const ParsedStatement& parsed, const std::vector<AttributeValue>& parameters,
                  const KeySchemaLookup& lookup) {
  const Inputs in{parameters, lookup, parsed.text};
  return std::visit(
      [&](const auto& statement) -> Result<Plan> {
        using T = std::decay_t<decltype(statement)>;
        if constexpr (std::is_same_v<T, SelectStatement>) return plan_select(statement, in);
        if constexpr (std::is_same_v<T, InsertStatement>) return plan_insert(statement, in);
        if constexpr (std::is_same_v<T, UpdateStatement>) return plan_update(statement, in);
        if constexpr (std::is_same_v<T, DeleteStatement>) return plan_delete(statement, in);
        if constexpr (std::is_same_v<T, ExistsStatement>) return plan_exists(statement, in);
      },
      parsed.statement);
}

AttributeMap shape_projection(const AttributeMap& item, const std::vector<Path>& paths) {
  AttributeMap out;
  for (const Path& path : paths) {
    const AttributeValue* v = value_at(item, path);
    if (!v) continue;
    size_t last_name = path.size() - 1;
    while (path[last_name].is_index) --last_name;
    std::string name = path[last_name].name;
    for (size_t i = last_name + 1; i < path.size(); ++i) name += "[" + std::to_string(path[i].index) + "]";
    out[name] = *v;
  }
  return out;
}

}  // namespace townhall::ddb::partiql
