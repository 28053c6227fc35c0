#include "api/router.h"

#include <gtest/gtest.h>

namespace townhall::api {
namespace {

TEST(PercentDecode, DecodesEscapesAndKeepsSlashesInsideSegments) {
  EXPECT_EQ(percent_decode("1795845067%230001", false), "1795845067#0001");
  EXPECT_EQ(percent_decode("a%2Fb", false), "a/b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("%e2%82%ac", false), "\xe2\x82\xac");
}

TEST(PercentDecode, RejectsMalformedEscapesAndNul) {
  EXPECT_FALSE(percent_decode("%", false));
  EXPECT_FALSE(percent_decode("%2", false));
  EXPECT_FALSE(percent_decode("%zz", false));
  EXPECT_FALSE(percent_decode("a%00b", false));
}

TEST(PercentEncode, RoundTrips) {
  std::string id = "1795845067#17958450670001-0000";
  EXPECT_EQ(percent_encode(id), "1795845067%2317958450670001-0000");
  EXPECT_EQ(percent_decode(percent_encode("a b/c?d"), false), "a b/c?d");
}

TEST(ParseQuery, SplitsAndDecodes) {
  auto query = parse_query("q=town+hall&cursor=abc%3D&limit=5&&flag");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->at("q"), "town hall");
  EXPECT_EQ(query->at("cursor"), "abc=");
  EXPECT_EQ(query->at("limit"), "5");
  EXPECT_EQ(query->at("flag"), "");
  EXPECT_FALSE(parse_query("q=%zz"));
}

TEST(SplitTarget, SplitsPathAndQuery) {
  auto split = split_target("/api/channels/7/messages/1%232?limit=3");
  ASSERT_TRUE(split);
  EXPECT_EQ(split->segments, (std::vector<std::string>{"api", "channels", "7", "messages", "1#2"}));
  EXPECT_EQ(split->query, "limit=3");
  EXPECT_EQ(split_target("/")->segments.size(), 0u);
  EXPECT_EQ(split_target("/api/")->segments, (std::vector<std::string>{"api", ""}));
  EXPECT_FALSE(split_target("api"));
  EXPECT_FALSE(split_target("/a%zz"));
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add("GET", "/api/channels", 1);
    router_.add("POST", "/api/channels", 2);
    router_.add("GET", "/api/channels/{id}", 3);
    router_.add("PATCH", "/api/channels/{id}/messages/{message_id}", 4);
    router_.add("DELETE", "/api/channels/{id}/messages/{message_id}", 5);
  }
  Router<int>::Match match(std::string_view method, std::string_view target) {
    return router_.match(method, split_target(target)->segments);
  }
  Router<int> router_;
};

TEST_F(RouterTest, MatchesMethodAndTemplate) {
  auto m = match("POST", "/api/channels");
  ASSERT_EQ(m.outcome, Router<int>::Outcome::kMatched);
  EXPECT_EQ(m.route->handler, 2);
  EXPECT_EQ(m.route->pattern, "/api/channels");
}

TEST_F(RouterTest, CapturesDecodedParameters) {
  auto m = match("DELETE", "/api/channels/c%2F1/messages/1795845067%23abc");
  ASSERT_EQ(m.outcome, Router<int>::Outcome::kMatched);
  EXPECT_EQ(m.route->handler, 5);
  EXPECT_EQ(m.params.at("id"), "c/1");
  EXPECT_EQ(m.params.at("message_id"), "1795845067#abc");
  EXPECT_EQ(m.route->pattern, "/api/channels/{id}/messages/{message_id}");
}

TEST_F(RouterTest, HeadFallsBackToGet) {
  auto m = match("HEAD", "/api/channels/7");
  ASSERT_EQ(m.outcome, Router<int>::Outcome::kMatched);
  EXPECT_EQ(m.route->handler, 3);
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
  EXPECT_EQ(match("GET", "/api/nope").outcome, Router<int>::Outcome::kNotFound);
  EXPECT_EQ(match("GET", "/api/channels/7/extra").outcome, Router<int>::Outcome::kNotFound);
  // An empty segment never fills a parameter.
  EXPECT_EQ(match("GET", "/api/channels/").outcome, Router<int>::Outcome::kNotFound);
}

TEST_F(RouterTest, WrongMethodListsAllowedOnes) {
  auto m = match("PUT", "/api/channels");
  EXPECT_EQ(m.outcome, Router<int>::Outcome::kMethodNotAllowed);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "POST"}));
}

}  // namespace
}  // namespace townhall::api
