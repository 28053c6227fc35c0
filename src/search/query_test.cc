#include "search/query.h"

#include <gtest/gtest.h>

#include "search/search_service.h"
#include "search/words.h"

namespace townhall::search {
namespace {

ParsedQuery parsed(std::string_view text) {
  auto query = parse_query(text);
  EXPECT_TRUE(query.ok()) << text << ": " << (query.ok() ? "" : query.error().message);
  return query.ok() ? std::move(query).value() : ParsedQuery{};
}

chat::Code refused(std::string_view text) {
  auto query = parse_query(text);
  EXPECT_FALSE(query.ok()) << text;
  return query.ok() ? chat::Code::kInternal : query.error().code;
}

TEST(QueryTest, WordsInAnyOrderTheLastAlsoAsAPrefix) {
  auto query = parsed("  deploy  stag ");
  ASSERT_EQ(query.terms.size(), 2u);
  EXPECT_EQ(query.terms[0], (Term{"deploy", false, false}));
  EXPECT_EQ(query.terms[1], (Term{"stag", false, true}));
  EXPECT_EQ(text_expression(query.terms), R"({body} : ("deploy" AND "stag"*))");
}

TEST(QueryTest, PhrasesInQuotesNeverAPrefix) {
  auto query = parsed(R"(ship "staging box")");
  ASSERT_EQ(query.terms.size(), 2u);
  EXPECT_EQ(query.terms[1], (Term{"staging box", true, false}));
  EXPECT_FALSE(query.terms[0].prefix);
  // An unterminated quote runs to the end.
  auto open = parsed(R"("half a phrase)");
  ASSERT_EQ(open.terms.size(), 1u);
  EXPECT_EQ(open.terms[0].text, "half a phrase");
}

TEST(QueryTest, NothingTypedIsReadAsFts5Syntax) {
  // Operators, column filters, NEAR and quotes are only words; a lone * is nothing.
  auto query = parsed(R"(body:x OR NEAR(a) it"s *)");
  EXPECT_EQ(text_expression(query.terms), R"q({body} : ("body:x" AND "OR" AND "NEAR(a)" AND "it""s"*))q");
}

TEST(QueryTest, TermsWithoutLettersAreDropped) {
  auto query = parsed("deploy - ... !!");
  ASSERT_EQ(query.terms.size(), 1u);
  EXPECT_TRUE(query.terms[0].prefix);
  EXPECT_EQ(refused("- ... !!"), chat::Code::kInvalidArgument);
  EXPECT_EQ(refused("   "), chat::Code::kInvalidArgument);
}

TEST(QueryTest, Filters) {
  auto query = parsed(
      R"(In:#ops in:"release crew" in:@ana FROM:@bob from:carl has:link has:FILE x from:@"Ann Lee" in:#"a b")");
  EXPECT_EQ(query.in_channels, (std::vector<std::string>{"ops", "release crew", "a b"}));
  EXPECT_EQ(query.in_people, (std::vector<std::string>{"ana"}));
  EXPECT_EQ(query.from, (std::vector<std::string>{"bob", "carl", "Ann Lee"}));
  EXPECT_TRUE(query.has_link);
  EXPECT_TRUE(query.has_file);
  ASSERT_EQ(query.terms.size(), 1u);
  EXPECT_TRUE(query.terms[0].prefix);  // the last word, whatever filters follow
  // A filter alone is a search too; a word with a colon that is no filter is a word.
  EXPECT_EQ(parsed("from:@bob").terms.size(), 0u);
  EXPECT_EQ(parsed("https://example.com").terms[0].text, "https://example.com");
}

TEST(QueryTest, DatesAreDaysInUtcBothExclusive) {
  auto query = parsed("before:2026-12-01 after:2026-11-29 x");
  EXPECT_EQ(*query.before_ms, 1796083200000);            // 2026-12-01T00:00:00Z
  EXPECT_EQ(*query.after_ms, 1795910400000 + 86400000);  // the day after 2026-11-29
  EXPECT_EQ(day_start_ms("1970-01-01"), 0);
  EXPECT_EQ(day_start_ms("2024-02-29"), 1709164800000);
  EXPECT_FALSE(day_start_ms("2023-02-29"));
  EXPECT_FALSE(day_start_ms("2026-13-01"));
  EXPECT_FALSE(day_start_ms("26-1-1"));
  EXPECT_EQ(refused("before:yesterday"), chat::Code::kInvalidArgument);
  EXPECT_EQ(refused("after:2026-12-02 before:2026-12-03"), chat::Code::kInvalidArgument);  // nothing between
}

TEST(QueryTest, Limits) {
  EXPECT_EQ(refused(std::string(kMaxQueryBytes + 1, 'a')), chat::Code::kInvalidArgument);
  std::string many;
  for (size_t i = 0; i <= kMaxTerms; ++i) many += "w" + std::to_string(i) + " ";
  EXPECT_EQ(refused(many), chat::Code::kInvalidArgument);
  std::string filters;
  for (size_t i = 0; i <= kMaxFilters; ++i) filters += "has:link ";
  EXPECT_EQ(refused(filters), chat::Code::kInvalidArgument);
  EXPECT_EQ(refused("has:pictures"), chat::Code::kInvalidArgument);
  EXPECT_EQ(refused("in:"), chat::Code::kInvalidArgument);
  EXPECT_EQ(refused("from:@"), chat::Code::kInvalidArgument);
}

TEST(QueryTest, APrefixWithCompletionsIsTheirAlternatives) {
  auto query = parsed("ship depl");
  EXPECT_EQ(text_expression(query.terms, std::vector<std::string>{"deploy", "deployed"}),
            R"({body} : ("ship" AND ("depl" OR "deploy" OR "deployed")))");
  EXPECT_EQ(plain_prefix(query.terms[1]), "depl");
  EXPECT_FALSE(plain_prefix(query.terms[0]));           // not a prefix
  EXPECT_FALSE(plain_prefix(parsed("café").terms[0]));  // left to FTS5's own folding
  EXPECT_EQ(plain_prefix(parsed("DePl").terms[0]), "depl");
}

TEST(QueryTest, WordsAreFoldedAsTheTokenizerFoldsThem) {
  EXPECT_EQ(words_of("Café, DEPLOY-ing 2nd! ünïcode"),
            (std::set<std::string>{"2nd", "cafe", "deploy", "ing", "unicode"}));
  EXPECT_TRUE(words_of(" ... ").empty());
}

TEST(QueryTest, ScopeTokensAreHexEndingInADigit) {
  EXPECT_EQ(channel_token("ab"), "c61620");
  EXPECT_EQ(author_token("dm-x"), "u646d2d780");
  EXPECT_NE(channel_token("a-b"), channel_token("ab"));
}

TEST(QueryTest, Links) {
  EXPECT_TRUE(has_link("see https://example.com/x"));
  EXPECT_TRUE(has_link("HTTP://a"));
  EXPECT_FALSE(has_link("http:// nothing"));
  EXPECT_FALSE(has_link("https://"));
  EXPECT_FALSE(has_link("no link"));
}

TEST(SnippetTest, MatchedWordsAreMarkedPartsNotHtml) {
  auto parts = split_snippet("…a \x01<b>word\x02 and \x01two\x02");
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0], (SnippetPart{"…a ", false}));
  EXPECT_EQ(parts[1], (SnippetPart{"<b>word", true}));
  EXPECT_EQ(parts[2], (SnippetPart{" and ", false}));
  EXPECT_EQ(parts[3], (SnippetPart{"two", true}));
  EXPECT_TRUE(split_snippet("").empty());
}

}  // namespace
}  // namespace townhall::search
