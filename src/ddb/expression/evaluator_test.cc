#include "ddb/expression/evaluator.h"

#include <gtest/gtest.h>

#include "ddb/expression/test_util.h"

namespace townhall::ddb {
namespace {

using testing::condition_request;
using testing::item;

const AttributeMap& sample() {
  static const AttributeMap instance = item(R"({
    "s": {"S": "abc"}, "n": {"N": "5"}, "b": {"B": "AAEC"}, "t": {"BOOL": true}, "z": {"NULL": true},
    "ss": {"SS": ["x", "y"]}, "ns": {"NS": ["1", "2"]}, "bs": {"BS": ["AA==", "AQ=="]},
    "l": {"L": [{"S": "x"}, {"N": "1"}, {"L": [{"N": "7"}]}]},
    "m": {"M": {"k": {"S": "v"}, "n": {"M": {"d": {"N": "1"}}}, "e": {"M": {}}}},
    "u": {"S": "h\u00e9\u00e9"}})");
  return instance;
}

// Whether condition (with :v bound to value_json, if given) holds for the sample item.
bool holds(const std::string& condition, std::string_view value_json = "") {
  std::string values = value_json.empty() ? "" : std::string(R"({":v": )") + std::string(value_json) + "}";
  auto e = condition_request(condition, values);
  EXPECT_TRUE(e.ok()) << condition << ": " << testing::error_of(e);
  if (!e.ok()) return false;
  auto result = e->condition_holds(&sample());
  EXPECT_TRUE(result.ok());
  return result.ok() && result.value();
}

TEST(EvaluatorTest, EqualityWorksOnEveryTypeAndAcrossTypesIsFalse) {
  EXPECT_TRUE(holds("s = :v", R"({"S": "abc"})"));
  EXPECT_FALSE(holds("s = :v", R"({"S": "abd"})"));
  EXPECT_FALSE(holds("n = :v", R"({"S": "5"})"));
  EXPECT_TRUE(holds("n = :v", R"({"N": "5.000"})"));  // numbers compare by value
  EXPECT_TRUE(holds("b = :v", R"({"B": "AAEC"})"));
  EXPECT_TRUE(holds("t = :v", R"({"BOOL": true})"));
  EXPECT_FALSE(holds("t = :v", R"({"BOOL": false})"));
  EXPECT_TRUE(holds("z = :v", R"({"NULL": true})"));
  EXPECT_TRUE(holds("ss = :v", R"({"SS": ["y", "x"]})"));  // sets compare as sets
  EXPECT_TRUE(holds("ns = :v", R"({"NS": ["2", "1.0"]})"));
  EXPECT_FALSE(holds("ns = :v", R"({"NS": ["1"]})"));
  EXPECT_TRUE(holds("l = :v", R"({"L": [{"S": "x"}, {"N": "1"}, {"L": [{"N": "7"}]}]})"));
  EXPECT_FALSE(
      holds("l = :v", R"({"L": [{"N": "1"}, {"S": "x"}, {"L": [{"N": "7"}]}]})"));  // lists keep order
  EXPECT_TRUE(holds("m.n = :v", R"({"M": {"d": {"N": "1"}}})"));
  EXPECT_TRUE(holds("s = s2 OR s <> s2"));  // a missing operand: = is false, <> is true
  EXPECT_FALSE(holds("s = s2"));
}

TEST(EvaluatorTest, InequalityIsTheNegationOfEquality) {
  EXPECT_FALSE(holds("s <> :v", R"({"S": "abc"})"));
  EXPECT_TRUE(holds("s <> :v", R"({"N": "5"})"));
  EXPECT_TRUE(holds("gone <> :v", R"({"N": "5"})"));
  EXPECT_TRUE(holds("ss <> :v", R"({"SS": ["x"]})"));
}

TEST(EvaluatorTest, OrderingOnlyForStringsNumbersAndBinaries) {
  EXPECT_TRUE(holds("s < :v", R"({"S": "abd"})"));
  EXPECT_TRUE(holds("s <= :v", R"({"S": "abc"})"));
  EXPECT_TRUE(holds("s > :v", R"({"S": "ab"})"));
  EXPECT_TRUE(holds("s >= :v", R"({"S": "B"})"));  // byte order: 'a' > 'B'
  EXPECT_TRUE(holds("n > :v", R"({"N": "-10"})"));
  EXPECT_TRUE(holds("n < :v", R"({"N": "1E1"})"));
  EXPECT_TRUE(holds("n >= :v", R"({"N": "5"})"));
  EXPECT_FALSE(holds("n <= :v", R"({"N": "4.99"})"));
  EXPECT_TRUE(holds("b < :v", R"({"B": "AAED"})"));
  EXPECT_FALSE(holds("s < :v", R"({"N": "5"})"));  // across types: false, not an error
  EXPECT_TRUE(holds("NOT s < :v", R"({"N": "5"})"));
  EXPECT_FALSE(holds("l < m.n"));  // lists and maps do not order
  EXPECT_FALSE(holds("gone < :v", R"({"N": "5"})"));
  EXPECT_TRUE(holds("size(s) < size(l) OR size(s) = size(l)"));
  EXPECT_TRUE(holds(":v > n", R"({"N": "6"})"));
}

TEST(EvaluatorTest, BetweenAndIn) {
  EXPECT_TRUE(holds("n BETWEEN :v AND :v", R"({"N": "5"})"));
  EXPECT_FALSE(holds("s BETWEEN :v AND :v", R"({"N": "5"})"));
  EXPECT_FALSE(holds("gone BETWEEN :v AND :v", R"({"N": "5"})"));
  auto e = condition_request("n BETWEEN :lo AND :hi AND s BETWEEN :a AND :b AND NOT n BETWEEN :hi AND :top",
                             R"({":lo": {"N": "4"}, ":hi": {"N": "6"}, ":top": {"N": "9"},
                                 ":a": {"S": "ab"}, ":b": {"S": "abd"}})");
  ASSERT_TRUE(e.ok()) << testing::error_of(e);
  EXPECT_TRUE(e->condition_holds(&sample()).value());
  EXPECT_TRUE(holds("n IN (:v)", R"({"N": "5"})"));
  EXPECT_FALSE(holds("s IN (:v)", R"({"N": "5"})"));
  EXPECT_TRUE(holds("ss IN (:v, s)", R"({"SS": ["x", "y"]})"));
  EXPECT_TRUE(holds("m.k IN (s, :v)", R"({"S": "v"})"));
}

TEST(EvaluatorTest, AttributeExistenceAndType) {
  EXPECT_TRUE(holds("attribute_exists(m.n.d)"));
  EXPECT_FALSE(holds("attribute_exists(m.n.x)"));
  EXPECT_FALSE(holds("attribute_exists(s.x)"));
  EXPECT_TRUE(holds("attribute_exists(l[2][0])"));
  EXPECT_FALSE(holds("attribute_exists(l[3])"));
  EXPECT_TRUE(holds("attribute_not_exists(l[3])"));
  EXPECT_TRUE(holds("attribute_not_exists(m[0])"));  // an index into a map leads nowhere
  for (const auto& [path, type] : std::vector<std::pair<std::string, std::string>>{{"s", "S"},
                                                                                   {"n", "N"},
                                                                                   {"b", "B"},
                                                                                   {"t", "BOOL"},
                                                                                   {"z", "NULL"},
                                                                                   {"ss", "SS"},
                                                                                   {"ns", "NS"},
                                                                                   {"bs", "BS"},
                                                                                   {"l", "L"},
                                                                                   {"m", "M"}}) {
    EXPECT_TRUE(holds("attribute_type(" + path + ", :v)", R"({"S": ")" + type + "\"}")) << path;
    EXPECT_FALSE(holds("attribute_type(" + path + ", :v)", type == "S" ? R"({"S": "N"})" : R"({"S": "S"})"));
  }
  EXPECT_FALSE(holds("attribute_type(gone, :v)", R"({"S": "S"})"));
}

TEST(EvaluatorTest, BeginsWithOnStringsAndBinaries) {
  EXPECT_TRUE(holds("begins_with(s, :v)", R"({"S": "ab"})"));
  EXPECT_TRUE(holds("begins_with(s, :v)", R"({"S": ""})"));
  EXPECT_FALSE(holds("begins_with(s, :v)", R"({"S": "b"})"));
  EXPECT_TRUE(holds("begins_with(b, :v)", R"({"B": "AAE="})"));
  EXPECT_FALSE(holds("begins_with(b, :v)", R"({"B": "AQ=="})"));
  EXPECT_FALSE(holds("begins_with(l, :v)", R"({"S": "x"})"));
  EXPECT_FALSE(holds("begins_with(s, m.k)"));
  EXPECT_TRUE(holds("begins_with(m.k, :v)", R"({"S": "v"})"));
}

TEST(EvaluatorTest, ContainsOnStringsSetsAndLists) {
  EXPECT_TRUE(holds("contains(s, :v)", R"({"S": "bc"})"));
  EXPECT_FALSE(holds("contains(s, :v)", R"({"S": "cb"})"));
  EXPECT_TRUE(holds("contains(ss, :v)", R"({"S": "y"})"));
  EXPECT_FALSE(holds("contains(ss, :v)", R"({"S": "xy"})"));
  EXPECT_TRUE(holds("contains(ns, :v)", R"({"N": "2.0"})"));
  EXPECT_FALSE(holds("contains(ns, :v)", R"({"S": "2"})"));
  EXPECT_TRUE(holds("contains(bs, :v)", R"({"B": "AQ=="})"));
  EXPECT_TRUE(holds("contains(l, :v)", R"({"N": "1"})"));
  EXPECT_TRUE(holds("contains(l, :v)", R"({"L": [{"N": "7"}]})"));
  EXPECT_FALSE(holds("contains(l, :v)", R"({"N": "7"})"));
  EXPECT_FALSE(holds("contains(m, :v)", R"({"S": "k"})"));
  EXPECT_TRUE(
      holds("contains(b, :v)", R"({"B": "AQ=="})"));  // a run of bytes in a binary (as DynamoDB Local)
  EXPECT_FALSE(holds("contains(b, :v)", R"({"B": "Aw=="})"));
  EXPECT_FALSE(holds("contains(b, :v)", R"({"S": "a"})"));
  EXPECT_TRUE(holds("contains(:v, s)", R"({"S": "xabcx"})"));
}

TEST(EvaluatorTest, SizeOfEveryType) {
  EXPECT_TRUE(holds("size(s) = :v", R"({"N": "3"})"));
  EXPECT_TRUE(holds("size(u) = :v", R"({"N": "3"})"));  // characters, not bytes
  EXPECT_TRUE(holds("size(b) = :v", R"({"N": "3"})"));  // bytes
  EXPECT_TRUE(holds("size(ss) = :v", R"({"N": "2"})"));
  EXPECT_TRUE(holds("size(bs) = :v", R"({"N": "2"})"));
  EXPECT_TRUE(holds("size(l) = :v", R"({"N": "3"})"));
  EXPECT_TRUE(holds("size(l[2]) = :v", R"({"N": "1"})"));
  EXPECT_TRUE(holds("size(m) = :v", R"({"N": "3"})"));
  EXPECT_TRUE(holds("size(m.e) = :v", R"({"N": "0"})"));
  // No size for numbers, booleans, nulls or missing attributes: the comparison is false.
  EXPECT_FALSE(holds("size(n) = :v", R"({"N": "1"})"));
  EXPECT_TRUE(holds("NOT (size(n) = :v)", R"({"N": "1"})"));
  EXPECT_FALSE(holds("size(t) >= :v", R"({"N": "0"})"));
  EXPECT_FALSE(holds("size(gone) >= :v", R"({"N": "0"})"));
  EXPECT_TRUE(holds("size(:v) = size(s)", R"({"S": "xyz"})"));
}

TEST(EvaluatorTest, LogicalOperators) {
  EXPECT_TRUE(holds("attribute_exists(s) AND attribute_exists(n)"));
  EXPECT_FALSE(holds("attribute_exists(s) AND attribute_exists(gone)"));
  EXPECT_TRUE(holds("attribute_exists(gone) OR attribute_exists(n)"));
  EXPECT_FALSE(holds("NOT attribute_exists(s)"));
  EXPECT_TRUE(holds("NOT attribute_exists(s) OR n = :v AND s <> :v", R"({"N": "5"})"));
  EXPECT_FALSE(holds("(NOT attribute_exists(s) OR n = :v) AND s = :v", R"({"N": "5"})"));
}

TEST(EvaluatorTest, NoItemMeansEveryPathIsMissing) {
  auto e = condition_request("attribute_not_exists(pk) AND NOT a = :v AND a <> :v", R"({":v": {"N": "1"}})");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->condition_holds(nullptr).value());
  auto exists = condition_request("attribute_exists(pk)");
  EXPECT_FALSE(exists->condition_holds(nullptr).value());
  Expressions none;
  EXPECT_TRUE(none.condition_holds(nullptr).value());
}

TEST(EvaluatorTest, NamePlaceholdersResolvePerRequest) {
  // The same text (and so the same cached tree) under different names.
  auto first =
      condition_request("#p.#q = :v", R"({":v": {"S": "v"}})", testing::names({{"#p", "m"}, {"#q", "k"}}));
  auto second =
      condition_request("#p.#q = :v", R"({":v": {"N": "1"}})", testing::names({{"#p", "m"}, {"#q", "n"}}));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(first->condition_holds(&sample()).value());
  EXPECT_FALSE(second->condition_holds(&sample()).value());
  // A name holding a dot is one attribute name, not a path.
  auto dotted = condition_request("attribute_exists(#d)", "", testing::names({{"#d", "m.k"}}));
  EXPECT_FALSE(dotted->condition_holds(&sample()).value());
  AttributeMap with_dot = {{"m.k", AttributeValue::N(1)}};
  EXPECT_TRUE(dotted->condition_holds(&with_dot).value());
}

}  // namespace
}  // namespace townhall::ddb
