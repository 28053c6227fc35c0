// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction: PartiQL
// planned into the engine's own requests (ddb/partiql/executor.h), with the
// key schemas read from the catalog rather than through DescribeTable.
#include "ddb/partiql/executor.h"
#include "engine/context.h"
#include "engine/items.h"

namespace townhall::engine {
namespace {

ddb::partiql::KeySchemaLookup catalog_lookup(EngineContext& context) {
  return [&context](const std::string& table,
                    const std::optional<std::string>& index) -> ddb::Result<ddb::partiql::KeySchema> {
    TH_ASSIGN_OR_RETURN(auto handle, find_table(context, table));
    auto schema = handle->schema();
    const KeyAttribute* hash = &schema->hash;
    const std::optional<KeyAttribute>* range = &schema->range;
    if (index) {
      const IndexSchema* found = schema->find_index(*index);
      if (!found) return ddb::Error::Validation("The table does not have the specified index: " + *index);
      hash = &found->hash;
      range = &found->range;
    }
    ddb::partiql::KeySchema keys;
    keys.hash = hash->name;
    keys.hash_type = hash->type;
    if (*range) {
      keys.range = (*range)->name;
      keys.range_type = (*range)->type;
    }
    return keys;
  };
}

}  // namespace

ddb::Result<ddb::ExecuteStatementResponse> Engine::execute_statement(
    const ddb::ExecuteStatementRequest& request) {
  return ddb::partiql::execute_statement(*this, request, catalog_lookup(*context_));
}

ddb::Result<ddb::BatchExecuteStatementResponse> Engine::batch_execute_statement(
    const ddb::BatchExecuteStatementRequest& request) {
  return ddb::partiql::batch_execute_statement(*this, request, catalog_lookup(*context_));
}

ddb::Result<ddb::ExecuteTransactionResponse> Engine::execute_transaction(
    const ddb::ExecuteTransactionRequest& request) {
  return ddb::partiql::execute_transaction(*this, request, catalog_lookup(*context_));
}

}  // namespace townhall::engine
