#include "ddb/expression/binder.h"

#include "ddb/base64.h"
#include "ddb/expression/evaluator.h"

namespace townhall::ddb::expr {
namespace {

Error invalid(Clause clause, const std::string& message) {
  return Error::Validation(std::string("Invalid ") + clause_name(clause) + ": " + message);
}

Error incorrect_operand(Clause clause, std::string_view function, AttributeType type) {
  return invalid(clause, "Incorrect operand type for operator or function; operator or function: " +
                             std::string(function) + ", operand type: " + std::string(type_name(type)));
}

// "AttributeValue: {S:x}", as DynamoDB shows a constant in BETWEEN messages.
std::string constant_text(const AttributeValue& v) {
  std::string out = "AttributeValue: {";
  out.append(type_name(v.type()));
  out.push_back(':');
  switch (v.type()) {
    case AttributeType::kS:
      out.append(v.as_string());
      break;
    case AttributeType::kN:
      out.append(v.as_number().to_string());
      break;
    case AttributeType::kB:
      out.append(base64_encode(v.as_binary()));
      break;
    default:
      break;
  }
  out.push_back('}');
  return out;
}

bool same_path(const Path& a, const Path& b, const Bindings& bindings) {
  if (a.steps.size() != b.steps.size()) return false;
  for (size_t i = 0; i < a.steps.size(); ++i) {
    const PathStep& x = a.steps[i];
    const PathStep& y = b.steps[i];
    if ((x.kind == PathStep::Kind::kIndex) != (y.kind == PathStep::Kind::kIndex)) return false;
    if (x.kind == PathStep::Kind::kIndex) {
      if (x.index != y.index) return false;
    } else if (step_name(x, bindings) != step_name(y, bindings)) {
      return false;
    }
  }
  return true;
}

// Checks a condition-clause operand and what it contains.
Status check_operand(Clause clause, const Operand& operand, const Bindings& bindings) {
  if (operand.kind != Operand::Kind::kFunction) return {};
  for (const auto& arg : operand.args) TH_RETURN_IF_ERROR(check_operand(clause, arg, bindings));
  // size of a size is the size of a number: DynamoDB refuses it before reading the item.
  if (operand.function == Function::kSize && operand.args[0].kind == Operand::Kind::kFunction) {
    return incorrect_operand(clause, "size", AttributeType::kN);
  }
  if (operand.function == Function::kSize && operand.args[0].kind == Operand::Kind::kValue) {
    const AttributeValue& v = *bindings.values[operand.args[0].slot];
    int64_t ignored = 0;
    if (!value_size(v, &ignored)) return incorrect_operand(clause, "size", v.type());
  }
  return {};
}

Status check_distinct_first(Clause clause, const Condition& c, const char* op, const Bindings& bindings) {
  const Operand& first = c.operands[0];
  if (first.kind != Operand::Kind::kPath) return {};
  for (size_t i = 1; i < c.operands.size(); ++i) {
    if (c.operands[i].kind == Operand::Kind::kPath && same_path(first.path, c.operands[i].path, bindings)) {
      return invalid(
          clause,
          std::string("The first operand must be distinct from the remaining operands for this operator "
                      "or function; operator: ") +
              op + ", first operand: " + path_text(resolve_path(first.path, bindings)));
    }
  }
  return {};
}

// < <= > >= and BETWEEN order S, N and B only: another type of constant is an error.
Status check_orderable_constants(Clause clause, const Condition& c, const char* op,
                                 const Bindings& bindings) {
  for (const auto& operand : c.operands) {
    if (operand.kind != Operand::Kind::kValue) continue;
    const AttributeType t = bindings.values[operand.slot]->type();
    if (t != AttributeType::kS && t != AttributeType::kN && t != AttributeType::kB) {
      return incorrect_operand(clause, op, t);
    }
  }
  return {};
}

Status check_condition(Clause clause, const Condition& c, const Bindings& bindings) {
  for (const auto& child : c.children) TH_RETURN_IF_ERROR(check_condition(clause, child, bindings));
  for (const auto& operand : c.operands) TH_RETURN_IF_ERROR(check_operand(clause, operand, bindings));
  switch (c.kind) {
    case Condition::Kind::kCompare:
      if (c.comparator != Comparator::kEq && c.comparator != Comparator::kNe) {
        TH_RETURN_IF_ERROR(check_orderable_constants(clause, c, comparator_text(c.comparator), bindings));
      }
      return check_distinct_first(clause, c, comparator_text(c.comparator), bindings);
    case Condition::Kind::kIn:
      return check_distinct_first(clause, c, "IN", bindings);
    case Condition::Kind::kBetween: {
      TH_RETURN_IF_ERROR(check_orderable_constants(clause, c, "BETWEEN", bindings));
      TH_RETURN_IF_ERROR(check_distinct_first(clause, c, "BETWEEN", bindings));
      if (c.operands[1].kind != Operand::Kind::kValue || c.operands[2].kind != Operand::Kind::kValue)
        return {};
      const AttributeValue& lo = *bindings.values[c.operands[1].slot];
      const AttributeValue& hi = *bindings.values[c.operands[2].slot];
      if (lo.type() != hi.type()) {
        return invalid(clause,
                       "The BETWEEN operator requires same data type for lower and upper bounds; lower bound "
                       "operand: " +
                           constant_text(lo) + ", upper bound operand: " + constant_text(hi));
      }
      int order = 0;
      if (compare_scalars(lo, hi, &order) && order > 0) {
        return invalid(
            clause,
            "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
            "lower bound operand: " +
                constant_text(lo) + ", upper bound operand: " + constant_text(hi));
      }
      return {};
    }
    case Condition::Kind::kFunction: {
      if (c.function == Function::kBeginsWith || c.function == Function::kContains) {
        TH_RETURN_IF_ERROR(check_distinct_first(
            clause, c, c.function == Function::kBeginsWith ? "begins_with" : "contains", bindings));
      }
      if (c.function == Function::kAttributeType && c.operands[1].kind != Operand::Kind::kValue) {
        // The type must be a constant; DynamoDB words the refusal with its internal type list.
        return invalid(
            clause,
            "Incorrect operand type for operator or function; operator or function: attribute_type, "
            "operand type: {S,L,DOUBLE,DECIMALSET,N,BS,BOOL,DICT,SS,NULL,INT,HDS,FS,NS,FLOAT,DECIMAL,"
            "B,DOUBLESET,HD,INTSET,M}");
      }
      if (c.function == Function::kBeginsWith) {
        for (const auto& operand : c.operands) {
          if (operand.kind != Operand::Kind::kValue) continue;
          const AttributeValue& v = *bindings.values[operand.slot];
          if (!v.is(AttributeType::kS) && !v.is(AttributeType::kB)) {
            return incorrect_operand(clause, "begins_with", v.type());
          }
        }
      } else if (c.function == Function::kAttributeType && c.operands[1].kind == Operand::Kind::kValue) {
        const AttributeValue& v = *bindings.values[c.operands[1].slot];
        if (!v.is(AttributeType::kS)) return incorrect_operand(clause, "attribute_type", v.type());
        static constexpr std::string_view kTypes[] = {"S", "N", "B",  "BOOL", "NULL",
                                                      "L", "M", "SS", "NS",   "BS"};
        bool known = false;
        for (auto t : kTypes) known = known || t == v.as_string();
        if (!known) {
          return invalid(clause, "Invalid attribute type name found; type: " + v.as_string() +
                                     ", valid types: {N,BS,L,B,NULL,M,S,SS,NS,BOOL}");
        }
      }
      return {};
    }
    default:
      return {};
  }
}

// Checks an update expression's value: constants given to + - and list_append.
Status check_update_value(const Operand& operand, const Bindings& bindings) {
  for (const auto& arg : operand.args) TH_RETURN_IF_ERROR(check_update_value(arg, bindings));
  const char* op = nullptr;
  AttributeType wanted = AttributeType::kN;
  if (operand.kind == Operand::Kind::kPlus) {
    op = "+";
  } else if (operand.kind == Operand::Kind::kMinus) {
    op = "-";
  } else if (operand.kind == Operand::Kind::kFunction && operand.function == Function::kListAppend) {
    op = "list_append";
    wanted = AttributeType::kL;
  }
  if (!op) return {};
  for (const auto& arg : operand.args) {
    if (arg.kind != Operand::Kind::kValue) continue;
    const AttributeValue& v = *bindings.values[arg.slot];
    if (!v.is(wanted)) return incorrect_operand(Clause::kUpdate, op, v.type());
  }
  return {};
}

Status check_update(const Tree& tree, const Bindings& bindings) {
  std::vector<DocumentPath> paths;
  paths.reserve(tree.actions.size());
  for (const auto& action : tree.actions) {
    if (action.kind == UpdateAction::Kind::kSet) {
      TH_RETURN_IF_ERROR(check_update_value(action.value, bindings));
    } else if (action.kind != UpdateAction::Kind::kRemove) {
      const AttributeValue& v = *bindings.values[action.value.slot];
      const bool is_add = action.kind == UpdateAction::Kind::kAdd;
      const bool is_set = v.is(AttributeType::kSS) || v.is(AttributeType::kNS) || v.is(AttributeType::kBS);
      if (!is_set && !(is_add && v.is(AttributeType::kN))) {
        return invalid(
            Clause::kUpdate,
            std::string("Incorrect operand type for operator or function; operator: ") +
                (is_add ? "ADD" : "DELETE") + ", operand type: " + long_type_name(v.type()) +
                ", typeSet: " + (is_add ? "ALLOWED_FOR_ADD_OPERAND" : "ALLOWED_FOR_DELETE_OPERAND"));
      }
    }
    paths.push_back(resolve_path(action.path, bindings));
  }
  return check_paths_disjoint(Clause::kUpdate, paths);
}

}  // namespace

const char* long_type_name(AttributeType type) {
  switch (type) {
    case AttributeType::kS:
      return "STRING";
    case AttributeType::kN:
      return "NUMBER";
    case AttributeType::kB:
      return "BINARY";
    case AttributeType::kBOOL:
      return "BOOLEAN";
    case AttributeType::kNULL:
      return "NULL";
    case AttributeType::kL:
      return "LIST";
    case AttributeType::kM:
      return "MAP";
    case AttributeType::kSS:
      return "STRING_SET";
    case AttributeType::kNS:
      return "NUMBER_SET";
    case AttributeType::kBS:
      return "BINARY_SET";
  }
  return "";
}

DocumentPath resolve_path(const Path& path, const Bindings& bindings) {
  DocumentPath out;
  out.reserve(path.steps.size());
  for (const auto& step : path.steps) {
    if (step.kind == PathStep::Kind::kIndex) {
      out.push_back(PathElement{std::string(), static_cast<long>(step.index)});
    } else {
      out.push_back(PathElement{step_name(step, bindings), -1});
    }
  }
  return out;
}

std::string path_text(const DocumentPath& path) {
  std::string out = "[";
  for (size_t i = 0; i < path.size(); ++i) {
    if (i) out.append(", ");
    if (path[i].index >= 0) {
      out.append("[" + std::to_string(path[i].index) + "]");
    } else {
      out.append(path[i].name);
    }
  }
  out.push_back(']');
  return out;
}

Status check_paths_disjoint(Clause clause, const std::vector<DocumentPath>& paths) {
  for (size_t i = 0; i < paths.size(); ++i) {
    for (size_t j = i + 1; j < paths.size(); ++j) {
      const DocumentPath& a = paths[i];
      const DocumentPath& b = paths[j];
      const size_t common = std::min(a.size(), b.size());
      bool disjoint = false;
      bool conflict = false;
      for (size_t k = 0; k < common && !disjoint && !conflict; ++k) {
        if ((a[k].index >= 0) != (b[k].index >= 0)) {
          conflict = true;
        } else if (!(a[k] == b[k])) {
          disjoint = true;
        }
      }
      if (disjoint) continue;
      return invalid(clause, std::string("Two document paths ") + (conflict ? "conflict" : "overlap") +
                                 " with each other; must remove or rewrite one of these paths; path one: " +
                                 path_text(a) + ", path two: " + path_text(b));
    }
  }
  return {};
}

Result<Bindings> bind(const Tree& tree, const NameMap* names, const AttributeMap* values) {
  Bindings bindings;
  bindings.names.reserve(tree.name_refs.size());
  for (const auto& ref : tree.name_refs) {
    auto it = names ? names->find(ref) : NameMap::const_iterator();
    if (!names || it == names->end()) {
      return invalid(
          tree.clause,
          "An expression attribute name used in the document path is not defined; attribute name: " + ref);
    }
    bindings.names.push_back(&it->second);
  }
  bindings.values.reserve(tree.value_refs.size());
  for (const auto& ref : tree.value_refs) {
    auto it = values ? values->find(ref) : AttributeMap::const_iterator();
    if (!values || it == values->end()) {
      return invalid(
          tree.clause,
          "An expression attribute value used in expression is not defined; attribute value: " + ref);
    }
    bindings.values.push_back(&it->second);
  }
  switch (tree.clause) {
    case Clause::kUpdate:
      TH_RETURN_IF_ERROR(check_update(tree, bindings));
      break;
    case Clause::kProjection: {
      std::vector<DocumentPath> paths;
      paths.reserve(tree.projection.size());
      for (const auto& p : tree.projection) paths.push_back(resolve_path(p, bindings));
      TH_RETURN_IF_ERROR(check_paths_disjoint(Clause::kProjection, paths));
      break;
    }
    default:
      TH_RETURN_IF_ERROR(check_condition(tree.clause, tree.condition, bindings));
      break;
  }
  return bindings;
}

}  // namespace townhall::ddb::expr
