// Temporary: the data operations not written yet answer InternalServerError.
// This file shrinks as they land and is deleted at the end.
#include "engine/context.h"

namespace townhall::engine {

#define TOWNHALL_PENDING(Name, method, Request, Response)                       \
  ddb::Result<ddb::Response> Engine::method(const ddb::Request&) {              \
    return ddb::Error::Internal(#Name " is not implemented in the engine yet"); \
  }
TOWNHALL_PENDING(PutItem, put_item, PutItemRequest, PutItemResponse)
TOWNHALL_PENDING(GetItem, get_item, GetItemRequest, GetItemResponse)
TOWNHALL_PENDING(UpdateItem, update_item, UpdateItemRequest, UpdateItemResponse)
TOWNHALL_PENDING(DeleteItem, delete_item, DeleteItemRequest, DeleteItemResponse)
TOWNHALL_PENDING(Query, query, QueryRequest, QueryResponse)
TOWNHALL_PENDING(Scan, scan, ScanRequest, ScanResponse)
TOWNHALL_PENDING(BatchGetItem, batch_get_item, BatchGetItemRequest, BatchGetItemResponse)
TOWNHALL_PENDING(BatchWriteItem, batch_write_item, BatchWriteItemRequest, BatchWriteItemResponse)
TOWNHALL_PENDING(TransactGetItems, transact_get_items, TransactGetItemsRequest, TransactGetItemsResponse)
TOWNHALL_PENDING(TransactWriteItems, transact_write_items, TransactWriteItemsRequest,
                 TransactWriteItemsResponse)
#undef TOWNHALL_PENDING

}  // namespace townhall::engine
