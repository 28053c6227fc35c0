// BatchWriteItem and BatchGetItem: the chat's bulk reads and cleanups.
#include <algorithm>

#include "conformance.h"

namespace townhall::conformance {
namespace {

using ddb::AttributeMap;
using ddb::ErrorCode;

class BatchTest : public ConformanceTest {
 protected:
  void SetUp() override {
    ConformanceTest::SetUp();
    if (!IsSkipped() && !HasFatalFailure()) table_ = create_chat_table();
  }

  ddb::WriteRequest put_request(AttributeMap attributes) {
    return ddb::WriteRequest{.put_request = ddb::PutRequest{std::move(attributes)}};
  }
  ddb::WriteRequest delete_request(AttributeMap k) {
    return ddb::WriteRequest{.delete_request = ddb::DeleteRequest{std::move(k)}};
  }
  ddb::Result<ddb::BatchWriteItemResponse> batch_write(std::vector<ddb::WriteRequest> writes) {
    ddb::BatchWriteItemRequest request;
    request.request_items[table_] = std::move(writes);
    return db().batch_write_item(request);
  }

  std::string table_;
};

TEST_P(BatchTest, WriteThenGet) {
  std::vector<ddb::WriteRequest> writes;
  for (int i = 0; i < 25; ++i) {
    writes.push_back(put_request(item("CHAN#1", "MSG#" + std::to_string(100 + i), {{"n", N(i)}})));
  }
  auto written = batch_write(std::move(writes));
  ASSERT_TRUE(written.ok()) << written.error().to_string();
  EXPECT_TRUE(written->unprocessed_items.empty());

  // Puts and deletes mixed in one batch.
  auto mixed =
      batch_write({delete_request(key("CHAN#1", "MSG#100")), delete_request(key("CHAN#1", "MSG#101")),
                   put_request(item("CHAN#1", "MSG#200", {{"n", N(200)}}))});
  ASSERT_TRUE(mixed.ok()) << mixed.error().to_string();
  EXPECT_FALSE(get(table_, key("CHAN#1", "MSG#100")).has_value());
  EXPECT_TRUE(get(table_, key("CHAN#1", "MSG#200")).has_value());

  ddb::BatchGetItemRequest request;
  auto& keys = request.request_items[table_];
  keys.keys = {key("CHAN#1", "MSG#102"), key("CHAN#1", "MSG#100"), key("CHAN#1", "MSG#200"),
               key("CHAN#1", "MSG#124")};
  keys.projection_expression = "SK, n";
  keys.consistent_read = true;
  auto got = db().batch_get_item(request);
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_TRUE(got->unprocessed_keys.empty());
  ASSERT_EQ(got->responses.count(table_), 1u);
  // Order is not specified: compare as a set. The deleted item is simply absent.
  std::vector<std::string> found;
  for (const auto& i : got->responses.at(table_)) {
    EXPECT_EQ(i.size(), 2u) << debug_string(i);
    found.push_back(i.at("SK").as_string() + "=" + debug_string(i.at("n")));
  }
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found,
            (std::vector<std::string>{"MSG#102=" + debug_string(N(2)), "MSG#124=" + debug_string(N(24)),
                                      "MSG#200=" + debug_string(N(200))}));
}

TEST_P(BatchTest, WriteValidation) {
  std::vector<ddb::WriteRequest> too_many;
  for (int i = 0; i < 26; ++i) too_many.push_back(put_request(item("CHAN#1", std::to_string(i))));
  EXPECT_TRUE(fails_with(batch_write(std::move(too_many)), ErrorIs{ErrorCode::kValidation}));

  EXPECT_TRUE(fails_with(batch_write({put_request(item("CHAN#1", "a")), delete_request(key("CHAN#1", "a"))}),
                         ErrorIs{ErrorCode::kValidation, "Provided list of item keys contains duplicates"}));
  EXPECT_FALSE(get(table_, key("CHAN#1", "a")).has_value()) << "a rejected batch writes nothing";

  auto missing_key = batch_write({put_request(AttributeMap{{"PK", S("CHAN#1")}})});
  EXPECT_TRUE(fails_with(missing_key, ErrorIs{ErrorCode::kValidation}));

  ddb::BatchWriteItemRequest missing_table;
  missing_table.request_items[unique_table_name("missing")] = {put_request(item("a", "b"))};
  EXPECT_TRUE(fails_with(db().batch_write_item(missing_table), ErrorIs{ErrorCode::kResourceNotFound}));
}

TEST_P(BatchTest, GetValidation) {
  ddb::BatchGetItemRequest duplicates;
  duplicates.request_items[table_].keys = {key("a", "b"), key("a", "b")};
  EXPECT_TRUE(fails_with(db().batch_get_item(duplicates),
                         ErrorIs{ErrorCode::kValidation, "Provided list of item keys contains duplicates"}));

  ddb::BatchGetItemRequest too_many;
  for (int i = 0; i < 101; ++i) too_many.request_items[table_].keys.push_back(key("a", std::to_string(i)));
  EXPECT_TRUE(fails_with(db().batch_get_item(too_many), ErrorIs{ErrorCode::kValidation}));

  ddb::BatchGetItemRequest missing_table;
  missing_table.request_items[unique_table_name("missing")].keys = {key("a", "b")};
  EXPECT_TRUE(fails_with(db().batch_get_item(missing_table), ErrorIs{ErrorCode::kResourceNotFound}));
}

TOWNHALL_CONFORMANCE_SUITE(BatchTest);

}  // namespace
}  // namespace townhall::conformance
