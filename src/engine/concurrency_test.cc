#include <gtest/gtest.h>

#include <thread>

#include "engine/test_util.h"

namespace townhall::engine {
namespace {

using namespace testing;

TEST(ConcurrencyTest, AtomicCounterFromEightThreads) {
  auto db = open_in_memory();
  TH_ASSERT_OK(db->create_table(pk_sk_table("Counters")));
  constexpr int kThreads = 8, kIncrements = 250;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      ddb::UpdateItemRequest r;
      r.table_name = "Counters";
      r.key = {{"PK", S("c")}, {"SK", S("c")}};
      r.update_expression = "ADD #n :one";
      r.expression_attribute_names = ddb::NameMap{{"#n", "counter"}};
      r.expression_attribute_values = AttributeMap{{":one", N(1)}};
      for (int i = 0; i < kIncrements; ++i)
        if (!db->update_item(r).ok()) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  ddb::GetItemRequest g;
  g.table_name = "Counters";
  g.key = {{"PK", S("c")}, {"SK", S("c")}};
  EXPECT_EQ(db->get_item(g)->item->at("counter"), N(kThreads * kIncrements));
}

TEST(ConcurrencyTest, ConcurrentTransfersKeepTheSum) {
  auto db = open_in_memory();
  TH_ASSERT_OK(db->create_table(pk_sk_table("Bank")));
  constexpr int kAccounts = 6, kStart = 100;
  for (int a = 0; a < kAccounts; ++a) {
    ddb::PutItemRequest p;
    p.table_name = "Bank";
    p.item = {{"PK", S("acct" + std::to_string(a))}, {"SK", S("s")}, {"Balance", N(kStart)}};
    TH_ASSERT_OK(db->put_item(p));
  }
  std::atomic<int> committed{0}, cancelled{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(t);
      for (int i = 0; i < 150; ++i) {
        int from = static_cast<int>(rng() % kAccounts), to = static_cast<int>(rng() % (kAccounts - 1));
        if (to >= from) ++to;
        int amount = 1 + static_cast<int>(rng() % 30);
        ddb::TransactWriteItemsRequest r;
        r.transact_items.resize(2);
        auto& debit = r.transact_items[0].update.emplace();
        debit.table_name = "Bank";
        debit.key = AttributeMap{{"PK", S("acct" + std::to_string(from))}, {"SK", S("s")}};
        debit.update_expression = "SET Balance = Balance - :a";
        debit.condition_expression = "Balance >= :a";
        debit.expression_attribute_values = AttributeMap{{":a", N(amount)}};
        auto& credit = r.transact_items[1].update.emplace();
        credit.table_name = "Bank";
        credit.key = AttributeMap{{"PK", S("acct" + std::to_string(to))}, {"SK", S("s")}};
        credit.update_expression = "SET Balance = Balance + :a";
        credit.expression_attribute_values = AttributeMap{{":a", N(amount)}};
        auto result = db->transact_write_items(r);
        if (result.ok()) {
          ++committed;
        } else if (result.error().is(ddb::ErrorCode::kTransactionCanceled)) {
          ++cancelled;
        } else {
          ++other;
        }
      }
    });
  }
  // A reader sees a consistent total in every snapshot while transfers run.
  std::atomic<bool> done{false};
  std::atomic<int> bad_snapshots{0};
  std::thread reader([&] {
    while (!done.load()) {
      ddb::TransactGetItemsRequest g;
      for (int a = 0; a < kAccounts; ++a) {
        ddb::TransactGetItem item;
        item.get.table_name = "Bank";
        item.get.key = {{"PK", S("acct" + std::to_string(a))}, {"SK", S("s")}};
        g.transact_items.push_back(item);
      }
      auto r = db->transact_get_items(g);
      if (!r.ok()) continue;
      int64_t sum = 0;
      for (const auto& response : r->responses) sum += *response.item->at("Balance").as_number().to_int64();
      if (sum != kAccounts * kStart) ++bad_snapshots;
    }
  });
  for (auto& t : threads) t.join();
  done = true;
  reader.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_GT(committed.load(), 0);
  EXPECT_EQ(bad_snapshots.load(), 0);
  int64_t sum = 0;
  ddb::ScanRequest s;
  s.table_name = "Bank";
  auto scanned = db->scan(s);
  TH_ASSERT_OK(scanned);
  for (const auto& item : *scanned->items) {
    int64_t balance = *item.at("Balance").as_number().to_int64();
    EXPECT_GE(balance, 0);
    sum += balance;
  }
  EXPECT_EQ(sum, kAccounts * kStart);
}

}  // namespace
}  // namespace townhall::engine
