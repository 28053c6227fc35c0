#include <gtest/gtest.h>

#include "engine/test_util.h"

namespace townhall::engine {
namespace {

using namespace testing;
using ddb::ErrorCode;

class ItemOperationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = pk_sk_table("Items");
    r.attribute_definitions.push_back({"G", "S"});
    r.global_secondary_indexes = std::vector<ddb::GlobalSecondaryIndex>{
        gsi("ByG", "G", std::nullopt, "INCLUDE", std::vector<std::string>{"A"})};
    ddb::LocalSecondaryIndex lsi;
    lsi.index_name = "ByGLocal";
    lsi.key_schema = {{"PK", "HASH"}, {"G", "RANGE"}};
    lsi.projection.projection_type = "KEYS_ONLY";
    r.local_secondary_indexes = std::vector<ddb::LocalSecondaryIndex>{lsi};
    TH_ASSERT_OK(db_->create_table(r));
  }

  ddb::Result<ddb::PutItemResponse> put(AttributeMap item) {
    ddb::PutItemRequest r;
    r.table_name = "Items";
    r.item = std::move(item);
    return db_->put_item(r);
  }
  std::optional<AttributeMap> get(AttributeMap key) {
    ddb::GetItemRequest r;
    r.table_name = "Items";
    r.key = std::move(key);
    auto response = db_->get_item(r);
    EXPECT_TRUE(response.ok()) << response.error().to_string();
    return response.ok() ? response->item : std::nullopt;
  }
  static AttributeMap key(std::string pk, std::string sk = "s") { return {{"PK", S(pk)}, {"SK", S(sk)}}; }

  std::unique_ptr<Engine> db_ = open_in_memory();
};

TEST_F(ItemOperationsTest, PutGetDelete) {
  AttributeMap item = key("a");
  item["Name"] = S("Ada");
  item["Count"] = N(3);
  TH_ASSERT_OK(put(item));
  EXPECT_EQ(get(key("a")), item);
  EXPECT_EQ(get(key("missing")), std::nullopt);

  ddb::PutItemRequest replace;
  replace.table_name = "Items";
  replace.item = key("a");
  replace.return_values = "ALL_OLD";
  auto replaced = db_->put_item(replace);
  TH_ASSERT_OK(replaced);
  EXPECT_EQ(replaced->attributes, item);
  EXPECT_EQ(get(key("a")), key("a"));

  ddb::DeleteItemRequest del;
  del.table_name = "Items";
  del.key = key("a");
  del.return_values = "ALL_OLD";
  auto deleted = db_->delete_item(del);
  TH_ASSERT_OK(deleted);
  EXPECT_EQ(deleted->attributes, key("a"));
  EXPECT_EQ(get(key("a")), std::nullopt);
  deleted = db_->delete_item(del);  // deleting nothing is fine
  TH_ASSERT_OK(deleted);
  EXPECT_FALSE(deleted->attributes);
}

TEST_F(ItemOperationsTest, KeyValidation) {
  TH_EXPECT_ERROR(put({{"PK", S("a")}}), ErrorCode::kValidation,
                  "One or more parameter values were invalid: Missing the key SK in the item");
  TH_EXPECT_ERROR(
      put({{"PK", N(1)}, {"SK", S("x")}}), ErrorCode::kValidation,
      "One or more parameter values were invalid: Type mismatch for key PK expected: S actual: N");
  TH_EXPECT_ERROR(
      put(key("")), ErrorCode::kValidation,
      "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain "
      "an empty string value. Key: PK");
  TH_EXPECT_ERROR(
      put(key(std::string(2049, 'x'))), ErrorCode::kValidation,
      "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit "
      "of2048 bytes");
  TH_ASSERT_OK(put(key(std::string(2048, 'x'))));
  TH_EXPECT_ERROR(
      put(key("a", std::string(1025, 'x'))), ErrorCode::kValidation,
      "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size "
      "limit of 1024 bytes");
  TH_ASSERT_OK(put(key("a", std::string(1024, 'x'))));

  AttributeMap big = key("big");
  big["Data"] = S(std::string(400 * 1024, 'x'));
  TH_EXPECT_ERROR(put(big), ErrorCode::kValidation, "Item size has exceeded the maximum allowed size");

  AttributeMap bad_index = key("b");
  bad_index["G"] = N(1);
  TH_EXPECT_ERROR(
      put(bad_index), ErrorCode::kValidation,
      "One or more parameter values were invalid: Type mismatch for Index Key G Expected: S Actual: N "
      "IndexName: ByGLocal");
  bad_index["G"] = S("");
  TH_EXPECT_ERROR(put(bad_index), ErrorCode::kValidation, "");

  ddb::GetItemRequest g;
  g.table_name = "Items";
  g.key = {{"PK", S("a")}};
  TH_EXPECT_ERROR(db_->get_item(g), ErrorCode::kValidation,
                  "The provided key element does not match the schema");
  g.key = key("a");
  g.key["Extra"] = S("x");
  TH_EXPECT_ERROR(db_->get_item(g), ErrorCode::kValidation,
                  "The provided key element does not match the schema");
  g.key = {{"PK", N(1)}, {"SK", S("s")}};
  TH_EXPECT_ERROR(db_->get_item(g), ErrorCode::kValidation,
                  "The provided key element does not match the schema");
  g.table_name = "Nope";
  g.key = key("a");
  TH_EXPECT_ERROR(db_->get_item(g), ErrorCode::kResourceNotFound, "Requested resource not found");
}

TEST_F(ItemOperationsTest, ConditionsAndReturnValuesOnFailure) {
  AttributeMap item = key("c");
  item["V"] = N(1);
  TH_ASSERT_OK(put(item));
  ddb::PutItemRequest r;
  r.table_name = "Items";
  r.item = key("c");
  r.condition_expression = "attribute_not_exists(PK)";
  TH_EXPECT_ERROR(db_->put_item(r), ErrorCode::kConditionalCheckFailed, "The conditional request failed");
  r.return_values_on_condition_check_failure = "ALL_OLD";
  auto failed = db_->put_item(r);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().item, item);
  EXPECT_EQ(get(key("c")), item);  // unchanged

  ddb::DeleteItemRequest d;
  d.table_name = "Items";
  d.key = key("c");
  d.condition_expression = "V = :v";
  d.expression_attribute_values = AttributeMap{{":v", N(2)}};
  TH_EXPECT_ERROR(db_->delete_item(d), ErrorCode::kConditionalCheckFailed, "");
  (*d.expression_attribute_values)[":v"] = N(1);
  TH_ASSERT_OK(db_->delete_item(d));
  EXPECT_EQ(get(key("c")), std::nullopt);

  r.return_values = "ALL_NEW";
  TH_EXPECT_ERROR(db_->put_item(r), ErrorCode::kValidation, "Return values set to invalid value");
}

TEST_F(ItemOperationsTest, UpdateItemReturnValues) {
  AttributeMap item = key("u");
  item["A"] = N(1);
  item["B"] = S("keep");
  TH_ASSERT_OK(put(item));
  auto update = [&](std::string rv) {
    ddb::UpdateItemRequest r;
    r.table_name = "Items";
    r.key = key("u");
    r.update_expression = "SET A = A + :one, C = :c";
    r.expression_attribute_values = AttributeMap{{":one", N(1)}, {":c", S("new")}};
    r.return_values = std::move(rv);
    return db_->update_item(r);
  };
  auto r = update("UPDATED_OLD");
  TH_ASSERT_OK(r);
  EXPECT_EQ(r->attributes, (AttributeMap{{"A", N(1)}}));
  r = update("UPDATED_NEW");
  TH_ASSERT_OK(r);
  EXPECT_EQ(r->attributes, (AttributeMap{{"A", N(3)}, {"C", S("new")}}));
  r = update("ALL_OLD");
  TH_ASSERT_OK(r);
  EXPECT_EQ(r->attributes->at("A"), N(3));
  r = update("ALL_NEW");
  TH_ASSERT_OK(r);
  EXPECT_EQ(r->attributes->at("A"), N(5));
  EXPECT_EQ(r->attributes->at("B"), S("keep"));
  r = update("NONE");
  TH_ASSERT_OK(r);
  EXPECT_FALSE(r->attributes);

  ddb::UpdateItemRequest key_update;
  key_update.table_name = "Items";
  key_update.key = key("u");
  key_update.update_expression = "SET SK = :v";
  key_update.expression_attribute_values = AttributeMap{{":v", S("x")}};
  TH_EXPECT_ERROR(
      db_->update_item(key_update), ErrorCode::kValidation,
      "One or more parameter values were invalid: Cannot update attribute SK. This attribute is part of "
      "the key");

  // An update of a missing item creates it from the key.
  ddb::UpdateItemRequest create;
  create.table_name = "Items";
  create.key = key("fresh");
  create.update_expression = "ADD Visits :one";
  create.expression_attribute_values = AttributeMap{{":one", N(1)}};
  TH_ASSERT_OK(db_->update_item(create));
  AttributeMap expected = key("fresh");
  expected["Visits"] = N(1);
  EXPECT_EQ(get(key("fresh")), expected);
}

TEST_F(ItemOperationsTest, UpdateBeyondTheItemSizeLimit) {
  AttributeMap item = key("large");
  item["D"] = S(std::string(300 * 1024, 'x'));
  TH_ASSERT_OK(put(item));
  ddb::UpdateItemRequest r;
  r.table_name = "Items";
  r.key = key("large");
  r.update_expression = "SET E = :v";
  r.expression_attribute_values = AttributeMap{{":v", S(std::string(200 * 1024, 'y'))}};
  TH_EXPECT_ERROR(db_->update_item(r), ErrorCode::kValidation,
                  "Item size to update has exceeded the maximum allowed size");
  EXPECT_EQ(get(key("large")), item);
}

TEST_F(ItemOperationsTest, ProjectionExpression) {
  AttributeMap item = key("p");
  item["A"] = S("a");
  item["M"] = AttributeValue::M({{"x", N(1)}, {"y", N(2)}});
  TH_ASSERT_OK(put(item));
  ddb::GetItemRequest g;
  g.table_name = "Items";
  g.key = key("p");
  g.projection_expression = "A, M.y";
  auto r = db_->get_item(g);
  TH_ASSERT_OK(r);
  EXPECT_EQ(r->item, (AttributeMap{{"A", S("a")}, {"M", AttributeValue::M({{"y", N(2)}})}}));
}

TEST_F(ItemOperationsTest, ConsumedCapacity) {
  AttributeMap item = key("cap");
  item["G"] = S("g");
  item["A"] = S(std::string(1500, 'a'));
  ddb::PutItemRequest p;
  p.table_name = "Items";
  p.item = item;
  p.return_consumed_capacity = "INDEXES";
  auto put_response = db_->put_item(p);
  TH_ASSERT_OK(put_response);
  const auto& c = *put_response->consumed_capacity;
  EXPECT_EQ(c.table_name, "Items");
  EXPECT_EQ(c.table->capacity_units, 2.0);                               // ~1.5 KB
  EXPECT_EQ(c.global_secondary_indexes->at("ByG").capacity_units, 2.0);  // projects A
  EXPECT_EQ(c.local_secondary_indexes->at("ByGLocal").capacity_units, 1.0);
  EXPECT_EQ(c.capacity_units, 5.0);

  // The same item again: the index entries do not change, only the table is written.
  p.return_consumed_capacity = "TOTAL";
  put_response = db_->put_item(p);
  TH_ASSERT_OK(put_response);
  EXPECT_EQ(put_response->consumed_capacity->capacity_units, 2.0);
  EXPECT_FALSE(put_response->consumed_capacity->table);

  ddb::GetItemRequest g;
  g.table_name = "Items";
  g.key = key("cap");
  g.return_consumed_capacity = "TOTAL";
  EXPECT_EQ(db_->get_item(g)->consumed_capacity->capacity_units, 0.5);
  g.consistent_read = true;
  EXPECT_EQ(db_->get_item(g)->consumed_capacity->capacity_units, 1.0);
  g.key = key("none");
  EXPECT_EQ(db_->get_item(g)->consumed_capacity->capacity_units, 1.0);
  g.return_consumed_capacity = "BAD";
  TH_EXPECT_ERROR(db_->get_item(g), ErrorCode::kValidation, "");
}

TEST_F(ItemOperationsTest, ItemCollectionMetricsForTablesWithLocalIndexes) {
  ddb::PutItemRequest p;
  p.table_name = "Items";
  p.item = key("icm");
  p.return_item_collection_metrics = "SIZE";
  auto r = db_->put_item(p);
  TH_ASSERT_OK(r);
  ASSERT_TRUE(r->item_collection_metrics);
  EXPECT_EQ(r->item_collection_metrics->item_collection_key, (AttributeMap{{"PK", S("icm")}}));
  p.return_item_collection_metrics = "ALL";
  TH_EXPECT_ERROR(db_->put_item(p), ErrorCode::kValidation, "");
}

TEST_F(ItemOperationsTest, CountersFollowWrites) {
  for (int i = 0; i < 5; ++i) {
    AttributeMap item = key("n" + std::to_string(i));
    if (i % 2 == 0) item["G"] = S("g");
    TH_ASSERT_OK(put(item));
  }
  ddb::DeleteItemRequest d;
  d.table_name = "Items";
  d.key = key("n0");
  TH_ASSERT_OK(db_->delete_item(d));
  auto described = db_->describe_table({"Items"});
  TH_ASSERT_OK(described);
  EXPECT_EQ(described->table.item_count, 4);
  EXPECT_GT(*described->table.table_size_bytes, 0);
  EXPECT_EQ((*described->table.global_secondary_indexes)[0].item_count, 2);
  EXPECT_EQ((*described->table.local_secondary_indexes)[0].item_count, 2);
}

TEST_F(ItemOperationsTest, DeleteTableRemovesItemsAndIndexEntries) {
  for (int i = 0; i < 20; ++i) {
    AttributeMap item = key("d" + std::to_string(i));
    item["G"] = S("g");
    TH_ASSERT_OK(put(item));
  }
  TH_ASSERT_OK(db_->delete_table({"Items"}));
  SetUp();  // the same table again: empty
  ddb::ScanRequest s;
  s.table_name = "Items";
  auto scanned = db_->scan(s);
  TH_ASSERT_OK(scanned);
  EXPECT_EQ(scanned->count, 0);
  s.index_name = "ByG";
  EXPECT_EQ(db_->scan(s)->count, 0);
  EXPECT_EQ(db_->describe_table({"Items"})->table.item_count, 0);
}

}  // namespace
}  // namespace townhall::engine
