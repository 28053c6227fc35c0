// The dispatch tables: DynamoDB operation name -> handler, generated from
// TOWNHALL_DDB_OPERATIONS and TOWNHALL_DDB_STREAMS_OPERATIONS (ddb/database.h), so every operation the
// Database interface has is served, each by the same three steps: decode the request JSON, call the Database,
// encode the response JSON.
//
// Thread-safety: the table is immutable; handlers are as thread-safe as the Database.
#pragma once

#include <string>
#include <string_view>

#include "ddb/database.h"

namespace townhall::wire {

// Decodes request_json, runs the operation, and on success appends the
// response JSON to response_json. Errors (malformed JSON, validation, the
// store's own) come back as the Status.
using OperationHandler = ddb::Status (*)(ddb::Database& database, std::string_view request_json,
                                         std::string& response_json);

struct Operation {
  std::string_view name;  // "GetItem"
  OperationHandler handler;
  // Work that grows with the data or waits on many keys (Query, Scan,
  // batches, transactions, table creation and deletion), as opposed to one
  // item's read or write, which takes microseconds.
  bool long_running;
};

// The operation named name (the part of X-Amz-Target after "DynamoDB_20120810."), or nullptr.
const Operation* find_operation(std::string_view name);
// The Streams operation named name (after "DynamoDBStreams_20120810."), or nullptr.
const Operation* find_streams_operation(std::string_view name);

}  // namespace townhall::wire
