#include "engine/item_codec.h"

#include <gtest/gtest.h>

#include <random>

#include "ddb/json_codec.h"

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

// A random value of any type, nested up to depth levels.
AttributeValue random_value(std::mt19937& rng, int depth) {
  auto text = [&] {
    static const std::string alphabet = "ab\"\\\n\x01\xc3\xa9\xff z0";
    std::string s;
    for (int i = rng() % 6; i > 0; --i) s.push_back(alphabet[rng() % alphabet.size()]);
    return s;
  };
  auto number = [&] {
    static const char* numbers[] = {"0",      "1",      "-1",      "12.5",
                                    "-0.001", "1E+125", "-1E-130", "123456789012345678901234567890.12345678",
                                    "100",    "7E+3",   "0.5"};
    return num(numbers[rng() % std::size(numbers)]);
  };
  switch (rng() % (depth > 0 ? 11 : 9)) {
    case 0:
      return AttributeValue::S(text());
    case 1:
      return AttributeValue::N(number());
    case 2:
      return AttributeValue::B(text());
    case 3:
      return AttributeValue::BOOL(rng() % 2);
    case 4:
      return AttributeValue::NUL();
    case 5:
      return AttributeValue::SS({text() + "1", text() + "2"});
    case 6:
      return AttributeValue::NS({number(), num("42")});
    case 7:
      return AttributeValue::BS({text() + "x"});
    case 8:
      return AttributeValue::S(std::string(300, 'p'));
    case 9: {
      ddb::List list;
      for (int i = rng() % 4; i > 0; --i) list.push_back(random_value(rng, depth - 1));
      return AttributeValue::L(std::move(list));
    }
    default: {
      AttributeMap map;
      for (int i = rng() % 4; i > 0; --i) map[text()] = random_value(rng, depth - 1);
      return AttributeValue::M(std::move(map));
    }
  }
}

// The transcoder writes what the JSON codec writes for the decoded item, and
// DynamoDB's size of it.
TEST(ItemCodecTest, AppendItemJsonMatchesTheCodec) {
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    AttributeMap item;
    for (int i = rng() % 8; i > 0; --i) item["a" + std::to_string(rng() % 20)] = random_value(rng, 3);
    std::string bytes = encode_item(item);
    std::string json = "prefix";
    size_t size = 5;
    ASSERT_TRUE(append_item_json(bytes, json, size)) << round;
    EXPECT_EQ(json, "prefix" + ddb::encode_attribute_map_json(item)) << round;
    EXPECT_EQ(size, 5 + ddb::item_size_bytes(item)) << round;
  }
}

// Damaged encodings (bytes flipped, cut, inserted): the transcoder never
// reads out of bounds (ASan checks this), and whenever the bytes are a
// canonical encoding (what encode_item writes for what decode_item reads) it
// agrees with the codec.
TEST(ItemCodecTest, AppendItemJsonOnDamagedBytes) {
  std::mt19937 rng(11);
  int canonical = 0;
  for (int round = 0; round < 20000; ++round) {
    AttributeMap item;
    for (int i = rng() % 5; i > 0; --i) item["a" + std::to_string(rng() % 9)] = random_value(rng, 2);
    std::string bytes = encode_item(item);
    switch (rng() % 3) {
      case 0:
        bytes[rng() % bytes.size()] = static_cast<char>(rng());
        break;
      case 1:
        bytes.resize(rng() % bytes.size());
        break;
      default:
        bytes.insert(bytes.begin() + rng() % bytes.size(), static_cast<char>(rng()));
    }
    std::string json;
    size_t size = 0;
    bool transcoded = append_item_json(bytes, json, size);
    auto decoded = decode_item(bytes);
    if (decoded.ok() && encode_item(*decoded) == bytes) {
      ++canonical;
      ASSERT_TRUE(transcoded) << round;
      EXPECT_EQ(json, ddb::encode_attribute_map_json(*decoded)) << round;
      EXPECT_EQ(size, ddb::item_size_bytes(*decoded)) << round;
    }
  }
  EXPECT_GT(canonical, 100);  // the property was exercised
}

TEST(ItemCodecTest, AppendItemJsonRejectsTruncatedAndCorruptBytes) {
  AttributeMap item{{"a", AttributeValue::S("hello")},
                    {"n", AttributeValue::N(7)},
                    {"l", AttributeValue::L({AttributeValue::NS({num("1")})})}};
  std::string bytes = encode_item(item);
  std::string json;
  size_t size = 0;
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_FALSE(append_item_json(std::string_view(bytes).substr(0, cut), json, size)) << cut;
  }
  EXPECT_FALSE(append_item_json(bytes + "x", json, size));
  std::string bad = bytes;
  bad[0] = 99;
  EXPECT_FALSE(append_item_json(bad, json, size));
}

}  // namespace
}  // namespace townhall::engine
