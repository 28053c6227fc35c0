// Turns a parsed PartiQL statement into the DynamoDB request it stands for,
// as DynamoDB does: a SELECT with an equality on the partition key is a
// Query (the sort key's condition its key condition, the rest its filter),
// with the whole key and nothing else a GetItem, otherwise a Scan; INSERT is
// a PutItem that must not overwrite; UPDATE and DELETE name the whole key in
// their WHERE and the rest of it is their condition (an UPDATE also needs the
// item to exist). Parameters are bound here. The expressions are written as
// DynamoDB expression text with #name and :value placeholders, so the
// store's own parser, validation and evaluation run them.
//
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ddb/model.h"
#include "ddb/partiql/ast.h"
#include "ddb/result.h"

namespace townhall::ddb::partiql {

// The key attributes of a table, or of one of its indexes.
struct KeySchema {
  std::string hash;
  AttributeType hash_type = AttributeType::kS;
  std::optional<std::string> range;
  AttributeType range_type = AttributeType::kS;
};
// index: nullopt for the table itself. ResourceNotFoundException when unknown.
using KeySchemaLookup =
    std::function<Result<KeySchema>(const std::string& table, const std::optional<std::string>& index)>;

struct Plan {
  enum class Kind : uint8_t { kGet, kQuery, kScan, kPut, kUpdate, kDelete, kCheck };
  Kind kind = Kind::kScan;
  std::string table;
  std::optional<std::string> index;
  AttributeMap key;                                  // the item's key (all but kQuery and kScan)
  AttributeMap item;                                 // kPut
  std::optional<std::string> key_condition;          // kQuery
  std::optional<std::string> filter;                 // kQuery, kScan
  std::optional<std::string> condition;              // kPut, kUpdate, kDelete, kCheck
  std::optional<std::string> update;                 // kUpdate
  std::optional<std::string> projection;             // reads
  std::optional<std::vector<Path>> projected_paths;  // reads with a projection: how to shape each item
  bool descending = false;                           // kQuery: ORDER BY ... DESC
  std::optional<std::string> return_values;          // kUpdate, kDelete: RETURNING
  NameMap names;
  AttributeMap values;

  bool reads() const { return kind == Kind::kGet || kind == Kind::kQuery || kind == Kind::kScan; }
};

Result<Plan> plan(const ParsedStatement& parsed, const std::vector<AttributeValue>& parameters,
                  const KeySchemaLookup& lookup);

// An item read with a projection, as PartiQL answers it: each projected path
// as one top-level attribute, named by its last name (and indexes after it:
// "l[1]"), as DynamoDB Local does.
AttributeMap shape_projection(const AttributeMap& item, const std::vector<Path>& paths);

}  // namespace townhall::ddb::partiql
