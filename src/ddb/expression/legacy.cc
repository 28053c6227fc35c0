#include "ddb/expression/legacy.h"

#include <set>

#include "ddb/expression/binder.h"
#include "ddb/expression/evaluator.h"

namespace townhall::ddb::expr {
namespace {

// Builds one legacy tree: literal attribute names, generated value placeholders.
class Builder {
 public:
  Builder(Clause clause, AttributeMap& values) : values_(values) { tree_->clause = clause; }

  Operand path(const std::string& name) {
    Operand out;
    out.kind = Operand::Kind::kPath;
    PathStep step;
    step.name = name;
    out.path.steps.push_back(std::move(step));
    return out;
  }
  Operand value(const AttributeValue& v) {
    Operand out;
    out.kind = Operand::Kind::kValue;
    out.slot = static_cast<uint32_t>(tree_->value_refs.size());
    // Named by the count of all values so far: one request can build two
    // trees (Expected and AttributeUpdates) into the same values.
    std::string ref = ":" + std::to_string(values_.size());
    values_.insert_or_assign(ref, v);
    tree_->value_refs.push_back(std::move(ref));
    return out;
  }
  Tree& tree() { return *tree_; }
  std::shared_ptr<const Tree> done() { return std::move(tree_); }

 private:
  std::shared_ptr<Tree> tree_ = std::make_shared<Tree>();
  AttributeMap& values_;
};

Condition compare(Builder& b, const std::string& name, Comparator op, const AttributeValue& v) {
  Condition c;
  c.kind = Condition::Kind::kCompare;
  c.comparator = op;
  c.operands.push_back(b.path(name));
  c.operands.push_back(b.value(v));
  return c;
}

Condition function(Function f, std::vector<Operand> operands) {
  Condition c;
  c.kind = Condition::Kind::kFunction;
  c.function = f;
  c.operands = std::move(operands);
  return c;
}

Condition negate(Condition inner) {
  Condition c;
  c.kind = Condition::Kind::kNot;
  c.children.push_back(std::move(inner));
  return c;
}

// One legacy comparison as a condition. REQUIRES: the value count fits op.
Result<Condition> comparison(Builder& b, const std::string& name, const std::string& op,
                             const std::vector<AttributeValue>& args) {
  if (op == "EQ") return compare(b, name, Comparator::kEq, args[0]);
  if (op == "NE") return compare(b, name, Comparator::kNe, args[0]);
  if (op == "LT") return compare(b, name, Comparator::kLt, args[0]);
  if (op == "LE") return compare(b, name, Comparator::kLe, args[0]);
  if (op == "GT") return compare(b, name, Comparator::kGt, args[0]);
  if (op == "GE") return compare(b, name, Comparator::kGe, args[0]);
  if (op == "NULL") return function(Function::kAttributeNotExists, {b.path(name)});
  if (op == "NOT_NULL") return function(Function::kAttributeExists, {b.path(name)});
  if (op == "CONTAINS") return function(Function::kContains, {b.path(name), b.value(args[0])});
  if (op == "NOT_CONTAINS") {
    // Legacy NOT_CONTAINS needs the attribute to exist.
    Condition both;
    both.kind = Condition::Kind::kAnd;
    both.children.push_back(function(Function::kAttributeExists, {b.path(name)}));
    both.children.push_back(negate(function(Function::kContains, {b.path(name), b.value(args[0])})));
    return both;
  }
  if (op == "BEGINS_WITH") return function(Function::kBeginsWith, {b.path(name), b.value(args[0])});
  Condition c;
  c.operands.push_back(b.path(name));
  for (const auto& v : args) c.operands.push_back(b.value(v));
  c.kind = op == "IN" ? Condition::Kind::kIn : Condition::Kind::kBetween;
  return c;
}

bool is_scalar(AttributeType t) {
  return t == AttributeType::kS || t == AttributeType::kN || t == AttributeType::kB;
}

// DynamoDB's checks of one legacy condition's operator and values.
Status check_comparison(const std::string& op, const std::vector<AttributeValue>& args) {
  size_t min = 1, max = 1;
  if (op == "NULL" || op == "NOT_NULL") {
    min = max = 0;
  } else if (op == "IN") {
    max = SIZE_MAX;
  } else if (op == "BETWEEN") {
    min = max = 2;
  } else if (op != "EQ" && op != "NE" && op != "LT" && op != "LE" && op != "GT" && op != "GE" &&
             op != "CONTAINS" && op != "NOT_CONTAINS" && op != "BEGINS_WITH") {
    return Error::Validation("Comparison type does not exist in DynamoDB");
  }
  if (args.size() < min || args.size() > max) {
    return Error::InvalidParameter("Invalid number of argument(s) for the " + op + " ComparisonOperator");
  }
  for (const auto& v : args) {
    if (v.type() != args[0].type()) {
      return Error::InvalidParameter("AttributeValues inside AttributeValueList must be of same type");
    }
  }
  for (const auto& v : args) {
    const AttributeType t = v.type();
    bool valid = true;
    if (op == "EQ" || op == "NE") {
      valid = true;  // "supported for all data types, including lists and maps" (the API reference)
    } else if (op == "BEGINS_WITH") {
      valid = t == AttributeType::kS || t == AttributeType::kB;
    } else {
      valid = is_scalar(t);
    }
    if (!valid) {
      return Error::InvalidParameter("ComparisonOperator " + op + " is not valid for " +
                                     std::string(type_name(t)) + " AttributeValue type");
    }
  }
  if (op == "BETWEEN") {
    int order = 0;
    if (compare_scalars(args[0], args[1], &order) && order > 0) {
      return Error::Validation(
          "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound");
    }
  }
  return {};
}

Result<bool> is_or(const std::optional<std::string>& conditional_operator) {
  if (!conditional_operator || *conditional_operator == "AND") return false;
  if (*conditional_operator == "OR") return true;
  return Error::Validation(
      "1 validation error detected: Value '" + *conditional_operator +
      "' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value "
      "set: [AND, OR]");
}

// Joins conditions with AND or OR, left to right.
std::shared_ptr<const Tree> join(Builder& b, std::vector<Condition> parts, bool use_or) {
  Condition root = std::move(parts[0]);
  for (size_t i = 1; i < parts.size(); ++i) {
    Condition combined;
    combined.kind = use_or ? Condition::Kind::kOr : Condition::Kind::kAnd;
    combined.children.push_back(std::move(root));
    combined.children.push_back(std::move(parts[i]));
    root = std::move(combined);
  }
  b.tree().condition = std::move(root);
  return b.done();
}

}  // namespace

Result<std::shared_ptr<const Tree>> tree_from_expected(const ExpectedMap& expected,
                                                       const std::optional<std::string>& conditional_operator,
                                                       AttributeMap& values) {
  TH_ASSIGN_OR_RETURN(bool use_or, is_or(conditional_operator));
  if (conditional_operator && expected.size() < 2) {
    return Error::Validation(
        "ConditionalOperator can only be used when Filter or Expected has two or more elements");
  }
  if (expected.empty()) return std::shared_ptr<const Tree>();
  Builder b(Clause::kCondition, values);
  std::vector<Condition> parts;
  for (const auto& [name, e] : expected) {
    if (e.attribute_value_list && e.value) {
      return Error::InvalidParameter("Value and AttributeValueList cannot be used together for Attribute: " +
                                     name);
    }
    if (e.comparison_operator) {
      if (e.exists) {
        return Error::InvalidParameter(
            "Exists and ComparisonOperator cannot be used together for Attribute: " + name);
      }
      std::vector<AttributeValue> args;
      if (e.attribute_value_list) {
        args = *e.attribute_value_list;
      } else if (e.value) {
        args.push_back(*e.value);
      }
      const std::string& op = *e.comparison_operator;
      if (op != "NULL" && op != "NOT_NULL" && !e.attribute_value_list && !e.value) {
        std::string message = "Value or AttributeValueList must be used with ComparisonOperator: " + op;
        message += " for Attribute: ";
        message += name;
        return Error::InvalidParameter(message);
      }
      TH_RETURN_IF_ERROR(check_comparison(op, args));
      TH_ASSIGN_OR_RETURN(Condition c, comparison(b, name, op, args));
      parts.push_back(std::move(c));
      continue;
    }
    if (e.attribute_value_list) {
      return Error::InvalidParameter(
          "AttributeValueList can only be used with a ComparisonOperator for Attribute: " + name);
    }
    const bool exists = !e.exists || *e.exists;
    if (exists && !e.value) {
      return Error::InvalidParameter(std::string("Value must be provided when Exists is ") +
                                     (e.exists ? "true" : "null") + " for Attribute: " + name);
    }
    if (!exists && e.value) {
      return Error::InvalidParameter("Value cannot be used when Exists is false for Attribute: " + name);
    }
    if (exists) {
      parts.push_back(compare(b, name, Comparator::kEq, *e.value));
    } else {
      parts.push_back(function(Function::kAttributeNotExists, {b.path(name)}));
    }
  }
  return join(b, std::move(parts), use_or);
}

Result<std::shared_ptr<const Tree>> tree_from_filter(const ConditionMap& filter,
                                                     const std::optional<std::string>& conditional_operator,
                                                     AttributeMap& values) {
  TH_ASSIGN_OR_RETURN(bool use_or, is_or(conditional_operator));
  if (conditional_operator && filter.size() < 2) {
    return Error::Validation(
        "ConditionalOperator can only be used when Filter or Expected has two or more elements");
  }
  if (filter.empty()) return std::shared_ptr<const Tree>();
  Builder b(Clause::kFilter, values);
  std::vector<Condition> parts;
  static const std::vector<AttributeValue> kNone;
  for (const auto& [name, condition] : filter) {
    const auto& args = condition.attribute_value_list ? *condition.attribute_value_list : kNone;
    TH_RETURN_IF_ERROR(check_comparison(condition.comparison_operator, args));
    TH_ASSIGN_OR_RETURN(Condition c, comparison(b, name, condition.comparison_operator, args));
    parts.push_back(std::move(c));
  }
  return join(b, std::move(parts), use_or);
}

Result<std::shared_ptr<const Tree>> tree_from_attribute_updates(
    const std::map<std::string, AttributeValueUpdate, std::less<>>& updates, AttributeMap& values) {
  Builder b(Clause::kUpdate, values);
  for (const auto& [name, update] : updates) {
    const std::string action = update.action.value_or("PUT");
    UpdateAction out;
    out.path = b.path(name).path;
    if (action == "PUT") {
      if (!update.value) {
        return Error::InvalidParameter("Only DELETE action is allowed when no attribute value is specified");
      }
      out.kind = UpdateAction::Kind::kSet;
      out.value = b.value(*update.value);
    } else if (action == "DELETE") {
      if (!update.value) {
        out.kind = UpdateAction::Kind::kRemove;
      } else {
        const AttributeType t = update.value->type();
        if (t != AttributeType::kSS && t != AttributeType::kNS && t != AttributeType::kBS) {
          return Error::InvalidParameter(
              std::string("DELETE action with value is not supported for the type ") + long_type_name(t));
        }
        out.kind = UpdateAction::Kind::kDelete;
        out.value = b.value(*update.value);
      }
    } else if (action == "ADD") {
      if (!update.value) {
        return Error::InvalidParameter("Only DELETE action is allowed when no attribute value is specified");
      }
      const AttributeType t = update.value->type();
      if (t == AttributeType::kL) {
        // Legacy ADD appends to a list: SET a = list_append(if_not_exists(a, []), v).
        Operand if_not_exists;
        if_not_exists.kind = Operand::Kind::kFunction;
        if_not_exists.function = Function::kIfNotExists;
        if_not_exists.args.push_back(b.path(name));
        if_not_exists.args.push_back(b.value(AttributeValue::L({})));
        Operand append;
        append.kind = Operand::Kind::kFunction;
        append.function = Function::kListAppend;
        append.args.push_back(std::move(if_not_exists));
        append.args.push_back(b.value(*update.value));
        out.kind = UpdateAction::Kind::kSet;
        out.value = std::move(append);
      } else if (t == AttributeType::kN || t == AttributeType::kSS || t == AttributeType::kNS ||
                 t == AttributeType::kBS) {
        out.kind = UpdateAction::Kind::kAdd;
        out.value = b.value(*update.value);
      } else {
        return Error::InvalidParameter(std::string("ADD action is not supported for the type ") +
                                       long_type_name(t));
      }
    } else {
      std::string message = "1 validation error detected: Value '" + action;
      message += "' at 'attributeUpdates.";
      message += name;
      message +=
          ".member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, "
          "DELETE]";
      return Error::Validation(message);
    }
    b.tree().actions.push_back(std::move(out));
  }
  return b.done();
}

Result<std::shared_ptr<const Tree>> tree_from_attributes_to_get(const std::vector<std::string>& names) {
  auto tree = std::make_shared<Tree>();
  tree->clause = Clause::kProjection;
  std::set<std::string_view> seen;
  for (const auto& name : names) {
    if (!seen.insert(name).second) return Error::Validation("Cannot have two attributes with the same name");
    Path path;
    PathStep step;
    step.name = name;
    path.steps.push_back(std::move(step));
    tree->projection.push_back(std::move(path));
  }
  return std::shared_ptr<const Tree>(std::move(tree));
}

}  // namespace townhall::ddb::expr
