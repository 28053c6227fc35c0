#include "ddb/expression/update.h"

#include <gtest/gtest.h>

#include "ddb/expression/test_util.h"

namespace townhall::ddb {
namespace {

using testing::item;
using testing::json;
using testing::normalized;
using testing::update_request;

// Applies update (values as JSON) to the item given as JSON; returns the new
// item as JSON, or the error.
std::string run_update(const std::string& update, std::string_view values, std::string_view start = "{}") {
  auto e = update_request(update, values);
  if (!e.ok()) return e.error().to_string();
  AttributeMap target = item(start);
  Status status = e->apply_update(target);
  if (!status.ok()) return status.error().to_string();
  return json(target);
}

TEST(UpdateTest, SetValuesPathsAndArithmetic) {
  EXPECT_EQ(run_update("SET a = :v", R"({":v": {"S": "x"}})"), normalized(R"({"a": {"S": "x"}})"));
  EXPECT_EQ(run_update("SET b = a", "", R"({"a": {"N": "1"}})"),
            normalized(R"({"a": {"N": "1"}, "b": {"N": "1"}})"));
  EXPECT_EQ(run_update("SET a = a + :v", R"({":v": {"N": "2.5"}})", R"({"a": {"N": "1"}})"),
            normalized(R"({"a": {"N": "3.5"}})"));
  EXPECT_EQ(run_update("SET a = :v - a", R"({":v": {"N": "1"}})", R"({"a": {"N": "3"}})"),
            normalized(R"({"a": {"N": "-2"}})"));
  EXPECT_EQ(run_update("SET a = a - a", "", R"({"a": {"N": "3"}})"), normalized(R"({"a": {"N": "0"}})"));
  // Every operand reads the old item, whatever the order of the actions.
  EXPECT_EQ(run_update("SET a = :v, b = a", R"({":v": {"N": "9"}})", R"({"a": {"N": "1"}})"),
            normalized(R"({"a": {"N": "9"}, "b": {"N": "1"}})"));
  EXPECT_EQ(run_update("SET b = a, a = b", "", R"({"a": {"N": "1"}, "b": {"N": "2"}})"),
            normalized(R"({"a": {"N": "2"}, "b": {"N": "1"}})"));
}

TEST(UpdateTest, ArithmeticErrors) {
  EXPECT_EQ(
      run_update("SET a = a + :v", R"({":v": {"N": "1"}})"),
      "ValidationException: The provided expression refers to an attribute that does not exist in the item");
  EXPECT_EQ(run_update("SET a = a + :v", R"({":v": {"N": "1"}})", R"({"a": {"S": "1"}})"),
            "ValidationException: An operand in the update expression has an incorrect data type");
  EXPECT_EQ(run_update("SET a = :v + :w", R"({":v": {"N": "1"}, ":w": {"S": "x"}})"),
            "ValidationException: Invalid UpdateExpression: Incorrect operand type for operator or function; "
            "operator or function: +, operand type: S");
  std::string huge = R"({":v": {"N": "9.9999999999999999999999999999999999999E+125"}})";
  EXPECT_TRUE(run_update("SET a = :v + :v", huge).starts_with("ValidationException"));
}

TEST(UpdateTest, IfNotExistsAndListAppend) {
  EXPECT_EQ(run_update("SET a = if_not_exists(a, :v)", R"({":v": {"N": "0"}})"),
            normalized(R"({"a": {"N": "0"}})"));
  EXPECT_EQ(run_update("SET a = if_not_exists(a, :v)", R"({":v": {"N": "0"}})", R"({"a": {"N": "4"}})"),
            normalized(R"({"a": {"N": "4"}})"));
  EXPECT_EQ(run_update("SET a = if_not_exists(a, :v) + :w", R"({":v": {"N": "0"}, ":w": {"N": "1"}})"),
            normalized(R"({"a": {"N": "1"}})"));
  EXPECT_EQ(run_update("SET c = if_not_exists(m.x, m.y)", "", R"({"m": {"M": {"y": {"S": "d"}}}})"),
            normalized(R"({"m": {"M": {"y": {"S": "d"}}}, "c": {"S": "d"}})"));
  EXPECT_EQ(run_update("SET l = list_append(l, :v)", R"({":v": {"L": [{"N": "2"}]}})",
                       R"({"l": {"L": [{"N": "1"}]}})"),
            normalized(R"({"l": {"L": [{"N": "1"}, {"N": "2"}]}})"));
  EXPECT_EQ(run_update("SET l = list_append(:v, l)", R"({":v": {"L": [{"N": "2"}]}})",
                       R"({"l": {"L": [{"N": "1"}]}})"),
            normalized(R"({"l": {"L": [{"N": "2"}, {"N": "1"}]}})"));
  EXPECT_EQ(run_update("SET l = list_append(if_not_exists(l, :e), :v)",
                       R"({":v": {"L": [{"N": "2"}]}, ":e": {"L": []}})"),
            normalized(R"({"l": {"L": [{"N": "2"}]}})"));
  EXPECT_EQ(run_update("SET l = list_append(l, :v)", R"({":v": {"L": []}})", R"({"l": {"S": "x"}})"),
            "ValidationException: An operand in the update expression has an incorrect data type");
}

TEST(UpdateTest, NestedMapPaths) {
  const char* start = R"({"m": {"M": {"a": {"N": "1"}, "in": {"M": {}}}}, "n": {"N": "1"}})";
  auto e =
      update_request("SET m.b = :v, m.#in.c = :v", R"({":v": {"N": "2"}})", testing::names({{"#in", "in"}}));
  ASSERT_TRUE(e.ok());
  AttributeMap target = item(start);
  ASSERT_TRUE(e->apply_update(target).ok());
  EXPECT_EQ(json(target), normalized(R"({"m": {"M": {"a": {"N": "1"}, "b": {"N": "2"},
                                         "in": {"M": {"c": {"N": "2"}}}}}, "n": {"N": "1"}})"));
  const std::string invalid =
      "ValidationException: The document path provided in the update expression is invalid for update";
  EXPECT_EQ(run_update("SET m.x.y = :v", R"({":v": {"N": "2"}})", start), invalid);  // m.x does not exist
  EXPECT_EQ(run_update("SET n.x = :v", R"({":v": {"N": "2"}})", start), invalid);    // n is not a map
  EXPECT_EQ(run_update("SET q.x = :v", R"({":v": {"N": "2"}})", start), invalid);    // q does not exist
  EXPECT_EQ(run_update("SET m[0] = :v", R"({":v": {"N": "2"}})", start), invalid);   // m is not a list
}

TEST(UpdateTest, ListIndexesReplaceAndAppendInIndexOrder) {
  const char* start = R"({"l": {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}]}})";
  EXPECT_EQ(run_update("SET l[1] = :v", R"({":v": {"N": "9"}})", start),
            normalized(R"({"l": {"L": [{"N": "1"}, {"N": "9"}, {"N": "3"}]}})"));
  EXPECT_EQ(run_update("SET l[7] = :v", R"({":v": {"N": "9"}})", start),
            normalized(R"({"l": {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}, {"N": "9"}]}})"));
  EXPECT_EQ(run_update("SET l[9] = :a, l[8] = :b", R"({":a": {"N": "9"}, ":b": {"N": "8"}})", start),
            normalized(R"({"l": {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}, {"N": "8"}, {"N": "9"}]}})"));
  EXPECT_EQ(run_update("SET l[0].x = :v", R"({":v": {"N": "9"}})", R"({"l": {"L": [{"M": {}}]}})"),
            normalized(R"({"l": {"L": [{"M": {"x": {"N": "9"}}}]}})"));
  EXPECT_EQ(run_update("SET l[0][1] = :v", R"({":v": {"N": "9"}})", R"({"l": {"L": [{"L": [{"N": "0"}]}]}})"),
            normalized(R"({"l": {"L": [{"L": [{"N": "0"}, {"N": "9"}]}]}})"));
}

TEST(UpdateTest, RemoveShiftsListsAndIgnoresMissingAttributes) {
  const char* start = R"({"l": {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}]}, "a": {"N": "1"},
                          "m": {"M": {"x": {"N": "1"}, "y": {"N": "2"}}}})";
  EXPECT_EQ(run_update("REMOVE l[0]", "", start),
            normalized(R"({"l": {"L": [{"N": "2"}, {"N": "3"}]}, "a": {"N": "1"},
                           "m": {"M": {"x": {"N": "1"}, "y": {"N": "2"}}}})"));
  // Indexes refer to the old list.
  EXPECT_EQ(run_update("REMOVE l[0], l[1], a, m.x, gone, m.gone, l[9]", "", start),
            normalized(R"({"l": {"L": [{"N": "3"}]}, "m": {"M": {"y": {"N": "2"}}}})"));
  EXPECT_EQ(run_update("SET l[1] = :v REMOVE l[0], m", R"({":v": {"N": "9"}})", start),
            normalized(R"({"a": {"N": "1"}, "l": {"L": [{"N": "9"}, {"N": "3"}]}})"));
  EXPECT_EQ(run_update("REMOVE a.b", "", start),
            "ValidationException: The document path provided in the update expression is invalid for update");
  EXPECT_EQ(run_update("REMOVE gone.b", "", start),
            "ValidationException: The document path provided in the update expression is invalid for update");
}

TEST(UpdateTest, AddToNumbersAndSets) {
  EXPECT_EQ(run_update("ADD n :v", R"({":v": {"N": "5"}})"), normalized(R"({"n": {"N": "5"}})"));
  EXPECT_EQ(run_update("ADD n :v", R"({":v": {"N": "-5"}})", R"({"n": {"N": "2"}})"),
            normalized(R"({"n": {"N": "-3"}})"));
  EXPECT_EQ(run_update("ADD s :v", R"({":v": {"SS": ["b", "c"]}})", R"({"s": {"SS": ["a", "b"]}})"),
            normalized(R"({"s": {"SS": ["a", "b", "c"]}})"));
  EXPECT_EQ(run_update("ADD s :v", R"({":v": {"NS": ["1.0", "3"]}})", R"({"s": {"NS": ["1", "2"]}})"),
            normalized(R"({"s": {"NS": ["1", "2", "3"]}})"));
  EXPECT_EQ(run_update("ADD s :v", R"({":v": {"BS": ["AA=="]}})"), normalized(R"({"s": {"BS": ["AA=="]}})"));
  EXPECT_EQ(run_update("ADD m.n :v", R"({":v": {"N": "1"}})", R"({"m": {"M": {}}})"),
            normalized(R"({"m": {"M": {"n": {"N": "1"}}}})"));
  EXPECT_EQ(run_update("ADD s :v", R"({":v": {"SS": ["x"]}})", R"({"s": {"NS": ["1"]}})"),
            "ValidationException: An operand in the update expression has an incorrect data type");
  EXPECT_EQ(run_update("ADD s :v", R"({":v": {"N": "1"}})", R"({"s": {"S": "x"}})"),
            "ValidationException: An operand in the update expression has an incorrect data type");
  EXPECT_EQ(run_update("ADD s :v", R"({":v": {"S": "x"}})"),
            "ValidationException: Invalid UpdateExpression: Incorrect operand type for operator or function; "
            "operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND");
}

TEST(UpdateTest, DeleteFromSetsRemovesEmptiedAttributes) {
  EXPECT_EQ(run_update("DELETE s :v", R"({":v": {"SS": ["a", "z"]}})", R"({"s": {"SS": ["a", "b"]}})"),
            normalized(R"({"s": {"SS": ["b"]}})"));
  EXPECT_EQ(run_update("DELETE s :v", R"({":v": {"NS": ["1", "2"]}})",
                       R"({"s": {"NS": ["2", "1"]}, "t": {"N": "1"}})"),
            normalized(R"({"t": {"N": "1"}})"));
  EXPECT_EQ(
      run_update("DELETE m.s :v", R"({":v": {"BS": ["AA=="]}})", R"({"m": {"M": {"s": {"BS": ["AA=="]}}}})"),
      normalized(R"({"m": {"M": {}}})"));
  EXPECT_EQ(run_update("DELETE s :v", R"({":v": {"SS": ["a"]}})"), "{}");
  EXPECT_EQ(run_update("DELETE s :v", R"({":v": {"SS": ["a"]}})", R"({"s": {"NS": ["1"]}})"),
            "ValidationException: An operand in the update expression has an incorrect data type");
  EXPECT_EQ(run_update("DELETE s :v", R"({":v": {"N": "1"}})"),
            "ValidationException: Invalid UpdateExpression: Incorrect operand type for operator or function; "
            "operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND");
}

TEST(UpdateTest, OverlappingPathsAreRefused) {
  EXPECT_EQ(run_update("SET a = :v REMOVE a.b", R"({":v": {"N": "1"}})"),
            "ValidationException: Invalid UpdateExpression: Two document paths overlap with each other; must "
            "remove "
            "or rewrite one of these paths; path one: [a], path two: [a, b]");
  auto e = update_request("SET #x = :v ADD a :v", R"({":v": {"N": "1"}})", testing::names({{"#x", "a"}}));
  EXPECT_EQ(testing::error_of(e),
            "ValidationException: Invalid UpdateExpression: Two document paths overlap with each other; must "
            "remove "
            "or rewrite one of these paths; path one: [a], path two: [a]");
  EXPECT_EQ(
      run_update("SET a[1] = :v, a.b = :v", R"({":v": {"N": "1"}})"),
      "ValidationException: Invalid UpdateExpression: Two document paths conflict with each other; must "
      "remove or rewrite one of these paths; path one: [a, [1]], path two: [a, b]");
  EXPECT_EQ(run_update("SET a[1] = :v, a[2] = :v, b.c = :v, b.d = :v", R"({":v": {"N": "1"}})",
                       R"({"a": {"L": []}, "b": {"M": {}}})"),
            normalized(
                R"({"a": {"L": [{"N": "1"}, {"N": "1"}]}, "b": {"M": {"c": {"N": "1"}, "d": {"N": "1"}}}})"));
}

TEST(UpdateTest, UpdatedPartsKeepNesting) {
  // DynamoDB returns only the updated parts of nested attributes for
  // UPDATED_OLD / UPDATED_NEW; DynamoDB Local returns whole top-level attributes.
  auto e = update_request("SET m.b = :v, l[1] = :v, t = :v REMOVE gone", R"({":v": {"N": "9"}})");
  ASSERT_TRUE(e.ok());
  AttributeMap old_item = item(R"({"m": {"M": {"b": {"N": "1"}, "c": {"N": "2"}}},
                                   "l": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}]}, "u": {"N": "0"}})");
  EXPECT_EQ(json(e->updated_parts(old_item)),
            normalized(R"({"m": {"M": {"b": {"N": "1"}}}, "l": {"L": [{"N": "1"}]}})"));
  AttributeMap new_item = old_item;
  ASSERT_TRUE(e->apply_update(new_item).ok());
  EXPECT_EQ(json(e->updated_parts(new_item)),
            normalized(R"({"m": {"M": {"b": {"N": "9"}}}, "l": {"L": [{"N": "9"}]}, "t": {"N": "9"}})"));
  EXPECT_EQ(e->updated_attribute_names(), (std::vector<std::string>{"gone", "l", "m", "t"}));
}

TEST(UpdateTest, LegacyAttributeUpdates) {
  UpdateItemRequest request;
  request.table_name = "t";
  request.attribute_updates.emplace();
  auto& updates = *request.attribute_updates;
  updates["a"] = AttributeValueUpdate{AttributeValue::N(2), "ADD"};
  updates["s"] = AttributeValueUpdate{AttributeValue::SS({"x"}), "DELETE"};
  updates["l"] = AttributeValueUpdate{AttributeValue::L({AttributeValue::N(2)}), "ADD"};
  updates["n"] = AttributeValueUpdate{AttributeValue::L({AttributeValue::N(3)}), "ADD"};
  updates["p"] = AttributeValueUpdate{AttributeValue::S("v"), std::nullopt};
  updates["r"] = AttributeValueUpdate{std::nullopt, "DELETE"};
  auto e = Expressions::for_request(request);
  ASSERT_TRUE(e.ok()) << testing::error_of(e);
  AttributeMap target =
      item(R"({"a": {"N": "1"}, "s": {"SS": ["x"]}, "l": {"L": [{"N": "1"}]}, "r": {"N": "1"}})");
  ASSERT_TRUE(e->apply_update(target).ok());
  EXPECT_EQ(json(target), normalized(R"({"a": {"N": "3"}, "l": {"L": [{"N": "1"}, {"N": "2"}]},
                                         "n": {"L": [{"N": "3"}]}, "p": {"S": "v"}})"));
}

}  // namespace
}  // namespace townhall::ddb
