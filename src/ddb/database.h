// ddb::Database: the DynamoDB API as the rest of Townhall sees it. Two
// implementations: engine::Engine (in process, RocksDB) and client::Client
// (a remote endpoint over HTTP). Chat code and the wire endpoint talk only to
// this interface, so they run unchanged on either store.
//
// Thread-safety: implementations are safe for concurrent calls.
// Every call returns the response or the DynamoDB error the service would give.
#pragma once

#include "ddb/batch_operations.h"
#include "ddb/item_operations.h"
#include "ddb/partiql_operations.h"
#include "ddb/result.h"
#include "ddb/stream_operations.h"
#include "ddb/table_operations.h"

namespace townhall::ddb {

// Every operation, once: X(OperationName, method_name, Request, Response).
// The wire dispatch table, the remote client and this interface are generated
// from this list, so adding an operation is one line here plus its handlers.
#define TOWNHALL_DDB_OPERATIONS(X)                                                                    \
  X(CreateTable, create_table, CreateTableRequest, CreateTableResponse)                               \
  X(DeleteTable, delete_table, DeleteTableRequest, DeleteTableResponse)                               \
  X(DescribeTable, describe_table, DescribeTableRequest, DescribeTableResponse)                       \
  X(ListTables, list_tables, ListTablesRequest, ListTablesResponse)                                   \
  X(UpdateTable, update_table, UpdateTableRequest, UpdateTableResponse)                               \
  X(PutItem, put_item, PutItemRequest, PutItemResponse)                                               \
  X(GetItem, get_item, GetItemRequest, GetItemResponse)                                               \
  X(UpdateItem, update_item, UpdateItemRequest, UpdateItemResponse)                                   \
  X(DeleteItem, delete_item, DeleteItemRequest, DeleteItemResponse)                                   \
  X(Query, query, QueryRequest, QueryResponse)                                                        \
  X(Scan, scan, ScanRequest, ScanResponse)                                                            \
  X(BatchGetItem, batch_get_item, BatchGetItemRequest, BatchGetItemResponse)                          \
  X(BatchWriteItem, batch_write_item, BatchWriteItemRequest, BatchWriteItemResponse)                  \
  X(TransactGetItems, transact_get_items, TransactGetItemsRequest, TransactGetItemsResponse)          \
  X(TransactWriteItems, transact_write_items, TransactWriteItemsRequest, TransactWriteItemsResponse)  \
  X(DescribeTimeToLive, describe_time_to_live, DescribeTimeToLiveRequest, DescribeTimeToLiveResponse) \
  X(UpdateTimeToLive, update_time_to_live, UpdateTimeToLiveRequest, UpdateTimeToLiveResponse)         \
  X(TagResource, tag_resource, TagResourceRequest, TagResourceResponse)                               \
  X(UntagResource, untag_resource, UntagResourceRequest, UntagResourceResponse)                       \
  X(ListTagsOfResource, list_tags_of_resource, ListTagsOfResourceRequest, ListTagsOfResourceResponse) \
  X(DescribeEndpoints, describe_endpoints, DescribeEndpointsRequest, DescribeEndpointsResponse)       \
  X(ExecuteStatement, execute_statement, ExecuteStatementRequest, ExecuteStatementResponse)           \
  X(BatchExecuteStatement, batch_execute_statement, BatchExecuteStatementRequest,                     \
    BatchExecuteStatementResponse)                                                                    \
  X(ExecuteTransaction, execute_transaction, ExecuteTransactionRequest, ExecuteTransactionResponse)

// The DynamoDB Streams API, served on the same endpoint under its own target
// prefix (DynamoDBStreams_20120810.*), as DynamoDB Local and Alternator do.
#define TOWNHALL_DDB_STREAMS_OPERATIONS(X)                                                   \
  X(ListStreams, list_streams, ListStreamsRequest, ListStreamsResponse)                      \
  X(DescribeStream, describe_stream, DescribeStreamRequest, DescribeStreamResponse)          \
  X(GetShardIterator, get_shard_iterator, GetShardIteratorRequest, GetShardIteratorResponse) \
  X(GetRecords, get_records, GetRecordsRequest, GetRecordsResponse)

#define TOWNHALL_DDB_ALL_OPERATIONS(X) TOWNHALL_DDB_OPERATIONS(X) TOWNHALL_DDB_STREAMS_OPERATIONS(X)

class Database {
 public:
  virtual ~Database() = default;

#define TOWNHALL_DECLARE_OPERATION(Name, method, Request, Response) \
  virtual Result<Response> method(const Request& request) = 0;
  TOWNHALL_DDB_ALL_OPERATIONS(TOWNHALL_DECLARE_OPERATION)
#undef TOWNHALL_DECLARE_OPERATION

  // Query and Scan answered as their wire JSON, appended to out: what
  // encode_json(query(request)) appends, which is the default. The endpoint
  // calls these so that a store can write items straight from their stored
  // form without building AttributeMaps (the engine does: a page of items is
  // mostly allocation when built as maps).
  virtual Status query_json(const QueryRequest& request, std::string& out);
  virtual Status scan_json(const ScanRequest& request, std::string& out);
};

}  // namespace townhall::ddb
