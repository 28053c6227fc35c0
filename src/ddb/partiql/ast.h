// The syntax tree of the PartiQL statements DynamoDB runs: SELECT, INSERT,
// UPDATE, DELETE, and EXISTS (a condition check inside ExecuteTransaction).
// Values stay as written: a `?` is a slot into the request's Parameters,
// resolved when the statement is planned (planner.h), so a tree depends on
// the text only.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ddb/attribute_value.h"

namespace townhall::ddb::partiql {

// One step of a document path: an attribute name or a list index.
struct PathStep {
  bool is_index = false;
  std::string name;
  uint32_t index = 0;
  bool operator==(const PathStep&) const = default;
};
using Path = std::vector<PathStep>;  // never empty; the first step is a name

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;
struct SelectStatement;

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

struct Expr {
  enum class Kind : uint8_t {
    kLiteral,    // literal
    kParameter,  // parameter: the `?`'s position, from 0
    kPath,       // path
    kList,       // [operands...]
    kMap,        // {keys[i]: operands[i], ...}
    kBag,        // <<operands...>>: a set
    kNegate,     // -operands[0]
    kAdd,        // operands[0] + operands[1]
    kSubtract,   // operands[0] - operands[1]
    kAnd,
    kOr,
    kNot,
    kCompare,    // operands[0] op operands[1]
    kBetween,    // operands[0] BETWEEN operands[1] AND operands[2]
    kIn,         // operands[0] IN (operands[1...])
    kIsMissing,  // operands[0] IS [NOT] MISSING
    kIsNull,     // operands[0] IS [NOT] NULL
    kCall,       // function(operands...)
  };
  Kind kind = Kind::kLiteral;
  CompareOp op = CompareOp::kEq;
  bool negated = false;  // IS NOT MISSING, IS NOT NULL
  AttributeValue literal;
  uint32_t parameter = 0;
  Path path;
  std::string function;  // lower case
  std::vector<std::string> keys;
  std::vector<ExprPtr> operands;
};

struct TableRef {
  std::string table;
  std::optional<std::string> index;
};

struct SelectStatement {
  std::optional<std::vector<Path>> projection;  // nullopt: *
  TableRef from;
  ExprPtr where;  // null: none
  std::optional<Path> order_by;
  bool descending = false;
};

struct InsertStatement {
  std::string table;
  ExprPtr value;  // a map
};

struct UpdateAction {
  bool remove = false;
  Path path;
  ExprPtr value;  // SET only
};

// RETURNING ... *, as UpdateItem's ReturnValues: ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW.
struct UpdateStatement {
  std::string table;
  std::vector<UpdateAction> actions;
  ExprPtr where;
  std::optional<std::string> returning;
};

struct DeleteStatement {
  std::string table;
  ExprPtr where;
  std::optional<std::string> returning;  // ALL_OLD
};

// EXISTS(SELECT * FROM t WHERE key AND condition): a ConditionCheck.
struct ExistsStatement {
  SelectStatement select;
};

using Statement =
    std::variant<SelectStatement, InsertStatement, UpdateStatement, DeleteStatement, ExistsStatement>;

struct ParsedStatement {
  Statement statement;
  std::string text;              // as written, for error messages
  uint32_t parameter_count = 0;  // how many `?` it has
};

}  // namespace townhall::ddb::partiql
