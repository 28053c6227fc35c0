#include "ddb/expression/key_condition.h"

#include <string>

#include "ddb/expression/binder.h"
#include "ddb/expression/evaluator.h"

namespace townhall::ddb::expr {
namespace {

using Op = SortKeyCondition::Op;

Error invalid_operator(std::string_view op) {
  return Error::Validation("Invalid operator used in KeyConditionExpression: " + std::string(op));
}
Error invalid_condition(std::string_view detail) {
  return Error::Validation("Invalid condition in KeyConditionExpression: " + std::string(detail));
}
Error not_supported() { return Error::Validation("Query key condition not supported"); }

bool has_nested_operation(const Operand& operand) { return operand.kind == Operand::Kind::kFunction; }

// Flattens the ANDs of the key condition, refusing every other operator.
Status collect(const Condition& c, std::vector<const Condition*>& out) {
  switch (c.kind) {
    case Condition::Kind::kAnd:
      TH_RETURN_IF_ERROR(collect(c.children[0], out));
      return collect(c.children[1], out);
    case Condition::Kind::kOr:
      return invalid_operator("OR");
    case Condition::Kind::kNot:
      return invalid_operator("NOT");
    case Condition::Kind::kIn:
      return invalid_operator("IN");
    case Condition::Kind::kCompare:
      if (c.comparator == Comparator::kNe) return invalid_operator("<>");
      break;
    case Condition::Kind::kFunction:
      if (c.function != Function::kBeginsWith) return invalid_operator(function_name(c.function));
      break;
    case Condition::Kind::kBetween:
      break;
  }
  for (const auto& operand : c.operands)
    if (has_nested_operation(operand)) {
      return Error::Validation("KeyConditionExpressions cannot contain nested operations");
    }
  out.push_back(&c);
  return {};
}

Result<SortKeyCondition> reduce_one(const Condition& c, const Bindings& bindings) {
  int path_at = -1;
  for (size_t i = 0; i < c.operands.size(); ++i) {
    if (c.operands[i].kind != Operand::Kind::kPath) continue;
    if (path_at >= 0) return invalid_condition("Multiple attribute names used in one condition");
    path_at = static_cast<int>(i);
  }
  if (path_at < 0) return invalid_condition("No key attribute specified");
  const Path& path = c.operands[path_at].path;
  SortKeyCondition out;
  out.attribute = step_name(path.steps[0], bindings);
  if (path.steps.size() > 1) {
    return Error::Validation(
        "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: " +
        out.attribute);
  }
  if (c.kind == Condition::Kind::kBetween || c.kind == Condition::Kind::kFunction) {
    if (path_at != 0) {
      return invalid_condition(std::string(c.kind == Condition::Kind::kBetween ? "BETWEEN" : "begins_with") +
                               " operator must have the key attribute as its first operand");
    }
    out.op = c.kind == Condition::Kind::kBetween ? Op::kBetween : Op::kBeginsWith;
    out.value = *bindings.values[c.operands[1].slot];
    if (out.op == Op::kBetween) out.upper = *bindings.values[c.operands[2].slot];
    return out;
  }
  // A comparison; with the key on the right, the comparator turns around.
  const bool flipped = path_at == 1;
  switch (c.comparator) {
    case Comparator::kEq:
      out.op = Op::kEq;
      break;
    case Comparator::kLt:
      out.op = flipped ? Op::kGt : Op::kLt;
      break;
    case Comparator::kLe:
      out.op = flipped ? Op::kGe : Op::kLe;
      break;
    case Comparator::kGt:
      out.op = flipped ? Op::kLt : Op::kGt;
      break;
    case Comparator::kGe:
      out.op = flipped ? Op::kLe : Op::kGe;
      break;
    case Comparator::kNe:
      return invalid_operator("<>");
  }
  out.value = *bindings.values[c.operands[flipped ? 0 : 1].slot];
  return out;
}

Status check_count(const std::vector<SortKeyCondition>& conditions) {
  if (conditions.size() > 2) return Error::Validation("Conditions can be of length 1 or 2 only");
  if (conditions.size() == 2 && conditions[0].attribute == conditions[1].attribute) {
    return Error::Validation("KeyConditionExpressions must only contain one condition per key");
  }
  return {};
}

}  // namespace

Result<std::vector<SortKeyCondition>> reduce_key_condition(const Tree& tree, const Bindings& bindings) {
  std::vector<const Condition*> parts;
  TH_RETURN_IF_ERROR(collect(tree.condition, parts));
  std::vector<SortKeyCondition> out;
  out.reserve(parts.size());
  for (const Condition* c : parts) {
    TH_ASSIGN_OR_RETURN(SortKeyCondition one, reduce_one(*c, bindings));
    for (const auto& earlier : out) {
      if (earlier.attribute == one.attribute) {
        return Error::Validation("KeyConditionExpressions must only contain one condition per key");
      }
    }
    out.push_back(std::move(one));
  }
  TH_RETURN_IF_ERROR(check_count(out));
  return out;
}

Result<std::vector<SortKeyCondition>> reduce_key_conditions(const ConditionMap& conditions) {
  std::vector<SortKeyCondition> out;
  for (const auto& [name, condition] : conditions) {
    const auto& op = condition.comparison_operator;
    const size_t n = condition.attribute_value_list ? condition.attribute_value_list->size() : 0;
    SortKeyCondition one;
    one.attribute = name;
    size_t wanted = 1;
    if (op == "EQ") {
      one.op = Op::kEq;
    } else if (op == "LT") {
      one.op = Op::kLt;
    } else if (op == "LE") {
      one.op = Op::kLe;
    } else if (op == "GT") {
      one.op = Op::kGt;
    } else if (op == "GE") {
      one.op = Op::kGe;
    } else if (op == "BEGINS_WITH") {
      one.op = Op::kBeginsWith;
    } else if (op == "BETWEEN") {
      one.op = Op::kBetween;
      wanted = 2;
    } else if (op == "NE") {
      return not_supported();
    } else if (op == "IN" || op == "NULL" || op == "NOT_NULL" || op == "CONTAINS" || op == "NOT_CONTAINS") {
      return Error::Validation("Attempted conditional constraint is not an indexable operation");
    } else {
      return Error::Validation("Comparison type does not exist in DynamoDB");
    }
    if (n != wanted) {
      return Error::InvalidParameter("Invalid number of argument(s) for the " + op + " ComparisonOperator");
    }
    one.value = (*condition.attribute_value_list)[0];
    if (one.op == Op::kBetween) {
      one.upper = (*condition.attribute_value_list)[1];
      int order = 0;
      if (one.value.type() != one.upper.type()) {
        return Error::InvalidParameter("AttributeValues inside AttributeValueList must be of same type");
      }
      if (compare_scalars(one.value, one.upper, &order) && order > 0) {
        return Error::Validation(
            "The BETWEEN condition was provided a range where the lower bound is greater than the upper "
            "bound");
      }
    }
    out.push_back(std::move(one));
  }
  TH_RETURN_IF_ERROR(check_count(out));
  return out;
}

Result<KeyCondition> orient_without_schema(const std::vector<SortKeyCondition>& conditions) {
  if (conditions.empty()) return Error::Validation("Query condition missed key schema element");
  size_t partition = 0;
  if (conditions.size() == 2 && conditions[0].op != Op::kEq) partition = 1;
  if (conditions[partition].op != Op::kEq) return not_supported();
  KeyCondition out;
  out.partition_attribute = conditions[partition].attribute;
  out.partition_value = conditions[partition].value;
  if (conditions.size() == 2) out.sort = conditions[1 - partition];
  return out;
}

Result<KeyCondition> orient_with_schema(const std::vector<SortKeyCondition>& conditions,
                                        std::string_view partition_key, std::string_view sort_key) {
  const SortKeyCondition* partition = nullptr;
  const SortKeyCondition* sort = nullptr;
  for (const auto& c : conditions) {
    if (c.attribute == partition_key) {
      partition = &c;
    } else if (!sort_key.empty() && c.attribute == sort_key) {
      sort = &c;
    } else {
      return Error::Validation("Query condition missed key schema element");
    }
  }
  if (!partition) return Error::Validation("Query condition missed key schema element");
  if (partition->op != Op::kEq) return not_supported();
  KeyCondition out;
  out.partition_attribute = partition->attribute;
  out.partition_value = partition->value;
  if (sort) out.sort = *sort;
  return out;
}

}  // namespace townhall::ddb::expr
