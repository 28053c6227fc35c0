#include "ddb/partiql/executor.h"

#include <set>
#include <utility>

#include "ddb/base64.h"
#include "ddb/json_codec.h"
#include "ddb/partiql/parser.h"

namespace townhall::ddb::partiql {
namespace {

constexpr size_t kMaxStatementLength = 8192;
constexpr size_t kMaxBatchStatements = 25;
constexpr size_t kMaxTransactionStatements = 100;

Error length_error(std::string_view field, size_t count, size_t limit, bool too_long) {
  return Error::Validation(
      "1 validation error detected: Value at '" + std::string(field) +
      "' failed to satisfy constraint: Member must have length " +
      (too_long ? "less than or equal to " + std::to_string(limit) : "greater than or equal to 1") +
      " (it has " + std::to_string(count) + ")");
}

// Parses, checks the parameters against the `?`s, and plans.
Result<Plan> prepare(const std::string& statement,
                     const std::optional<std::vector<AttributeValue>>& parameters,
                     const KeySchemaLookup& lookup) {
  if (statement.empty() || statement.size() > kMaxStatementLength) {
    return Error::Validation(
        "1 validation error detected: Value at 'statement' failed to satisfy constraint: "
        "Member must have length " +
        std::string(statement.empty() ? "greater than or equal to 1" : "less than or equal to 8192"));
  }
  TH_ASSIGN_OR_RETURN(ParsedStatement parsed, parse(statement));
  static const std::vector<AttributeValue> kNone;
  const auto& values = parameters ? *parameters : kNone;
  if (parsed.parameter_count != values.size()) {
    return Error::Validation("Number of parameters in request and statement don't match.");
  }
  return plan(parsed, values, lookup);
}

// What every request a plan becomes takes from it: the table, and the
// expressions' names and values (only when there are any: DynamoDB refuses
// empty maps).
template <class Request>
Request request_for(const Plan& plan) {
  Request request;
  request.table_name = plan.table;
  if (!plan.names.empty()) request.expression_attribute_names = plan.names;
  if constexpr (requires { request.expression_attribute_values; }) {
    if (!plan.values.empty()) request.expression_attribute_values = plan.values;
  }
  return request;
}

// A Query or a Scan: the members they share.
template <class Request>
Request page_request(const Plan& plan, const ExecuteStatementRequest& statement,
                     const std::optional<AttributeMap>& start) {
  auto request = request_for<Request>(plan);
  request.index_name = plan.index;
  request.filter_expression = plan.filter;
  request.projection_expression = plan.projection;
  request.limit = statement.limit;
  request.consistent_read = statement.consistent_read;
  request.exclusive_start_key = start;
  request.return_consumed_capacity = statement.return_consumed_capacity;
  return request;
}

Error duplicate_item() { return Error{ErrorCode::kDuplicateItem, "Duplicate primary key exists in table"}; }

// NextToken: the LastEvaluatedKey as base64 JSON.
std::string encode_token(const AttributeMap& key) { return base64_encode(encode_attribute_map_json(key)); }
Result<AttributeMap> decode_token(const std::string& token) {
  std::string json;
  if (!base64_decode(token, json)) return Error::Validation("Invalid NextToken");
  auto key = decode_attribute_map_json(json);
  if (!key.ok()) return Error::Validation("Invalid NextToken");
  return key;
}

// An item read by a plan, as the statement's projection shapes it.
AttributeMap shaped(const Plan& plan, AttributeMap item) {
  return plan.projected_paths ? shape_projection(item, *plan.projected_paths) : std::move(item);
}

void add_item(ExecuteStatementResponse& response, const Plan& plan, const AttributeMap& item) {
  response.items.push_back(shaped(plan, item));
}

Result<ExecuteStatementResponse> run_read(Database& db, Plan& plan, const ExecuteStatementRequest& request) {
  ExecuteStatementResponse response;
  if (plan.kind == Plan::Kind::kGet) {
    auto get = request_for<GetItemRequest>(plan);
    get.key = plan.key;
    get.projection_expression = plan.projection;
    get.consistent_read = request.consistent_read;
    get.return_consumed_capacity = request.return_consumed_capacity;
    TH_ASSIGN_OR_RETURN(GetItemResponse got, db.get_item(get));
    if (got.item) add_item(response, plan, *got.item);
    response.consumed_capacity = std::move(got.consumed_capacity);
    return response;
  }
  std::optional<AttributeMap> start;
  if (request.next_token) {
    TH_ASSIGN_OR_RETURN(start, decode_token(*request.next_token));
  }
  auto finish = [&](auto page) -> Result<ExecuteStatementResponse> {
    for (const auto& item : page.items.value_or(std::vector<AttributeMap>{})) add_item(response, plan, item);
    if (page.last_evaluated_key) {
      response.next_token = encode_token(*page.last_evaluated_key);
      response.last_evaluated_key = std::move(page.last_evaluated_key);
    }
    response.consumed_capacity = std::move(page.consumed_capacity);
    return std::move(response);
  };
  if (plan.kind == Plan::Kind::kQuery) {
    auto query = page_request<QueryRequest>(plan, request, start);
    query.key_condition_expression = plan.key_condition;
    if (plan.descending) query.scan_index_forward = false;
    TH_ASSIGN_OR_RETURN(QueryResponse page, db.query(query));
    return finish(std::move(page));
  }
  TH_ASSIGN_OR_RETURN(ScanResponse page, db.scan(page_request<ScanRequest>(plan, request, start)));
  return finish(std::move(page));
}

struct WriteOptions {
  std::optional<std::string> return_consumed_capacity;
  std::optional<std::string> return_values_on_condition_check_failure;
};

// A write statement: the item RETURNING asked for, if any.
Result<std::optional<AttributeMap>> run_write(Database& db, Plan& plan, const WriteOptions& options,
                                              std::optional<ConsumedCapacity>* capacity = nullptr) {
  auto keep = [&](auto& response) {
    if (capacity) *capacity = std::move(response.consumed_capacity);
  };
  // The members every write takes: table, expressions, condition, options.
  auto write_request = [&]<class Request>() {
    auto request = request_for<Request>(plan);
    request.condition_expression = plan.condition;
    request.return_consumed_capacity = options.return_consumed_capacity;
    request.return_values_on_condition_check_failure = options.return_values_on_condition_check_failure;
    return request;
  };
  switch (plan.kind) {
    case Plan::Kind::kPut: {
      auto put = write_request.operator()<PutItemRequest>();
      put.item = plan.item;
      auto done = db.put_item(put);
      if (!done.ok() && done.error().code == ErrorCode::kConditionalCheckFailed) return duplicate_item();
      TH_RETURN_IF_ERROR(done);
      keep(*done);
      return std::optional<AttributeMap>();
    }
    case Plan::Kind::kUpdate: {
      auto update = write_request.operator()<UpdateItemRequest>();
      update.key = plan.key;
      update.update_expression = plan.update;
      update.return_values = plan.return_values;
      TH_ASSIGN_OR_RETURN(UpdateItemResponse done, db.update_item(update));
      keep(done);
      return std::move(done.attributes);
    }
    case Plan::Kind::kDelete: {
      auto remove = write_request.operator()<DeleteItemRequest>();
      remove.key = plan.key;
      remove.return_values = plan.return_values;
      TH_ASSIGN_OR_RETURN(DeleteItemResponse done, db.delete_item(remove));
      keep(done);
      return std::move(done.attributes);
    }
    default:
      return Error::Validation("EXISTS can only be used in ExecuteTransaction write requests.");
  }
}

// BatchExecuteStatement's per-statement error codes.
std::string batch_error_code(ErrorCode code) {
  switch (code) {
    case ErrorCode::kConditionalCheckFailed:
      return "ConditionalCheckFailed";
    case ErrorCode::kDuplicateItem:
      return "DuplicateItem";
    case ErrorCode::kResourceNotFound:
      return "ResourceNotFound";
    case ErrorCode::kTransactionConflict:
      return "TransactionConflict";
    case ErrorCode::kProvisionedThroughputExceeded:
      return "ProvisionedThroughputExceeded";
    case ErrorCode::kThrottling:
      return "ThrottlingError";
    case ErrorCode::kRequestLimitExceeded:
      return "RequestLimitExceeded";
    case ErrorCode::kItemCollectionSizeLimitExceeded:
      return "ItemCollectionSizeLimitExceeded";
    case ErrorCode::kAccessDenied:
      return "AccessDenied";
    case ErrorCode::kInternalServerError:
      return "InternalServerError";
    default:
      return "ValidationError";
  }
}

}  // namespace

Result<ExecuteStatementResponse> execute_statement(Database& db, const ExecuteStatementRequest& request,
                                                   const KeySchemaLookup& lookup) {
  if (request.limit && *request.limit < 1) {
    return Error::Validation("1 validation error detected: Value '" + std::to_string(*request.limit) +
                             "' at 'limit' failed to satisfy constraint: Member must have value greater than "
                             "or equal to 1");
  }
  TH_ASSIGN_OR_RETURN(Plan plan, prepare(request.statement, request.parameters, lookup));
  if (plan.reads()) return run_read(db, plan, request);
  ExecuteStatementResponse response;
  std::optional<ConsumedCapacity> capacity;
  TH_ASSIGN_OR_RETURN(auto item, run_write(db, plan,
                                           {request.return_consumed_capacity,
                                            request.return_values_on_condition_check_failure},
                                           &capacity));
  if (item) response.items.push_back(std::move(*item));
  response.consumed_capacity = std::move(capacity);
  return response;
}

Result<BatchExecuteStatementResponse> batch_execute_statement(Database& db,
                                                              const BatchExecuteStatementRequest& request,
                                                              const KeySchemaLookup& lookup) {
  // The request-level messages are DynamoDB Local's (the documentation gives none).
  const size_t count = request.statements.size();
  if (count == 0) return Error::Validation("The statement was empty.");
  std::vector<Result<Plan>> plans;
  bool reads = false, writes = false;
  std::set<std::pair<std::string, std::string>> keys;
  bool duplicates = false;
  for (const auto& statement : request.statements) {
    plans.push_back(prepare(statement.statement, statement.parameters, lookup));
    if (!plans.back().ok()) continue;
    const Plan& plan = *plans.back();
    (plan.reads() ? reads : writes) = true;
    if (!plan.key.empty())
      duplicates |= !keys.emplace(plan.table, encode_attribute_map_json(plan.key)).second;
  }
  if (reads && writes)
    return Error::Validation("Read and write requests together in the same batch is not supported.");
  if (count > kMaxBatchStatements) {
    return Error::Validation(reads ? "BatchGetItem cannot fetch more than 25 items"
                                   : "Too many items requested for the BatchWriteItem call");
  }
  if (duplicates) return Error::Validation("Provided list of item keys contains duplicates");
  BatchExecuteStatementResponse response;
  for (size_t i = 0; i < count; ++i) {
    BatchStatementResponse& answer = response.responses.emplace_back();
    Result<Plan>& planned = plans[i];
    if (planned.ok() && planned->reads() && planned->kind != Plan::Kind::kGet) {
      planned = Error::Validation("Only single item select is supported");
    }
    if (!planned.ok()) {
      answer.error = BatchStatementError{batch_error_code(planned.error().code), planned.error().message, {}};
      continue;
    }
    Plan& plan = *planned;
    answer.table_name = plan.table;
    if (plan.reads()) {
      ExecuteStatementRequest single;
      single.consistent_read = request.statements[i].consistent_read;
      auto read = run_read(db, plan, single);
      if (!read.ok()) {
        answer.error = BatchStatementError{batch_error_code(read.error().code), read.error().message, {}};
      } else if (!read->items.empty()) {
        answer.item = std::move(read->items[0]);
      }
      continue;
    }
    auto written =
        run_write(db, plan, {std::nullopt, request.statements[i].return_values_on_condition_check_failure});
    if (!written.ok()) {
      const Error& error = written.error();
      answer.error = BatchStatementError{batch_error_code(error.code), error.message, error.item};
    }
  }
  return response;
}

Result<ExecuteTransactionResponse> execute_transaction(Database& db, const ExecuteTransactionRequest& request,
                                                       const KeySchemaLookup& lookup) {
  const size_t count = request.transact_statements.size();
  if (count == 0) return Error::Validation("ExecutePartiQLTransaction can not have empty statement.");
  if (count > kMaxTransactionStatements) {
    return length_error("transactStatements", count, kMaxTransactionStatements, true);
  }
  std::vector<Plan> plans;
  for (const auto& statement : request.transact_statements) {
    TH_ASSIGN_OR_RETURN(Plan plan, prepare(statement.statement, statement.parameters, lookup));
    plans.push_back(std::move(plan));
  }
  const bool reads = plans[0].reads();
  for (size_t i = 0; i < plans.size(); ++i) {
    if (plans[i].reads() != reads) {
      return Error::Validation(
          "ExecuteTransaction API does not support both read and write operations in the same request.");
    }
    if (plans[i].reads() && plans[i].kind != Plan::Kind::kGet) {
      return Error::Validation(
          "Validation failed in TransactStatements[" + std::to_string(i) +
          "]: Select statements within ExecuteTransaction must specify the primary key in "
          "the where clause.");
    }
  }
  ExecuteTransactionResponse response;
  if (reads) {
    TransactGetItemsRequest get;
    get.return_consumed_capacity = request.return_consumed_capacity;
    for (Plan& plan : plans) {
      TransactGetItem& item = get.transact_items.emplace_back();
      item.get = request_for<Get>(plan);
      item.get.key = plan.key;
      item.get.projection_expression = plan.projection;
    }
    TH_ASSIGN_OR_RETURN(TransactGetItemsResponse got, db.transact_get_items(get));
    response.responses.emplace();
    for (size_t i = 0; i < plans.size(); ++i) {
      ItemResponse& answer = response.responses->emplace_back();
      if (i < got.responses.size() && got.responses[i].item) {
        answer.item = shaped(plans[i], std::move(*got.responses[i].item));
      }
    }
    response.consumed_capacity = std::move(got.consumed_capacity);
    return response;
  }
  TransactWriteItemsRequest write;
  write.client_request_token = request.client_request_token;
  write.return_consumed_capacity = request.return_consumed_capacity;
  for (size_t i = 0; i < plans.size(); ++i) {
    Plan& plan = plans[i];
    auto action = request_for<TransactWriteAction>(plan);
    action.condition_expression = plan.condition;
    action.return_values_on_condition_check_failure =
        request.transact_statements[i].return_values_on_condition_check_failure;
    TransactWriteItem& item = write.transact_items.emplace_back();
    switch (plan.kind) {
      case Plan::Kind::kPut:
        action.item = plan.item;
        item.put = std::move(action);
        break;
      case Plan::Kind::kUpdate:
        action.key = plan.key;
        action.update_expression = plan.update;
        item.update = std::move(action);
        break;
      case Plan::Kind::kDelete:
        action.key = plan.key;
        item.delete_ = std::move(action);
        break;
      default:
        action.key = plan.key;
        item.condition_check = std::move(action);
        break;
    }
  }
  auto written = db.transact_write_items(write);
  if (!written.ok()) {
    Error error = std::move(written).error();
    if (error.code == ErrorCode::kTransactionCanceled) {
      // An INSERT whose item exists: DynamoDB Local's reason (the documentation names none).
      std::string codes;
      for (size_t i = 0; i < error.cancellation_reasons.size(); ++i) {
        CancellationReason& reason = error.cancellation_reasons[i];
        if (i < plans.size() && plans[i].kind == Plan::Kind::kPut &&
            reason.code == "ConditionalCheckFailed") {
          reason.code = "ValidationError";
          reason.message = "Duplicate primary key exists in table";
        }
        codes += (i ? ", " : "") + reason.code;
      }
      error.message =
          "Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]";
    }
    return error;
  }
  response.responses.emplace();  // empty for writes, as DynamoDB Local answers
  response.consumed_capacity = std::move(written->consumed_capacity);
  return response;
}

}  // namespace townhall::ddb::partiql
