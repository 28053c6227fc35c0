// The syntax tree of DynamoDB's expression language: conditions (condition,
// filter and key-condition expressions), update actions and projections.
//
// A tree is what the parser makes of one expression's text. Placeholders stay
// unresolved in it: a #name or :value is a slot number into the tree's
// name_refs or value_refs, which a request binds to its
// ExpressionAttributeNames and ExpressionAttributeValues (see Bindings). So a
// tree depends on the text only and can be cached and shared between threads;
// it is immutable once built.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ddb/attribute_value.h"

namespace townhall::ddb::expr {

// One step of a document path: a literal name, a #name placeholder or a list index.
struct PathStep {
  enum class Kind : uint8_t { kName, kNameRef, kIndex };
  Kind kind = Kind::kName;
  uint32_t slot = 0;   // kNameRef: index into Tree::name_refs
  uint32_t index = 0;  // kIndex: the list index
  std::string name;    // kName: the attribute name
};
struct Path {
  std::vector<PathStep> steps;  // never empty; the first step is a name
};

enum class Function : uint8_t {
  kAttributeExists,
  kAttributeNotExists,
  kAttributeType,
  kBeginsWith,
  kContains,
  kSize,
  kIfNotExists,
  kListAppend,
};
const char* function_name(Function f);

// A value-producing part of an expression.
struct Operand {
  enum class Kind : uint8_t { kPath, kValue, kFunction, kPlus, kMinus };
  Kind kind = Kind::kPath;
  Function function = Function::kSize;  // kFunction
  uint32_t slot = 0;                    // kValue: index into Tree::value_refs
  Path path;                            // kPath
  std::vector<Operand> args;            // kFunction: its arguments; kPlus/kMinus: left, right
};

enum class Comparator : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
const char* comparator_text(Comparator c);

// A boolean-valued part of a condition.
struct Condition {
  enum class Kind : uint8_t { kCompare, kBetween, kIn, kAnd, kOr, kNot, kFunction };
  Kind kind = Kind::kCompare;
  Comparator comparator = Comparator::kEq;  // kCompare
  Function function = Function::kSize;      // kFunction
  std::vector<Operand> operands;            // kCompare: 2; kBetween: 3; kIn: 1 + list; kFunction: args
  std::vector<Condition> children;          // kAnd/kOr: 2; kNot: 1
};

struct UpdateAction {
  enum class Kind : uint8_t { kSet, kRemove, kAdd, kDelete };
  Kind kind = Kind::kSet;
  Path path;
  Operand value;  // kSet: the new value; kAdd/kDelete: a :value; unused for kRemove
};
const char* action_name(UpdateAction::Kind kind);

// Which clause an expression is; used in error messages ("Invalid <clause>: ...").
enum class Clause : uint8_t { kCondition, kKeyCondition, kFilter, kUpdate, kProjection };
const char* clause_name(Clause clause);  // "ConditionExpression", ...

struct Tree {
  Clause clause = Clause::kCondition;
  Condition condition;                  // condition-like clauses
  std::vector<UpdateAction> actions;    // kUpdate, in the order written
  std::vector<Path> projection;         // kProjection
  std::vector<std::string> name_refs;   // "#x" placeholders, each once, in order of first use
  std::vector<std::string> value_refs;  // ":x" placeholders, likewise
};

// A tree's placeholders bound to one request's names and values. The pointers
// point into storage owned by whoever binds (Expressions' state).
struct Bindings {
  std::vector<const std::string*> names;      // by name slot
  std::vector<const AttributeValue*> values;  // by value slot
};

// A path step's attribute name under the given bindings. REQUIRES: not kIndex.
inline const std::string& step_name(const PathStep& step, const Bindings& b) {
  return step.kind == PathStep::Kind::kName ? step.name : *b.names[step.slot];
}

}  // namespace townhall::ddb::expr
