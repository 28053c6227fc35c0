// A store that fails a write must leave nothing half-written: no base item
// without its index entries, no half a transaction, no table without its
// schema, and counters that match what is stored.
#include <gtest/gtest.h>

#include "engine/memory_store.h"
#include "engine/test_util.h"

namespace townhall::engine {
namespace {

using namespace testing;

class FaultInjectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Engine::open({.kv_store = store_});
    TH_ASSERT_OK(opened);
    db_ = std::move(opened).value();
    auto r = pk_sk_table("Faulty");
    r.attribute_definitions.push_back({"G", "S"});
    r.global_secondary_indexes = std::vector<ddb::GlobalSecondaryIndex>{gsi("ByG", "G", std::nullopt, "ALL")};
    TH_ASSERT_OK(db_->create_table(r));
  }
  ddb::Result<ddb::PutItemResponse> put(std::string pk, std::string g) {
    ddb::PutItemRequest p;
    p.table_name = "Faulty";
    p.item = {{"PK", S(pk)}, {"SK", S("s")}, {"G", S(g)}};
    return db_->put_item(p);
  }
  int64_t count(std::optional<std::string> index) {
    ddb::ScanRequest s;
    s.table_name = "Faulty";
    s.index_name = std::move(index);
    return db_->scan(s)->count;
  }

  std::shared_ptr<MemoryStore> store_ = std::make_shared<MemoryStore>();
  std::unique_ptr<Engine> db_;
};

TEST_F(FaultInjectionTest, FailedPutLeavesNoTrace) {
  TH_ASSERT_OK(put("a", "g1"));
  auto before = store_->contents();
  store_->fail_nth_write(1);
  auto failed = put("b", "g2");
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ddb::ErrorCode::kInternalServerError);
  store_->fail_nth_write(1);
  ASSERT_FALSE(put("a", "moved").ok());  // an update that would move the index entry
  EXPECT_EQ(store_->contents(), before);
  EXPECT_EQ(count(std::nullopt), 1);
  EXPECT_EQ(count("ByG"), 1);
  EXPECT_EQ(db_->describe_table({"Faulty"})->table.item_count, 1);
}

TEST_F(FaultInjectionTest, FailedTransactionAndBatchLeaveNoTrace) {
  TH_ASSERT_OK(put("a", "g1"));
  auto before = store_->contents();
  ddb::TransactWriteItemsRequest t;
  t.transact_items.resize(3);
  for (int i = 0; i < 3; ++i) {
    auto& p = t.transact_items[i].put.emplace();
    p.table_name = "Faulty";
    p.item = AttributeMap{{"PK", S("t" + std::to_string(i))}, {"SK", S("s")}, {"G", S("g")}};
  }
  store_->fail_nth_write(1);
  ASSERT_FALSE(db_->transact_write_items(t).ok());
  ddb::BatchWriteItemRequest b;
  for (int i = 0; i < 5; ++i) {
    ddb::WriteRequest w;
    w.put_request = ddb::PutRequest{{{"PK", S("b" + std::to_string(i))}, {"SK", S("s")}, {"G", S("g")}}};
    b.request_items["Faulty"].push_back(w);
  }
  store_->fail_nth_write(1);
  ASSERT_FALSE(db_->batch_write_item(b).ok());
  EXPECT_EQ(store_->contents(), before);
  // After the fault, the same writes go through whole.
  TH_ASSERT_OK(db_->transact_write_items(t));
  EXPECT_EQ(count(std::nullopt), 4);
  EXPECT_EQ(count("ByG"), 4);
}

TEST_F(FaultInjectionTest, FailedTableOperationsChangeNothing) {
  store_->fail_nth_write(1);
  ASSERT_FALSE(db_->create_table(pk_sk_table("Never")).ok());
  TH_EXPECT_ERROR(db_->describe_table({"Never"}), ddb::ErrorCode::kResourceNotFound, "");
  TH_ASSERT_OK(put("a", "g"));
  store_->fail_nth_write(1);
  ASSERT_FALSE(db_->delete_table({"Faulty"}).ok());
  EXPECT_EQ(count(std::nullopt), 1);  // still there, with its item
  // The store reopened from the same contents agrees.
  auto reopened = Engine::open({.kv_store = store_});
  TH_ASSERT_OK(reopened);
  EXPECT_EQ((*reopened)->describe_table({"Faulty"})->table.item_count, 1);
  EXPECT_EQ((*(*reopened)->describe_table({"Faulty"})->table.global_secondary_indexes)[0].item_count, 1);
}

}  // namespace
}  // namespace townhall::engine
