#include "ddb/expression/evaluator.h"

#include <algorithm>
#include <compare>
#include <string_view>

namespace townhall::ddb::expr {
namespace {

size_t count_code_points(std::string_view s) {
  size_t n = 0;
  for (char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

bool begins_with(const AttributeValue& value, const AttributeValue& prefix) {
  if (value.is(AttributeType::kS) && prefix.is(AttributeType::kS)) {
    return std::string_view(value.as_string()).starts_with(prefix.as_string());
  }
  if (value.is(AttributeType::kB) && prefix.is(AttributeType::kB)) {
    return std::string_view(value.as_binary()).starts_with(prefix.as_binary());
  }
  return false;
}

// contains(): substrings of S (not of B, as in DynamoDB), elements of sets and lists.
bool contains(const AttributeValue& haystack, const AttributeValue& needle) {
  switch (haystack.type()) {
    case AttributeType::kS:
      return needle.is(AttributeType::kS) &&
             haystack.as_string().find(needle.as_string()) != std::string::npos;
    case AttributeType::kB:  // a run of bytes, as a substring of a string (DynamoDB Local agrees)
      return needle.is(AttributeType::kB) &&
             haystack.as_binary().find(needle.as_binary()) != std::string::npos;
    case AttributeType::kSS: {
      if (!needle.is(AttributeType::kS)) return false;
      const auto& v = haystack.as_string_set().values;
      return std::binary_search(v.begin(), v.end(), needle.as_string());
    }
    case AttributeType::kNS: {
      if (!needle.is(AttributeType::kN)) return false;
      const auto& v = haystack.as_number_set().values;
      return std::binary_search(v.begin(), v.end(), needle.as_number());
    }
    case AttributeType::kBS: {
      if (!needle.is(AttributeType::kB)) return false;
      const auto& v = haystack.as_binary_set().values;
      return std::binary_search(v.begin(), v.end(), needle.as_binary());
    }
    case AttributeType::kL: {
      const auto& v = haystack.as_list();
      return std::find(v.begin(), v.end(), needle) != v.end();
    }
    default:
      return false;
  }
}

bool compare(Comparator op, const AttributeValue* a, const AttributeValue* b) {
  if (op == Comparator::kEq) return a && b && *a == *b;
  if (op == Comparator::kNe) return !(a && b && *a == *b);
  if (!a || !b) return false;
  int order = 0;
  if (!compare_scalars(*a, *b, &order)) return false;
  switch (op) {
    case Comparator::kLt:
      return order < 0;
    case Comparator::kLe:
      return order <= 0;
    case Comparator::kGt:
      return order > 0;
    case Comparator::kGe:
      return order >= 0;
    default:
      return false;
  }
}

}  // namespace

bool compare_scalars(const AttributeValue& a, const AttributeValue& b, int* result) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case AttributeType::kS:
      *result = a.as_string().compare(b.as_string());
      return true;
    case AttributeType::kB:
      *result = a.as_binary().compare(b.as_binary());
      return true;
    case AttributeType::kN: {
      auto order = a.as_number() <=> b.as_number();
      *result = std::is_gt(order) ? 1 : std::is_lt(order) ? -1 : 0;
      return true;
    }
    default:
      return false;
  }
}

bool value_size(const AttributeValue& value, int64_t* size) {
  switch (value.type()) {
    case AttributeType::kS:
      *size = static_cast<int64_t>(count_code_points(value.as_string()));
      return true;
    case AttributeType::kB:
      *size = static_cast<int64_t>(value.as_binary().size());
      return true;
    case AttributeType::kSS:
      *size = static_cast<int64_t>(value.as_string_set().values.size());
      return true;
    case AttributeType::kNS:
      *size = static_cast<int64_t>(value.as_number_set().values.size());
      return true;
    case AttributeType::kBS:
      *size = static_cast<int64_t>(value.as_binary_set().values.size());
      return true;
    case AttributeType::kL:
      *size = static_cast<int64_t>(value.as_list().size());
      return true;
    case AttributeType::kM:
      *size = static_cast<int64_t>(value.as_map().size());
      return true;
    default:
      return false;
  }
}

const AttributeValue* find_path(const AttributeMap& item, const Path& path, const Bindings& bindings) {
  const auto& first = path.steps.front();
  auto it = item.find(step_name(first, bindings));
  if (it == item.end()) return nullptr;
  const AttributeValue* current = &it->second;
  for (size_t i = 1; i < path.steps.size(); ++i) {
    const PathStep& step = path.steps[i];
    if (step.kind == PathStep::Kind::kIndex) {
      if (!current->is(AttributeType::kL)) return nullptr;
      const auto& list = current->as_list();
      if (step.index >= list.size()) return nullptr;
      current = &list[step.index];
    } else {
      if (!current->is(AttributeType::kM)) return nullptr;
      const auto& map = current->as_map();
      auto found = map.find(step_name(step, bindings));
      if (found == map.end()) return nullptr;
      current = &found->second;
    }
  }
  return current;
}

const AttributeValue* evaluate_operand(const Operand& operand, const AttributeMap* item,
                                       const Bindings& bindings, AttributeValue& storage) {
  switch (operand.kind) {
    case Operand::Kind::kPath:
      return item ? find_path(*item, operand.path, bindings) : nullptr;
    case Operand::Kind::kValue:
      return bindings.values[operand.slot];
    case Operand::Kind::kFunction: {
      if (operand.function != Function::kSize)
        return nullptr;  // the parser allows no other value function here
      AttributeValue arg_storage;
      const AttributeValue* arg = evaluate_operand(operand.args[0], item, bindings, arg_storage);
      int64_t size = 0;
      if (!arg || !value_size(*arg, &size)) return nullptr;
      storage = AttributeValue::N(size);
      return &storage;
    }
    default:
      return nullptr;  // + and - exist only in update expressions
  }
}

bool evaluate(const Condition& condition, const AttributeMap* item, const Bindings& bindings) {
  switch (condition.kind) {
    case Condition::Kind::kAnd:
      return evaluate(condition.children[0], item, bindings) &&
             evaluate(condition.children[1], item, bindings);
    case Condition::Kind::kOr:
      return evaluate(condition.children[0], item, bindings) ||
             evaluate(condition.children[1], item, bindings);
    case Condition::Kind::kNot:
      return !evaluate(condition.children[0], item, bindings);
    case Condition::Kind::kCompare: {
      AttributeValue sa, sb;
      const AttributeValue* a = evaluate_operand(condition.operands[0], item, bindings, sa);
      const AttributeValue* b = evaluate_operand(condition.operands[1], item, bindings, sb);
      return compare(condition.comparator, a, b);
    }
    case Condition::Kind::kBetween: {
      AttributeValue sx, slo, shi;
      const AttributeValue* x = evaluate_operand(condition.operands[0], item, bindings, sx);
      if (!x) return false;
      const AttributeValue* lo = evaluate_operand(condition.operands[1], item, bindings, slo);
      const AttributeValue* hi = evaluate_operand(condition.operands[2], item, bindings, shi);
      int low_order = 0, high_order = 0;
      return lo && hi && compare_scalars(*x, *lo, &low_order) && compare_scalars(*x, *hi, &high_order) &&
             low_order >= 0 && high_order <= 0;
    }
    case Condition::Kind::kIn: {
      AttributeValue sx;
      const AttributeValue* x = evaluate_operand(condition.operands[0], item, bindings, sx);
      if (!x) return false;
      for (size_t i = 1; i < condition.operands.size(); ++i) {
        AttributeValue sv;
        const AttributeValue* v = evaluate_operand(condition.operands[i], item, bindings, sv);
        if (v && *v == *x) return true;
      }
      return false;
    }
    case Condition::Kind::kFunction: {
      AttributeValue s0, s1;
      const AttributeValue* a = evaluate_operand(condition.operands[0], item, bindings, s0);
      switch (condition.function) {
        case Function::kAttributeExists:
          return a != nullptr;
        case Function::kAttributeNotExists:
          return a == nullptr;
        default:
          break;
      }
      const AttributeValue* b = evaluate_operand(condition.operands[1], item, bindings, s1);
      if (!a || !b) return false;
      switch (condition.function) {
        case Function::kAttributeType:
          return b->is(AttributeType::kS) && type_name(a->type()) == b->as_string();
        case Function::kBeginsWith:
          return begins_with(*a, *b);
        case Function::kContains:
          return contains(*a, *b);
        default:
          return false;
      }
    }
  }
  return false;
}

}  // namespace townhall::ddb::expr
