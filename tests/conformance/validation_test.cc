// DynamoDB's exact validation where Townhall differed (issue 21): the
// operands of contains, begins_with, attribute_type and size; where
// list_append and if_not_exists may nest; legacy EQ/NE on every type; index
// key values that are too long; a parallel Scan's ExclusiveStartKey outside
// its segment. DynamoDB Local is the oracle; where it departs from the
// documentation, Townhall follows the documentation and the case says so.
#include "conformance.h"

namespace townhall::conformance {
namespace {

using ddb::AttributeMap;
using ddb::AttributeValue;
using ddb::ErrorCode;

const ErrorIs kConditionFailed{ErrorCode::kConditionalCheckFailed, "The conditional request failed"};

// Ok, or the error expected.
using Outcome = std::optional<ErrorIs>;

class ValidationTest : public ConformanceTest {
 protected:
  void SetUp() override {
    ConformanceTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    table_ = create_chat_table();
    ASSERT_TRUE(put(table_, item("a", "a",
                                 {{"b", AttributeValue::B(std::string("\x01\x02\x03", 3))},
                                  {"bs", AttributeValue::BS({"\x01", "\x02"})},
                                  {"s", S("abc")},
                                  {"l", AttributeValue::L({N(1)})},
                                  {"m", AttributeValue::M({{"x", N(1)}})},
                                  {"t", AttributeValue::BOOL(true)},
                                  {"z", AttributeValue::NUL()}}))
                    .ok());
  }

  // UpdateItem of item a with a condition (and values) only.
  ddb::Result<ddb::UpdateItemResponse> conditional(std::string condition, AttributeMap values = {}) {
    ddb::UpdateItemRequest request;
    request.table_name = table_;
    request.key = key("a", "a");
    request.update_expression = "SET touched = :one";
    values[":one"] = N(1);
    request.condition_expression = std::move(condition);
    request.expression_attribute_values = std::move(values);
    return db().update_item(request);
  }

  ddb::Result<ddb::UpdateItemResponse> update(std::string expression, AttributeMap values = {}) {
    ddb::UpdateItemRequest request;
    request.table_name = table_;
    request.key = key("a", "a");
    request.update_expression = std::move(expression);
    if (!values.empty()) request.expression_attribute_values = std::move(values);
    return db().update_item(request);
  }

  template <class T>
  void expect(const ddb::Result<T>& result, const Outcome& outcome, std::string_view what) {
    if (!outcome) {
      EXPECT_TRUE(result.ok()) << what << ": " << result.error().to_string();
    } else {
      EXPECT_TRUE(fails_with(result, *outcome)) << what;
    }
  }

  std::string table_;
};

ErrorIs invalid_condition(std::string message) {
  return {ErrorCode::kValidation, "Invalid ConditionExpression: " + std::move(message)};
}
ErrorIs invalid_update(std::string message) {
  return {ErrorCode::kValidation, "Invalid UpdateExpression: " + std::move(message)};
}

TEST_P(ValidationTest, ContainsOnBinariesAndBinarySets) {
  const AttributeValue two = AttributeValue::B(std::string("\x02", 1));
  const AttributeValue nine = AttributeValue::B(std::string("\x09", 1));
  expect(conditional("contains(b, :v)", {{":v", two}}), std::nullopt, "a byte run inside B");
  expect(conditional("contains(b, :v)", {{":v", nine}}), kConditionFailed, "a byte run not inside B");
  expect(conditional("contains(bs, :v)", {{":v", two}}), std::nullopt, "an element of BS");
  expect(conditional("contains(bs, :v)", {{":v", nine}}), kConditionFailed, "not an element of BS");
}

TEST_P(ValidationTest, FunctionOperands) {
  expect(conditional("attribute_type(:v, :t)", {{":v", S("x")}, {":t", S("S")}}), std::nullopt,
         "attribute_type of a value");
  // The message lists DynamoDB's internal types in no stable order.
  expect(conditional("attribute_type(s, l)"), ErrorIs{ErrorCode::kValidation},
         "attribute_type's type is a path");
  for (const char* function : {"contains", "begins_with"}) {
    expect(conditional(std::string(function) + "(s, s)"),
           invalid_condition(
               std::string("The first operand must be distinct from the remaining operands for this "
                           "operator or function; operator: ") +
               function + ", first operand: [s]"),
           function);
  }
  expect(conditional("size(size(s)) > :z", {{":z", N(0)}}),
         invalid_condition(
             "Incorrect operand type for operator or function; operator or function: size, operand "
             "type: N"),
         "size of a size");
  expect(conditional("size(:v) > :z", {{":v", S("abc")}, {":z", N(0)}}), std::nullopt, "size of a value");
}

TEST_P(ValidationTest, WhereListAppendAndIfNotExistsMayNest) {
  const AttributeValue empty = AttributeValue::L({});
  const ErrorIs misplaced = invalid_update(
      "The function is not allowed to be used this way in an expression; function: list_append");
  const ErrorIs syntax =
      expected_for<ErrorIs>(target(), invalid_update("Syntax error; token: \"+\", near: \":a + :b\""),
                            {{Target::kDynalite,
                              {ErrorCode::kValidation},
                              "words syntax errors its own way (Expected \")\" or ...)"}});
  expect(update("SET c = if_not_exists(c, :a + :b)", {{":a", N(1)}, {":b", N(2)}}), syntax,
         "arithmetic inside if_not_exists");
  expect(update("SET c = list_append(l, :a + :b)", {{":a", N(1)}, {":b", N(2)}}), syntax,
         "arithmetic inside list_append");
  const bool refuses_nesting = expected_for<bool>(
      target(), true,
      {{Target::kDynalite, false, "lets list_append nest inside if_not_exists and list_append"}});
  if (refuses_nesting) {
    expect(update("SET c = if_not_exists(c, list_append(l, :l))", {{":l", empty}}), misplaced,
           "list_append inside if_not_exists");
    expect(update("SET c = list_append(list_append(l, :l), :l)", {{":l", empty}}), misplaced,
           "list_append inside list_append");
    expect(update("SET c = list_append(l, :l) + :b", {{":l", empty}, {":b", N(2)}}), misplaced,
           "list_append in arithmetic");
  }
  expect(update("SET c = if_not_exists(c, if_not_exists(d, :a))", {{":a", N(1)}}), std::nullopt,
         "if_not_exists inside if_not_exists");
  expect(update("SET c = list_append(if_not_exists(l, :l), :l)", {{":l", empty}}), std::nullopt,
         "if_not_exists inside list_append");
  expect(update("SET e = if_not_exists(e, :a) + :b", {{":a", N(1)}, {":b", N(2)}}), std::nullopt,
         "if_not_exists in arithmetic");
}

TEST_P(ValidationTest, LegacyEqualityTakesEveryType) {
  // The API reference: EQ and NE are "supported for all data types, including lists and maps".
  if (!expected_for<bool>(target(), true,
                          {{Target::kDynalite, false, "refuses legacy EQ/NE on BOOL, NULL, L, M"}})) {
    return;
  }
  const std::vector<std::pair<std::string, AttributeValue>> values = {
      {"t", AttributeValue::BOOL(true)},
      {"z", AttributeValue::NUL()},
      {"l", AttributeValue::L({N(1)})},
      {"m", AttributeValue::M({{"x", N(1)}})}};
  for (const auto& [name, value] : values) {
    for (const char* op : {"EQ", "NE"}) {
      const bool equal = std::string(op) == "EQ";
      ddb::UpdateItemRequest request;
      request.table_name = table_;
      request.key = key("a", "a");
      request.attribute_updates.emplace();
      (*request.attribute_updates)["touched"] = ddb::AttributeValueUpdate{N(2), "PUT"};
      ddb::ExpectedAttributeValue expected;
      expected.comparison_operator = op;
      expected.attribute_value_list = std::vector<AttributeValue>{value};
      request.expected = ddb::ExpectedMap{{name, expected}};
      expect(db().update_item(request), equal ? Outcome() : Outcome(kConditionFailed),
             std::string(op) + " " + name);

      ddb::ScanRequest scan;
      scan.table_name = table_;
      scan.select = "COUNT";
      ddb::Condition filter;
      filter.comparison_operator = op;
      filter.attribute_value_list = std::vector<AttributeValue>{value};
      scan.scan_filter = ddb::ConditionMap{{name, filter}};
      auto counted = db().scan(scan);
      ASSERT_TRUE(counted.ok()) << op << " " << name << ": " << counted.error().to_string();
      EXPECT_EQ(counted->count, equal ? 1 : 0) << op << " " << name;
    }
  }
}

TEST_P(ValidationTest, IndexKeyValuesHaveTheKeyLimits) {
  const Outcome too_long = expected_for<Outcome>(
      target(),
      ErrorIs{ErrorCode::kValidation, "One or more parameter values were invalid: Size limit exceeded"},
      {{Target::kDynalite, std::nullopt, "stores index key values longer than the key limits"}});
  auto with_index_keys = [&](std::string pk, std::string hash, std::string range) {
    ddb::PutItemRequest request;
    request.table_name = table_;
    request.item =
        item(std::move(pk), "x", {{"GSI1PK", S(std::move(hash))}, {"GSI1SK", S(std::move(range))}});
    return db().put_item(request);
  };
  EXPECT_TRUE(with_index_keys("ok", std::string(2048, 'h'), std::string(1024, 'r')).ok());
  expect(with_index_keys("long hash", std::string(2049, 'h'), "r"), too_long,
         "index partition key of 2049 bytes");
  expect(with_index_keys("long range", "h", std::string(1025, 'r')), too_long,
         "index sort key of 1025 bytes");
  // DynamoDB Local lets an UpdateItem store what its PutItem refuses; the
  // limits are the documentation's for every write.
  Outcome by_update = expected_for<Outcome>(
      target(), too_long,
      {{Target::kDynamoDbLocal, std::nullopt, "UpdateItem stores an over-long index key"}});
  if (!too_long) by_update = std::nullopt;
  expect(update("SET GSI1PK = :h, GSI1SK = :r", {{":h", S(std::string(2049, 'h'))}, {":r", S("r")}}),
         by_update, "UpdateItem of an index partition key of 2049 bytes");
}

TEST_P(ValidationTest, ParallelScanStartsInsideItsSegment) {
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(put(table_, item("p" + std::to_string(i), "x")).ok());
  // A page of segment 0 ends at a key of segment 0; as the start of segment 1 it is outside.
  ddb::ScanRequest scan;
  scan.table_name = table_;
  scan.segment = 0;
  scan.total_segments = 2;
  scan.limit = 1;
  std::optional<AttributeMap> start;
  for (int page = 0; page < 30 && !start; ++page) {
    auto got = db().scan(scan);
    ASSERT_TRUE(got.ok()) << got.error().to_string();
    if (got->items && !got->items->empty()) start = got->last_evaluated_key;
    if (!got->last_evaluated_key) break;
    scan.exclusive_start_key = got->last_evaluated_key;
  }
  ASSERT_TRUE(start.has_value()) << "segment 0 of 2 read nothing of 21 items";
  scan.exclusive_start_key = start;
  EXPECT_TRUE(db().scan(scan).ok()) << "inside its own segment";
  scan.segment = 1;
  const ErrorIs outside = expected_for<ErrorIs>(
      target(), {ErrorCode::kValidation, "Exclusive start key must lie within the segment"},
      {{Target::kDynalite,
        {ErrorCode::kValidation},
        "words it \"Invalid ExclusiveStartKey. Please use ...\""}});
  expect(db().scan(scan), outside, "a start key of segment 0 given to segment 1");
}

TOWNHALL_CONFORMANCE_SUITE(ValidationTest);

}  // namespace
}  // namespace townhall::conformance
