#include "ddb/partiql/parser.h"

#include <gtest/gtest.h>

#include "ddb/partiql/lexer.h"
#include "ddb/partiql/planner.h"

namespace townhall::ddb::partiql {
namespace {

TEST(PartiqlLexer, QuotesNumbersAndOperators) {
  auto tokens = tokenize(R"(SELECT "a""b", 'it''s' FROM t WHERE x <> -1.5e3 AND y <= ? -- note)");
  std::vector<Token::Kind> kinds;
  kinds.reserve(tokens.size());
  for (const auto& t : tokens) kinds.push_back(t.kind);
  using K = Token::Kind;
  EXPECT_EQ(kinds,
            (std::vector<K>{K::kIdentifier, K::kQuotedIdentifier, K::kComma, K::kString, K::kIdentifier,
                            K::kIdentifier, K::kIdentifier, K::kIdentifier, K::kNe, K::kMinus, K::kNumber,
                            K::kIdentifier, K::kIdentifier, K::kLe, K::kParameter, K::kEnd}));
  EXPECT_EQ(tokens[1].text, "a\"b");
  EXPECT_EQ(tokens[3].text, "it's");
  EXPECT_EQ(tokens[10].text, "1.5e3");
  EXPECT_EQ(tokenize("'open")[0].kind, K::kInvalid);
  EXPECT_EQ(tokenize("<<1>>")[0].kind, K::kLBag);
}

TEST(PartiqlParser, Select) {
  auto parsed = parse(
      R"(select a, "b".c[2] FROM "T"."I" where a = 1 and not (b < ? or c IS NOT MISSING) order by s desc)");
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  const auto& select = std::get<SelectStatement>(parsed->statement);
  ASSERT_TRUE(select.projection.has_value());
  ASSERT_EQ(select.projection->size(), 2u);
  EXPECT_EQ((*select.projection)[1], (Path{{false, "b", 0}, {false, "c", 0}, {true, "", 2}}));
  EXPECT_EQ(select.from.table, "T");
  EXPECT_EQ(select.from.index, "I");
  EXPECT_EQ(select.where->kind, Expr::Kind::kAnd);
  EXPECT_EQ(select.where->operands[1]->kind, Expr::Kind::kNot);
  EXPECT_TRUE(select.descending);
  EXPECT_EQ(parsed->parameter_count, 1u);
}

TEST(PartiqlParser, Writes) {
  auto insert = parse("INSERT INTO t VALUE {'a': 1, 'b': [TRUE, NULL], 'c': <<'x', 'y'>>, 'd': {'e': -2}}");
  ASSERT_TRUE(insert.ok()) << insert.error().to_string();
  EXPECT_EQ(std::get<InsertStatement>(insert->statement).value->keys.size(), 4u);

  auto update = parse(
      "UPDATE t SET a = a + 1, b = 'x' REMOVE c SET d = set_add(d, <<1>>) WHERE k = 1 "
      "RETURNING MODIFIED NEW *");
  ASSERT_TRUE(update.ok()) << update.error().to_string();
  const auto& u = std::get<UpdateStatement>(update->statement);
  EXPECT_EQ(u.actions.size(), 4u);
  EXPECT_TRUE(u.actions[2].remove);
  EXPECT_EQ(u.returning, "UPDATED_NEW");

  auto remove = parse("DELETE FROM t WHERE k = 'a' RETURNING ALL OLD *;");
  ASSERT_TRUE(remove.ok());
  EXPECT_EQ(std::get<DeleteStatement>(remove->statement).returning, "ALL_OLD");
  EXPECT_TRUE(parse("EXISTS(SELECT * FROM t WHERE k = 1)").ok());
}

TEST(PartiqlParser, MalformedStatementsGetDynamoDbsMessage) {
  for (const char* bad :
       {"", "SELEC * FROM t", "SELECT * FROM", "SELECT * FROM t WHERE a = 1 AND", "SELECT * FROM t WHERE",
        "INSERT INTO t VALUE", "UPDATE t WHERE k = 1", "DELETE FROM t RETURNING ALL OLD *",
        "DELETE FROM t WHERE k = 1 RETURNING ALL NEW *", "SELECT * FROM t WHERE a[x] = 1",
        "SELECT * FROM t extra", "SELECT * FROM t WHERE 'open", "INSERT INTO t VALUE {a: 1}",
        "SELECT * FROM t WHERE a IS MAYBE", "SELECT select FROM t",
        "UPDATE t SET a = 1 WHERE k = 1 RETURNING UPDATED NEW *"}) {
    auto parsed = parse(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().message,
              std::string("Statement wasn't well formed, can't be processed: ") + bad);
  }
}

TEST(PartiqlParser, DeepNestingIsRefusedNotAStackOverflow) {
  std::string deep = "SELECT * FROM t WHERE " + std::string(100000, '(') + "a = 1" + std::string(100000, ')');
  EXPECT_FALSE(parse(deep).ok());
  std::string nots = "SELECT * FROM t WHERE ";
  for (int i = 0; i < 100000; ++i) nots += "NOT ";
  EXPECT_FALSE(parse(nots + "a = 1").ok());
}

KeySchemaLookup lookup() {
  return [](const std::string&, const std::optional<std::string>& index) -> Result<KeySchema> {
    if (index) return KeySchema{"g", AttributeType::kS, std::nullopt, AttributeType::kS};
    return KeySchema{"pk", AttributeType::kS, "sk", AttributeType::kN};
  };
}

Plan plan_of(const std::string& statement, const std::vector<AttributeValue>& parameters = {}) {
  auto parsed = parse(statement);
  EXPECT_TRUE(parsed.ok()) << statement;
  auto planned = plan(*parsed, parameters, lookup());
  EXPECT_TRUE(planned.ok()) << statement << ": " << planned.error().to_string();
  return std::move(planned).value();
}

TEST(PartiqlPlanner, ReadsBecomeGetQueryOrScan) {
  Plan get = plan_of("SELECT * FROM t WHERE sk = 1 AND pk = ?", {AttributeValue::S("a")});
  EXPECT_EQ(get.kind, Plan::Kind::kGet);
  EXPECT_EQ(get.key, (AttributeMap{{"pk", AttributeValue::S("a")}, {"sk", AttributeValue::N(1)}}));

  Plan query = plan_of("SELECT * FROM t WHERE pk = 'a' AND sk > 1 AND n = 2 ORDER BY sk DESC");
  EXPECT_EQ(query.kind, Plan::Kind::kQuery);
  EXPECT_EQ(query.key_condition, "(#a0 = :v0) AND (#a1 > :v1)");
  EXPECT_EQ(query.filter, "(#a2 = :v2)");
  EXPECT_TRUE(query.descending);

  EXPECT_EQ(plan_of("SELECT * FROM t WHERE n = 2 OR pk = 'a'").kind, Plan::Kind::kScan);
  // A second condition on the sort key cannot be a Query's filter: a Scan reads it all.
  Plan in = plan_of("SELECT * FROM t WHERE pk = 'a' AND sk IN [1, 2]");
  EXPECT_EQ(in.kind, Plan::Kind::kScan);
  EXPECT_EQ(in.filter, "(#a0 IN (:v0, :v1)) AND (#a1 = :v2)");
  EXPECT_EQ(plan_of("SELECT * FROM t.i WHERE g = 'x'").kind, Plan::Kind::kQuery);
}

TEST(PartiqlPlanner, WritesNameTheWholeKey) {
  Plan update = plan_of(
      "UPDATE t SET n = n + 1 REMOVE old SET s = set_add(s, <<'x'>>) WHERE pk = 'a' AND sk = 1 "
      "AND n < 10");
  EXPECT_EQ(update.kind, Plan::Kind::kUpdate);
  EXPECT_EQ(update.update, "SET #a0 = #a0 + :v0 REMOVE #a1 ADD #a2 :v1");
  EXPECT_EQ(update.condition, "attribute_exists(#a3) AND (#a0 < :v2)");
  Plan put = plan_of("INSERT INTO t VALUE {'pk': 'a', 'sk': 1}");
  EXPECT_EQ(put.condition, "attribute_not_exists(#a0)");

  auto missing = parse("DELETE FROM t WHERE pk = 'a'");
  auto refused = plan(*missing, {}, lookup());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message,
            "Where clause does not contain a mandatory equality on all key attributes");
  auto no_key = parse("INSERT INTO t VALUE {'pk': 'a'}");
  EXPECT_EQ(plan(*no_key, {}, lookup()).error().message,
            "Key attribute should be present in the item: Key sk");
}

TEST(PartiqlPlanner, ProjectionShapesAsDynamoDbLocal) {
  AttributeMap item{{"l", AttributeValue::L({AttributeValue::N(1), AttributeValue::S("two")})},
                    {"m", AttributeValue::M({{"k", AttributeValue::NUL()}})}};
  AttributeMap shaped = shape_projection(
      item, {{{false, "l", 0}, {true, "", 1}}, {{false, "m", 0}, {false, "k", 0}}, {{false, "absent", 0}}});
  EXPECT_EQ(shaped, (AttributeMap{{"l[1]", AttributeValue::S("two")}, {"k", AttributeValue::NUL()}}));
}

}  // namespace
}  // namespace townhall::ddb::partiql
