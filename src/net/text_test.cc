#include <gtest/gtest.h>

#include "net/content_type.h"
#include "net/crc32.h"
#include "net/text.h"

namespace townhall::net {
namespace {

TEST(Text, CaseInsensitiveAsciiOnly) {
  EXPECT_TRUE(iequals("X-Amz-Target", "x-amz-target"));
  EXPECT_FALSE(iequals("x-amz-target", "x-amz-targe"));
  EXPECT_FALSE(iequals("\xc3\x84", "\xc3\xa4"));  // Ä and ä: not ASCII, not folded
  EXPECT_TRUE(istarts_with("Bearer abc", "bearer "));
  EXPECT_EQ(trim(" \t value \t"), "value");
  EXPECT_EQ(trim("   "), "");
}

TEST(Crc32, MatchesTheStandardCheckValues) {
  EXPECT_EQ(crc32(""), 0u);
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);  // the CRC-32/ISO-HDLC check value
  EXPECT_EQ(crc32("{}"), 2745614147u);         // zlib.crc32(b"{}")
}

TEST(ContentType, ByExtension) {
  EXPECT_EQ(content_type_for("/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("/js/main.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("/favicon.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("/blob"), "application/octet-stream");
}

}  // namespace
}  // namespace townhall::net
