// Query on the table and on GSI1 the way the chat reads: a channel's
// messages newest first, page by page; a user's memberships through the
// index; filters, counts, and the errors.
#include "conformance.h"

namespace townhall::conformance {
namespace {

using ddb::AttributeMap;
using ddb::ErrorCode;

class QueryTest : public ConformanceTest {
 protected:
  void SetUp() override {
    ConformanceTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    table_ = create_chat_table();
    // Channel 1: its item, five messages, two memberships. Channel 2: one membership.
    ASSERT_TRUE(put(table_, item("CHAN#1", "CHAN#1", {{"Name", S("general")}})).ok());
    for (int i = 1; i <= 5; ++i) {
      std::string user = i % 2 ? "u1" : "u2";
      ASSERT_TRUE(put(table_, item("CHAN#1", message_sk(i),
                                   {{"Msg", S("hello " + std::to_string(i))}, {"UserId", S(user)}}))
                      .ok());
    }
    for (auto [channel, user, name] : {std::tuple{"1", "u1", "general"}, std::tuple{"1", "u2", "general"},
                                       std::tuple{"2", "u1", "random"}}) {
      ASSERT_TRUE(put(table_, item(std::string("CHAN#") + channel, std::string("USERJ#") + user,
                                   {{"Name", S(std::string("name of ") + user)},
                                    {"JoinedAt", S("2024-01-0" + std::string(channel))},
                                    {"GSI1PK", S(std::string("USER#") + user)},
                                    {"GSI1SK", S(std::string("CHAN#") + channel)},
                                    {"ChanName", S(name)}}))
                      .ok());
    }
  }

  static std::string message_sk(int i) {
    return "MSG#2024-01-01T00:00:0" + std::to_string(i) + "#m" + std::to_string(i);
  }

  ddb::QueryRequest messages_query() const {
    ddb::QueryRequest request;
    request.table_name = table_;
    request.key_condition_expression = "PK = :pk AND begins_with(SK, :prefix)";
    request.expression_attribute_values = AttributeMap{{":pk", S("CHAN#1")}, {":prefix", S("MSG#")}};
    request.consistent_read = true;
    return request;
  }

  ddb::QueryRequest memberships_query(std::string user) const {
    ddb::QueryRequest request;
    request.table_name = table_;
    request.index_name = "GSI1";
    request.key_condition_expression = "GSI1PK = :u";
    request.expression_attribute_values = AttributeMap{{":u", S("USER#" + user)}};
    return request;
  }

  // Every page of `request`, following LastEvaluatedKey.
  std::vector<ddb::QueryResponse> all_pages(ddb::QueryRequest request) {
    std::vector<ddb::QueryResponse> pages;
    for (int guard = 0; guard < 20; ++guard) {
      auto page = db().query(request);
      EXPECT_TRUE(page.ok()) << page.error().to_string();
      if (!page.ok()) break;
      pages.push_back(*page);
      if (!page->last_evaluated_key) break;
      request.exclusive_start_key = page->last_evaluated_key;
    }
    return pages;
  }

  static std::vector<std::string> sort_keys(const ddb::QueryResponse& page, const char* attribute = "SK") {
    std::vector<std::string> keys;
    for (const auto& i : page.items.value_or(std::vector<AttributeMap>{}))
      keys.push_back(i.at(attribute).as_string());
    return keys;
  }

  std::string table_;
};

TEST_P(QueryTest, BeginsWithInSortKeyOrder) {
  auto page = db().query(messages_query());
  ASSERT_TRUE(page.ok()) << page.error().to_string();
  EXPECT_EQ(sort_keys(*page), (std::vector<std::string>{message_sk(1), message_sk(2), message_sk(3),
                                                        message_sk(4), message_sk(5)}));
  EXPECT_EQ(page->count, 5);
  EXPECT_EQ(page->scanned_count, 5);
  EXPECT_FALSE(page->last_evaluated_key.has_value());
  EXPECT_EQ(page->items->front().at("Msg"), S("hello 1"));
}

TEST_P(QueryTest, NewestFirstPageByPage) {
  ddb::QueryRequest request = messages_query();
  request.scan_index_forward = false;
  request.limit = 2;
  auto pages = all_pages(request);
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_EQ(sort_keys(pages[0]), (std::vector<std::string>{message_sk(5), message_sk(4)}));
  EXPECT_EQ(sort_keys(pages[1]), (std::vector<std::string>{message_sk(3), message_sk(2)}));
  EXPECT_EQ(sort_keys(pages[2]), (std::vector<std::string>{message_sk(1)}));
  // LastEvaluatedKey is the key of the last item returned, nothing more.
  ASSERT_TRUE(pages[0].last_evaluated_key.has_value());
  EXPECT_EQ(debug_string(*pages[0].last_evaluated_key), debug_string(key("CHAN#1", message_sk(4))));
  EXPECT_FALSE(pages[2].last_evaluated_key.has_value());
}

TEST_P(QueryTest, LimitReachedOnTheLastItem) {
  // Four items with prefix MSG#2024-01-01T00:00:0[1-4]... via a range condition.
  ddb::QueryRequest request;
  request.table_name = table_;
  request.key_condition_expression = "PK = :pk AND SK BETWEEN :from AND :to";
  request.expression_attribute_values =
      AttributeMap{{":pk", S("CHAN#1")}, {":from", S(message_sk(1))}, {":to", S(message_sk(4))}};
  request.limit = 2;
  auto pages = all_pages(request);
  // The Query reference: when DynamoDB has read Limit items "it stops the
  // operation and returns the matching values up to that point, and a key in
  // LastEvaluatedKey", so a last, empty page follows (dynalite, which was
  // checked against the service, does the same).
  size_t expected_pages = expected_for<size_t>(
      target(), 3,
      {{Target::kDynamoDbLocal, 2,
        "looks ahead: no LastEvaluatedKey when Limit ends exactly on the last matching item"}});
  ASSERT_EQ(pages.size(), expected_pages);
  EXPECT_EQ(sort_keys(pages[1]), (std::vector<std::string>{message_sk(3), message_sk(4)}));
  if (expected_pages == 3) {
    EXPECT_EQ(pages[2].count, 0);
    EXPECT_TRUE(pages[2].items.has_value() && pages[2].items->empty());
  }
}

TEST_P(QueryTest, GsiProjectsIncludedAttributesOnly) {
  auto page = db().query(memberships_query("u1"));
  ASSERT_TRUE(page.ok()) << page.error().to_string();
  ASSERT_EQ(page->count, 2);
  EXPECT_EQ(sort_keys(*page, "GSI1SK"), (std::vector<std::string>{"CHAN#1", "CHAN#2"}));
  // INCLUDE ChanName, JoinedAt: the table and index keys plus those two, not Name.
  EXPECT_EQ(debug_string(page->items->at(1)), debug_string(item("CHAN#2", "USERJ#u1",
                                                                {{"GSI1PK", S("USER#u1")},
                                                                 {"GSI1SK", S("CHAN#2")},
                                                                 {"ChanName", S("random")},
                                                                 {"JoinedAt", S("2024-01-02")}})));
  // Items without GSI1PK (channels, messages) are not in the index.
  ddb::QueryRequest everything = memberships_query("u1");
  everything.key_condition_expression = "GSI1PK = :u AND begins_with(GSI1SK, :c)";
  everything.expression_attribute_values = AttributeMap{{":u", S("USER#u1")}, {":c", S("CHAN#")}};
  auto again = db().query(everything);
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_EQ(again->count, 2);
}

TEST_P(QueryTest, GsiPagesDescending) {
  ddb::QueryRequest request = memberships_query("u1");
  request.scan_index_forward = false;
  request.limit = 1;
  auto first = db().query(request);
  ASSERT_TRUE(first.ok()) << first.error().to_string();
  EXPECT_EQ(sort_keys(*first, "GSI1SK"), std::vector<std::string>{"CHAN#2"});
  // An index's LastEvaluatedKey carries the index key and the table key.
  ASSERT_TRUE(first->last_evaluated_key.has_value());
  EXPECT_EQ(debug_string(*first->last_evaluated_key),
            debug_string(item("CHAN#2", "USERJ#u1", {{"GSI1PK", S("USER#u1")}, {"GSI1SK", S("CHAN#2")}})));
  request.exclusive_start_key = first->last_evaluated_key;
  auto second = db().query(request);
  ASSERT_TRUE(second.ok()) << second.error().to_string();
  EXPECT_EQ(sort_keys(*second, "GSI1SK"), std::vector<std::string>{"CHAN#1"});
}

TEST_P(QueryTest, FilterCountsAndSelectCount) {
  ddb::QueryRequest filtered = messages_query();
  filtered.filter_expression = "UserId = :u";
  filtered.expression_attribute_values->emplace(":u", S("u1"));
  auto page = db().query(filtered);
  ASSERT_TRUE(page.ok()) << page.error().to_string();
  EXPECT_EQ(page->count, 3);
  EXPECT_EQ(page->scanned_count, 5);
  EXPECT_EQ(sort_keys(*page), (std::vector<std::string>{message_sk(1), message_sk(3), message_sk(5)}));

  // Limit counts items read, before the filter.
  filtered.limit = 2;
  auto limited = db().query(filtered);
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->scanned_count, 2);
  EXPECT_EQ(limited->count, 1);
  EXPECT_TRUE(limited->last_evaluated_key.has_value());

  ddb::QueryRequest counted = messages_query();
  counted.select = "COUNT";
  auto count = db().query(counted);
  ASSERT_TRUE(count.ok()) << count.error().to_string();
  EXPECT_EQ(count->count, 5);
  EXPECT_FALSE(count->items.has_value());
}

TEST_P(QueryTest, ProjectionExpression) {
  ddb::QueryRequest request = messages_query();
  request.projection_expression = "SK, Msg";
  request.limit = 1;
  auto page = db().query(request);
  ASSERT_TRUE(page.ok()) << page.error().to_string();
  ASSERT_EQ(page->count, 1);
  EXPECT_EQ(debug_string(page->items->at(0)),
            debug_string(AttributeMap{{"SK", S(message_sk(1))}, {"Msg", S("hello 1")}}));
}

TEST_P(QueryTest, Errors) {
  ddb::QueryRequest no_index = memberships_query("u1");
  no_index.index_name = "GSI9";
  EXPECT_TRUE(fails_with(db().query(no_index), ErrorIs{ErrorCode::kValidation,
                                                       "The table does not have the specified index: GSI9"}));

  // Strongly consistent reads are not available on a GSI.
  ddb::QueryRequest consistent = memberships_query("u1");
  consistent.consistent_read = true;
  EXPECT_TRUE(fails_with(db().query(consistent), ErrorIs{ErrorCode::kValidation}));

  // The key condition must name the partition key with equality.
  ddb::QueryRequest not_key = messages_query();
  not_key.key_condition_expression = "SK = :prefix";
  not_key.expression_attribute_values->erase(":pk");
  EXPECT_TRUE(fails_with(db().query(not_key), ErrorIs{ErrorCode::kValidation}));
  ddb::QueryRequest non_key_attribute = messages_query();
  non_key_attribute.key_condition_expression = "PK = :pk AND Msg = :prefix";
  EXPECT_TRUE(fails_with(db().query(non_key_attribute), ErrorIs{ErrorCode::kValidation}));

  // Filters may not use key attributes ("Filter Expression can only contain
  // non-primary key attributes: Primary key attribute: SK").
  ddb::QueryRequest key_filter = messages_query();
  key_filter.filter_expression = "SK = :prefix";
  EXPECT_TRUE(fails_with(db().query(key_filter), ErrorIs{ErrorCode::kValidation}));

  ddb::QueryRequest missing = messages_query();
  missing.table_name = unique_table_name("missing");
  EXPECT_TRUE(fails_with(db().query(missing), ErrorIs{ErrorCode::kResourceNotFound}));

  // An ExclusiveStartKey that is not a key of the table.
  ddb::QueryRequest bad_start = messages_query();
  bad_start.exclusive_start_key = AttributeMap{{"PK", S("CHAN#1")}};
  EXPECT_TRUE(fails_with(db().query(bad_start), ErrorIs{ErrorCode::kValidation}));
}

TEST_P(QueryTest, ScanPagesThroughTheTable) {
  ddb::ScanRequest request;
  request.table_name = table_;
  request.limit = 4;
  request.consistent_read = true;
  int items = 0;
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 10);
    auto page = db().scan(request);
    ASSERT_TRUE(page.ok()) << page.error().to_string();
    EXPECT_LE(page->count, 4);
    items += static_cast<int>(page->count);
    if (!page->last_evaluated_key) break;
    request.exclusive_start_key = page->last_evaluated_key;
  }
  EXPECT_EQ(items, 9);  // the channel, five messages, three memberships

  // The index holds the memberships only.
  ddb::ScanRequest index_scan;
  index_scan.table_name = table_;
  index_scan.index_name = "GSI1";
  auto memberships = db().scan(index_scan);
  ASSERT_TRUE(memberships.ok()) << memberships.error().to_string();
  EXPECT_EQ(memberships->count, 3);
}

TOWNHALL_CONFORMANCE_SUITE(QueryTest);

}  // namespace
}  // namespace townhall::conformance
