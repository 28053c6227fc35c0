// Turns CreateTable / UpdateTable parameters into TableSchema and
// IndexSchema, with DynamoDB's validation, and a TableSchema back into the
// TableDescription that DescribeTable reports.
#pragma once

#include "ddb/table_operations.h"
#include "engine/catalog.h"

namespace townhall::engine {

// A schema for the new table (id and creation time left for the caller).
ddb::Result<TableSchema> schema_from_create_request(const ddb::CreateTableRequest& request);

// A GSI added by UpdateTable, validated against the table and the request's
// AttributeDefinitions (merged into *definitions).
ddb::Result<IndexSchema> index_from_create_action(
    const TableSchema& schema, const ddb::CreateGlobalSecondaryIndexAction& action,
    const std::vector<ddb::AttributeDefinition>& new_definitions,
    std::vector<ddb::AttributeDefinition>& definitions);

std::string table_arn(std::string_view table_name);

// StreamEnabled with a view type, or disabled without one (DynamoDB Local's words).
ddb::Status validate_stream_specification(const ddb::StreamSpecification& spec);

// Counters may be null (CreateTable's answer: everything is 0).
ddb::TableDescription describe_schema(const TableSchema& schema, TableHandle* handle,
                                      const std::string& status = "ACTIVE");

}  // namespace townhall::engine
