#include "ddb/base64.h"

#include <gtest/gtest.h>

namespace townhall::ddb {
namespace {

TEST(Base64Test, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(std::string("\xff\xfe\x00\x01", 4)), "//4AAQ==");
  std::string out = "prefix:";
  base64_encode_append("foo", out);
  EXPECT_EQ(out, "prefix:Zm9v");
}

TEST(Base64Test, RoundTripsEveryByteAndLength) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t length = 0; length <= all.size(); ++length) {
    std::string bytes = all.substr(all.size() - length);
    std::string decoded = "garbage";
    ASSERT_TRUE(base64_decode(base64_encode(bytes), decoded)) << length;
    EXPECT_EQ(decoded, bytes);
  }
}

TEST(Base64Test, RejectsWithDynamoDBsReasons) {
  auto why = [](std::string_view text) {
    std::string bytes;
    auto reason = base64_decode_checked(text, bytes);
    return reason ? *reason : "valid";
  };
  EXPECT_EQ(why("Zm9v"), "valid");
  EXPECT_EQ(why(""), "valid");
  EXPECT_EQ(why("23456"), "Base64 encoded length is expected a multiple of 4 bytes but found: 5");
  EXPECT_EQ(why("Zm9"), "Base64 encoded length is expected a multiple of 4 bytes but found: 3");
  EXPECT_EQ(why("Zm9v\n"), "Base64 encoded length is expected a multiple of 4 bytes but found: 5");
  // Bits left over in the last character: only one encoding of a byte string is valid.
  EXPECT_EQ(why("AB=="), "Invalid last non-pad Base64 character dectected");
  EXPECT_EQ(why("+/+="), "Invalid last non-pad Base64 character dectected");
  EXPECT_EQ(why("AAB="), "Invalid last non-pad Base64 character dectected");
  EXPECT_EQ(why("=+/="), "Invalid Base64 character: '='");
  EXPECT_EQ(why("A==="), "Invalid Base64 character: '='");
  EXPECT_EQ(why("===="), "Invalid Base64 character: '='");
  EXPECT_EQ(why("AA=A"), "Invalid Base64 character: '='");
  EXPECT_EQ(why("Zm9v!!!!"), "Invalid Base64 character: '!'");
  EXPECT_EQ(why("Zm 9"), "Invalid Base64 character: ' '");
  EXPECT_EQ(why("Zm-_"), "Invalid Base64 character: '-'");  // the URL alphabet is not base64 here
  std::string bytes;
  EXPECT_FALSE(base64_decode("Zm9", bytes));
  EXPECT_TRUE(base64_decode("Zm8=", bytes));
  EXPECT_EQ(bytes, "fo");
}

}  // namespace
}  // namespace townhall::ddb
