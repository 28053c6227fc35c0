// The Streams API on the engine: what the differential test against DynamoDB
// Local (tests/integration/streams_test.py) cannot reach in its time: expired
// iterators, retention, failed writes, forgotten streams.
#include <gtest/gtest.h>

#include <thread>

#include "engine/catalog.h"
#include "engine/memory_store.h"
#include "engine/shard_iterator.h"
#include "engine/stream_log.h"
#include "engine/test_util.h"

namespace townhall::engine {
namespace {

using namespace std::chrono_literals;
using testing::S;

class StreamsTest : public ::testing::Test {
 protected:
  void open(const EngineOptions& options) {
    auto opened = Engine::open(options);
    ASSERT_TRUE(opened.ok()) << opened.error().to_string();
    engine_ = std::move(opened).value();
    auto request = testing::pk_sk_table("tab");
    request.stream_specification = ddb::StreamSpecification{true, "NEW_IMAGE"};
    auto created = engine_->create_table(request);
    ASSERT_TRUE(created.ok()) << created.error().to_string();
    arn_ = created->table_description.latest_stream_arn.value();
    shard_ = engine_->describe_stream({arn_}).value().stream_description.shards->at(0).shard_id.value();
  }

  void put(std::string sk) {
    ddb::PutItemRequest request;
    request.table_name = "tab";
    request.item = {{"PK", S("p")}, {"SK", S(std::move(sk))}};
    TH_ASSERT_OK(engine_->put_item(request));
  }

  std::string iterator(std::string type) {
    ddb::GetShardIteratorRequest request{arn_, shard_, std::move(type), std::nullopt};
    return engine_->get_shard_iterator(request).value().shard_iterator.value();
  }

  std::vector<std::string> read(const std::string& from) {
    std::vector<std::string> keys;
    auto page = engine_->get_records({from, std::nullopt});
    EXPECT_TRUE(page.ok()) << page.error().to_string();
    if (page.ok()) {
      for (const auto& record : page->records) keys.push_back(record.dynamodb->keys->at("SK").as_string());
    }
    return keys;
  }

  std::unique_ptr<Engine> engine_;
  std::string arn_, shard_;
};

TEST_F(StreamsTest, IteratorsExpireAfterFifteenMinutes) {
  open({.in_memory = true});
  put("a");
  auto info = decode_shard_iterator(iterator("TRIM_HORIZON"));
  ASSERT_TRUE(info.has_value());
  ShardPosition old = info->second;
  old.issued_ms -= kShardIteratorLifetimeMs + 1000;
  TH_EXPECT_ERROR(engine_->get_records({encode_shard_iterator(arn_, old), std::nullopt}),
                  ddb::ErrorCode::kExpiredIterator, "");
  old.issued_ms += 2000;  // 14 min 59 s: still good
  EXPECT_EQ(read(encode_shard_iterator(arn_, old)), std::vector<std::string>{"a"});
  // The next iterator starts a new 15 minutes.
  auto next =
      engine_->get_records({encode_shard_iterator(arn_, old), std::nullopt}).value().next_shard_iterator;
  EXPECT_GT(decode_shard_iterator(*next)->second.issued_ms, old.issued_ms + 60000);
}

TEST_F(StreamsTest, AFailedWriteLeavesNoRecordAndHoldsNobodyBack) {
  auto store = std::make_shared<MemoryStore>();
  open({.kv_store = store});
  const std::string from = iterator("TRIM_HORIZON");
  store->fail_nth_write(1);
  ddb::PutItemRequest request;
  request.table_name = "tab";
  request.item = {{"PK", S("p")}, {"SK", S("lost")}};
  EXPECT_FALSE(engine_->put_item(request).ok());
  put("kept");
  EXPECT_EQ(read(from), std::vector<std::string>{"kept"});
}

TEST_F(StreamsTest, RetentionTrimsOldRecordsAndForgetsClosedStreams) {
  open({.in_memory = true, .stream_retention = 300ms, .stream_trim_interval = 20ms});
  put("old");
  const std::string before_trim = iterator("TRIM_HORIZON");
  EXPECT_EQ(read(before_trim), std::vector<std::string>{"old"});
  std::this_thread::sleep_for(600ms);
  put("new");
  // What the old iterator would read next is gone: DynamoDB's error, not a silent gap.
  TH_EXPECT_ERROR(engine_->get_records({before_trim, std::nullopt}), ddb::ErrorCode::kTrimmedDataAccess, "");
  EXPECT_EQ(read(iterator("TRIM_HORIZON")), std::vector<std::string>{"new"});
  ddb::GetShardIteratorRequest at{arn_, shard_, "AT_SEQUENCE_NUMBER", format_sequence_number(1)};
  TH_EXPECT_ERROR(engine_->get_shard_iterator(at), ddb::ErrorCode::kTrimmedDataAccess, "");

  ddb::UpdateTableRequest disable;
  disable.table_name = "tab";
  disable.stream_specification = ddb::StreamSpecification{false, std::nullopt};
  TH_ASSERT_OK(engine_->update_table(disable));
  EXPECT_EQ(engine_->list_streams({}).value().streams.size(), 1u);
  std::this_thread::sleep_for(600ms);
  EXPECT_TRUE(engine_->list_streams({}).value().streams.empty());
  TH_EXPECT_ERROR(engine_->describe_stream({arn_}), ddb::ErrorCode::kResourceNotFound, "");
  // The table still names its latest stream, as DynamoDB's does.
  EXPECT_EQ(engine_->describe_table({"tab"}).value().table.latest_stream_arn, arn_);
}

TEST_F(StreamsTest, StreamsAndRecordsOutliveARestart) {
  testing::TempDir dir;
  open({.data_dir = dir.path()});
  put("a");
  const std::string from = iterator("TRIM_HORIZON");
  engine_.reset();
  auto reopened = Engine::open({.data_dir = dir.path()});
  ASSERT_TRUE(reopened.ok());
  engine_ = std::move(reopened).value();
  put("b");
  EXPECT_EQ(read(from), (std::vector<std::string>{"a", "b"}));
  auto schema = engine_->describe_table({"tab"}).value().table;
  EXPECT_EQ(schema.latest_stream_arn, arn_);
  EXPECT_EQ(schema.stream_specification->stream_view_type, "NEW_IMAGE");
  engine_.reset();  // closed before its directory is removed
}

// A store from before streams may hold a table whose StreamSpecification is
// enabled without a stream: opening gives it one, and its writes are recorded.
TEST_F(StreamsTest, AnOlderStoresEnabledSpecificationGetsAStream) {
  auto store = std::make_shared<MemoryStore>();
  open({.kv_store = store});
  auto schema = decode_schema(store->contents().at(std::string(1, '\x01') + "tab")).value();
  schema.stream_id = 0;
  schema.stream_label.clear();
  KvWriteBatch rewrite;
  Catalog::add_schema_write(schema, rewrite);
  ASSERT_TRUE(store->write(rewrite).ok());
  engine_.reset();
  engine_ = Engine::open({.kv_store = store}).value();
  auto described = engine_->describe_table({"tab"}).value().table;
  ASSERT_TRUE(described.latest_stream_arn.has_value());
  EXPECT_NE(*described.latest_stream_arn, arn_);
  arn_ = *described.latest_stream_arn;
  shard_ = engine_->describe_stream({arn_}).value().stream_description.shards->at(0).shard_id.value();
  const std::string from = iterator("TRIM_HORIZON");
  put("after");
  EXPECT_EQ(read(from), std::vector<std::string>{"after"});
  // Opening again changes nothing.
  engine_.reset();
  engine_ = Engine::open({.kv_store = store}).value();
  EXPECT_EQ(engine_->describe_table({"tab"}).value().table.latest_stream_arn, arn_);
}

}  // namespace
}  // namespace townhall::engine
