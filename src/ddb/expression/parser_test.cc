#include "ddb/expression/parser.h"

#include <gtest/gtest.h>

#include <string>

#include "ddb/expression/reserved_words.h"
#include "ddb/expression/tree_cache.h"

namespace townhall::ddb::expr {
namespace {

std::shared_ptr<const Tree> must_parse(Clause clause, std::string_view text) {
  auto parsed = parse(clause, text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? parsed.value() : std::make_shared<Tree>();
}

std::string parse_error(Clause clause, std::string_view text) {
  auto parsed = parse(clause, text);
  EXPECT_FALSE(parsed.ok()) << text;
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.error().code, ErrorCode::kValidation);
  return parsed.error().message;
}

// A compact rendering of a condition tree, to check its shape.
std::string shape(const Condition& c) {
  switch (c.kind) {
    case Condition::Kind::kAnd:
      return "AND(" + shape(c.children[0]) + "," + shape(c.children[1]) + ")";
    case Condition::Kind::kOr:
      return "OR(" + shape(c.children[0]) + "," + shape(c.children[1]) + ")";
    case Condition::Kind::kNot:
      return "NOT(" + shape(c.children[0]) + ")";
    case Condition::Kind::kCompare:
      return std::string("CMP") + comparator_text(c.comparator);
    case Condition::Kind::kBetween:
      return "BETWEEN";
    case Condition::Kind::kIn:
      return "IN" + std::to_string(c.operands.size() - 1);
    case Condition::Kind::kFunction:
      return function_name(c.function);
  }
  return "?";
}

TEST(ParserTest, AndBindsTighterThanOrAndNotTighterThanAnd) {
  EXPECT_EQ(shape(must_parse(Clause::kCondition, "a = :v OR b = :v AND c = :v")->condition),
            "OR(CMP=,AND(CMP=,CMP=))");
  EXPECT_EQ(shape(must_parse(Clause::kCondition, "NOT a = :v AND b < :v")->condition), "AND(NOT(CMP=),CMP<)");
  EXPECT_EQ(shape(must_parse(Clause::kCondition, "(a = :v OR b = :v) AND c >= :v")->condition),
            "AND(OR(CMP=,CMP=),CMP>=)");
  EXPECT_EQ(shape(must_parse(Clause::kCondition, "a = :v AND b = :v AND c = :v")->condition),
            "AND(AND(CMP=,CMP=),CMP=)");
  EXPECT_EQ(shape(must_parse(Clause::kCondition, "NOT NOT attribute_exists(a)")->condition),
            "NOT(NOT(attribute_exists))");
}

TEST(ParserTest, ParsesEveryComparatorAndFunction) {
  for (const char* op : {"=", "<>", "<", "<=", ">", ">="}) {
    auto tree = must_parse(Clause::kCondition, std::string("a ") + op + " :v");
    EXPECT_EQ(shape(tree->condition), std::string("CMP") + op);
  }
  EXPECT_EQ(shape(must_parse(Clause::kCondition, "a BETWEEN :x AND :y")->condition), "BETWEEN");
  EXPECT_EQ(shape(must_parse(Clause::kCondition, "a IN (:x, :y, b)")->condition), "IN3");
  EXPECT_EQ(shape(must_parse(Clause::kCondition, "a BETWEEN :x AND :y AND b IN (:x)")->condition),
            "AND(BETWEEN,IN1)");
  for (const char* f : {"attribute_exists(a)", "attribute_not_exists(a)", "attribute_type(a, :t)",
                        "begins_with(a, :s)", "contains(a, :s)"}) {
    auto tree = must_parse(Clause::kCondition, f);
    EXPECT_EQ(tree->condition.kind, Condition::Kind::kFunction) << f;
  }
  auto sized = must_parse(Clause::kCondition, "size(a.b[2]) > :n");
  ASSERT_EQ(sized->condition.operands[0].kind, Operand::Kind::kFunction);
  EXPECT_EQ(sized->condition.operands[0].function, Function::kSize);
}

TEST(ParserTest, KeywordsAndFunctionNamesHaveTheirCase) {
  EXPECT_EQ(shape(must_parse(Clause::kCondition, "a = :v and not b = :v or c between :x and :y")->condition),
            "OR(AND(CMP=,NOT(CMP=)),BETWEEN)");
  EXPECT_EQ(parse_error(Clause::kCondition, "ATTRIBUTE_EXISTS(a)"),
            "Invalid ConditionExpression: Invalid function name; function: ATTRIBUTE_EXISTS");
}

TEST(ParserTest, PlaceholdersGetOneSlotEach) {
  auto tree = must_parse(Clause::kUpdate, "SET #a = :v, #b.#a[3] = :w + :v REMOVE #c");
  EXPECT_EQ(tree->name_refs, (std::vector<std::string>{"#a", "#b", "#c"}));
  EXPECT_EQ(tree->value_refs, (std::vector<std::string>{":v", ":w"}));
  ASSERT_EQ(tree->actions.size(), 3u);
  const Path& second = tree->actions[1].path;
  ASSERT_EQ(second.steps.size(), 3u);
  EXPECT_EQ(second.steps[0].kind, PathStep::Kind::kNameRef);
  EXPECT_EQ(second.steps[0].slot, 1u);
  EXPECT_EQ(second.steps[1].slot, 0u);
  EXPECT_EQ(second.steps[2].kind, PathStep::Kind::kIndex);
  EXPECT_EQ(second.steps[2].index, 3u);
  EXPECT_EQ(tree->actions[1].value.kind, Operand::Kind::kPlus);
  EXPECT_EQ(tree->actions[2].kind, UpdateAction::Kind::kRemove);
}

TEST(ParserTest, UpdateSectionsInAnyOrder) {
  auto tree = must_parse(Clause::kUpdate, "delete s :s add n :n, m :n remove r set a = list_append(a, :l)");
  ASSERT_EQ(tree->actions.size(), 5u);
  EXPECT_EQ(tree->actions[0].kind, UpdateAction::Kind::kDelete);
  EXPECT_EQ(tree->actions[1].kind, UpdateAction::Kind::kAdd);
  EXPECT_EQ(tree->actions[2].kind, UpdateAction::Kind::kAdd);
  EXPECT_EQ(tree->actions[3].kind, UpdateAction::Kind::kRemove);
  EXPECT_EQ(tree->actions[4].value.function, Function::kListAppend);
}

TEST(ParserTest, ReservedWordsInAnyCase) {
  EXPECT_TRUE(is_reserved_word("status"));
  EXPECT_TRUE(is_reserved_word("Name"));
  EXPECT_TRUE(is_reserved_word("ZONE"));
  EXPECT_TRUE(is_reserved_word("abort"));
  EXPECT_FALSE(is_reserved_word("statu"));
  EXPECT_FALSE(is_reserved_word("UserName"));
  EXPECT_FALSE(is_reserved_word(""));
  EXPECT_EQ(parse_error(Clause::kProjection, "a, Name"),
            "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: Name");
  EXPECT_EQ(parse_error(Clause::kFilter, "a.data = :v"),
            "Invalid FilterExpression: Attribute name is a reserved keyword; reserved keyword: data");
  // A syntax error outranks a reserved word.
  EXPECT_EQ(parse_error(Clause::kCondition, "status = :v AND"),
            "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\"");
}

TEST(ParserTest, SyntaxErrorsNameTheTokenAndItsNeighbours) {
  EXPECT_EQ(parse_error(Clause::kUpdate, "SET a = :v :w"),
            "Invalid UpdateExpression: Syntax error; token: \":w\", near: \":v :w\"");
  EXPECT_EQ(parse_error(Clause::kCondition, "a = # AND b = :v"),
            "Invalid ConditionExpression: Syntax error; token: \"#\", near: \"= # AND\"");
  EXPECT_EQ(parse_error(Clause::kCondition, "= :v"),
            "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"= :v\"");
  EXPECT_EQ(parse_error(Clause::kKeyCondition, "pk = :v é"),
            "Invalid KeyConditionExpression: Syntax error; token: \"é\", near: \":v é\"");
}

TEST(ParserTest, LimitsAreEnforced) {
  std::string deep = "a";
  for (int i = 0; i < 32; ++i) deep += ".b";
  EXPECT_EQ(
      parse_error(Clause::kProjection, deep),
      "Invalid ProjectionExpression: The document path has too many nesting levels; nesting levels: 33");
  std::string parens(300, '(');
  EXPECT_FALSE(parse(Clause::kCondition, parens + "a = :v" + std::string(300, ')')).ok());
  std::string nots;
  for (int i = 0; i < 300; ++i) nots += "NOT ";
  EXPECT_FALSE(parse(Clause::kCondition, nots + "a = :v").ok());
  EXPECT_FALSE(parse(Clause::kCondition, "((((a = :v) AND b = :v)))").ok());  // redundant parentheses
  EXPECT_TRUE(parse(Clause::kCondition, "(((a = :v) AND b = :v) OR c = :v)").ok());
}

TEST(ParserTest, EmptyExpressions) {
  EXPECT_EQ(parse_error(Clause::kFilter, ""), "Invalid FilterExpression: The expression can not be empty;");
  EXPECT_EQ(parse_error(Clause::kUpdate, "  "),
            "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"  \"");
}

TEST(TreeCacheTest, ParsesEachTextOnce) {
  TEST_clear_tree_cache();
  auto first = parse_cached(Clause::kCondition, "a = :v");
  auto second = parse_cached(Clause::kCondition, "a = :v");
  auto other_clause = parse_cached(Clause::kFilter, "a = :v");
  ASSERT_TRUE(first.ok() && second.ok() && other_clause.ok());
  EXPECT_EQ(first.value().get(), second.value().get());
  EXPECT_NE(first.value().get(), other_clause.value().get());
  EXPECT_EQ(other_clause.value()->clause, Clause::kFilter);
  EXPECT_EQ(TEST_cached_tree_count(), 2u);
  EXPECT_FALSE(parse_cached(Clause::kCondition, "a =").ok());
  EXPECT_EQ(TEST_cached_tree_count(), 2u);  // errors are not cached
}

TEST(TreeCacheTest, StaysBounded) {
  TEST_clear_tree_cache();
  for (int i = 0; i < 10000; ++i)
    ASSERT_TRUE(parse_cached(Clause::kProjection, "a" + std::to_string(i)).ok());
  EXPECT_LE(TEST_cached_tree_count(), 4096u);
  EXPECT_GE(TEST_cached_tree_count(), 1000u);
}

}  // namespace
}  // namespace townhall::ddb::expr
