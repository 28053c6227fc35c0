#include "wire/operations.h"

#include <array>

#include "ddb/json_codec.h"

namespace townhall::wire {
namespace {

template <class Request, class Response, ddb::Result<Response> (ddb::Database::*method)(const Request&)>
ddb::Status run_operation(ddb::Database& database, std::string_view request_json,
                          std::string& response_json) {
  TH_ASSIGN_OR_RETURN(Request request, ddb::decode_json<Request>(request_json));
  TH_ASSIGN_OR_RETURN(Response response, (database.*method)(request));
  ddb::encode_json(response, response_json);
  return ddb::Status::Ok();
}

// Query and Scan go through the *_json calls, which a store may answer
// without building the items as maps.
template <>
ddb::Status run_operation<ddb::QueryRequest, ddb::QueryResponse, &ddb::Database::query>(
    ddb::Database& database, std::string_view request_json, std::string& response_json) {
  TH_ASSIGN_OR_RETURN(ddb::QueryRequest request, ddb::decode_json<ddb::QueryRequest>(request_json));
  return database.query_json(request, response_json);
}

template <>
ddb::Status run_operation<ddb::ScanRequest, ddb::ScanResponse, &ddb::Database::scan>(
    ddb::Database& database, std::string_view request_json, std::string& response_json) {
  TH_ASSIGN_OR_RETURN(ddb::ScanRequest request, ddb::decode_json<ddb::ScanRequest>(request_json));
  return database.scan_json(request, response_json);
}

constexpr bool is_long_running(std::string_view name) {
  for (std::string_view long_running :
       {"Query", "Scan", "BatchGetItem", "BatchWriteItem", "TransactGetItems", "TransactWriteItems",
        "CreateTable", "DeleteTable", "UpdateTable", "ExecuteStatement", "BatchExecuteStatement",
        "ExecuteTransaction", "GetRecords"}) {
    if (name == long_running) return true;
  }
  return false;
}

#define TOWNHALL_OPERATION_ENTRY(Name, method, Request, Response)                       \
  Operation{#Name, &run_operation<ddb::Request, ddb::Response, &ddb::Database::method>, \
            is_long_running(#Name)},
constexpr std::array kOperations = {TOWNHALL_DDB_OPERATIONS(TOWNHALL_OPERATION_ENTRY)};
constexpr std::array kStreamsOperations = {TOWNHALL_DDB_STREAMS_OPERATIONS(TOWNHALL_OPERATION_ENTRY)};
#undef TOWNHALL_OPERATION_ENTRY

template <size_t N>
const Operation* find_in(const std::array<Operation, N>& operations, std::string_view name) {
  for (const auto& operation : operations)
    if (operation.name == name) return &operation;
  return nullptr;
}

}  // namespace

const Operation* find_operation(std::string_view name) { return find_in(kOperations, name); }

const Operation* find_streams_operation(std::string_view name) { return find_in(kStreamsOperations, name); }

}  // namespace townhall::wire
