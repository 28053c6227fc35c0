// UpdateTable's GSI copy in the background: the index is CREATING and not
// readable until the copy is done, writes during the copy leave it exactly
// right, and a copy cut short by a stop resumes at the next open.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "engine/catalog.h"
#include "engine/test_util.h"

namespace townhall::engine {
namespace {

using namespace testing;
using ddb::ErrorCode;

constexpr int kItems = 20000;

// Items USER#i; every third one has no Group, so it is not in the index.
AttributeMap user(int i, int version = 0) {
  AttributeMap item{{"PK", S("USER#" + std::to_string(i))}, {"SK", S("PROFILE")}, {"V", N(version)}};
  if (i % 3 != 0) item["Group"] = S("G" + std::to_string((i + version) % 7));
  return item;
}

std::unique_ptr<Engine> open_engine(std::shared_ptr<KvStore> store, int64_t synchronous_items) {
  EngineOptions options;
  options.in_memory = true;
  options.kv_store = std::move(store);
  options.synchronous_backfill_items = synchronous_items;
  auto engine = Engine::open(options);
  EXPECT_TRUE(engine.ok()) << engine.error().to_string();
  return std::move(engine).value();
}

void put(Engine& db, AttributeMap item) {
  ddb::PutItemRequest p;
  p.table_name = "Users";
  p.item = std::move(item);
  ASSERT_TRUE(db.put_item(p).ok());
}

void create_filled_table(Engine& db) {
  ASSERT_TRUE(db.create_table(pk_sk_table("Users")).ok());
  for (int i = 0; i < kItems; ++i) put(db, user(i));
}

ddb::UpdateTableRequest add_group_index() {
  ddb::UpdateTableRequest u;
  u.table_name = "Users";
  u.attribute_definitions = std::vector<ddb::AttributeDefinition>{{"Group", "S"}, {"PK", "S"}};
  ddb::GlobalSecondaryIndexUpdate create;
  create.create = ddb::CreateGlobalSecondaryIndexAction{
      "ByGroup", {{"Group", "HASH"}, {"PK", "RANGE"}}, {"INCLUDE", std::vector<std::string>{"V"}}, {}};
  u.global_secondary_index_updates = std::vector<ddb::GlobalSecondaryIndexUpdate>{create};
  return u;
}

const ddb::IndexDescription& group_index(const ddb::TableDescription& d) {
  return d.global_secondary_indexes->at(0);
}

bool wait_until_active(Engine& db) {
  for (int i = 0; i < 3000; ++i) {
    auto d = db.describe_table({"Users"});
    if (d.ok() && group_index(d->table).index_status == "ACTIVE") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// The index must hold exactly one entry per table item with a Group, with
// the item's projected attributes, and its counters must agree.
void expect_index_matches_table(Engine& db) {
  std::map<std::string, AttributeMap> expected;  // by PK
  ddb::ScanRequest table_scan;
  table_scan.table_name = "Users";
  auto items = db.scan(table_scan);
  ASSERT_TRUE(items.ok());
  for (const auto& item : *items->items) {
    if (!item.contains("Group")) continue;
    expected[item.at("PK").as_string()] = AttributeMap{
        {"PK", item.at("PK")}, {"SK", item.at("SK")}, {"Group", item.at("Group")}, {"V", item.at("V")}};
  }
  std::map<std::string, AttributeMap> actual;
  ddb::ScanRequest index_scan;
  index_scan.table_name = "Users";
  index_scan.index_name = "ByGroup";
  for (;;) {
    auto page = db.scan(index_scan);
    ASSERT_TRUE(page.ok()) << page.error().to_string();
    for (const auto& entry : *page->items) {
      EXPECT_TRUE(actual.emplace(entry.at("PK").as_string(), entry).second) << "two entries for one item";
    }
    if (!page->last_evaluated_key) break;
    index_scan.exclusive_start_key = page->last_evaluated_key;
  }
  EXPECT_EQ(actual.size(), expected.size());
  EXPECT_TRUE(actual == expected);
  auto d = db.describe_table({"Users"});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(group_index(d->table).item_count, static_cast<int64_t>(expected.size()));
}

TEST(BackfillTest, LargeTableIsCopiedInTheBackgroundWhileWritesGoOn) {
  auto db = open_engine(nullptr, /*synchronous_items=*/100);
  create_filled_table(*db);

  // Writers change, move, drop and add index entries throughout the copy.
  std::atomic<bool> stop{false};
  std::atomic<int> writes{0};
  std::jthread writer([&] {
    std::mt19937 rng(7);
    int version = 1;
    while (!stop.load()) {
      const int i = static_cast<int>(rng() % (kItems + 500));
      if (rng() % 5 == 0) {
        ddb::DeleteItemRequest d;
        d.table_name = "Users";
        d.key = AttributeMap{{"PK", S("USER#" + std::to_string(i))}, {"SK", S("PROFILE")}};
        ASSERT_TRUE(db->delete_item(d).ok());
      } else {
        put(*db, user(i, ++version));
      }
      writes.fetch_add(1);
    }
  });
  struct StopWriter {
    std::atomic<bool>& stop;
    ~StopWriter() { stop.store(true); }
  } stop_writer{stop};  // also when an assertion returns early (jthread joins)
  while (writes.load() < 200) std::this_thread::yield();

  auto updated = db->update_table(add_group_index());
  ASSERT_TRUE(updated.ok()) << updated.error().to_string();
  const auto& index = group_index(updated->table_description);
  EXPECT_EQ(index.index_status, "CREATING");
  EXPECT_EQ(index.backfilling, std::optional<bool>(true));

  ddb::QueryRequest q;
  q.table_name = "Users";
  q.index_name = "ByGroup";
  q.key_condition_expression = "#g = :g";
  q.expression_attribute_names = ddb::NameMap{{"#g", "Group"}};
  q.expression_attribute_values = AttributeMap{{":g", S("G1")}};
  const int writes_before_copy = writes.load();
  auto early = db->query(q);
  if (!early.ok()) {  // the copy of 20,000 items may, rarely, be done already
    EXPECT_EQ(early.error().code, ErrorCode::kValidation);
    EXPECT_EQ(early.error().message, "Cannot read from backfilling global secondary index: ByGroup");
  }

  ASSERT_TRUE(wait_until_active(*db));
  const int writes_during_copy = writes.load();
  stop.store(true);
  writer.join();
  EXPECT_GT(writes_during_copy, writes_before_copy);  // the copy and the writes overlapped
  auto described = db->describe_table({"Users"});
  ASSERT_TRUE(described.ok());
  EXPECT_FALSE(group_index(described->table).backfilling.value_or(false));
  TH_ASSERT_OK(db->query(q));
  expect_index_matches_table(*db);
}

TEST(BackfillTest, SmallTableIsCopiedBeforeUpdateTableAnswers) {
  auto db = open_engine(nullptr, /*synchronous_items=*/kItems);
  create_filled_table(*db);
  auto updated = db->update_table(add_group_index());
  ASSERT_TRUE(updated.ok()) << updated.error().to_string();
  EXPECT_EQ(group_index(updated->table_description).index_status, "ACTIVE");
  EXPECT_EQ(group_index(updated->table_description).item_count, kItems - (kItems + 2) / 3);  // i % 3 != 0
  expect_index_matches_table(*db);
}

TEST(BackfillTest, CopyCutShortResumesAtOpen) {
  TempDir dir;
  {
    auto db = Engine::open({.data_dir = dir.path(), .synchronous_backfill_items = 0});
    ASSERT_TRUE(db.ok());
    create_filled_table(**db);
    ASSERT_TRUE((*db)->update_table(add_group_index()).ok());
    // Closing stops the copy wherever it is.
  }
  auto db = Engine::open({.data_dir = dir.path(), .synchronous_backfill_items = 0});
  ASSERT_TRUE(db.ok());
  auto reopened = (*db)->describe_table({"Users"});
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(group_index(reopened->table).index_status, "CREATING");  // 20,000 items take ~100 ms
  ASSERT_TRUE(wait_until_active(**db));
  expect_index_matches_table(**db);
  // The stored schema says ACTIVE now: a third open starts no copy.
  db->reset();
  auto again = Engine::open({.data_dir = dir.path()});
  ASSERT_TRUE(again.ok());
  auto d = (*again)->describe_table({"Users"});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(group_index(d->table).index_status, "ACTIVE");
  expect_index_matches_table(**again);
}

TEST(BackfillTest, DroppingTheIndexOrTheTableStopsTheCopy) {
  auto db = open_engine(nullptr, /*synchronous_items=*/0);
  create_filled_table(*db);
  ASSERT_TRUE(db->update_table(add_group_index()).ok());
  ddb::UpdateTableRequest drop;
  drop.table_name = "Users";
  ddb::GlobalSecondaryIndexUpdate del;
  del.delete_ = ddb::DeleteGlobalSecondaryIndexAction{"ByGroup"};
  drop.global_secondary_index_updates = std::vector<ddb::GlobalSecondaryIndexUpdate>{del};
  TH_ASSERT_OK(db->update_table(drop));
  auto d = db->describe_table({"Users"});
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->table.global_secondary_indexes.has_value() && !d->table.global_secondary_indexes->empty());

  // Again, and this time the table goes; the copy must notice and end.
  ASSERT_TRUE(db->update_table(add_group_index()).ok());
  TH_ASSERT_OK(db->delete_table({"Users"}));
  ASSERT_TRUE(db->create_table(pk_sk_table("Users")).ok());
  put(*db, user(1));
  ddb::ScanRequest s;
  s.table_name = "Users";
  EXPECT_EQ(db->scan(s)->count, 1);
}

// The backfilling mark is stored with the schema, after everything an
// older store's schema holds: those schemas still read, with no index
// backfilling.
TEST(BackfillTest, SchemaKeepsTheMarkAndOlderSchemasStillRead) {
  TableSchema schema;
  schema.id = 3;
  schema.name = "Users";
  schema.hash = {"PK", ddb::AttributeType::kS};
  schema.billing_mode = "PAY_PER_REQUEST";
  for (uint16_t id : {1, 2}) {
    IndexSchema index;
    index.id = id;
    index.name = "I" + std::to_string(id);
    index.global = true;
    index.hash = {"G", ddb::AttributeType::kS};
    index.projection_type = "ALL";
    index.backfilling = id == 2;
    schema.indexes.push_back(index);
  }
  auto decoded = decode_schema(encode_schema(schema));
  ASSERT_TRUE(decoded.ok());
  EXPECT_FALSE(decoded->indexes[0].backfilling);
  EXPECT_TRUE(decoded->indexes[1].backfilling);

  schema.indexes[1].backfilling = false;
  std::string bytes = encode_schema(schema);
  // The end: an empty list of backfilling indexes, no stream id, no stream
  // label, no TTL change (a double's bits, 0).
  ASSERT_EQ(bytes.substr(bytes.size() - 4), std::string(4, '\0'));
  bytes.pop_back();  // as a store from before the TTL change time wrote it
  ASSERT_TRUE(decode_schema(bytes).ok());
  bytes.resize(bytes.size() - 2);  // as a store from before streams wrote it
  auto before_streams = decode_schema(bytes);
  ASSERT_TRUE(before_streams.ok()) << before_streams.error().to_string();
  EXPECT_EQ(before_streams->stream_id, 0u);
  bytes.pop_back();  // as a store from before backfills wrote it
  auto older = decode_schema(bytes);
  ASSERT_TRUE(older.ok()) << older.error().to_string();
  EXPECT_EQ(older->indexes.size(), 2u);
  EXPECT_FALSE(older->indexes[1].backfilling);
  EXPECT_EQ(older->name, "Users");
}

}  // namespace
}  // namespace townhall::engine

namespace townhall::engine {
namespace {

using namespace testing;

// Items written before the index existed may carry values no write could
// give an index key (empty, or longer than a key may be): the copy leaves
// them out, as DynamoDB's backfill does, and the table keeps them.
TEST(BackfillTest, LeavesOutValuesNoIndexKeyMayHave) {
  auto db = open_engine(nullptr, 10000);
  ASSERT_TRUE(db->create_table(pk_sk_table("Users")).ok());
  put(*db, {{"PK", S("USER#ok")}, {"SK", S("PROFILE")}, {"Group", S("G")}});
  put(*db, {{"PK", S("USER#empty")}, {"SK", S("PROFILE")}, {"Group", S("")}});
  put(*db, {{"PK", S("USER#long")}, {"SK", S("PROFILE")}, {"Group", S(std::string(2049, 'g'))}});
  ASSERT_TRUE(db->update_table(add_group_index()).ok());
  ddb::ScanRequest scan;
  scan.table_name = "Users";
  scan.index_name = "ByGroup";
  auto indexed = db->scan(scan);
  ASSERT_TRUE(indexed.ok()) << indexed.error().to_string();
  ASSERT_EQ(indexed->count, 1);
  EXPECT_EQ(indexed->items->at(0).at("PK"), S("USER#ok"));
  scan.index_name.reset();
  EXPECT_EQ(db->scan(scan).value().count, 3);
}

}  // namespace
}  // namespace townhall::engine
