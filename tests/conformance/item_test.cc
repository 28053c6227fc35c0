// PutItem, GetItem, UpdateItem, DeleteItem: conditions, ReturnValues, and
// the errors the chat relies on.
#include "conformance.h"

namespace townhall::conformance {
namespace {

using ddb::AttributeMap;
using ddb::AttributeValue;
using ddb::ErrorCode;

class ItemTest : public ConformanceTest {
 protected:
  void SetUp() override {
    ConformanceTest::SetUp();
    if (!IsSkipped() && !HasFatalFailure()) table_ = create_chat_table();
  }
  std::string table_;
};

const ErrorIs kConditionFailed{ErrorCode::kConditionalCheckFailed, "The conditional request failed"};

TEST_P(ItemTest, PutAndGetEveryType) {
  AttributeMap stored =
      item("USER#1", "USER#1",
           {{"s", S("text ✓")},
            {"n", N("-12.500")},
            {"big", N("12345678901234567890123456789012345678")},
            {"b", AttributeValue::B(std::string("\x00\xff\x10", 3))},
            {"yes", AttributeValue::BOOL(true)},
            {"nothing", AttributeValue::NUL()},
            {"list", AttributeValue::L({S("a"), N(1), AttributeValue::L({})})},
            {"map", AttributeValue::M({{"child", S("x")}, {"deep", AttributeValue::M({})}})},
            {"ss", AttributeValue::SS({"b", "a"})},
            {"ns", AttributeValue::NS({ddb::Number::from_int(3), ddb::Number::from_int(-1)})},
            {"bs", AttributeValue::BS({"\x01", "\x02"})},
            {"empty", S("")}});
  ASSERT_TRUE(put(table_, stored).ok());
  auto got = get(table_, key("USER#1", "USER#1"));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(debug_string(*got), debug_string(stored));
  EXPECT_EQ(got->at("n"), N("-12.5")) << "numbers compare by value";

  // Projection of nested paths; "map" and "list" are reserved words, so they go through names.
  ddb::GetItemRequest projected;
  projected.table_name = table_;
  projected.key = key("USER#1", "USER#1");
  projected.projection_expression = "#s, #m.child, #l[1]";
  projected.expression_attribute_names = ddb::NameMap{{"#s", "s"}, {"#m", "map"}, {"#l", "list"}};
  auto partial = db().get_item(projected);
  ASSERT_TRUE(partial.ok()) << partial.error().to_string();
  ASSERT_TRUE(partial->item.has_value());
  EXPECT_EQ(debug_string(*partial->item),
            debug_string(AttributeMap{{"s", S("text ✓")},
                                      {"map", AttributeValue::M({{"child", S("x")}})},
                                      {"list", AttributeValue::L({N(1)})}}));
}

TEST_P(ItemTest, GetMissingItemHasNoItem) {
  ddb::GetItemRequest request;
  request.table_name = table_;
  request.key = key("USER#none", "USER#none");
  auto got = db().get_item(request);
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  EXPECT_FALSE(got->item.has_value());
}

TEST_P(ItemTest, ConditionalPutAndReturnValues) {
  ddb::PutItemRequest request;
  request.table_name = table_;
  request.item = item("CHAN#1", "CHAN#1", {{"Name", S("general")}, {"UserCount", N(0)}});
  request.condition_expression = "attribute_not_exists(PK)";
  ASSERT_TRUE(db().put_item(request).ok());

  auto again = db().put_item(request);
  EXPECT_TRUE(fails_with(again, kConditionFailed));
  EXPECT_FALSE(again.ok() && again.error().item.has_value()) << "no item unless asked for";

  // ReturnValues=ALL_OLD on an unconditional overwrite returns the old item.
  ddb::PutItemRequest overwrite;
  overwrite.table_name = table_;
  overwrite.item = item("CHAN#1", "CHAN#1", {{"Name", S("renamed")}});
  overwrite.return_values = "ALL_OLD";
  auto replaced = db().put_item(overwrite);
  ASSERT_TRUE(replaced.ok()) << replaced.error().to_string();
  ASSERT_TRUE(replaced->attributes.has_value());
  EXPECT_EQ(replaced->attributes->at("Name"), S("general"));
  EXPECT_EQ(get(table_, key("CHAN#1", "CHAN#1"))->at("Name"), S("renamed"));

  // PutItem accepts only NONE and ALL_OLD.
  overwrite.return_values = "UPDATED_NEW";
  EXPECT_TRUE(fails_with(db().put_item(overwrite), ErrorIs{ErrorCode::kValidation}));
}

TEST_P(ItemTest, ConditionFailureCanReturnTheItem) {
  ASSERT_TRUE(put(table_, item("CHAN#2", "CHAN#2", {{"Name", S("random")}})).ok());
  ddb::PutItemRequest request;
  request.table_name = table_;
  request.item = item("CHAN#2", "CHAN#2");
  request.condition_expression = "attribute_not_exists(PK)";
  request.return_values_on_condition_check_failure = "ALL_OLD";
  auto failed = db().put_item(request);
  ASSERT_TRUE(fails_with(failed, kConditionFailed));
  // Documented since June 2023: the item as it was comes back with the error.
  bool returns_item = expected_for<bool>(
      target(), true,
      {{Target::kDynalite, false, "ignores ReturnValuesOnConditionCheckFailure on single-item writes"}});
  if (returns_item) {
    ASSERT_TRUE(failed.error().item.has_value());
    EXPECT_EQ(failed.error().item->at("Name"), S("random"));
  } else {
    EXPECT_FALSE(failed.error().item.has_value());
  }
}

TEST_P(ItemTest, UpdateItemReturnValues) {
  ASSERT_TRUE(put(table_, item("CHAN#3", "CHAN#3", {{"UserCount", N(1)}, {"Name", S("old")}})).ok());
  ddb::UpdateItemRequest request;
  request.table_name = table_;
  request.key = key("CHAN#3", "CHAN#3");
  request.update_expression = "SET UserCount = UserCount + :one, #d = :d REMOVE #n";
  request.condition_expression = "attribute_exists(PK)";
  request.expression_attribute_names = ddb::NameMap{{"#d", "Desc"}, {"#n", "Name"}};
  request.expression_attribute_values = AttributeMap{{":one", N(1)}, {":d", S("about")}};

  struct Case {
    const char* return_values;
    AttributeMap expected;
  };
  // Each round adds one to UserCount; Name is gone after the first.
  std::vector<Case> cases = {
      {"UPDATED_OLD", {{"UserCount", N(1)}, {"Name", S("old")}}},
      {"UPDATED_NEW", {{"UserCount", N(3)}, {"Desc", S("about")}}},
      {"ALL_OLD", item("CHAN#3", "CHAN#3", {{"UserCount", N(3)}, {"Desc", S("about")}})},
      {"ALL_NEW", item("CHAN#3", "CHAN#3", {{"UserCount", N(5)}, {"Desc", S("about")}})},
  };
  for (const auto& c : cases) {
    request.return_values = c.return_values;
    auto updated = db().update_item(request);
    ASSERT_TRUE(updated.ok()) << c.return_values << ": " << updated.error().to_string();
    ASSERT_TRUE(updated->attributes.has_value()) << c.return_values;
    EXPECT_EQ(debug_string(*updated->attributes), debug_string(c.expected)) << c.return_values;
  }
  request.return_values = "NONE";
  auto none = db().update_item(request);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->attributes.has_value());
  EXPECT_EQ(get(table_, key("CHAN#3", "CHAN#3"))->at("UserCount"), N(6));
}

TEST_P(ItemTest, UpdateItemCreatesItemsAndAddsCounters) {
  ddb::UpdateItemRequest request;
  request.table_name = table_;
  request.key = key("CHAN#4", "CHAN#4");
  request.update_expression = "ADD MessageCount :one SET LastMsg = if_not_exists(LastMsg, :zero)";
  request.expression_attribute_values = AttributeMap{{":one", N(1)}, {":zero", S("none")}};
  request.return_values = "ALL_NEW";
  for (int expected = 1; expected <= 3; ++expected) {
    auto updated = db().update_item(request);
    ASSERT_TRUE(updated.ok()) << updated.error().to_string();
    EXPECT_EQ(
        debug_string(*updated->attributes),
        debug_string(item("CHAN#4", "CHAN#4", {{"MessageCount", N(expected)}, {"LastMsg", S("none")}})));
  }
}

TEST_P(ItemTest, UpdateItemConditionFailureWritesNothing) {
  ddb::UpdateItemRequest request;
  request.table_name = table_;
  request.key = key("CHAN#missing", "CHAN#missing");
  request.update_expression = "SET UserCount = :one";
  request.condition_expression = "attribute_exists(PK)";
  request.expression_attribute_values = AttributeMap{{":one", N(1)}};
  EXPECT_TRUE(fails_with(db().update_item(request), kConditionFailed));
  EXPECT_FALSE(get(table_, key("CHAN#missing", "CHAN#missing")).has_value());

  // Updating a key attribute is not allowed.
  request.condition_expression.reset();
  request.update_expression = "SET SK = :one";
  EXPECT_TRUE(fails_with(db().update_item(request), ErrorIs{ErrorCode::kValidation}));
}

TEST_P(ItemTest, DeleteItemConditionsAndReturnValues) {
  ASSERT_TRUE(put(table_, item("CHAN#5", "USERJ#u1", {{"Name", S("ann")}})).ok());
  ddb::DeleteItemRequest request;
  request.table_name = table_;
  request.key = key("CHAN#5", "USERJ#u1");
  request.condition_expression = "#n = :n";
  request.expression_attribute_names = ddb::NameMap{{"#n", "Name"}};
  request.expression_attribute_values = AttributeMap{{":n", S("bob")}};
  EXPECT_TRUE(fails_with(db().delete_item(request), kConditionFailed));
  EXPECT_TRUE(get(table_, key("CHAN#5", "USERJ#u1")).has_value());

  request.expression_attribute_values = AttributeMap{{":n", S("ann")}};
  request.return_values = "ALL_OLD";
  auto deleted = db().delete_item(request);
  ASSERT_TRUE(deleted.ok()) << deleted.error().to_string();
  ASSERT_TRUE(deleted->attributes.has_value());
  EXPECT_EQ(debug_string(*deleted->attributes),
            debug_string(item("CHAN#5", "USERJ#u1", {{"Name", S("ann")}})));
  EXPECT_FALSE(get(table_, key("CHAN#5", "USERJ#u1")).has_value());

  // Deleting what is not there succeeds and returns nothing.
  request.condition_expression.reset();
  request.expression_attribute_names.reset();
  request.expression_attribute_values.reset();
  auto again = db().delete_item(request);
  ASSERT_TRUE(again.ok()) << again.error().to_string();
  EXPECT_FALSE(again->attributes.has_value());
}

TEST_P(ItemTest, MissingTableIsResourceNotFound) {
  // The Developer Guide's error table: ResourceNotFoundException, "Requested resource not found".
  const ErrorIs local_words{ErrorCode::kResourceNotFound, "Cannot do operations on a non-existent table"};
  ErrorIs not_found = expected_for<ErrorIs>(
      target(), {ErrorCode::kResourceNotFound, "Requested resource not found"},
      {{Target::kDynamoDbLocal, local_words,
        "ResourceNotFoundException says \"Cannot do operations on a non-existent table\""}});
  std::string missing = unique_table_name("missing");
  ddb::GetItemRequest get_request;
  get_request.table_name = missing;
  get_request.key = key("a", "b");
  EXPECT_TRUE(fails_with(db().get_item(get_request), not_found));
  ddb::PutItemRequest put_request;
  put_request.table_name = missing;
  put_request.item = key("a", "b");
  EXPECT_TRUE(fails_with(db().put_item(put_request), not_found));
  ddb::UpdateItemRequest update_request;
  update_request.table_name = missing;
  update_request.key = key("a", "b");
  update_request.update_expression = "SET x = :x";
  update_request.expression_attribute_values = AttributeMap{{":x", N(1)}};
  EXPECT_TRUE(fails_with(db().update_item(update_request), not_found));
  ddb::DeleteItemRequest delete_request;
  delete_request.table_name = missing;
  delete_request.key = key("a", "b");
  EXPECT_TRUE(fails_with(db().delete_item(delete_request), not_found));
}

TEST_P(ItemTest, KeyValidation) {
  ErrorIs key_mismatch = expected_for<ErrorIs>(
      target(), {ErrorCode::kValidation, "The provided key element does not match the schema"},
      {{Target::kDynamoDbLocal,
        {ErrorCode::kValidation},
        "a key with a missing or mistyped attribute gets other messages (\"The number of conditions on the "
        "keys "
        "is invalid\", \"Type mismatch for key\")"}});
  ddb::GetItemRequest request;
  request.table_name = table_;
  request.key = AttributeMap{{"PK", S("a")}};  // no SK
  EXPECT_TRUE(fails_with(db().get_item(request), key_mismatch));
  request.key = AttributeMap{{"PK", S("a")}, {"SK", N(1)}};  // SK is a string
  EXPECT_TRUE(fails_with(db().get_item(request), key_mismatch));
  request.key = AttributeMap{{"PK", S("a")}, {"SK", S("b")}, {"extra", S("c")}};
  EXPECT_TRUE(fails_with(db().get_item(request), key_mismatch));

  // Empty strings are allowed in attributes but not in keys.
  ddb::PutItemRequest put_request;
  put_request.table_name = table_;
  put_request.item = item("", "x");
  EXPECT_TRUE(fails_with(db().put_item(put_request), ErrorIs{ErrorCode::kValidation}));
  // An item without its sort key.
  put_request.item = AttributeMap{{"PK", S("a")}};
  EXPECT_TRUE(fails_with(db().put_item(put_request), ErrorIs{ErrorCode::kValidation}));
  // A GSI key attribute of the wrong type.
  put_request.item = item("a", "b", {{"GSI1PK", N(1)}});
  EXPECT_TRUE(fails_with(db().put_item(put_request), ErrorIs{ErrorCode::kValidation}));
}

TEST_P(ItemTest, ExpressionValidation) {
  ddb::PutItemRequest request;
  request.table_name = table_;
  request.item = item("a", "b");
  request.condition_expression = "attribute_not_exists(PK)";
  request.expression_attribute_values = AttributeMap{{":x", S("1")}};
  EXPECT_TRUE(
      fails_with(db().put_item(request),
                 ErrorIs{ErrorCode::kValidation,
                         "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}"}));

  request.condition_expression = "#n = :nope";
  request.expression_attribute_names = ddb::NameMap{{"#n", "Name"}};
  request.expression_attribute_values.reset();
  EXPECT_TRUE(
      fails_with(db().put_item(request),
                 ErrorIs{ErrorCode::kValidation,
                         "Invalid ConditionExpression: An expression attribute value used in expression is "
                         "not defined; attribute value: :nope"}));

  ddb::UpdateItemRequest update;
  update.table_name = table_;
  update.key = key("a", "b");
  update.update_expression = "SET = 1";
  auto syntax = db().update_item(update);
  ASSERT_TRUE(fails_with(syntax, ErrorIs{ErrorCode::kValidation}));
  EXPECT_TRUE(syntax.error().message.starts_with("Invalid UpdateExpression: Syntax error;"))
      << syntax.error().message;
  EXPECT_FALSE(get(table_, key("a", "b")).has_value());
}

TOWNHALL_CONFORMANCE_SUITE(ItemTest);

}  // namespace
}  // namespace townhall::conformance
