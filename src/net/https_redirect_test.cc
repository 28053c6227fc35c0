#include "net/https_redirect.h"

#include <gtest/gtest.h>

namespace townhall::net {
namespace {

TEST(HttpsLocation, SameHostAndTargetOverHttps) {
  EXPECT_EQ(https_location("chat.example.com", "/c/general?x=1", 443),
            "https://chat.example.com/c/general?x=1");
  EXPECT_EQ(https_location("Chat.Example.COM:80", "/", 443), "https://chat.example.com/");
  EXPECT_EQ(https_location("localhost:8080", "/api/me", 8443), "https://localhost:8443/api/me");
  EXPECT_EQ(https_location("127.0.0.1:80", "/", 8443), "https://127.0.0.1:8443/");
  EXPECT_EQ(https_location("[::1]:80", "/ws", 443), "https://[::1]/ws");
  EXPECT_EQ(https_location("[2001:DB8::1]", "/", 443), "https://[2001:db8::1]/");
  EXPECT_EQ(https_location("chat.example.com.", "/", 443), "https://chat.example.com./");
  EXPECT_EQ(https_location(" intra_net ", "/", 443), "https://intra_net/");
  // Not a path: the front page.
  EXPECT_EQ(https_location("chat.example.com", "*", 443), "https://chat.example.com/");
  EXPECT_EQ(https_location("chat.example.com", "http://elsewhere.example/x", 443),
            "https://chat.example.com/");
  // The path is the client's own: "//x" after our host is still our host.
  EXPECT_EQ(https_location("chat.example.com", "//evil.example/", 443),
            "https://chat.example.com//evil.example/");
}

TEST(HttpsLocation, RefusesHostsThatAreNotNames) {
  for (const char* host :
       {"", ":80", "evil.example/@chat.example.com", "chat.example.com@evil.example", "evil.example\\chat",
        "a b", "chat.example.com:http", "chat.example.com:123456", "::1", "[::1", "[::1]x", "[not-ip]",
        "a..b", ".a", "\xc3\xa9.example", "chat.example.com:80:80"}) {
    EXPECT_EQ(https_location(host, "/", 443), std::nullopt) << host;
  }
  EXPECT_EQ(https_location(std::string(64, 'a') + ".example", "/", 443), std::nullopt);
  EXPECT_NE(https_location(std::string(63, 'a') + ".example", "/", 443), std::nullopt);
}

}  // namespace
}  // namespace townhall::net
