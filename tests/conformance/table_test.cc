// CreateTable (with the chat table's GSI), DescribeTable, ListTables,
// DeleteTable, and their errors.
#include <algorithm>

#include "conformance.h"

namespace townhall::conformance {
namespace {

using ddb::ErrorCode;

class TableTest : public ConformanceTest {};

std::vector<std::string> attribute_names(const std::vector<ddb::AttributeDefinition>& definitions) {
  std::vector<std::string> names;
  for (const auto& d : definitions) names.push_back(d.attribute_name + ":" + d.attribute_type);
  std::sort(names.begin(), names.end());
  return names;
}

void expect_chat_schema(const ddb::TableDescription& table, const std::string& name) {
  EXPECT_EQ(table.table_name, name);
  ASSERT_TRUE(table.key_schema.has_value());
  EXPECT_EQ(*table.key_schema, (std::vector<ddb::KeySchemaElement>{{"PK", "HASH"}, {"SK", "RANGE"}}));
  ASSERT_TRUE(table.attribute_definitions.has_value());
  EXPECT_EQ(attribute_names(*table.attribute_definitions),
            (std::vector<std::string>{"GSI1PK:S", "GSI1SK:S", "PK:S", "SK:S"}));
  ASSERT_TRUE(table.global_secondary_indexes.has_value());
  ASSERT_EQ(table.global_secondary_indexes->size(), 1u);
  const auto& gsi = table.global_secondary_indexes->front();
  EXPECT_EQ(gsi.index_name, "GSI1");
  EXPECT_EQ(gsi.key_schema,
            (std::optional<std::vector<ddb::KeySchemaElement>>{{{"GSI1PK", "HASH"}, {"GSI1SK", "RANGE"}}}));
  ASSERT_TRUE(gsi.projection.has_value());
  EXPECT_EQ(gsi.projection->projection_type, "INCLUDE");
  auto non_key = gsi.projection->non_key_attributes.value_or(std::vector<std::string>{});
  std::sort(non_key.begin(), non_key.end());
  EXPECT_EQ(non_key, (std::vector<std::string>{"ChanName", "JoinedAt"}));
  EXPECT_TRUE(table.table_arn.has_value() && table.table_arn->ends_with(":table/" + name))
      << *table.table_arn;
  EXPECT_TRUE(table.creation_date_time.has_value());
}

TEST_P(TableTest, CreateTableWithGsiThenDescribe) {
  std::string name = unique_table_name("chat");
  auto created = db().create_table(chat_table_request(name));
  ASSERT_TRUE(created.ok()) << created.error().to_string();
  track_table(name);
  const ddb::TableDescription& description = created->table_description;
  expect_chat_schema(description, name);
  // DynamoDB answers CREATING and becomes ACTIVE later; a store that creates
  // tables synchronously may answer ACTIVE at once (callers wait for ACTIVE either way).
  EXPECT_TRUE(description.table_status == "CREATING" || description.table_status == "ACTIVE")
      << description.table_status.value_or("(none)");
  EXPECT_EQ(description.item_count.value_or(0), 0);

  ASSERT_TRUE(wait_until_active(name));
  ddb::DescribeTableRequest describe;
  describe.table_name = name;
  auto described = db().describe_table(describe);
  ASSERT_TRUE(described.ok()) << described.error().to_string();
  expect_chat_schema(described->table, name);
  EXPECT_EQ(described->table.table_status, "ACTIVE");
  EXPECT_EQ(described->table.global_secondary_indexes->front().index_status, "ACTIVE");
  EXPECT_EQ(described->table.item_count, 0);
  auto billing = described->table.billing_mode_summary.value_or(ddb::BillingModeSummary{}).billing_mode;
  EXPECT_EQ(billing, "PAY_PER_REQUEST");
}

TEST_P(TableTest, CreateExistingTableIsResourceInUse) {
  std::string name = create_chat_table();
  auto again = db().create_table(chat_table_request(name));
  // The message is not documented (the service says "Table already exists:
  // <name>", DynamoDB Local "Cannot create preexisting table", dynalite
  // nothing), so only the error is checked.
  EXPECT_TRUE(fails_with(again, ErrorIs{ErrorCode::kResourceInUse}));
}

TEST_P(TableTest, DescribeMissingTableIsResourceNotFound) {
  ddb::DescribeTableRequest request;
  request.table_name = unique_table_name("missing");
  auto described = db().describe_table(request);
  // The Developer Guide's example error: "Requested resource not found: Table: tablename not found".
  const ErrorIs local_words{ErrorCode::kResourceNotFound, "Cannot do operations on a non-existent table"};
  EXPECT_TRUE(fails_with(
      described, expected_for<ErrorIs>(
                     target(),
                     {ErrorCode::kResourceNotFound,
                      "Requested resource not found: Table: " + request.table_name + " not found"},
                     {{Target::kDynamoDbLocal, local_words,
                       "ResourceNotFoundException says \"Cannot do operations on a non-existent table\""}})));
}

TEST_P(TableTest, ListTablesThenDeleteTable) {
  std::string first = create_chat_table();
  std::string second = create_chat_table();
  auto listed = db().list_tables({});
  ASSERT_TRUE(listed.ok()) << listed.error().to_string();
  const auto& names = listed->table_names;
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_NE(std::find(names.begin(), names.end(), first), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), second), names.end());

  // Paginated: Limit 1 from just before `first` returns exactly it.
  ddb::ListTablesRequest page;
  page.limit = 1;
  auto before = std::find(names.begin(), names.end(), first);
  if (before != names.begin()) page.exclusive_start_table_name = *(before - 1);
  auto one = db().list_tables(page);
  ASSERT_TRUE(one.ok()) << one.error().to_string();
  EXPECT_EQ(one->table_names, std::vector<std::string>{first});
  EXPECT_EQ(one->last_evaluated_table_name, first);

  ddb::DeleteTableRequest del;
  del.table_name = first;
  auto deleted = db().delete_table(del);
  ASSERT_TRUE(deleted.ok()) << deleted.error().to_string();
  EXPECT_EQ(deleted->table_description.table_name, first);

  // Gone (after DELETING, on stores that delete asynchronously).
  ddb::DescribeTableRequest describe;
  describe.table_name = first;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  ddb::Result<ddb::DescribeTableResponse> described = db().describe_table(describe);
  while (described.ok() && std::chrono::steady_clock::now() < deadline) {
    EXPECT_EQ(described->table.table_status, "DELETING");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    described = db().describe_table(describe);
  }
  ASSERT_FALSE(described.ok());
  EXPECT_EQ(described.error().code, ErrorCode::kResourceNotFound);
  auto deleted_again = db().delete_table(del);
  EXPECT_FALSE(deleted_again.ok());
  EXPECT_EQ(deleted_again.error().code, ErrorCode::kResourceNotFound);
}

TEST_P(TableTest, CreateTableValidation) {
  // A key attribute with no definition.
  auto request = chat_table_request(unique_table_name("invalid"));
  request.attribute_definitions.erase(request.attribute_definitions.begin() + 1);  // SK
  auto missing_definition = db().create_table(request);
  EXPECT_TRUE(fails_with(missing_definition, ErrorIs{ErrorCode::kValidation}));

  // A GSI key attribute with no definition.
  request = chat_table_request(unique_table_name("invalid"));
  request.attribute_definitions.pop_back();  // GSI1SK
  EXPECT_TRUE(fails_with(db().create_table(request), ErrorIs{ErrorCode::kValidation}));

  // Two HASH keys.
  request = chat_table_request(unique_table_name("invalid"));
  request.key_schema[1].key_type = "HASH";
  EXPECT_TRUE(fails_with(db().create_table(request), ErrorIs{ErrorCode::kValidation}));

  // A table name DynamoDB does not allow (too short).
  request = chat_table_request("ab");
  EXPECT_TRUE(fails_with(db().create_table(request), ErrorIs{ErrorCode::kValidation}));
}

TOWNHALL_CONFORMANCE_SUITE(TableTest);

}  // namespace
}  // namespace townhall::conformance
