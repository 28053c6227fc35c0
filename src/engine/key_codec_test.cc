#include "engine/key_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "ddb/result.h"

namespace townhall::engine {
namespace {

using ddb::AttributeValue;
using ddb::Number;

Number num(std::string_view text) {
  auto n = Number::parse(text);
  EXPECT_TRUE(n.ok()) << text;
  return n.ok() ? n.value() : Number();
}

std::string enc(const AttributeValue& v) {
  std::string out;
  keys::append_key_value(out, v);
  return out;
}

// DynamoDB's order for values of one key type.
bool ddb_less(const AttributeValue& a, const AttributeValue& b) {
  switch (a.type()) {
    case ddb::AttributeType::kN:
      return a.as_number() < b.as_number();
    case ddb::AttributeType::kS:
      return a.as_string() < b.as_string();  // unsigned bytes, as UTF-8 order
    default:
      return a.as_binary() < b.as_binary();
  }
}

void expect_order_matches(std::vector<AttributeValue> values) {
  // Pairs, to check that the encoding is also ordered as the first part of a
  // composite key (partition key then sort key).
  for (size_t i = 0; i < values.size(); ++i) {
    for (size_t j = 0; j < values.size(); ++j) {
      bool less = ddb_less(values[i], values[j]);
      bool greater = ddb_less(values[j], values[i]);
      std::string a = enc(values[i]), b = enc(values[j]);
      ASSERT_EQ(less, a < b) << debug_string(values[i]) << " vs " << debug_string(values[j]);
      ASSERT_EQ(!less && !greater, a == b) << debug_string(values[i]) << " vs " << debug_string(values[j]);
      // Followed by another key part the order must not change.
      if (less) {
        ASSERT_LT(a + "\xff\xff", b + std::string(1, '\0'));
      }
    }
  }
}

TEST(KeyCodecTest, NumbersAcrossTheWholeRange) {
  std::vector<std::string> ascending = {
      "-9.9999999999999999999999999999999999999E+125",
      "-1E+125",
      "-123456789012345678901234567890123456.78",
      "-100",
      "-12.5",
      "-12",
      "-1.5",
      "-1",
      "-0.11",
      "-0.1",
      "-1E-129",
      "-1E-130",
      "0",
      "1E-130",
      "1.5E-130",
      "1E-129",
      "0.1",
      "0.11",
      "1",
      "1.05",
      "1.5",
      "2",
      "10",
      "12",
      "12.5",
      "99",
      "100",
      "101",
      "1E+125",
      "9.9999999999999999999999999999999999999E+125",
  };
  for (size_t i = 0; i + 1 < ascending.size(); ++i) {
    EXPECT_LT(enc(AttributeValue::N(num(ascending[i]))), enc(AttributeValue::N(num(ascending[i + 1]))))
        << ascending[i] << " < " << ascending[i + 1];
  }
  EXPECT_EQ(enc(AttributeValue::N(num("1.0"))), enc(AttributeValue::N(num("1"))));
  EXPECT_EQ(enc(AttributeValue::N(num("-0"))), enc(AttributeValue::N(num("0"))));
}

TEST(KeyCodecTest, StringsWithZeroBytesAndPrefixes) {
  std::vector<std::string> ascending = {"",
                                        std::string(1, '\0'),
                                        std::string("\0\0", 2),
                                        std::string("\0\x01", 2),
                                        "\x01",
                                        "a",
                                        std::string("a\0", 2),
                                        std::string("a\0b", 3),
                                        "a\x01",
                                        "ab",
                                        "b",
                                        "\x7f",
                                        "\x80",
                                        "\xc3\xa9",
                                        "\xff",
                                        "\xff\xff"};
  for (size_t i = 0; i + 1 < ascending.size(); ++i) {
    EXPECT_LT(enc(AttributeValue::S(ascending[i])), enc(AttributeValue::S(ascending[i + 1]))) << i;
    EXPECT_LT(enc(AttributeValue::B(ascending[i])), enc(AttributeValue::B(ascending[i + 1]))) << i;
  }
}

TEST(KeyCodecTest, BeginsWithIsAPrefixRange) {
  std::vector<std::string> values = {
      "",    "a",  std::string("a\0", 2), "ab", "abc", std::string("ab\0c", 4), "b", "MSG#1", "MSG#",
      "MSG", "MSH"};
  for (const auto& prefix : values) {
    std::string encoded_prefix;
    keys::append_bytes_prefix(encoded_prefix, prefix);
    std::string end = encoded_prefix.empty() ? std::string() : keys::prefix_successor(encoded_prefix);
    for (const auto& value : values) {
      std::string e = enc(AttributeValue::S(value));
      bool in_range = e.starts_with(encoded_prefix);
      EXPECT_EQ(value.starts_with(prefix), in_range) << "prefix " << prefix << " value " << value;
      if (!end.empty()) {
        EXPECT_EQ(in_range, e >= encoded_prefix && e < end);
      }
    }
  }
}

TEST(KeyCodecTest, RandomValuesSortLikeDynamoDB) {
  std::mt19937_64 rng(12345);
  std::vector<AttributeValue> numbers, strings;
  for (int i = 0; i < 300; ++i) {
    std::string text;
    if (rng() % 2) text.push_back('-');
    int digits = 1 + static_cast<int>(rng() % 38);
    for (int d = 0; d < digits; ++d) text.push_back(static_cast<char>('0' + rng() % 10));
    text += "E" + std::to_string(static_cast<int>(rng() % 240) - 120);
    auto n = Number::parse(text);
    if (n.ok()) numbers.push_back(AttributeValue::N(n.value()));
    std::string s;
    int len = static_cast<int>(rng() % 6);
    for (int c = 0; c < len; ++c)
      s.push_back(
          "\0\x01\xff"
          "ab"[rng() % 5]);
    strings.push_back(AttributeValue::S(s));
  }
  numbers.push_back(AttributeValue::N(Number()));
  expect_order_matches(numbers);
  expect_order_matches(strings);
}

TEST(KeyCodecTest, PrefixSuccessor) {
  EXPECT_EQ(keys::prefix_successor("ab"), "ac");
  EXPECT_EQ(keys::prefix_successor(std::string("a\xff\xff")), "b");
  EXPECT_LT(keys::index_prefix(1, 65535), keys::table_prefix(2));
  EXPECT_EQ(keys::prefix_successor(keys::table_prefix(1)), keys::table_prefix(2));
}

}  // namespace
}  // namespace townhall::engine
