#include "api/auth.h"

#include <gtest/gtest.h>

namespace townhall::api {
namespace {

ApiRequest request(std::string method, std::string authorization, std::string cookie, std::string csrf = {}) {
  ApiRequest r;
  r.method = std::move(method);
  r.authorization = std::move(authorization);
  r.cookie = std::move(cookie);
  r.csrf_token = std::move(csrf);
  return r;
}

TEST(CookieValue, FindsNamedCookie) {
  EXPECT_EQ(cookie_value("a=1; th_session=tok; th_csrf=c", "th_session"), "tok");
  EXPECT_EQ(cookie_value("th_session=\"quoted\"", "th_session"), "quoted");
  EXPECT_EQ(cookie_value("xth_session=no", "th_session"), "");
  EXPECT_EQ(cookie_value("", "th_session"), "");
}

TEST(Credentials, BearerWinsOverCookie) {
  auto bearer = credentials_of(request("GET", "Bearer abc", "th_session=def"));
  EXPECT_EQ(bearer.source, Credentials::Source::kBearer);
  EXPECT_EQ(bearer.token, "abc");
  auto lower = credentials_of(request("GET", "bearer  xyz ", ""));
  EXPECT_EQ(lower.token, "xyz");
  auto cookie = credentials_of(request("GET", "", "th_session=def"));
  EXPECT_EQ(cookie.source, Credentials::Source::kCookie);
  EXPECT_EQ(cookie.token, "def");
  EXPECT_EQ(credentials_of(request("GET", "Basic abc", "")).source, Credentials::Source::kNone);
}

TEST(Csrf, CookieAuthenticatedUnsafeRequestsMustEchoTheToken) {
  std::string cookies = "th_session=s; th_csrf=secret";
  auto check = [&](std::string method, std::string authorization, std::string csrf) {
    auto r = request(std::move(method), std::move(authorization), cookies, std::move(csrf));
    return csrf_ok(r, credentials_of(r));
  };
  EXPECT_TRUE(check("GET", "", ""));           // safe method
  EXPECT_FALSE(check("POST", "", ""));         // no header
  EXPECT_FALSE(check("DELETE", "", "wrong"));  // wrong value
  EXPECT_FALSE(check("PATCH", "", "secre"));   // prefix is not enough
  EXPECT_TRUE(check("POST", "", "secret"));    // echoed
  EXPECT_TRUE(check("POST", "Bearer t", ""));  // bearer requests carry no ambient authority
  auto no_csrf_cookie = request("POST", "", "th_session=s", "");
  EXPECT_FALSE(csrf_ok(no_csrf_cookie, credentials_of(no_csrf_cookie)));  // empty == empty is not a match
}

TEST(Cookies, Flags) {
  std::string session = session_cookie("tok", 60, {});
  EXPECT_EQ(session, "th_session=tok; Path=/; Max-Age=60; SameSite=Strict; HttpOnly");
  EXPECT_NE(session_cookie("tok", 60, {true}).find("; Secure"), std::string::npos);
  EXPECT_EQ(csrf_cookie("c", 60, {}).find("HttpOnly"), std::string::npos);
  EXPECT_NE(expired_session_cookie({}).find("Max-Age=0"), std::string::npos);
  std::string a = new_csrf_token(), b = new_csrf_token();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b);
}

TEST(SessionCache, ExpiresAndForgets) {
  SessionCache cache(std::chrono::seconds(30));
  auto now = SessionCache::Clock::now();
  chat::Session alice{"", {"12", "Alice", "alice@mail.com", 0}, 0};
  EXPECT_FALSE(cache.find("t", now));
  cache.insert("t", alice, now);
  ASSERT_TRUE(cache.find("t", now + std::chrono::seconds(29)));
  EXPECT_EQ(cache.find("t", now)->user.id, "12");
  EXPECT_FALSE(cache.find("t", now + std::chrono::seconds(30)));
  cache.insert("t", alice, now);
  cache.erase("t");
  EXPECT_FALSE(cache.find("t", now));
}

TEST(SessionCache, AnExpiringSessionLeavesWhenItExpires) {
  SessionCache cache(std::chrono::seconds(30));
  auto now = SessionCache::Clock::now();
  chat::Session alice{"", {"12", "Alice", "alice@mail.com", 0}, 0};
  cache.insert("t", alice, now, std::chrono::seconds(5));
  EXPECT_TRUE(cache.find("t", now + std::chrono::seconds(4)));
  EXPECT_FALSE(cache.find("t", now + std::chrono::seconds(5)));
  cache.insert("expired", alice, now, std::chrono::seconds(-1));
  EXPECT_FALSE(cache.find("expired", now));
  EXPECT_EQ(cache.size(), 0u);
}

TEST(SessionCache, ForgetsEverySessionOfOneUser) {
  SessionCache cache(std::chrono::seconds(30));
  chat::Session bob, ann;
  bob.user.id = "bob";
  ann.user.id = "ann";
  cache.insert("h1", bob);
  cache.insert("h2", bob);
  cache.insert("h3", ann);
  cache.erase_user("bob");
  EXPECT_FALSE(cache.find("h1"));
  EXPECT_FALSE(cache.find("h2"));
  EXPECT_TRUE(cache.find("h3"));
}

TEST(SessionCache, StaysBounded) {
  SessionCache cache(std::chrono::seconds(30), 10);
  auto now = SessionCache::Clock::now();
  for (int i = 0; i < 25; ++i) cache.insert("t" + std::to_string(i), chat::Session{}, now);
  EXPECT_LE(cache.size(), 10u);
  SessionCache disabled(std::chrono::milliseconds(0));
  disabled.insert("t", chat::Session{}, now);
  cache.clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(disabled.find("t", now));
}

}  // namespace
}  // namespace townhall::api
