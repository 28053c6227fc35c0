// The conformance fixture: every case runs once per target (targets.h), on
// tables of its own, against ddb::Database only, so the same case checks the
// engine, the wire endpoint, the client, and the third-party peers.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ddb/database.h"
#include "expectations.h"
#include "targets.h"

namespace townhall::conformance {

class ConformanceTest : public ::testing::TestWithParam<Target> {
 protected:
  void SetUp() override;
  void TearDown() override;

  Target target() const { return GetParam(); }
  ddb::Database& db() { return *db_; }

  // "conformance_<n>_<base>": unique within a run (peers keep tables across cases).
  std::string unique_table_name(std::string_view base = "t");
  // The chat table: PK and SK (strings), GSI1 on GSI1PK/GSI1SK projecting
  // ChanName and JoinedAt, on-demand billing.
  static ddb::CreateTableRequest chat_table_request(std::string name);
  // Creates a chat table and waits until it is ACTIVE; deleted after the case.
  std::string create_chat_table();
  // Polls DescribeTable until the table and its indexes are ACTIVE.
  ::testing::AssertionResult wait_until_active(const std::string& table);
  // Remembers a table the case created some other way, for deletion.
  void track_table(std::string table) { tables_.push_back(std::move(table)); }

  ddb::Status put(const std::string& table, ddb::AttributeMap item);
  std::optional<ddb::AttributeMap> get(const std::string& table, ddb::AttributeMap key);

 private:
  ddb::Database* db_ = nullptr;
  std::vector<std::string> tables_;
};

// Builders that keep cases short.
inline ddb::AttributeValue S(std::string s) { return ddb::AttributeValue::S(std::move(s)); }
inline ddb::AttributeValue N(int64_t n) { return ddb::AttributeValue::N(n); }
ddb::AttributeValue N(std::string_view text);  // REQUIRES: a valid DynamoDB number
inline ddb::AttributeMap key(std::string pk, std::string sk) {
  return {{"PK", S(std::move(pk))}, {"SK", S(std::move(sk))}};
}
// key plus more attributes.
ddb::AttributeMap item(std::string pk, std::string sk, ddb::AttributeMap more = {});

// Test names: "engine", "dynalite", ... (dashes become underscores).
std::string target_param_name(const ::testing::TestParamInfo<Target>& info);

}  // namespace townhall::conformance

#define TOWNHALL_CONFORMANCE_SUITE(Fixture)                                                               \
  INSTANTIATE_TEST_SUITE_P(Targets, Fixture, ::testing::ValuesIn(::townhall::conformance::all_targets()), \
                           ::townhall::conformance::target_param_name)
