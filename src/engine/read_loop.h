// The read loop shared by Query and Scan: one range scan over a table's or
// an index's keys, in either direction, with DynamoDB's Limit (counted before
// the filter), 1 MB page, ExclusiveStartKey/LastEvaluatedKey, Select and
// projection rules.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "ddb/expression.h"
#include "ddb/item_operations.h"
#include "engine/items.h"

namespace townhall::engine {

struct ReadPlan {
  const TableSchema* schema = nullptr;
  const IndexSchema* index = nullptr;  // null: the base table
  std::string lower, upper;            // the key range [lower, upper)
  bool forward = true;
  std::optional<std::string> start_after;  // the encoded ExclusiveStartKey
  int64_t limit = 0;                       // 0: no limit
  std::string select;                      // resolved: never empty
  bool fetch_base_item = false;            // LSI reads that need attributes the index lacks
  bool consistent = false;
  const ddb::Expressions* expressions = nullptr;
  // Scan segments: an item belongs to segment hash(partition key) % total.
  int64_t segment = 0, total_segments = 0;
};

// A planned read with what its plan points to kept alive.
struct PreparedRead {
  std::shared_ptr<const TableSchema> schema;
  ddb::Expressions expressions;
  ReadPlan plan;
};

ddb::Result<ddb::QueryResponse> run_read(EngineContext& context, const ReadPlan& plan,
                                         const std::string& table_name,
                                         const std::optional<std::string>& return_consumed_capacity);

// Whether run_read_json can answer the plan: items returned whole as stored
// (no filter, projection, base-table fetch, COUNT or scan segment).
bool can_stream_json(const ReadPlan& plan);

// run_read, answered as the response's wire JSON (appended to out), with
// each item transcoded from its stored bytes.
ddb::Status run_read_json(EngineContext& context, const ReadPlan& plan, const std::string& table_name,
                          const std::optional<std::string>& return_consumed_capacity, std::string& out);

// Resolves Select (explicit or DynamoDB's default) and checks it against the
// projection and the index, as DynamoDB does. Sets plan.select and
// plan.fetch_base_item.
ddb::Status resolve_select(const std::optional<std::string>& select, const ddb::Expressions& expressions,
                           bool is_query, ReadPlan& plan);

// Encodes ExclusiveStartKey for the plan's table or index.
ddb::Result<std::string> encode_start_key(const TableSchema& schema, const IndexSchema* index,
                                          const ddb::AttributeMap& start_key);

// Checks Limit (>= 1) and ReturnConsumedCapacity.
ddb::Status check_limit(const std::optional<int64_t>& limit);

// The parallel Scan segment (of total) an item with this partition key value falls into.
int64_t scan_segment_of(const ddb::AttributeValue& partition_value, int64_t total);

}  // namespace townhall::engine
