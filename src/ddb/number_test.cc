#include "ddb/number.h"

#include <gtest/gtest.h>

#include "ddb/result.h"

namespace townhall::ddb {
namespace {

Number parse(std::string_view text) {
  auto n = Number::parse(text);
  EXPECT_TRUE(n.ok()) << text << ": " << (n.ok() ? "" : n.error().message);
  return n.ok() ? n.value() : Number();
}

TEST(NumberTest, NormalizesToPlainDecimal) {
  EXPECT_EQ(parse("1.0").to_string(), "1");
  EXPECT_EQ(parse("01").to_string(), "1");
  EXPECT_EQ(parse("1E0").to_string(), "1");
  EXPECT_EQ(parse("-0").to_string(), "0");
  EXPECT_EQ(parse("0.000").to_string(), "0");
  EXPECT_EQ(parse("1.5e-3").to_string(), "0.0015");
  EXPECT_EQ(parse("12.50").to_string(), "12.5");
  EXPECT_EQ(parse("1E+3").to_string(), "1000");
  EXPECT_EQ(parse("-.5").to_string(), "-0.5");
  EXPECT_EQ(parse("+7").to_string(), "7");
  EXPECT_EQ(parse("1E+125").to_string(), "1" + std::string(125, '0'));
  EXPECT_EQ(parse("1E-130").to_string(), "0." + std::string(129, '0') + "1");
}

TEST(NumberTest, RejectsWhatDynamoDBRejects) {
  for (const char* bad : {"", "abc", "1e", "1.2.3", "--1", "1 ", " 1", "0x10", "NaN", "Infinity", "1e+"}) {
    auto n = Number::parse(bad);
    ASSERT_FALSE(n.ok()) << bad;
    EXPECT_EQ(n.error().code, ErrorCode::kValidation);
  }
  EXPECT_FALSE(Number::parse("1E+126").ok());
  EXPECT_FALSE(Number::parse("1E-131").ok());
  EXPECT_FALSE(Number::parse("123456789012345678901234567890123456789").ok());  // 39 digits
  EXPECT_TRUE(Number::parse("12345678901234567890123456789012345678").ok());    // 38
  EXPECT_TRUE(Number::parse("9.9999999999999999999999999999999999999E+125").ok());
}

TEST(NumberTest, OrdersByValue) {
  std::vector<std::string> ascending = {"-1E+125", "-100", "-1.5", "-1E-130", "0",  "1E-130",
                                        "0.5",     "1",    "1.5",  "2",       "10", "1E+125"};
  for (size_t i = 0; i + 1 < ascending.size(); ++i) {
    EXPECT_LT(parse(ascending[i]), parse(ascending[i + 1])) << ascending[i] << " < " << ascending[i + 1];
  }
  EXPECT_EQ(parse("1.0"), parse("1"));
}

TEST(NumberTest, AddsAndSubtractsExactly) {
  EXPECT_EQ(parse("1").add(parse("1"))->to_string(), "2");
  EXPECT_EQ(parse("0.1").add(parse("0.2"))->to_string(), "0.3");
  EXPECT_EQ(parse("5").subtract(parse("7"))->to_string(), "-2");
  EXPECT_EQ(parse("-5").add(parse("5"))->to_string(), "0");
  EXPECT_EQ(parse("99").add(parse("1"))->to_string(), "100");
  EXPECT_EQ(parse("1E+20").subtract(parse("1"))->to_string(), std::string(20, '9'));
  EXPECT_EQ(parse("-1.25").add(parse("0.25"))->to_string(), "-1");
  EXPECT_FALSE(parse("1E+38").add(parse("1E-10")).ok());  // would need 49 digits
  EXPECT_EQ(Number::from_int(INT64_MIN).to_string(), "-9223372036854775808");
  EXPECT_EQ(parse("123").to_int64(), 123);
  EXPECT_EQ(parse("1.5").to_int64(), std::nullopt);
}

}  // namespace
}  // namespace townhall::ddb
