#include "engine/item_codec.h"

#include <gtest/gtest.h>

namespace townhall::engine {
namespace {

using ddb::AttributeMap;
using ddb::AttributeValue;

ddb::Number num(std::string_view text) { return ddb::Number::parse(text).value(); }

TEST(ItemCodecTest, RoundTripsEveryType) {
  AttributeMap nested{{"x", AttributeValue::N(num("-1.5E-100"))}, {"y", AttributeValue::L({})}};
  AttributeMap item{
      {"S", AttributeValue::S(std::string("h\0llo", 5))},
      {"N", AttributeValue::N(num("12345678901234567890123456789012345678E+88"))},
      {"Zero", AttributeValue::N(num("0"))},
      {"Neg", AttributeValue::N(num("-0.001"))},
      {"B", AttributeValue::B(std::string("\x00\xff\x10", 3))},
      {"T", AttributeValue::BOOL(true)},
      {"F", AttributeValue::BOOL(false)},
      {"Null", AttributeValue::NUL()},
      {"L", AttributeValue::L({AttributeValue::S("a"), AttributeValue::N(1), AttributeValue::M(nested)})},
      {"M", AttributeValue::M(nested)},
      {"SS", AttributeValue::SS({"b", "a", ""})},
      {"NS", AttributeValue::NS({num("1"), num("-1E+125"), num("1E-130")})},
      {"BS", AttributeValue::BS({std::string("\0", 1), "z"})},
      {"", AttributeValue::S("")},
  };
  auto decoded = decode_item(encode_item(item));
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
  EXPECT_EQ(*decoded, item) << debug_string(*decoded);
  EXPECT_TRUE(decode_item(encode_item(AttributeMap{})).ok());
}

TEST(ItemCodecTest, DeepNestingRoundTrips) {
  AttributeValue v = AttributeValue::S("leaf");
  for (int i = 0; i < 31; ++i) v = AttributeValue::L({v});
  AttributeMap item{{"deep", v}};
  auto decoded = decode_item(encode_item(item));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, item);
}

TEST(ItemCodecTest, RejectsTruncatedAndCorruptBytes) {
  AttributeMap item{{"a", AttributeValue::S("hello")}, {"n", AttributeValue::N(7)}};
  std::string bytes = encode_item(item);
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(decode_item(std::string_view(bytes).substr(0, cut)).ok()) << cut;
  }
  std::string bad = bytes;
  bad[0] = 99;
  EXPECT_FALSE(decode_item(bad).ok());
  EXPECT_FALSE(decode_item(bytes + "x").ok());
}

}  // namespace
}  // namespace townhall::engine
