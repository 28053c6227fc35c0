// Runs DynamoDB's PartiQL operations over any Database: each statement is
// parsed (parser.h), planned into the DynamoDB request it stands for
// (planner.h) and that request is made, so PartiQL gets the store's own
// validation, conditions, capacity and atomicity. The engine answers
// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction this way,
// with key schemas from its catalog (lookup); a remote DynamoDB gets them as
// they are.
//
// Thread-safety: as thread-safe as the Database.
#pragma once

#include "ddb/database.h"
#include "ddb/partiql/planner.h"

namespace townhall::ddb::partiql {

Result<ExecuteStatementResponse> execute_statement(Database& db, const ExecuteStatementRequest& request,
                                                   const KeySchemaLookup& lookup);
Result<BatchExecuteStatementResponse> batch_execute_statement(Database& db,
                                                              const BatchExecuteStatementRequest& request,
                                                              const KeySchemaLookup& lookup);
Result<ExecuteTransactionResponse> execute_transaction(Database& db, const ExecuteTransactionRequest& request,
                                                       const KeySchemaLookup& lookup);

}  // namespace townhall::ddb::partiql
