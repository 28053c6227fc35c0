// migrate() between two in-memory engines: schema with indexes, every item
// byte for byte, interrupted midway (stop_after_items) and resumed from the
// state file without starting over.
#include "migrate/migrate.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>

#include "ddb/json_codec.h"
#include "engine/test_util.h"

namespace townhall::migrate {
namespace {

using ddb::AttributeMap;
using ddb::AttributeValue;
using engine::testing::gsi;
using engine::testing::N;
using engine::testing::open_in_memory;
using engine::testing::pk_sk_table;
using engine::testing::S;
using engine::testing::TempDir;

constexpr int kChannels = 7;
constexpr int kMessagesPerChannel = 700;

// The chat's shape: channels with counters, memberships in GSI1, messages;
// plus every attribute type, so nothing is lost in transit.
void fill_chat_table(ddb::Database& db) {
  auto create = pk_sk_table("chat");
  create.attribute_definitions.push_back({"GSI1PK", "S"});
  create.attribute_definitions.push_back({"GSI1SK", "S"});
  create.global_secondary_indexes = std::vector<ddb::GlobalSecondaryIndex>{
      gsi("GSI1", "GSI1PK", "GSI1SK", "INCLUDE", std::vector<std::string>{"ChanName", "JoinedAt"})};
  ASSERT_TRUE(db.create_table(create).ok());
  std::vector<AttributeMap> items;
  for (int c = 0; c < kChannels; ++c) {
    std::string channel = "CHAN#c" + std::to_string(c);
    items.push_back({{"PK", S(channel)},
                     {"SK", S(channel)},
                     {"Name", S("room " + std::to_string(c))},
                     {"UserCount", N(3)},
                     {"MessageCount", N(kMessagesPerChannel)}});
    for (int u = 0; u < 3; ++u) {
      items.push_back({{"PK", S(channel)},
                       {"SK", S("USERJ#u" + std::to_string(u))},
                       {"GSI1PK", S("USER#u" + std::to_string(u))},
                       {"GSI1SK", S(channel)},
                       {"ChanName", S("room " + std::to_string(c))},
                       {"JoinedAt", N(1700000000 + u)}});
    }
    for (int m = 0; m < kMessagesPerChannel; ++m) {
      char sk[64];
      snprintf(sk, sizeof sk, "MSG#1700000%03d#%06d-0001", m / 10, m);
      items.push_back({{"PK", S(channel)},
                       {"SK", S(sk)},
                       {"Msg", S("message " + std::to_string(m) + " in " + channel)},
                       {"CreatedAt", N(1700000000000 + m)},
                       {"UserName", S("user " + std::to_string(m % 3))},
                       {"UserId", S("u" + std::to_string(m % 3))}});
    }
  }
  items.push_back({{"PK", S("ODD#1")},
                   {"SK", S("types")},
                   {"Bin", AttributeValue::B(std::string("\0\x01\xff", 3))},
                   {"Flag", AttributeValue::BOOL(true)},
                   {"Nothing", AttributeValue::NUL()},
                   {"Big", engine::testing::Num("-1.2345678901234567890123456789012345678E-120")},
                   {"Strings", AttributeValue::SS({"b", "a"})},
                   {"Numbers", AttributeValue::NS({ddb::Number::from_int(3), ddb::Number::from_int(-1)})},
                   {"List", AttributeValue::L({S("x"), N(1), AttributeValue::M({{"k", S("v")}})})}});
  for (auto& item : items) {
    ddb::PutItemRequest put;
    put.table_name = "chat";
    put.item = std::move(item);
    ASSERT_TRUE(db.put_item(put).ok());
  }
  // A second, hash-only table: --tables and table listing.
  ddb::CreateTableRequest counters;
  counters.table_name = "counters";
  counters.attribute_definitions = {{"id", "N"}};
  counters.key_schema = {{"id", "HASH"}};
  counters.billing_mode = "PAY_PER_REQUEST";
  ASSERT_TRUE(db.create_table(counters).ok());
  for (int i = 0; i < 50; ++i) {
    ddb::PutItemRequest put;
    put.table_name = "counters";
    put.item = {{"id", N(i)}, {"value", N(i * i)}};
    ASSERT_TRUE(db.put_item(put).ok());
  }
}

// Every item of a table, keyed by its JSON (which is canonical: maps and sets sorted).
std::map<std::string, std::string> all_items(ddb::Database& db, const std::string& table) {
  std::map<std::string, std::string> out;
  ddb::ScanRequest scan;
  scan.table_name = table;
  do {
    auto page = db.scan(scan);
    EXPECT_TRUE(page.ok()) << page.error().to_string();
    if (!page.ok()) break;
    for (const auto& item : page->items.value_or(std::vector<AttributeMap>{})) {
      std::string json = ddb::encode_attribute_map_json(item);
      out[json] = json;
    }
    scan.exclusive_start_key = page->last_evaluated_key;
  } while (scan.exclusive_start_key);
  return out;
}

TEST(Migrate, InterruptedThenResumedCopiesEveryItemOnce) {
  auto source = open_in_memory();
  auto target = open_in_memory();
  fill_chat_table(*source);
  const int64_t chat_items = kChannels * (1 + 3 + kMessagesPerChannel) + 1;
  TempDir dir;
  std::string state = dir.path() + "/state";

  MigrateOptions options;
  options.tables = {"chat"};
  options.segments = 4;
  options.state_file = state;
  options.stop_after_items = 1000;
  auto interrupted = migrate(*source, *target, options);
  ASSERT_FALSE(interrupted.ok());
  ASSERT_TRUE(std::filesystem::exists(state));
  auto partial = all_items(*target, "chat");
  EXPECT_GE(partial.size(), 1000u);
  EXPECT_LT(partial.size(), static_cast<size_t>(chat_items));

  std::vector<Progress> reports;
  options.stop_after_items = 0;
  options.on_progress = [&](const Progress& progress) { reports.push_back(progress); };
  auto resumed = migrate(*source, *target, options);
  ASSERT_TRUE(resumed.ok()) << resumed.error().to_string();
  ASSERT_EQ(resumed->size(), 1u);
  EXPECT_EQ((*resumed)[0].table, "chat");
  EXPECT_EQ((*resumed)[0].source_items, chat_items);
  EXPECT_EQ((*resumed)[0].target_items, chat_items);

  // Resumed, not restarted: the count picks up where it stopped, and at most
  // one page per segment (500 items) is copied twice.
  ASSERT_FALSE(reports.empty());
  EXPECT_GE(reports.front().copied, 1000);
  EXPECT_TRUE(reports.back().done);
  EXPECT_GE(reports.back().copied, chat_items);
  EXPECT_LT(reports.back().copied, chat_items + 4 * 500);

  EXPECT_EQ(all_items(*target, "chat"), all_items(*source, "chat"));
  // The schema came along: GSI1 answers the notebook's AP (a user's channels).
  ddb::QueryRequest query;
  query.table_name = "chat";
  query.index_name = "GSI1";
  query.key_condition_expression = "GSI1PK = :u";
  query.expression_attribute_values = AttributeMap{{":u", S("USER#u1")}};
  auto channels = target->query(query);
  ASSERT_TRUE(channels.ok()) << channels.error().to_string();
  EXPECT_EQ(channels->count, kChannels);
  // Only the table asked for.
  ddb::DescribeTableRequest describe{"counters"};
  EXPECT_FALSE(target->describe_table(describe).ok());
}

TEST(Migrate, AllTablesWhenNoneAreNamedAndARerunIsHarmless) {
  auto source = open_in_memory();
  auto target = open_in_memory();
  fill_chat_table(*source);
  MigrateOptions options;
  options.segments = 3;
  auto first = migrate(*source, *target, options);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  ASSERT_EQ(first->size(), 2u);
  // Copying again over a complete target puts the same items again.
  auto again = migrate(*source, *target, options);
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_EQ(all_items(*target, "counters"), all_items(*source, "counters"));
  EXPECT_EQ(all_items(*target, "chat"), all_items(*source, "chat"));
}

TEST(Migrate, StateFileWrittenWithOtherSegmentsIsRefused) {
  auto source = open_in_memory();
  auto target = open_in_memory();
  fill_chat_table(*source);
  TempDir dir;
  MigrateOptions options;
  options.tables = {"chat"};
  options.state_file = dir.path() + "/state";
  options.stop_after_items = 100;
  ASSERT_FALSE(migrate(*source, *target, options).ok());
  options.segments = 2;
  options.stop_after_items = 0;
  auto refused = migrate(*source, *target, options);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("same --segments"), std::string::npos) << refused.error().message;
}

TEST(Migrate, TargetWithAnotherKeySchemaIsRefused) {
  auto source = open_in_memory();
  auto target = open_in_memory();
  fill_chat_table(*source);
  ddb::CreateTableRequest other;
  other.table_name = "chat";
  other.attribute_definitions = {{"id", "S"}};
  other.key_schema = {{"id", "HASH"}};
  other.billing_mode = "PAY_PER_REQUEST";
  ASSERT_TRUE(target->create_table(other).ok());
  MigrateOptions options;
  options.tables = {"chat"};
  auto refused = migrate(*source, *target, options);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("another key schema"), std::string::npos) << refused.error().message;
}

}  // namespace
}  // namespace townhall::migrate
