#include "engine/ttl_sweeper.h"

#include <gtest/gtest.h>

#include <thread>

#include "engine/test_util.h"

namespace townhall::engine {
namespace {

using testing::N;
using testing::S;

constexpr int64_t kNow = 1'800'000'000;

class TtlSweeperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Engine::open({.in_memory = true, .ttl_sweep_interval = std::chrono::milliseconds(0)});
    ASSERT_TRUE(opened.ok());
    db = std::move(opened).value();
    auto table = testing::pk_sk_table("expiring");
    table.attribute_definitions.push_back({"G", "S"});
    table.global_secondary_indexes = {{testing::gsi("byG", "G", std::nullopt, "KEYS_ONLY")}};
    ASSERT_TRUE(db->create_table(table).ok());
  }
  void enable(const std::string& attribute) {
    ddb::UpdateTimeToLiveRequest r;
    r.table_name = "expiring";
    r.time_to_live_specification = {true, attribute};
    ASSERT_TRUE(db->update_time_to_live(r).ok());
  }
  void put(const std::string& sk, std::optional<ddb::AttributeValue> expires) {
    ddb::PutItemRequest r;
    r.table_name = "expiring";
    r.item = {{"PK", S("p")}, {"SK", S(sk)}, {"G", S("g")}};
    if (expires) r.item["ExpiresAt"] = *expires;
    ASSERT_TRUE(db->put_item(r).ok());
  }
  std::vector<std::string> left() {
    ddb::ScanRequest scan;
    scan.table_name = "expiring";
    std::vector<std::string> out;
    for (const auto& item : db->scan(scan)->items.value_or(std::vector<ddb::AttributeMap>{}))
      out.push_back(item.at("SK").as_string());
    return out;
  }
  std::unique_ptr<Engine> db;
  int64_t now = kNow;
};

TEST_F(TtlSweeperTest, DeletesWhatExpiredAndNothingElse) {
  put("past", N(kNow - 10));
  put("now", N(kNow));
  put("future", N(kNow + 10));
  put("string", S("1"));                                        // not a Number: never expires
  put("none", std::nullopt);                                    // no attribute
  put("ancient", N(kNow - TtlSweeper::kFiveYearsSeconds - 1));  // DynamoDB leaves these
  put("milliseconds", N(kNow * 1000));                          // far in the future
  TtlSweeper sweeper(*db, std::chrono::milliseconds(1), [this] { return now; });
  EXPECT_EQ(sweeper.sweep_once(), 0);  // TTL not enabled: nothing
  enable("ExpiresAt");
  EXPECT_EQ(sweeper.sweep_once(), 2);
  EXPECT_EQ(left(), (std::vector<std::string>{"ancient", "future", "milliseconds", "none", "string"}));
  EXPECT_EQ(sweeper.deleted(), 2u);
  // The index lost them too.
  ddb::QueryRequest q;
  q.table_name = "expiring";
  q.index_name = "byG";
  q.key_condition_expression = "G = :g";
  q.expression_attribute_values = ddb::AttributeMap{{":g", S("g")}};
  EXPECT_EQ(db->query(q)->count, 5);
  now = kNow + 10;
  EXPECT_EQ(sweeper.sweep_once(), 1);
  ddb::DescribeTableRequest d;
  d.table_name = "expiring";
  EXPECT_EQ(db->describe_table(d)->table.item_count, 4);
}

TEST_F(TtlSweeperTest, WalksABigTableAPageATickAndResumes) {
  enable("ExpiresAt");
  const int64_t total = TtlSweeper::kPageItems * 2 + 500;
  for (int64_t i = 0; i < total; ++i) {
    char sk[16];
    std::snprintf(sk, sizeof sk, "%06lld", static_cast<long long>(i));
    put(sk, N(i % 2 ? kNow - 1 : kNow + 100));
  }
  TtlSweeper sweeper(*db, std::chrono::milliseconds(1), [this] { return now; });
  int64_t deleted = 0, ticks = 0;
  while (deleted < total / 2 && ticks < 10) {
    int64_t once = sweeper.sweep_once();
    EXPECT_LE(once, TtlSweeper::kPageItems);  // bounded work per tick
    deleted += once;
    ++ticks;
  }
  EXPECT_EQ(deleted, total / 2);
  EXPECT_EQ(ticks, 3);  // three pages
  EXPECT_EQ(static_cast<int64_t>(left().size()), total - total / 2);
}

TEST_F(TtlSweeperTest, AWriteThatMovesTheTimeOnWins) {
  enable("ExpiresAt");
  put("a", N(kNow - 1));
  // Between the scan and the delete the item is renewed: the conditional delete leaves it.
  ddb::DeleteItemRequest remove;
  remove.table_name = "expiring";
  remove.key = {{"PK", S("p")}, {"SK", S("a")}};
  remove.condition_expression = "#ttl <= :now";
  remove.expression_attribute_names = ddb::NameMap{{"#ttl", "ExpiresAt"}};
  remove.expression_attribute_values = ddb::AttributeMap{{":now", N(kNow)}};
  put("a", N(kNow + 60));
  EXPECT_EQ(db->delete_item(remove).error().code, ddb::ErrorCode::kConditionalCheckFailed);
  TtlSweeper sweeper(*db, std::chrono::milliseconds(1), [this] { return now; });
  EXPECT_EQ(sweeper.sweep_once(), 0);
  EXPECT_EQ(left(), std::vector<std::string>{"a"});
}

TEST(TtlSweeper, TheEnginesOwnThreadDeletesWithinATick) {
  auto db = testing::open_in_memory();  // the default sweep interval
  ASSERT_TRUE(db->create_table(testing::pk_sk_table("expiring")).ok());
  ddb::UpdateTimeToLiveRequest ttl;
  ttl.table_name = "expiring";
  ttl.time_to_live_specification = {true, "ExpiresAt"};
  ASSERT_TRUE(db->update_time_to_live(ttl).ok());
  ddb::PutItemRequest put;
  put.table_name = "expiring";
  put.item = {{"PK", S("p")}, {"SK", S("gone")}, {"ExpiresAt", N(1'700'000'000)}};
  ASSERT_TRUE(db->put_item(put).ok());
  ddb::GetItemRequest get;
  get.table_name = "expiring";
  get.key = {{"PK", S("p")}, {"SK", S("gone")}};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (db->get_item(get)->item && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_FALSE(db->get_item(get)->item.has_value());
}

}  // namespace
}  // namespace townhall::engine
