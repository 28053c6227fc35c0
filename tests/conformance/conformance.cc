#include "conformance.h"

#include <thread>

namespace townhall::conformance {

void ConformanceTest::SetUp() {
  TargetState& state = target_state(target());
  if (state.db != nullptr) {
    db_ = state.db;
    return;
  }
  switch (state.unavailable) {
    case Unavailable::kBroken:
      FAIL() << target_name(target()) << " is unavailable: " << state.reason;
    case Unavailable::kMissingSoftware:
      if (running_in_ci())
        FAIL() << target_name(target()) << " is unavailable under CI=true: " << state.reason;
      GTEST_SKIP() << target_name(target()) << " is unavailable: " << state.reason;
    default:
      GTEST_SKIP() << target_name(target()) << " is unavailable: " << state.reason;
  }
}

void ConformanceTest::TearDown() {
  if (db_ == nullptr) return;
  for (const auto& table : tables_) {
    ddb::DeleteTableRequest request;
    request.table_name = table;
    (void)db_->delete_table(request);  // best effort: a case may have deleted it
  }
}

std::string ConformanceTest::unique_table_name(std::string_view base) {
  static int counter = 0;
  return "conformance_" + std::to_string(++counter) + "_" + std::string(base);
}

ddb::CreateTableRequest ConformanceTest::chat_table_request(std::string name) {
  ddb::CreateTableRequest request;
  request.table_name = std::move(name);
  for (const char* attribute : {"PK", "SK", "GSI1PK", "GSI1SK"}) {
    request.attribute_definitions.push_back({attribute, "S"});
  }
  request.key_schema = {{"PK", "HASH"}, {"SK", "RANGE"}};
  ddb::GlobalSecondaryIndex gsi;
  gsi.index_name = "GSI1";
  gsi.key_schema = {{"GSI1PK", "HASH"}, {"GSI1SK", "RANGE"}};
  gsi.projection.projection_type = "INCLUDE";
  gsi.projection.non_key_attributes = std::vector<std::string>{"ChanName", "JoinedAt"};
  request.global_secondary_indexes = std::vector<ddb::GlobalSecondaryIndex>{gsi};
  request.billing_mode = "PAY_PER_REQUEST";
  return request;
}

std::string ConformanceTest::create_chat_table() {
  std::string name = unique_table_name("chat");
  auto created = db().create_table(chat_table_request(name));
  EXPECT_TRUE(created.ok()) << created.error().to_string();
  if (created.ok()) {
    track_table(name);
    EXPECT_TRUE(wait_until_active(name));
  }
  return name;
}

::testing::AssertionResult ConformanceTest::wait_until_active(const std::string& table) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    ddb::DescribeTableRequest request;
    request.table_name = table;
    auto described = db().describe_table(request);
    if (!described.ok()) return ::testing::AssertionFailure() << described.error().to_string();
    bool active = described->table.table_status == "ACTIVE";
    last = described->table.table_status.value_or("(none)");
    for (const auto& index :
         described->table.global_secondary_indexes.value_or(std::vector<ddb::IndexDescription>{})) {
      if (index.index_status != "ACTIVE") {
        active = false;
        last += ", index " + index.index_name.value_or("?") + " " + index.index_status.value_or("(none)");
      }
    }
    if (active) return ::testing::AssertionSuccess();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return ::testing::AssertionFailure() << table << " is still " << last;
}

ddb::Status ConformanceTest::put(const std::string& table, ddb::AttributeMap attributes) {
  ddb::PutItemRequest request;
  request.table_name = table;
  request.item = std::move(attributes);
  auto response = db().put_item(request);
  if (!response.ok()) return std::move(response).error();
  return ddb::Status::Ok();
}

std::optional<ddb::AttributeMap> ConformanceTest::get(const std::string& table, ddb::AttributeMap k) {
  ddb::GetItemRequest request;
  request.table_name = table;
  request.key = std::move(k);
  request.consistent_read = true;
  auto response = db().get_item(request);
  EXPECT_TRUE(response.ok()) << response.error().to_string();
  if (!response.ok()) return std::nullopt;
  return response->item;
}

ddb::AttributeValue N(std::string_view text) {
  auto number = ddb::Number::parse(text);
  EXPECT_TRUE(number.ok()) << text;
  return ddb::AttributeValue::N(number.ok() ? *number : ddb::Number::from_int(0));
}

ddb::AttributeMap item(std::string pk, std::string sk, ddb::AttributeMap more) {
  more["PK"] = S(std::move(pk));
  more["SK"] = S(std::move(sk));
  return more;
}

std::string target_param_name(const ::testing::TestParamInfo<Target>& info) {
  std::string name(target_name(info.param));
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

}  // namespace townhall::conformance
