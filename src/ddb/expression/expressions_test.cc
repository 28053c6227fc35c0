#include "ddb/expression.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "ddb/expression/test_util.h"

namespace townhall::ddb {
namespace {

using testing::error_of;
using testing::item;
using testing::json;
using testing::normalized;

QueryRequest query(std::string key_condition, std::string_view values_json) {
  QueryRequest request;
  request.table_name = "t";
  request.key_condition_expression = std::move(key_condition);
  request.expression_attribute_values = item(values_json);
  return request;
}

TEST(ExpressionsTest, AnEmptyRequestHasNothing) {
  GetItemRequest get;
  auto e = Expressions::for_request(get);
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(e->has_projection());
  EXPECT_FALSE(e->has_filter());
  EXPECT_FALSE(e->has_update());
  EXPECT_EQ(e->key_condition(), nullptr);
  AttributeMap some = item(R"({"a": {"N": "1"}})");
  EXPECT_EQ(e->project(some), some);
  EXPECT_TRUE(e->condition_holds(&some).value());
  EXPECT_TRUE(e->filter_matches(some).value());
  EXPECT_TRUE(e->apply_update(some).ok());
  EXPECT_TRUE(e->updated_parts(some).empty());
  Expressions moved = std::move(e).value();
  EXPECT_FALSE(moved.has_projection());
}

TEST(ExpressionsTest, PlaceholderMapsAreChecked) {
  PutItemRequest put;
  put.condition_expression = "#a = :v";
  put.expression_attribute_names = NameMap{{"#a", "a"}, {"bad", "b"}};
  put.expression_attribute_values = item(R"({":v": {"N": "1"}})");
  EXPECT_EQ(error_of(Expressions::for_request(put)),
            "ValidationException: ExpressionAttributeNames contains invalid key: Syntax error; key: \"bad\"");
  put.expression_attribute_names = NameMap{{"#a", "a"}};
  put.expression_attribute_values = item(R"({":v": {"N": "1"}, ":": {"N": "2"}})");
  EXPECT_EQ(error_of(Expressions::for_request(put)),
            "ValidationException: ExpressionAttributeValues contains invalid key: Syntax error; key: \":\"");
  // Unused names are reported before unused values.
  put.expression_attribute_names = NameMap{{"#a", "a"}, {"#b", "b"}, {"#c", "c"}};
  put.expression_attribute_values = item(R"({":v": {"N": "1"}, ":w": {"N": "2"}})");
  EXPECT_EQ(error_of(Expressions::for_request(put)),
            "ValidationException: Value provided in ExpressionAttributeNames unused in expressions: keys: "
            "{#b, #c}");
  put.expression_attribute_names = NameMap{{"#a", "a"}};
  EXPECT_EQ(
      error_of(Expressions::for_request(put)),
      "ValidationException: Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}");
}

TEST(ExpressionsTest, NamesAndValuesMayBeSharedAcrossExpressions) {
  QueryRequest request = query("#k = :k", R"({":k": {"S": "p"}, ":min": {"N": "3"}})");
  request.filter_expression = "#n >= :min";
  request.projection_expression = "#n, #k";
  request.expression_attribute_names = NameMap{{"#k", "pk"}, {"#n", "count"}};
  auto e = Expressions::for_request(request);
  ASSERT_TRUE(e.ok()) << error_of(e);
  EXPECT_TRUE(e->filter_matches(item(R"({"count": {"N": "3"}})")).value());
  EXPECT_FALSE(e->filter_matches(item(R"({"count": {"N": "2"}})")).value());
  EXPECT_EQ(e->projected_attribute_names(), (std::vector<std::string>{"count", "pk"}));
  // A value used only in the projection does not count: projections take no values.
  request.projection_expression = "#n, #k, :min";
  EXPECT_FALSE(Expressions::for_request(request).ok());
}

TEST(ExpressionsTest, KeyConditionsAreOriented) {
  auto e = Expressions::for_request(
      query("sk BETWEEN :a AND :b AND pk = :p", R"({":a": {"N": "1"}, ":b": {"N": "5"}, ":p": {"S": "x"}})"));
  ASSERT_TRUE(e.ok()) << error_of(e);
  const KeyCondition* key = e->key_condition();
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->partition_attribute, "pk");
  EXPECT_EQ(key->partition_value, AttributeValue::S("x"));
  ASSERT_TRUE(key->sort.has_value());
  EXPECT_EQ(key->sort->op, SortKeyCondition::Op::kBetween);
  EXPECT_EQ(key->sort->value, AttributeValue::N(1));
  EXPECT_EQ(key->sort->upper, AttributeValue::N(5));

  // With the schema, two equalities are told apart.
  auto both =
      Expressions::for_request(query("sk = :s AND pk = :p", R"({":s": {"S": "a"}, ":p": {"S": "b"}})"));
  ASSERT_TRUE(both.ok());
  auto oriented = both->key_condition_for("pk", "sk");
  ASSERT_TRUE(oriented.ok());
  EXPECT_EQ(oriented->partition_attribute, "pk");
  EXPECT_EQ(oriented->partition_value, AttributeValue::S("b"));
  EXPECT_EQ(oriented->sort->attribute, "sk");
  EXPECT_EQ(error_of(both->key_condition_for("pk", "")),
            "ValidationException: Query condition missed key schema element");
  EXPECT_EQ(error_of(both->key_condition_for("other", "sk")),
            "ValidationException: Query condition missed key schema element");

  // A key on the right turns the comparator around.
  auto flipped =
      Expressions::for_request(query("pk = :p AND :s < sk", R"({":s": {"S": "a"}, ":p": {"S": "b"}})"));
  ASSERT_TRUE(flipped.ok());
  EXPECT_EQ(flipped->key_condition()->sort->op, SortKeyCondition::Op::kGt);
  auto prefix = Expressions::for_request(
      query("pk = :p AND begins_with(#s, :s)", R"({":s": {"S": "MSG#"}, ":p": {"S": "b"}})"));
  EXPECT_FALSE(prefix.ok());  // #s is not defined
  QueryRequest named = query("pk = :p AND begins_with(#s, :s)", R"({":s": {"S": "MSG#"}, ":p": {"S": "b"}})");
  named.expression_attribute_names = NameMap{{"#s", "SK"}};
  auto begins = Expressions::for_request(named);
  ASSERT_TRUE(begins.ok()) << error_of(begins);
  auto k = begins->key_condition_for("pk", "SK");
  ASSERT_TRUE(k.ok());
  EXPECT_EQ(k->sort->op, SortKeyCondition::Op::kBeginsWith);
  EXPECT_EQ(k->sort->value, AttributeValue::S("MSG#"));
  EXPECT_EQ(error_of(begins->key_condition_for("SK", "pk")),
            "ValidationException: Query key condition not supported");
}

TEST(ExpressionsTest, LegacyKeyConditionsAndQueryFilter) {
  QueryRequest request;
  request.table_name = "t";
  request.key_conditions = ConditionMap{{"pk", Condition{"EQ", std::vector{AttributeValue::S("p")}}},
                                        {"sk", Condition{"GE", std::vector{AttributeValue::N(3)}}}};
  request.query_filter =
      ConditionMap{{"a", Condition{"NOT_NULL", std::nullopt}},
                   {"b", Condition{"IN", std::vector{AttributeValue::N(1), AttributeValue::N(2)}}}};
  request.conditional_operator = "OR";
  request.attributes_to_get = std::vector<std::string>{"a", "pk"};
  auto e = Expressions::for_request(request);
  ASSERT_TRUE(e.ok()) << error_of(e);
  auto key = e->key_condition_for("pk", "sk");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->sort->op, SortKeyCondition::Op::kGe);
  EXPECT_TRUE(e->filter_matches(item(R"({"a": {"S": "x"}})")).value());
  EXPECT_TRUE(e->filter_matches(item(R"({"b": {"N": "2"}})")).value());
  EXPECT_FALSE(e->filter_matches(item(R"({"b": {"N": "3"}})")).value());
  EXPECT_EQ(json(e->project(item(R"({"a": {"S": "x"}, "b": {"N": "3"}, "pk": {"S": "p"}})"))),
            normalized(R"({"a": {"S": "x"}, "pk": {"S": "p"}})"));
  request.conditional_operator = "XOR";
  EXPECT_FALSE(Expressions::for_request(request).ok());
}

TEST(ExpressionsTest, LegacyExpected) {
  DeleteItemRequest request;
  request.table_name = "t";
  request.expected = ExpectedMap{
      {"a", ExpectedAttributeValue{AttributeValue::N(1), std::nullopt, std::nullopt, std::nullopt}},
      {"gone", ExpectedAttributeValue{std::nullopt, false, std::nullopt, std::nullopt}},
      {"s", ExpectedAttributeValue{std::nullopt, std::nullopt, "BEGINS_WITH",
                                   std::vector{AttributeValue::S("ab")}}},
      {"t", ExpectedAttributeValue{std::nullopt, std::nullopt, "NOT_CONTAINS",
                                   std::vector{AttributeValue::S("z")}}},
  };
  auto e = Expressions::for_request(request);
  ASSERT_TRUE(e.ok()) << error_of(e);
  AttributeMap matching = item(R"({"a": {"N": "1"}, "s": {"S": "abc"}, "t": {"SS": ["x"]}})");
  EXPECT_TRUE(e->condition_holds(&matching).value());
  AttributeMap with_gone = matching;
  with_gone["gone"] = AttributeValue::N(0);
  EXPECT_FALSE(e->condition_holds(&with_gone).value());
  AttributeMap without_t = item(R"({"a": {"N": "1"}, "s": {"S": "abc"}})");
  EXPECT_FALSE(e->condition_holds(&without_t).value());  // NOT_CONTAINS needs the attribute
  EXPECT_FALSE(e->condition_holds(nullptr).value());
}

TEST(ExpressionsTest, ProjectionsKeepNestingAndCompactLists) {
  GetItemRequest get;
  get.projection_expression = "l[3], l[1], m.a, m.l[0].x, #t, gone, m.gone";
  get.expression_attribute_names = NameMap{{"#t", "top"}};
  auto e = Expressions::for_request(get);
  ASSERT_TRUE(e.ok()) << error_of(e);
  AttributeMap source = item(R"({"l": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}, {"N": "3"}]},
      "m": {"M": {"a": {"N": "1"}, "b": {"N": "2"}, "l": {"L": [{"M": {"x": {"N": "1"}, "y": {"N": "2"}}}]}}},
      "top": {"S": "t"}, "other": {"S": "o"}})");
  EXPECT_EQ(json(e->project(source)), normalized(R"({"l": {"L": [{"N": "1"}, {"N": "3"}]}, "top": {"S": "t"},
                           "m": {"M": {"a": {"N": "1"}, "l": {"L": [{"M": {"x": {"N": "1"}}}]}}}})"));
  EXPECT_EQ(e->projected_attribute_names(), (std::vector<std::string>{"gone", "l", "m", "top"}));
  // Nothing selected below an attribute: the attribute is left out.
  GetItemRequest none;
  none.projection_expression = "m.zz, l[9]";
  EXPECT_TRUE(Expressions::for_request(none)->project(source).empty());
}

TEST(ExpressionsTest, EveryRequestKind) {
  KeysAndAttributes batch;
  batch.attributes_to_get = std::vector<std::string>{"a"};
  EXPECT_TRUE(Expressions::for_request(batch)->has_projection());
  batch.projection_expression = "a";
  EXPECT_EQ(
      error_of(Expressions::for_request(batch)),
      "ValidationException: Can not use both expression and non-expression parameters in the same request: "
      "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}");
  Get get;
  get.projection_expression = "a.b";
  EXPECT_TRUE(Expressions::for_request(get)->has_projection());
  ScanRequest scan;
  scan.filter_expression = "a = :v";
  scan.expression_attribute_values = item(R"({":v": {"N": "1"}})");
  EXPECT_TRUE(Expressions::for_request(scan)->has_filter());

  TransactWriteAction action;
  action.table_name = "t";
  action.update_expression = "SET a = :v";
  action.condition_expression = "attribute_exists(pk)";
  action.expression_attribute_values = item(R"({":v": {"N": "1"}})");
  auto update = Expressions::for_request(action, Expressions::TransactKind::kUpdate);
  ASSERT_TRUE(update.ok()) << error_of(update);
  EXPECT_TRUE(update->has_update());
  EXPECT_FALSE(update->condition_holds(nullptr).value());
  action.update_expression.reset();
  action.condition_expression = "a = :v";
  auto check = Expressions::for_request(action, Expressions::TransactKind::kConditionCheck);
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->has_update());
  AttributeMap one = item(R"({"a": {"N": "1"}})");
  EXPECT_TRUE(check->condition_holds(&one).value());
}

TEST(ExpressionsTest, SharedBetweenThreads) {
  // Many threads build requests from the same texts (one cached tree) with
  // their own values, and evaluate them concurrently.
  std::atomic<int> wrong{0};
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &wrong] {
      for (int i = 0; i < 300; ++i) {
        const int n = t * 1000 + i;
        auto e = testing::update_request(
            "SET c = c + :n, l = list_append(l, :l)",
            R"({":n": {"N": ")" + std::to_string(n) + R"("}, ":l": {"L": [{"N": "1"}]}})", std::nullopt,
            std::string("c < :n"));
        if (!e.ok()) {
          ++wrong;
          continue;
        }
        AttributeMap target = {{"c", AttributeValue::N(1)}, {"l", AttributeValue::L({})}};
        if (!e->condition_holds(&target).value() != (n <= 1)) ++wrong;
        if (!e->apply_update(target).ok() || target["c"] != AttributeValue::N(n + 1)) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace townhall::ddb
