// Query and Scan: turn the request into a ReadPlan (one key range) and run it.
#include <type_traits>

#include "ddb/json_codec.h"
#include "engine/key_codec.h"
#include "engine/read_loop.h"

namespace townhall::engine {

using ddb::AttributeValue;
using ddb::Error;
using ddb::SortKeyCondition;

namespace {

std::string operand_text(const AttributeValue& v) {
  std::string text;
  switch (v.type()) {
    case ddb::AttributeType::kS:
      text = v.as_string();
      break;
    case ddb::AttributeType::kN:
      text = v.as_number().to_string();
      break;
    default:
      text = v.as_binary();
  }
  return "AttributeValue: {" + std::string(ddb::type_name(v.type())) + ":" + text + "}";
}

bool less_than(const AttributeValue& a, const AttributeValue& b) {
  if (a.is(ddb::AttributeType::kN)) return a.as_number() < b.as_number();
  if (a.is(ddb::AttributeType::kS)) return a.as_string() < b.as_string();
  return a.as_binary() < b.as_binary();
}

ddb::Error type_mismatch() {
  return Error::InvalidParameter("Condition parameter type does not match schema type");
}

// Sets plan.lower/upper from the key condition, checked against the key schema.
ddb::Status plan_key_range(const ddb::KeyCondition& condition, const KeyAttribute& hash,
                           const std::optional<KeyAttribute>& range, std::string prefix, ReadPlan& plan) {
  if (condition.partition_attribute != hash.name)
    return Error::Validation("Query condition missed key schema element");
  if (condition.partition_value.type() != hash.type) return type_mismatch();
  keys::append_key_value(prefix, condition.partition_value);
  plan.lower = prefix;
  plan.upper = keys::prefix_successor(prefix);
  if (!condition.sort) return {};
  const SortKeyCondition& sort = *condition.sort;
  if (!range || sort.attribute != range->name)
    return Error::Validation("Query condition missed key schema element");
  if (sort.op == SortKeyCondition::Op::kBeginsWith) {
    if (range->type == ddb::AttributeType::kN) {
      return Error::Validation(
          "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or "
          "function: "
          "begins_with, operand type: N");
    }
  }
  if (sort.value.type() != range->type) return type_mismatch();
  if (sort.op == SortKeyCondition::Op::kBetween) {
    if (sort.upper.type() != range->type) return type_mismatch();
    if (less_than(sort.upper, sort.value)) {
      return Error::Validation(
          "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or "
          "equal to "
          "lower bound; lower bound operand: " +
          operand_text(sort.value) + ", upper bound operand: " + operand_text(sort.upper));
    }
  }
  std::string value_key = prefix;
  keys::append_key_value(value_key, sort.value);
  switch (sort.op) {
    case SortKeyCondition::Op::kEq:
      plan.lower = value_key;
      plan.upper = keys::prefix_successor(value_key);
      break;
    case SortKeyCondition::Op::kLt:
      plan.upper = value_key;
      break;
    case SortKeyCondition::Op::kLe:
      plan.upper = keys::prefix_successor(value_key);
      break;
    case SortKeyCondition::Op::kGt:
      plan.lower = keys::prefix_successor(value_key);
      break;
    case SortKeyCondition::Op::kGe:
      plan.lower = value_key;
      break;
    case SortKeyCondition::Op::kBetween: {
      plan.lower = value_key;
      std::string upper_key = prefix;
      keys::append_key_value(upper_key, sort.upper);
      plan.upper = keys::prefix_successor(upper_key);
      break;
    }
    case SortKeyCondition::Op::kBeginsWith: {
      std::string begins = prefix;
      if (sort.value.is(ddb::AttributeType::kS)) {
        keys::append_bytes_prefix(begins, sort.value.as_string());
      } else {
        keys::append_bytes_prefix(begins, sort.value.as_binary());
      }
      plan.lower = begins;
      plan.upper = keys::prefix_successor(begins);
      break;
    }
  }
  return {};
}

ddb::Result<const IndexSchema*> find_index(const TableSchema& schema,
                                           const std::optional<std::string>& name) {
  if (!name) return static_cast<const IndexSchema*>(nullptr);
  const IndexSchema* index = schema.find_index(*name);
  if (!index) return Error::Validation("The table does not have the specified index: " + *name);
  if (index->backfilling)
    return Error::Validation("Cannot read from backfilling global secondary index: " + *name);
  return index;
}

ddb::Status check_consistent_read(const std::optional<bool>& consistent, const IndexSchema* index,
                                  bool query) {
  if (consistent.value_or(false) && index && index->global) {
    return Error::Validation(query ? "Consistent read cannot be true when querying a GSI"
                                   : "Consistent reads are not supported on global secondary indexes");
  }
  return {};
}

// What Query and Scan start with: the expressions, the table's schema (kept
// alive in read), the index and the ConsistentRead check.
template <class Request>
ddb::Status open_read(EngineContext& context, const Request& request, PreparedRead& read) {
  TH_ASSIGN_OR_RETURN(read.expressions, ddb::Expressions::for_request(request));
  TH_ASSIGN_OR_RETURN(auto handle, find_table(context, request.table_name));
  read.schema = handle->schema();
  read.plan.schema = read.schema.get();
  TH_ASSIGN_OR_RETURN(read.plan.index, find_index(*read.schema, request.index_name));
  return check_consistent_read(request.consistent_read, read.plan.index,
                               std::is_same_v<Request, ddb::QueryRequest>);
}

ddb::Status prepare_read(EngineContext& context, const ddb::QueryRequest& request, PreparedRead& read) {
  TH_RETURN_IF_ERROR(validate_return_consumed_capacity(request.return_consumed_capacity));
  TH_RETURN_IF_ERROR(check_limit(request.limit));
  TH_RETURN_IF_ERROR(open_read(context, request, read));
  const ddb::Expressions& expressions = read.expressions;
  const TableSchema* schema = read.schema.get();
  ReadPlan& plan = read.plan;
  if (!expressions.key_condition()) {
    return Error::Validation(
        "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
  }
  const KeyAttribute& hash = plan.index ? plan.index->hash : schema->hash;
  const auto& range = plan.index ? plan.index->range : schema->range;
  // Oriented by the schema: "SK = :s AND PK = :p" has two equalities, and only
  // the schema tells which one is on the partition key.
  TH_ASSIGN_OR_RETURN(const ddb::KeyCondition oriented,
                      expressions.key_condition_for(hash.name, range ? std::string_view(range->name) : ""));
  const ddb::KeyCondition* condition = &oriented;
  for (const auto& name : expressions.filter_attribute_names()) {
    if (name == hash.name || (range && name == range->name)) {
      return ddb::Error::Validation(
          "Filter Expression can only contain non-primary key attributes: Primary key "
          "attribute: " +
          name);
    }
  }
  TH_RETURN_IF_ERROR(
      plan_key_range(*condition, hash, range,
                     keys::index_prefix(schema->id, plan.index ? plan.index->id : keys::kBaseIndexId), plan));
  TH_RETURN_IF_ERROR(resolve_select(request.select, expressions, true, plan));
  if (request.exclusive_start_key) {
    TH_ASSIGN_OR_RETURN(std::string start,
                        encode_start_key(*schema, plan.index, *request.exclusive_start_key));
    std::string partition = keys::index_prefix(schema->id, plan.index ? plan.index->id : keys::kBaseIndexId);
    keys::append_key_value(partition, condition->partition_value);
    if (!start.starts_with(partition)) {
      return Error::Validation("The provided starting key does not match the range key predicate");
    }
    plan.start_after = std::move(start);
  }
  plan.forward = request.scan_index_forward.value_or(true);
  plan.limit = request.limit.value_or(0);
  plan.consistent = request.consistent_read.value_or(false);
  plan.expressions = &expressions;
  return {};
}

ddb::Status prepare_read(EngineContext& context, const ddb::ScanRequest& request, PreparedRead& read) {
  TH_RETURN_IF_ERROR(validate_return_consumed_capacity(request.return_consumed_capacity));
  TH_RETURN_IF_ERROR(check_limit(request.limit));
  if (request.segment && !request.total_segments) {
    return Error::Validation("If segment is specified, total segment must also be specified");
  }
  if (request.total_segments && !request.segment) {
    return Error::Validation("If total segment is specified, segment must also be specified");
  }
  if (request.total_segments) {
    if (*request.total_segments < 1 || *request.total_segments > 1000000) {
      return Error::Validation(
          "1 validation error detected: Value '" + std::to_string(*request.total_segments) +
          "' at 'totalSegments' failed to satisfy constraint: Member must have value " +
          (*request.total_segments < 1 ? "greater than or equal to 1" : "less than or equal to 1000000"));
    }
    if (*request.segment < 0 || *request.segment >= *request.total_segments) {
      return Error::Validation(
          "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
          "Segment: " +
          std::to_string(*request.segment) +
          " is not less than TotalSegments: " + std::to_string(*request.total_segments));
    }
  }
  TH_RETURN_IF_ERROR(open_read(context, request, read));
  const ddb::Expressions& expressions = read.expressions;
  const TableSchema* schema = read.schema.get();
  ReadPlan& plan = read.plan;
  TH_RETURN_IF_ERROR(resolve_select(request.select, expressions, false, plan));
  plan.lower = keys::index_prefix(schema->id, plan.index ? plan.index->id : keys::kBaseIndexId);
  plan.upper = keys::prefix_successor(plan.lower);
  if (request.exclusive_start_key) {
    TH_ASSIGN_OR_RETURN(plan.start_after,
                        encode_start_key(*schema, plan.index, *request.exclusive_start_key));
  }
  plan.limit = request.limit.value_or(0);
  plan.consistent = request.consistent_read.value_or(false);
  plan.expressions = &expressions;
  if (request.total_segments) {
    plan.segment = *request.segment;
    plan.total_segments = *request.total_segments;
    if (request.exclusive_start_key) {
      const KeyAttribute& partition = plan.index ? plan.index->hash : schema->hash;
      auto start = request.exclusive_start_key->find(partition.name);
      if (start != request.exclusive_start_key->end() &&
          scan_segment_of(start->second, plan.total_segments) != plan.segment) {
        return Error::Validation("Exclusive start key must lie within the segment");
      }
    }
  }
  return {};
}

template <class Request>
ddb::Status read_json(EngineContext& context, const Request& request, std::string& out) {
  PreparedRead read;
  TH_RETURN_IF_ERROR(prepare_read(context, request, read));
  if (can_stream_json(read.plan)) {
    return run_read_json(context, read.plan, request.table_name, request.return_consumed_capacity, out);
  }
  TH_ASSIGN_OR_RETURN(ddb::QueryResponse response,
                      run_read(context, read.plan, request.table_name, request.return_consumed_capacity));
  ddb::encode_json(response, out);
  return {};
}

}  // namespace

ddb::Result<ddb::QueryResponse> Engine::query(const ddb::QueryRequest& request) {
  PreparedRead read;
  TH_RETURN_IF_ERROR(prepare_read(*context_, request, read));
  return run_read(*context_, read.plan, request.table_name, request.return_consumed_capacity);
}

ddb::Result<ddb::ScanResponse> Engine::scan(const ddb::ScanRequest& request) {
  PreparedRead read;
  TH_RETURN_IF_ERROR(prepare_read(*context_, request, read));
  auto result = run_read(*context_, read.plan, request.table_name, request.return_consumed_capacity);
  if (!result.ok()) return std::move(result).error();
  ddb::ScanResponse response;
  static_cast<ddb::QueryResponse&>(response) = std::move(result).value();
  return response;
}

ddb::Status Engine::query_json(const ddb::QueryRequest& request, std::string& out) {
  return read_json(*context_, request, out);
}

ddb::Status Engine::scan_json(const ddb::ScanRequest& request, std::string& out) {
  return read_json(*context_, request, out);
}

}  // namespace townhall::engine
