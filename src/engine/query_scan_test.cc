#include <gtest/gtest.h>

#include <set>

#include "ddb/json_codec.h"
#include "engine/test_util.h"

namespace townhall::engine {
namespace {

using namespace testing;
using ddb::ErrorCode;

// The notebook's table: messages, memberships (in GSI1) and channels.
class QueryScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = pk_sk_table("Chat");
    r.attribute_definitions.push_back({"GSI1PK", "S"});
    r.attribute_definitions.push_back({"GSI1SK", "S"});
    r.attribute_definitions.push_back({"Score", "N"});
    r.global_secondary_indexes = std::vector<ddb::GlobalSecondaryIndex>{
        gsi("GSI1", "GSI1PK", "GSI1SK", "INCLUDE", std::vector<std::string>{"ChanName", "JoinedAt"}),
        gsi("Everything", "GSI1PK", std::nullopt, "ALL")};
    ddb::LocalSecondaryIndex lsi;
    lsi.index_name = "ByScore";
    lsi.key_schema = {{"PK", "HASH"}, {"Score", "RANGE"}};
    lsi.projection.projection_type = "KEYS_ONLY";
    r.local_secondary_indexes = std::vector<ddb::LocalSecondaryIndex>{lsi};
    TH_ASSERT_OK(db_->create_table(r));
    for (int i = 0; i < 30; ++i) {
      char sk[32];
      snprintf(sk, sizeof sk, "MSG#%03d", i);
      put({{"PK", S("CHAN#1")},
           {"SK", S(sk)},
           {"Msg", S("hello " + std::to_string(i))},
           {"Score", N(i % 7 - 3)}});
    }
    put({{"PK", S("CHAN#1")}, {"SK", S("CHAN#1")}, {"Name", S("general")}});
    for (int u = 0; u < 3; ++u) {
      std::string user = "USER#" + std::to_string(u);
      put({{"PK", S("CHAN#1")},
           {"SK", S("USERJ#" + std::to_string(u))},
           {"GSI1PK", S(user)},
           {"GSI1SK", S("CHAN#1")},
           {"ChanName", S("general")},
           {"JoinedAt", N(1000 + u)},
           {"Secret", S("not projected")}});
      put({{"PK", S("CHAN#2")},
           {"SK", S("USERJ#" + std::to_string(u))},
           {"GSI1PK", S(user)},
           {"GSI1SK", S("CHAN#2")},
           {"ChanName", S("random")},
           {"JoinedAt", N(2000 + u)}});
    }
  }
  void put(AttributeMap item) {
    ddb::PutItemRequest r;
    r.table_name = "Chat";
    r.item = std::move(item);
    TH_ASSERT_OK(db_->put_item(r));
  }
  ddb::QueryRequest query(std::string key_condition, AttributeMap values) {
    ddb::QueryRequest q;
    q.table_name = "Chat";
    q.key_condition_expression = std::move(key_condition);
    q.expression_attribute_values = std::move(values);
    return q;
  }
  static std::vector<std::string> sort_keys(const ddb::QueryResponse& r, const std::string& name = "SK") {
    std::vector<std::string> out;
    for (const auto& item : *r.items) out.push_back(item.at(name).as_string());
    return out;
  }

  std::unique_ptr<Engine> db_ = open_in_memory();
};

TEST_F(QueryScanTest, BeginsWithNewestFirstWithLimit) {
  auto q = query("PK = :c AND begins_with(SK, :m)", {{":c", S("CHAN#1")}, {":m", S("MSG#")}});
  q.scan_index_forward = false;
  q.limit = 5;
  auto r = db_->query(q);
  TH_ASSERT_OK(r);
  EXPECT_EQ(sort_keys(*r), (std::vector<std::string>{"MSG#029", "MSG#028", "MSG#027", "MSG#026", "MSG#025"}));
  EXPECT_EQ(r->last_evaluated_key, (AttributeMap{{"PK", S("CHAN#1")}, {"SK", S("MSG#025")}}));
  // Page through the rest.
  std::vector<std::string> all = sort_keys(*r);
  while (r->last_evaluated_key) {
    q.exclusive_start_key = r->last_evaluated_key;
    r = db_->query(q);
    TH_ASSERT_OK(r);
    for (auto& k : sort_keys(*r)) all.push_back(k);
  }
  EXPECT_EQ(all.size(), 30u);
  EXPECT_EQ(all.back(), "MSG#000");
}

TEST_F(QueryScanTest, KeyConditionsInEitherOrder) {
  // Two equalities: only the key schema tells which is on the partition key.
  auto r = db_->query(query("SK = :s AND PK = :c", {{":c", S("CHAN#1")}, {":s", S("MSG#010")}}));
  TH_ASSERT_OK(r);
  EXPECT_EQ(sort_keys(*r), (std::vector<std::string>{"MSG#010"}));
}

TEST_F(QueryScanTest, SortKeyOperators) {
  auto count = [&](std::string condition, AttributeMap values) {
    values[":c"] = S("CHAN#1");
    auto r = db_->query(query("PK = :c AND " + condition, values));
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    return r.ok() ? r->count : -1;
  };
  EXPECT_EQ(count("SK = :v", {{":v", S("MSG#010")}}), 1);
  EXPECT_EQ(count("SK < :v", {{":v", S("MSG#010")}}), 11);  // CHAN#1 and MSG#000..009
  EXPECT_EQ(count("SK <= :v", {{":v", S("MSG#010")}}), 12);
  EXPECT_EQ(count("SK > :v", {{":v", S("MSG#010")}}), 19 + 3);  // MSG#011..029 and USERJ#0..2
  EXPECT_EQ(count("SK >= :v", {{":v", S("MSG#010")}}), 20 + 3);
  EXPECT_EQ(count("SK BETWEEN :a AND :b", {{":a", S("MSG#005")}, {":b", S("MSG#009")}}), 5);
  EXPECT_EQ(count("begins_with(SK, :v)", {{":v", S("USERJ#")}}), 3);
  EXPECT_EQ(count("begins_with(SK, :v)", {{":v", S("MSG#01")}}), 10);

  TH_EXPECT_ERROR(
      db_->query(
          query("PK = :c AND SK BETWEEN :a AND :b", {{":c", S("CHAN#1")}, {":a", S("z")}, {":b", S("a")}})),
      ErrorCode::kValidation,
      "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or "
      "equal to lower bound; lower bound operand: AttributeValue: {S:z}, upper bound operand: "
      "AttributeValue: {S:a}");
  TH_EXPECT_ERROR(
      db_->query(query("PK = :c", {{":c", N(1)}})), ErrorCode::kValidation,
      "One or more parameter values were invalid: Condition parameter type does not match schema type");
  TH_EXPECT_ERROR(db_->query(query("SK = :c", {{":c", S("x")}})), ErrorCode::kValidation,
                  "Query condition missed key schema element");
}

TEST_F(QueryScanTest, FilterAppliesAfterLimit) {
  auto q = query("PK = :c AND begins_with(SK, :m)", {{":c", S("CHAN#1")}, {":m", S("MSG#")}, {":s", N(0)}});
  q.filter_expression = "Score > :s";
  q.limit = 10;
  auto r = db_->query(q);
  TH_ASSERT_OK(r);
  EXPECT_EQ(r->scanned_count, 10);
  // Scores of MSG#000..009 are i % 7 - 3: 1, 2, 3 (i = 4, 5, 6) are above 0.
  EXPECT_EQ(r->count, 3);
  EXPECT_TRUE(r->last_evaluated_key);
}

TEST_F(QueryScanTest, FilterOnTheQueriedKeyIsRejected) {
  auto q = query("PK = :c", {{":c", S("CHAN#1")}, {":m", S("MSG#")}});
  q.filter_expression = "begins_with(SK, :m)";
  TH_EXPECT_ERROR(db_->query(q), ErrorCode::kValidation,
                  "Filter Expression can only contain non-primary key attributes: Primary key attribute: SK");
  // On an index, its own key is what may not be filtered; the table's key may.
  auto by_user = query("GSI1PK = :u", {{":u", S("USER#1")}, {":m", S("CHAN#")}});
  by_user.index_name = "GSI1";
  by_user.filter_expression = "begins_with(PK, :m)";
  auto on_table_key = db_->query(by_user);
  TH_ASSERT_OK(on_table_key);
  by_user.filter_expression = "begins_with(GSI1SK, :m)";
  TH_EXPECT_ERROR(
      db_->query(by_user), ErrorCode::kValidation,
      "Filter Expression can only contain non-primary key attributes: Primary key attribute: GSI1SK");
}

TEST_F(QueryScanTest, GlobalIndexProjectionsAndPaging) {
  auto q = query("GSI1PK = :u", {{":u", S("USER#1")}});
  q.index_name = "GSI1";
  auto r = db_->query(q);
  TH_ASSERT_OK(r);
  ASSERT_EQ(r->count, 2);
  // INCLUDE: the table key, the index key and ChanName, JoinedAt; not Secret.
  EXPECT_EQ((*r->items)[0], (AttributeMap{{"PK", S("CHAN#1")},
                                          {"SK", S("USERJ#1")},
                                          {"GSI1PK", S("USER#1")},
                                          {"GSI1SK", S("CHAN#1")},
                                          {"ChanName", S("general")},
                                          {"JoinedAt", N(1001)}}));
  q.limit = 1;
  r = db_->query(q);
  TH_ASSERT_OK(r);
  // An index page carries the base key and the index key.
  EXPECT_EQ(
      r->last_evaluated_key,
      (AttributeMap{
          {"PK", S("CHAN#1")}, {"SK", S("USERJ#1")}, {"GSI1PK", S("USER#1")}, {"GSI1SK", S("CHAN#1")}}));
  q.exclusive_start_key = r->last_evaluated_key;
  r = db_->query(q);
  TH_ASSERT_OK(r);
  EXPECT_EQ(sort_keys(*r, "GSI1SK"), (std::vector<std::string>{"CHAN#2"}));

  q.limit.reset();
  q.exclusive_start_key.reset();
  q.select = "ALL_ATTRIBUTES";
  TH_EXPECT_ERROR(
      db_->query(q), ErrorCode::kValidation,
      "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global "
      "secondary index GSI1 because its projection type is not ALL");
  q.select.reset();
  q.projection_expression = "Secret";
  TH_EXPECT_ERROR(
      db_->query(q), ErrorCode::kValidation,
      "One or more parameter values were invalid: Global secondary index GSI1 does not project [Secret]");
  q.projection_expression = "ChanName";
  r = db_->query(q);
  TH_ASSERT_OK(r);
  EXPECT_EQ((*r->items)[0], (AttributeMap{{"ChanName", S("general")}}));

  q.projection_expression.reset();
  q.consistent_read = true;
  TH_EXPECT_ERROR(db_->query(q), ErrorCode::kValidation,
                  "Consistent read cannot be true when querying a GSI");

  auto all = query("GSI1PK = :u", {{":u", S("USER#0")}});
  all.index_name = "Everything";
  r = db_->query(all);
  TH_ASSERT_OK(r);
  EXPECT_EQ(r->count, 2);
  EXPECT_EQ((*r->items)[0].count("Secret"), 1u);  // ALL projects everything
}

TEST_F(QueryScanTest, LocalIndexOrdersByItsSortKeyAndFetchesFromTheTable) {
  auto q = query("PK = :c AND Score >= :s", {{":c", S("CHAN#1")}, {":s", N(3)}});
  q.index_name = "ByScore";
  auto r = db_->query(q);
  TH_ASSERT_OK(r);
  // Score 3 for i = 6, 13, 20, 27: ordered by Score, then by table key.
  EXPECT_EQ(sort_keys(*r), (std::vector<std::string>{"MSG#006", "MSG#013", "MSG#020", "MSG#027"}));
  EXPECT_EQ((*r->items)[0].count("Msg"), 0u);  // KEYS_ONLY
  q.select = "ALL_ATTRIBUTES";
  r = db_->query(q);
  TH_ASSERT_OK(r);
  EXPECT_EQ((*r->items)[0].at("Msg"), S("hello 6"));
  q.select = "COUNT";
  r = db_->query(q);
  TH_ASSERT_OK(r);
  EXPECT_EQ(r->count, 4);
  EXPECT_FALSE(r->items);
}

TEST_F(QueryScanTest, SelectRules) {
  auto q = query("PK = :c", {{":c", S("CHAN#1")}});
  q.select = "ALL_PROJECTED_ATTRIBUTES";
  TH_EXPECT_ERROR(db_->query(q), ErrorCode::kValidation,
                  "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  q.select = "SPECIFIC_ATTRIBUTES";
  TH_EXPECT_ERROR(
      db_->query(q), ErrorCode::kValidation,
      "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES");
  q.select = "ALL_ATTRIBUTES";
  q.projection_expression = "Msg";
  TH_EXPECT_ERROR(db_->query(q), ErrorCode::kValidation,
                  "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES");
  q.select = "COUNT";
  TH_EXPECT_ERROR(db_->query(q), ErrorCode::kValidation,
                  "Cannot specify the ProjectionExpression when choosing to get only the Count");
  q.select.reset();
  q.index_name = "Nope";
  TH_EXPECT_ERROR(db_->query(q), ErrorCode::kValidation, "The table does not have the specified index: Nope");
  q.index_name.reset();
  q.limit = 0;
  TH_EXPECT_ERROR(db_->query(q), ErrorCode::kValidation, "Limit must be greater than or equal to 1");
}

TEST_F(QueryScanTest, StartKeyValidation) {
  auto q = query("PK = :c", {{":c", S("CHAN#1")}});
  q.exclusive_start_key = AttributeMap{{"PK", S("CHAN#1")}};
  TH_EXPECT_ERROR(db_->query(q), ErrorCode::kValidation,
                  "Exclusive Start Key must have same size as table's key schema");
  q.exclusive_start_key = AttributeMap{{"PK", S("CHAN#2")}, {"SK", S("x")}};
  TH_EXPECT_ERROR(db_->query(q), ErrorCode::kValidation,
                  "The provided starting key does not match the range key predicate");
}

TEST_F(QueryScanTest, PagesStopAtOneMegabyte) {
  for (int i = 0; i < 30; ++i) {
    put({{"PK", S("BIG")},
         {"SK", S("item" + std::to_string(100 + i))},
         {"Data", S(std::string(100 * 1024, 'x'))}});
  }
  auto q = query("PK = :p", {{":p", S("BIG")}});
  auto r = db_->query(q);
  TH_ASSERT_OK(r);
  EXPECT_GE(r->count, 10);
  EXPECT_LE(r->count, 11);
  ASSERT_TRUE(r->last_evaluated_key);
  int64_t total = r->count;
  while (r->last_evaluated_key) {
    q.exclusive_start_key = r->last_evaluated_key;
    r = db_->query(q);
    TH_ASSERT_OK(r);
    total += r->count;
  }
  EXPECT_EQ(total, 30);
}

TEST_F(QueryScanTest, ScanSegmentsPartitionTheTable) {
  ddb::ScanRequest s;
  s.table_name = "Chat";
  auto whole = db_->scan(s);
  TH_ASSERT_OK(whole);
  EXPECT_EQ(whole->count, 37);
  std::set<std::string> seen;
  int64_t total = 0;
  for (int64_t segment = 0; segment < 4; ++segment) {
    s.segment = segment;
    s.total_segments = 4;
    s.limit = 3;
    s.exclusive_start_key.reset();
    do {
      auto page = db_->scan(s);
      TH_ASSERT_OK(page);
      for (const auto& item : *page->items) {
        seen.insert(item.at("PK").as_string() + "/" + item.at("SK").as_string());
        ++total;
      }
      s.exclusive_start_key = page->last_evaluated_key;
    } while (s.exclusive_start_key);
  }
  EXPECT_EQ(total, 37);
  EXPECT_EQ(seen.size(), 37u);

  s.segment = 4;
  TH_EXPECT_ERROR(db_->scan(s), ErrorCode::kValidation, "");
  s.total_segments.reset();
  TH_EXPECT_ERROR(db_->scan(s), ErrorCode::kValidation,
                  "If segment is specified, total segment must also be specified");
}

TEST_F(QueryScanTest, ScanIndexWithFilter) {
  ddb::ScanRequest s;
  s.table_name = "Chat";
  s.index_name = "GSI1";
  s.filter_expression = "JoinedAt >= :t";
  s.expression_attribute_values = AttributeMap{{":t", N(2000)}};
  auto r = db_->scan(s);
  TH_ASSERT_OK(r);
  EXPECT_EQ(r->scanned_count, 6);
  EXPECT_EQ(r->count, 3);
}

TEST_F(QueryScanTest, UpdateTableAddsAndDropsGlobalIndexes) {
  ddb::UpdateTableRequest u;
  u.table_name = "Chat";
  u.attribute_definitions = std::vector<ddb::AttributeDefinition>{{"Name", "S"}};
  ddb::GlobalSecondaryIndexUpdate create;
  create.create =
      ddb::CreateGlobalSecondaryIndexAction{"ByName", {{"Name", "HASH"}}, {"KEYS_ONLY", std::nullopt}, {}};
  u.global_secondary_index_updates = std::vector<ddb::GlobalSecondaryIndexUpdate>{create};
  auto updated = db_->update_table(u);
  TH_ASSERT_OK(updated);
  auto q = query("#n = :n", {{":n", S("general")}});
  q.expression_attribute_names = ddb::NameMap{{"#n", "Name"}};
  q.index_name = "ByName";
  auto r = db_->query(q);
  TH_ASSERT_OK(r);  // backfilled from the existing channel item
  EXPECT_EQ(r->count, 1);
  // New writes go to the new index too.
  put({{"PK", S("CHAN#9")}, {"SK", S("CHAN#9")}, {"Name", S("general")}});
  EXPECT_EQ(db_->query(q)->count, 2);

  ddb::UpdateTableRequest drop;
  drop.table_name = "Chat";
  ddb::GlobalSecondaryIndexUpdate del;
  del.delete_ = ddb::DeleteGlobalSecondaryIndexAction{"ByName"};
  drop.global_secondary_index_updates = std::vector<ddb::GlobalSecondaryIndexUpdate>{del};
  TH_ASSERT_OK(db_->update_table(drop));
  TH_EXPECT_ERROR(db_->query(q), ErrorCode::kValidation,
                  "The table does not have the specified index: ByName");
  auto d = db_->describe_table({"Chat"});
  for (const auto& def : *d->table.attribute_definitions) EXPECT_NE(def.attribute_name, "Name");
}

// query_json and scan_json (the endpoint's path, which writes items from
// their stored bytes) answer exactly what encode_json(query()) answers, page
// after page: on the table and every index, both directions, with limits,
// capacity, and the requests that fall back to the general path.
// The two paths of each read, as one overload set.
ddb::Status json_path(Engine& db, const ddb::QueryRequest& r, std::string& out) {
  return db.query_json(r, out);
}
ddb::Status json_path(Engine& db, const ddb::ScanRequest& r, std::string& out) {
  return db.scan_json(r, out);
}
ddb::Result<ddb::QueryResponse> typed_path(Engine& db, const ddb::QueryRequest& r) { return db.query(r); }
ddb::Result<ddb::QueryResponse> typed_path(Engine& db, const ddb::ScanRequest& r) {
  auto response = db.scan(r);
  if (!response.ok()) return std::move(response).error();
  return static_cast<ddb::QueryResponse&&>(std::move(response).value());
}

template <class Request>
void expect_json_paths_agree(Engine& db, Request request) {
  for (int page = 0; page < 100; ++page) {
    std::string fast;
    ddb::Status streamed = json_path(db, request, fast);
    auto slow = typed_path(db, request);
    ASSERT_EQ(streamed.ok(), slow.ok()) << fast;
    if (!slow.ok()) {
      EXPECT_EQ(streamed.error().to_string(), slow.error().to_string());
      return;
    }
    ASSERT_EQ(fast, ddb::encode_json(*slow)) << "page " << page;
    if (!slow->last_evaluated_key) return;
    request.exclusive_start_key = slow->last_evaluated_key;
  }
  FAIL() << "paging did not end";
}

TEST_F(QueryScanTest, JsonPathsAgreeWithTheCodec) {
  for (int i = 0; i < 12; ++i) {
    put({{"PK", S("BIG")},
         {"SK", S("item" + std::to_string(100 + i))},
         {"Data", S(std::string(200 * 1024, 'x'))},
         {"Tags", AttributeValue::SS({"a", "b"})},
         {"Doc", AttributeValue::M({{"n", Num("-1.5E-7")}, {"l", AttributeValue::L({N(1), S("\"q\"")})}})}});
  }
  std::vector<ddb::QueryRequest> queries;
  queries.push_back(query("PK = :p", {{":p", S("CHAN#1")}}));
  queries.push_back(query("PK = :p AND begins_with(SK, :m)", {{":p", S("CHAN#1")}, {":m", S("MSG#")}}));
  queries.push_back(query("PK = :p", {{":p", S("BIG")}}));
  queries.push_back(query("PK = :p", {{":p", S("NOBODY")}}));
  queries.push_back(query("GSI1PK = :u", {{":u", S("USER#1")}}));
  queries.back().index_name = "GSI1";
  queries.push_back(query("GSI1PK = :u", {{":u", S("USER#2")}}));
  queries.back().index_name = "Everything";
  queries.push_back(query("PK = :p AND Score > :s", {{":p", S("CHAN#1")}, {":s", N(-2)}}));
  queries.back().index_name = "ByScore";
  queries.push_back(query("PK = :p", {{":p", S("CHAN#1")}}));
  queries.back().index_name = "ByScore";
  queries.back().select = "ALL_ATTRIBUTES";  // an LSI fetch: the general path
  queries.push_back(query("PK = :p", {{":p", S("CHAN#1")}}));
  queries.back().filter_expression = "attribute_exists(Msg)";  // a filter: the general path
  queries.push_back(query("PK = :p", {{":p", S("CHAN#1")}}));
  queries.back().select = "COUNT";
  queries.push_back(query("PK = :p", {{":p", S("CHAN#1")}}));
  queries.back().projection_expression = "SK, Msg";
  queries.push_back(query("PK = :p", {{":p", S("CHAN#1")}}));
  queries.back().index_name = "Missing";  // an error, the same on both paths
  for (const auto& base : queries) {
    for (bool forward : {true, false}) {
      for (std::optional<int64_t> limit :
           {std::optional<int64_t>(), std::optional<int64_t>(1), std::optional<int64_t>(7)}) {
        for (std::optional<std::string> capacity :
             {std::optional<std::string>(), std::optional<std::string>("TOTAL"),
              std::optional<std::string>("INDEXES")}) {
          auto q = base;
          q.scan_index_forward = forward;
          q.limit = limit;
          q.return_consumed_capacity = capacity;
          SCOPED_TRACE(ddb::encode_json(q));
          expect_json_paths_agree(*db_, q);
        }
      }
    }
  }
  for (std::optional<std::string> index :
       {std::optional<std::string>(), std::optional<std::string>("GSI1")}) {
    for (std::optional<int64_t> limit : {std::optional<int64_t>(), std::optional<int64_t>(5)}) {
      ddb::ScanRequest s;
      s.table_name = "Chat";
      s.index_name = index;
      s.limit = limit;
      SCOPED_TRACE(ddb::encode_json(s));
      expect_json_paths_agree(*db_, s);
      s.segment = 1;
      s.total_segments = 3;  // segments: the general path
      expect_json_paths_agree(*db_, s);
    }
  }
}

}  // namespace
}  // namespace townhall::engine
