// TransactWriteItems the way the chat joins channels and sends messages:
// all actions or none, cancellation reasons in request order, and the
// validation DynamoDB applies to transactions. TransactGetItems briefly.
#include "conformance.h"

namespace townhall::conformance {
namespace {

using ddb::AttributeMap;
using ddb::ErrorCode;
using ddb::TransactWriteAction;
using ddb::TransactWriteItem;

class TransactionTest : public ConformanceTest {
 protected:
  void SetUp() override {
    ConformanceTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    table_ = create_chat_table();
    ASSERT_TRUE(put(table_, item("CHAN#1", "CHAN#1", {{"UserCount", N(1)}, {"MessageCount", N(0)}})).ok());
    ASSERT_TRUE(put(table_, item("USER#u1", "USER#u1", {{"Name", S("ann")}})).ok());
  }

  // dynalite has no transactions: the case checks that it says so and records it.
  bool transactions_unsupported(const ddb::Status& status) {
    if (!expected_for<bool>(
            target(), false,
            {{Target::kDynalite, true, "does not implement transactions (UnknownOperationException)"}})) {
      return false;
    }
    EXPECT_FALSE(status.ok());
    if (!status.ok()) {
      EXPECT_EQ(status.error().code, ErrorCode::kUnknownOperation) << status.error().to_string();
    }
    return true;
  }
  template <class T>
  static ddb::Status status_of(const ddb::Result<T>& r) {
    return r.ok() ? ddb::Status::Ok() : ddb::Status(r.error());
  }

  TransactWriteItem put_action(AttributeMap attributes, std::optional<std::string> condition = {}) {
    TransactWriteAction action;
    action.table_name = table_;
    action.item = std::move(attributes);
    action.condition_expression = std::move(condition);
    return TransactWriteItem{.put = std::move(action)};
  }
  TransactWriteItem update_action(AttributeMap k, std::string update, AttributeMap values,
                                  std::optional<std::string> condition = {}) {
    TransactWriteAction action;
    action.table_name = table_;
    action.key = std::move(k);
    action.update_expression = std::move(update);
    action.expression_attribute_values = std::move(values);
    action.condition_expression = std::move(condition);
    return TransactWriteItem{.update = std::move(action)};
  }
  TransactWriteItem check_action(AttributeMap k, std::string condition) {
    TransactWriteAction action;
    action.table_name = table_;
    action.key = std::move(k);
    action.condition_expression = std::move(condition);
    return TransactWriteItem{.condition_check = std::move(action)};
  }
  TransactWriteItem delete_action(AttributeMap k) {
    TransactWriteAction action;
    action.table_name = table_;
    action.key = std::move(k);
    return TransactWriteItem{.delete_ = std::move(action)};
  }

  ddb::Result<ddb::TransactWriteItemsResponse> transact(std::vector<TransactWriteItem> items) {
    ddb::TransactWriteItemsRequest request;
    request.transact_items = std::move(items);
    return db().transact_write_items(request);
  }

  std::string table_;
};

TEST_P(TransactionTest, CommitsEveryAction) {
  ASSERT_TRUE(put(table_, item("CHAN#1", "USERJ#old", {{"Name", S("old")}})).ok());
  auto committed = transact({
      // Join: the membership, if new, and the channel's user count.
      put_action(
          item("CHAN#1", "USERJ#u1", {{"Name", S("ann")}, {"GSI1PK", S("USER#u1")}, {"GSI1SK", S("CHAN#1")}}),
          "attribute_not_exists(PK)"),
      update_action(key("CHAN#1", "CHAN#1"), "ADD UserCount :one", {{":one", N(1)}}, "attribute_exists(PK)"),
      check_action(key("USER#u1", "USER#u1"), "attribute_exists(PK)"),
      delete_action(key("CHAN#1", "USERJ#old")),
  });
  if (transactions_unsupported(status_of(committed))) return;
  ASSERT_TRUE(committed.ok()) << committed.error().to_string();
  EXPECT_TRUE(get(table_, key("CHAN#1", "USERJ#u1")).has_value());
  EXPECT_EQ(get(table_, key("CHAN#1", "CHAN#1"))->at("UserCount"), N(2));
  EXPECT_FALSE(get(table_, key("CHAN#1", "USERJ#old")).has_value());

  // The membership is in the index right after the commit.
  ddb::QueryRequest query;
  query.table_name = table_;
  query.index_name = "GSI1";
  query.key_condition_expression = "GSI1PK = :u";
  query.expression_attribute_values = AttributeMap{{":u", S("USER#u1")}};
  auto memberships = db().query(query);
  ASSERT_TRUE(memberships.ok()) << memberships.error().to_string();
  EXPECT_EQ(memberships->count, 1);
}

TEST_P(TransactionTest, CancelledWithReasonsInRequestOrder) {
  auto cancelled = transact({
      put_action(item("CHAN#1", "MSG#1#a", {{"Msg", S("hi")}})),
      update_action(key("CHAN#1", "CHAN#1"), "ADD MessageCount :one", {{":one", N(1)}}),
      check_action(key("CHAN#1", "USERJ#nobody"), "attribute_exists(PK)"),  // not a member
  });
  if (transactions_unsupported(status_of(cancelled))) return;
  ASSERT_TRUE(
      fails_with(cancelled, ErrorIs{ErrorCode::kTransactionCanceled,
                                    "Transaction cancelled, please refer cancellation reasons for specific "
                                    "reasons [None, None, ConditionalCheckFailed]"}));
  const auto& reasons = cancelled.error().cancellation_reasons;
  ASSERT_EQ(reasons.size(), 3u);
  EXPECT_EQ(reasons[0].code, "None");
  EXPECT_EQ(reasons[1].code, "None");
  EXPECT_EQ(reasons[2].code, "ConditionalCheckFailed");
  EXPECT_EQ(reasons[2].message,
            expected_for<std::string>(target(), "The conditional request failed",
                                      {{Target::kDynamoDbLocal, "The conditional request failed.",
                                        "cancellation reason message ends with a period"}}));
  EXPECT_FALSE(reasons[2].item.has_value());
  // Nothing was written.
  EXPECT_FALSE(get(table_, key("CHAN#1", "MSG#1#a")).has_value());
  EXPECT_EQ(get(table_, key("CHAN#1", "CHAN#1"))->at("MessageCount"), N(0));
}

TEST_P(TransactionTest, ReasonCarriesTheItemOnRequest) {
  TransactWriteItem check = check_action(key("USER#u1", "USER#u1"), "attribute_not_exists(PK)");
  check.condition_check->return_values_on_condition_check_failure = "ALL_OLD";
  auto cancelled = transact({put_action(item("CHAN#9", "CHAN#9")), std::move(check)});
  if (transactions_unsupported(status_of(cancelled))) return;
  ASSERT_TRUE(fails_with(cancelled, ErrorIs{ErrorCode::kTransactionCanceled}));
  const auto& reasons = cancelled.error().cancellation_reasons;
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[0].code, "None");
  ASSERT_TRUE(reasons[1].item.has_value());
  EXPECT_EQ(debug_string(*reasons[1].item), debug_string(item("USER#u1", "USER#u1", {{"Name", S("ann")}})));
}

TEST_P(TransactionTest, Validation) {
  // Two actions on one item.
  auto twice = transact({put_action(item("CHAN#1", "X")), delete_action(key("CHAN#1", "X"))});
  if (transactions_unsupported(status_of(twice))) return;
  EXPECT_TRUE(fails_with(
      twice,
      ErrorIs{ErrorCode::kValidation, "Transaction request cannot include multiple operations on one item"}));
  // No actions.
  EXPECT_TRUE(fails_with(transact({}), ErrorIs{ErrorCode::kValidation}));
  // More than 100 actions.
  std::vector<TransactWriteItem> many;
  for (int i = 0; i < 101; ++i) many.push_back(put_action(item("CHAN#many", std::to_string(i))));
  EXPECT_TRUE(fails_with(transact(std::move(many)), ErrorIs{ErrorCode::kValidation}));
  // An action on a table that does not exist.
  TransactWriteItem missing = put_action(item("a", "b"));
  missing.put->table_name = unique_table_name("missing");
  EXPECT_TRUE(fails_with(transact({std::move(missing)}), ErrorIs{ErrorCode::kResourceNotFound}));
  // A bad key in one action fails the whole request as a ValidationException.
  auto bad_key = transact(
      {put_action(item("CHAN#1", "ok")), update_action({{"PK", S("CHAN#1")}}, "SET a = :a", {{":a", N(1)}})});
  EXPECT_TRUE(fails_with(bad_key, ErrorIs{ErrorCode::kValidation}));
  EXPECT_FALSE(get(table_, key("CHAN#1", "ok")).has_value());
}

TEST_P(TransactionTest, TransactGetItems) {
  ddb::TransactGetItemsRequest request;
  for (auto k : {key("CHAN#1", "CHAN#1"), key("CHAN#1", "none"), key("USER#u1", "USER#u1")}) {
    ddb::TransactGetItem get_item;
    get_item.get.table_name = table_;
    get_item.get.key = std::move(k);
    request.transact_items.push_back(std::move(get_item));
  }
  request.transact_items[2].get.projection_expression = "#n";
  request.transact_items[2].get.expression_attribute_names = ddb::NameMap{{"#n", "Name"}};
  auto got = db().transact_get_items(request);
  if (transactions_unsupported(status_of(got))) return;
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  ASSERT_EQ(got->responses.size(), 3u);
  EXPECT_EQ(got->responses[0].item->at("UserCount"), N(1));
  EXPECT_FALSE(got->responses[1].item.has_value());
  EXPECT_EQ(debug_string(*got->responses[2].item), debug_string(AttributeMap{{"Name", S("ann")}}));
}

TOWNHALL_CONFORMANCE_SUITE(TransactionTest);

}  // namespace
}  // namespace townhall::conformance
