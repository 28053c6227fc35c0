#include <gtest/gtest.h>

#include "engine/test_util.h"

namespace townhall::engine {
namespace {

using namespace testing;
using ddb::ErrorCode;

class BatchTransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = pk_sk_table("Bank");
    r.attribute_definitions.push_back({"G", "S"});
    r.global_secondary_indexes = std::vector<ddb::GlobalSecondaryIndex>{gsi("ByG", "G", std::nullopt, "ALL")};
    TH_ASSERT_OK(db_->create_table(r));
    TH_ASSERT_OK(db_->create_table(pk_sk_table("Other")));
  }
  static AttributeMap key(std::string pk) { return {{"PK", S(std::move(pk))}, {"SK", S("s")}}; }
  static AttributeMap account(std::string pk, int64_t balance) {
    AttributeMap item = key(std::move(pk));
    item["Balance"] = N(balance);
    return item;
  }
  std::optional<AttributeMap> get(std::string pk, std::string table = "Bank") {
    ddb::GetItemRequest r;
    r.table_name = std::move(table);
    r.key = key(std::move(pk));
    return db_->get_item(r)->item;
  }
  static ddb::WriteRequest put_request(AttributeMap item) {
    ddb::WriteRequest w;
    w.put_request = ddb::PutRequest{std::move(item)};
    return w;
  }
  static ddb::WriteRequest delete_request(AttributeMap k) {
    ddb::WriteRequest w;
    w.delete_request = ddb::DeleteRequest{std::move(k)};
    return w;
  }
  static ddb::TransactWriteItem put_action(AttributeMap item,
                                           std::optional<std::string> condition = std::nullopt) {
    ddb::TransactWriteItem t;
    t.put.emplace();
    t.put->table_name = "Bank";
    t.put->item = std::move(item);
    t.put->condition_expression = std::move(condition);
    return t;
  }
  static ddb::TransactWriteItem transfer_leg(std::string pk, int64_t delta) {
    ddb::TransactWriteItem t;
    t.update.emplace();
    t.update->table_name = "Bank";
    t.update->key = key(std::move(pk));
    t.update->update_expression = "ADD Balance :d";
    t.update->expression_attribute_values = AttributeMap{{":d", N(delta)}};
    if (delta < 0) {
      t.update->condition_expression = "Balance >= :min";
      (*t.update->expression_attribute_values)[":min"] = N(-delta);
    }
    return t;
  }

  std::unique_ptr<Engine> db_ = open_in_memory();
};

TEST_F(BatchTransactionTest, BatchWriteAndGet) {
  ddb::BatchWriteItemRequest w;
  for (int i = 0; i < 10; ++i)
    w.request_items["Bank"].push_back(put_request(account("a" + std::to_string(i), i)));
  w.request_items["Other"].push_back(put_request(key("o")));
  w.return_consumed_capacity = "TOTAL";
  auto written = db_->batch_write_item(w);
  TH_ASSERT_OK(written);
  EXPECT_TRUE(written->unprocessed_items.empty());
  ASSERT_TRUE(written->consumed_capacity);
  EXPECT_EQ(written->consumed_capacity->size(), 2u);

  ddb::BatchGetItemRequest g;
  g.request_items["Bank"].keys = {key("a3"), key("a7"), key("missing")};
  g.request_items["Bank"].projection_expression = "Balance";
  g.request_items["Other"].keys = {key("o")};
  auto got = db_->batch_get_item(g);
  TH_ASSERT_OK(got);
  EXPECT_EQ(got->responses["Bank"].size(), 2u);
  EXPECT_EQ(got->responses["Bank"][0].size(), 1u);  // projected
  EXPECT_EQ(got->responses["Other"].size(), 1u);
  EXPECT_TRUE(got->unprocessed_keys.empty());

  ddb::BatchWriteItemRequest d;
  d.request_items["Bank"] = {delete_request(key("a3")), put_request(account("a4", 40))};
  TH_ASSERT_OK(db_->batch_write_item(d));
  EXPECT_EQ(get("a3"), std::nullopt);
  EXPECT_EQ(get("a4")->at("Balance"), N(40));
}

TEST_F(BatchTransactionTest, BatchValidation) {
  ddb::BatchWriteItemRequest w;
  TH_EXPECT_ERROR(db_->batch_write_item(w), ErrorCode::kValidation, "");
  for (int i = 0; i < 26; ++i) w.request_items["Bank"].push_back(put_request(key("k" + std::to_string(i))));
  TH_EXPECT_ERROR(db_->batch_write_item(w), ErrorCode::kValidation,
                  "Too many items requested for the BatchWriteItem call");
  w.request_items["Bank"] = {put_request(key("k")), delete_request(key("k"))};
  TH_EXPECT_ERROR(db_->batch_write_item(w), ErrorCode::kValidation,
                  "Provided list of item keys contains duplicates");
  w.request_items["Bank"] = {put_request(key("k"))};
  w.request_items["Nope"] = {put_request(key("k"))};
  TH_EXPECT_ERROR(db_->batch_write_item(w), ErrorCode::kResourceNotFound, "");
  EXPECT_EQ(get("k"), std::nullopt);  // nothing written

  ddb::BatchGetItemRequest g;
  TH_EXPECT_ERROR(db_->batch_get_item(g), ErrorCode::kValidation, "BatchGetItem must have some requests set");
  for (int i = 0; i < 101; ++i) g.request_items["Bank"].keys.push_back(key("k" + std::to_string(i)));
  TH_EXPECT_ERROR(db_->batch_get_item(g), ErrorCode::kValidation,
                  "Too many items requested for the BatchGetItem call");
  g.request_items["Bank"].keys = {key("k"), key("k")};
  TH_EXPECT_ERROR(db_->batch_get_item(g), ErrorCode::kValidation,
                  "Provided list of item keys contains duplicates");
}

TEST_F(BatchTransactionTest, TransactionsAreAllOrNothing) {
  ddb::TransactWriteItemsRequest setup;
  setup.transact_items = {put_action(account("alice", 10)), put_action(account("bob", 0))};
  TH_ASSERT_OK(db_->transact_write_items(setup));

  ddb::TransactWriteItemsRequest transfer;
  transfer.transact_items = {transfer_leg("alice", -7), transfer_leg("bob", 7)};
  TH_ASSERT_OK(db_->transact_write_items(transfer));
  EXPECT_EQ(get("alice")->at("Balance"), N(3));
  EXPECT_EQ(get("bob")->at("Balance"), N(7));

  // Not enough money: the whole transaction is cancelled, bob gets nothing.
  transfer.transact_items[0].update->return_values_on_condition_check_failure = "ALL_OLD";
  auto failed = db_->transact_write_items(transfer);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kTransactionCanceled);
  EXPECT_EQ(failed.error().message,
            "Transaction cancelled, please refer cancellation reasons for specific reasons "
            "[ConditionalCheckFailed, "
            "None]");
  ASSERT_EQ(failed.error().cancellation_reasons.size(), 2u);
  EXPECT_EQ(failed.error().cancellation_reasons[0].code, "ConditionalCheckFailed");
  EXPECT_EQ(failed.error().cancellation_reasons[0].item, account("alice", 3));
  EXPECT_EQ(failed.error().cancellation_reasons[1].code, "None");
  EXPECT_EQ(get("bob")->at("Balance"), N(7));

  ddb::TransactWriteItemsRequest check;
  ddb::TransactWriteItem condition_check;
  condition_check.condition_check.emplace();
  condition_check.condition_check->table_name = "Bank";
  condition_check.condition_check->key = key("alice");
  condition_check.condition_check->condition_expression = "attribute_exists(PK)";
  ddb::TransactWriteItem del;
  del.delete_.emplace();
  del.delete_->table_name = "Bank";
  del.delete_->key = key("bob");
  check.transact_items = {condition_check, del};
  TH_ASSERT_OK(db_->transact_write_items(check));
  EXPECT_EQ(get("bob"), std::nullopt);
  EXPECT_EQ(get("alice"), account("alice", 3));  // a condition check writes nothing
}

TEST_F(BatchTransactionTest, TransactionValidation) {
  ddb::TransactWriteItemsRequest r;
  r.transact_items = {put_action(account("x", 1)), transfer_leg("x", 1)};
  TH_EXPECT_ERROR(db_->transact_write_items(r), ErrorCode::kValidation,
                  "Transaction request cannot include multiple operations on one item");
  r.transact_items.clear();
  for (int i = 0; i < 101; ++i) r.transact_items.push_back(put_action(account("k" + std::to_string(i), 1)));
  TH_EXPECT_ERROR(db_->transact_write_items(r), ErrorCode::kValidation,
                  "Member must have length less than or equal to 100");
  r.transact_items.resize(100);
  TH_ASSERT_OK(db_->transact_write_items(r));
}

TEST_F(BatchTransactionTest, BadUpdatesInTransactions) {
  AttributeMap big = account("big", 1);
  big["Data"] = S(std::string(300 * 1024, 'x'));
  ddb::TransactWriteItemsRequest setup;
  setup.transact_items = {put_action(big), put_action(account("small", 1))};
  TH_ASSERT_OK(db_->transact_write_items(setup));

  // Too large after the update: a cancellation with a ValidationError reason.
  ddb::TransactWriteItemsRequest grow;
  grow.transact_items = {transfer_leg("small", 1), transfer_leg("big", 1)};
  grow.transact_items[1].update->update_expression = "SET More = :d";
  grow.transact_items[1].update->expression_attribute_values =
      AttributeMap{{":d", S(std::string(200 * 1024, 'y'))}};
  auto failed = db_->transact_write_items(grow);
  ASSERT_FALSE(failed.ok());
  ASSERT_EQ(failed.error().code, ErrorCode::kTransactionCanceled);
  ASSERT_EQ(failed.error().cancellation_reasons.size(), 2u);
  EXPECT_EQ(failed.error().cancellation_reasons[0].code, "None");
  EXPECT_EQ(failed.error().cancellation_reasons[1].code, "ValidationError");
  EXPECT_EQ(failed.error().cancellation_reasons[1].message,
            "Item size to update has exceeded the maximum allowed size");

  // An operand of the wrong type: DynamoDB (Local) answers a plain ValidationException.
  ddb::TransactWriteItemsRequest bad;
  bad.transact_items = {transfer_leg("small", 1)};
  bad.transact_items[0].update->update_expression = "SET Balance = Data + :d";
  bad.transact_items[0].update->key = key("big");
  TH_EXPECT_ERROR(db_->transact_write_items(bad), ErrorCode::kValidation, "");
  EXPECT_EQ(get("small")->at("Balance"), N(1));
}

TEST_F(BatchTransactionTest, ClientRequestTokenIsIdempotent) {
  ddb::TransactWriteItemsRequest r;
  r.client_request_token = "token-1";
  r.transact_items = {put_action(account("once", 1), "attribute_not_exists(PK)")};
  TH_ASSERT_OK(db_->transact_write_items(r));
  // The same request again succeeds without writing (its condition would fail now).
  TH_ASSERT_OK(db_->transact_write_items(r));
  r.transact_items = {put_action(account("once", 2))};
  TH_EXPECT_ERROR(db_->transact_write_items(r), ErrorCode::kIdempotentParameterMismatch, "");
  EXPECT_EQ(get("once")->at("Balance"), N(1));
}

TEST_F(BatchTransactionTest, TransactGetItemsReadsOneSnapshot) {
  ddb::TransactWriteItemsRequest setup;
  setup.transact_items = {put_action(account("p", 1)), put_action(account("q", 2))};
  TH_ASSERT_OK(db_->transact_write_items(setup));
  ddb::TransactGetItemsRequest g;
  for (const char* pk : {"p", "q", "none"}) {
    ddb::TransactGetItem item;
    item.get.table_name = "Bank";
    item.get.key = key(pk);
    g.transact_items.push_back(item);
  }
  g.return_consumed_capacity = "TOTAL";
  auto r = db_->transact_get_items(g);
  TH_ASSERT_OK(r);
  ASSERT_EQ(r->responses.size(), 3u);
  EXPECT_EQ(r->responses[0].item, account("p", 1));
  EXPECT_EQ(r->responses[1].item, account("q", 2));
  EXPECT_FALSE(r->responses[2].item);
  EXPECT_EQ((*r->consumed_capacity)[0].capacity_units, 6.0);  // 2 per item, transactional
}

}  // namespace
}  // namespace townhall::engine
