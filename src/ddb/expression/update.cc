#include "ddb/expression/update.h"

#include <algorithm>
#include <iterator>

#include "ddb/expression/binder.h"
#include "ddb/expression/evaluator.h"

namespace townhall::ddb::expr {
namespace {

Error invalid_path() {
  return Error::Validation("The document path provided in the update expression is invalid for update");
}
Error missing_operand() {
  return Error::Validation("The provided expression refers to an attribute that does not exist in the item");
}
Error wrong_type() {
  return Error::Validation("An operand in the update expression has an incorrect data type");
}

// Orders paths step by step, list indexes by number; paths of one update
// never overlap, so this only orders siblings.
bool path_less(const DocumentPath& a, const DocumentPath& b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i].index != b[i].index) return a[i].index < b[i].index;
    if (a[i].name != b[i].name) return a[i].name < b[i].name;
  }
  return a.size() < b.size();
}

Result<AttributeValue> set_value(const Operand& operand, const AttributeMap& item, const Bindings& bindings);

// An operand's value without copying it when it is already in the item or the
// request; storage holds a computed one.
Result<const AttributeValue*> operand_ref(const Operand& operand, const AttributeMap& item,
                                          const Bindings& bindings, AttributeValue& storage) {
  switch (operand.kind) {
    case Operand::Kind::kValue:
      return bindings.values[operand.slot];
    case Operand::Kind::kPath: {
      const AttributeValue* v = find_path(item, operand.path, bindings);
      if (!v) return missing_operand();
      return v;
    }
    case Operand::Kind::kFunction:
      if (operand.function == Function::kIfNotExists) {
        const AttributeValue* v = find_path(item, operand.args[0].path, bindings);
        if (v) return v;
        return operand_ref(operand.args[1], item, bindings, storage);
      }
      [[fallthrough]];
    default: {
      TH_ASSIGN_OR_RETURN(storage, set_value(operand, item, bindings));
      return &storage;
    }
  }
}

// The value of a SET operand, read from the old item.
Result<AttributeValue> set_value(const Operand& operand, const AttributeMap& item, const Bindings& bindings) {
  AttributeValue left_storage, right_storage;
  switch (operand.kind) {
    case Operand::Kind::kValue:
    case Operand::Kind::kPath: {
      TH_ASSIGN_OR_RETURN(const AttributeValue* v, operand_ref(operand, item, bindings, left_storage));
      return *v;
    }
    case Operand::Kind::kPlus:
    case Operand::Kind::kMinus: {
      TH_ASSIGN_OR_RETURN(const AttributeValue* left,
                          operand_ref(operand.args[0], item, bindings, left_storage));
      TH_ASSIGN_OR_RETURN(const AttributeValue* right,
                          operand_ref(operand.args[1], item, bindings, right_storage));
      if (!left->is(AttributeType::kN) || !right->is(AttributeType::kN)) return wrong_type();
      Result<Number> sum = operand.kind == Operand::Kind::kPlus
                               ? left->as_number().add(right->as_number())
                               : left->as_number().subtract(right->as_number());
      if (!sum.ok()) return std::move(sum).error();
      return AttributeValue::N(std::move(sum).value());
    }
    case Operand::Kind::kFunction: {
      if (operand.function == Function::kIfNotExists) {
        TH_ASSIGN_OR_RETURN(const AttributeValue* v, operand_ref(operand, item, bindings, left_storage));
        return v == &left_storage ? std::move(left_storage) : *v;
      }
      if (operand.function == Function::kListAppend) {
        TH_ASSIGN_OR_RETURN(const AttributeValue* left,
                            operand_ref(operand.args[0], item, bindings, left_storage));
        TH_ASSIGN_OR_RETURN(const AttributeValue* right,
                            operand_ref(operand.args[1], item, bindings, right_storage));
        if (!left->is(AttributeType::kL) || !right->is(AttributeType::kL)) return wrong_type();
        List out;
        out.reserve(left->as_list().size() + right->as_list().size());
        out.insert(out.end(), left->as_list().begin(), left->as_list().end());
        out.insert(out.end(), right->as_list().begin(), right->as_list().end());
        return AttributeValue::L(std::move(out));
      }
      return wrong_type();  // the parser lets no other function into an update
    }
  }
  return wrong_type();
}

// The container whose child the path's last step names: nullptr when a step
// before it is missing or of the wrong type. REQUIRES: path.size() >= 2.
AttributeValue* parent_of(AttributeMap& item, const DocumentPath& path) {
  auto it = item.find(path[0].name);
  if (it == item.end()) return nullptr;
  AttributeValue* current = &it->second;
  for (size_t i = 1; i + 1 < path.size(); ++i) {
    if (path[i].index >= 0) {
      if (!current->is(AttributeType::kL)) return nullptr;
      List& list = current->as_list();
      if (static_cast<size_t>(path[i].index) >= list.size()) return nullptr;
      current = &list[path[i].index];
    } else {
      if (!current->is(AttributeType::kM)) return nullptr;
      AttributeMap& map = current->as_map();
      auto found = map.find(path[i].name);
      if (found == map.end()) return nullptr;
      current = &found->second;
    }
  }
  const bool wants_list = path.back().index >= 0;
  if (current->is(wants_list ? AttributeType::kL : AttributeType::kM)) return current;
  return nullptr;
}

// Where the path's value lives (it may be missing): the map and key, or the list and index.
struct Slot {
  AttributeMap* map = nullptr;
  List* list = nullptr;
  const std::string* key = nullptr;
  size_t index = 0;

  AttributeValue* get() const {
    if (map) {
      auto it = map->find(*key);
      return it == map->end() ? nullptr : &it->second;
    }
    return index < list->size() ? &(*list)[index] : nullptr;
  }
  void put(AttributeValue value) const {
    if (map) {
      map->insert_or_assign(*key, std::move(value));
    } else if (index < list->size()) {
      (*list)[index] = std::move(value);
    } else {
      list->push_back(std::move(value));
    }
  }
  void erase() const {
    if (map) {
      map->erase(*key);
    } else if (index < list->size()) {
      list->erase(list->begin() + static_cast<std::ptrdiff_t>(index));
    }
  }
};

Result<Slot> slot_of(AttributeMap& item, const DocumentPath& path) {
  Slot slot;
  if (path.size() == 1) {
    slot.map = &item;
    slot.key = &path[0].name;
    return slot;
  }
  AttributeValue* parent = parent_of(item, path);
  if (!parent) return invalid_path();
  if (path.back().index >= 0) {
    slot.list = &parent->as_list();
    slot.index = static_cast<size_t>(path.back().index);
  } else {
    slot.map = &parent->as_map();
    slot.key = &path.back().name;
  }
  return slot;
}

template <class T>
std::vector<T> set_union(const std::vector<T>& a, const std::vector<T>& b) {
  std::vector<T> out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}
template <class T>
std::vector<T> set_difference(const std::vector<T>& a, const std::vector<T>& b) {
  std::vector<T> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

Status add(const Slot& slot, const AttributeValue& operand) {
  AttributeValue* current = slot.get();
  if (!current) {
    slot.put(operand);
    return {};
  }
  if (current->type() != operand.type()) return wrong_type();
  auto& v = current->variant();
  switch (operand.type()) {
    case AttributeType::kN: {
      Result<Number> sum = current->as_number().add(operand.as_number());
      if (!sum.ok()) return std::move(sum).error();
      v = std::move(sum).value();
      return {};
    }
    case AttributeType::kSS:
      v = StringSet{set_union(current->as_string_set().values, operand.as_string_set().values)};
      return {};
    case AttributeType::kNS:
      v = NumberSet{set_union(current->as_number_set().values, operand.as_number_set().values)};
      return {};
    case AttributeType::kBS:
      v = BinarySet{set_union(current->as_binary_set().values, operand.as_binary_set().values)};
      return {};
    default:
      return wrong_type();
  }
}

Status remove_from_set(const Slot& slot, const AttributeValue& operand) {
  AttributeValue* current = slot.get();
  if (!current) return {};
  if (current->type() != operand.type()) return wrong_type();
  bool empty = false;
  auto& v = current->variant();
  switch (operand.type()) {
    case AttributeType::kSS: {
      auto rest = set_difference(current->as_string_set().values, operand.as_string_set().values);
      empty = rest.empty();
      v = StringSet{std::move(rest)};
      break;
    }
    case AttributeType::kNS: {
      auto rest = set_difference(current->as_number_set().values, operand.as_number_set().values);
      empty = rest.empty();
      v = NumberSet{std::move(rest)};
      break;
    }
    case AttributeType::kBS: {
      auto rest = set_difference(current->as_binary_set().values, operand.as_binary_set().values);
      empty = rest.empty();
      v = BinarySet{std::move(rest)};
      break;
    }
    default:
      return wrong_type();
  }
  if (empty) slot.erase();  // DynamoDB has no empty sets
  return {};
}

}  // namespace

UpdatePlan plan_update(const Tree& tree, const Bindings& bindings) {
  UpdatePlan plan;
  plan.paths.reserve(tree.actions.size());
  bool has_index = false;
  for (const auto& action : tree.actions) {
    plan.paths.push_back(resolve_path(action.path, bindings));
    for (const auto& step : plan.paths.back()) has_index = has_index || step.index >= 0;
  }
  for (uint32_t i = 0; i < tree.actions.size(); ++i)
    if (tree.actions[i].kind != UpdateAction::Kind::kRemove) plan.order.push_back(i);
  const size_t first_remove = plan.order.size();
  for (uint32_t i = 0; i < tree.actions.size(); ++i)
    if (tree.actions[i].kind == UpdateAction::Kind::kRemove) plan.order.push_back(i);
  if (has_index) {
    // Appends past a list's end happen in index order; removals go from the
    // highest index down so that every index refers to the old list.
    auto by_path = [&](uint32_t a, uint32_t b) { return path_less(plan.paths[a], plan.paths[b]); };
    std::stable_sort(plan.order.begin(), plan.order.begin() + first_remove, by_path);
    std::stable_sort(plan.order.begin() + first_remove, plan.order.end(),
                     [&](uint32_t a, uint32_t b) { return by_path(b, a); });
  }
  return plan;
}

Status apply_update(const Tree& tree, const Bindings& bindings, const UpdatePlan& plan, AttributeMap& item) {
  // Every operand reads the item as it was, so compute the new values first.
  std::vector<AttributeValue> values(tree.actions.size());
  for (size_t i = 0; i < tree.actions.size(); ++i) {
    if (tree.actions[i].kind != UpdateAction::Kind::kSet) continue;
    TH_ASSIGN_OR_RETURN(values[i], set_value(tree.actions[i].value, item, bindings));
  }
  for (uint32_t i : plan.order) {
    const UpdateAction& action = tree.actions[i];
    TH_ASSIGN_OR_RETURN(Slot slot, slot_of(item, plan.paths[i]));
    switch (action.kind) {
      case UpdateAction::Kind::kSet:
        slot.put(std::move(values[i]));
        break;
      case UpdateAction::Kind::kRemove:
        slot.erase();
        break;
      case UpdateAction::Kind::kAdd:
        TH_RETURN_IF_ERROR(add(slot, *bindings.values[action.value.slot]));
        break;
      case UpdateAction::Kind::kDelete:
        TH_RETURN_IF_ERROR(remove_from_set(slot, *bindings.values[action.value.slot]));
        break;
    }
  }
  return {};
}

const AttributeValue* find_document_path(const AttributeMap& item, const DocumentPath& path) {
  auto it = item.find(path[0].name);
  if (it == item.end()) return nullptr;
  const AttributeValue* current = &it->second;
  for (size_t i = 1; i < path.size(); ++i) {
    if (path[i].index >= 0) {
      if (!current->is(AttributeType::kL)) return nullptr;
      const List& list = current->as_list();
      if (static_cast<size_t>(path[i].index) >= list.size()) return nullptr;
      current = &list[path[i].index];
    } else {
      if (!current->is(AttributeType::kM)) return nullptr;
      const AttributeMap& map = current->as_map();
      auto found = map.find(path[i].name);
      if (found == map.end()) return nullptr;
      current = &found->second;
    }
  }
  return current;
}

}  // namespace townhall::ddb::expr
