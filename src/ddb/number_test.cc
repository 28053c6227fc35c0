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

// The message of the error Number::parse gives for text (which must fail).
std::string parse_error(std::string_view text) {
  auto n = Number::parse(text);
  if (n.ok()) return "parsed as " + n->to_string();
  EXPECT_EQ(n.error().code, ErrorCode::kValidation) << text;
  return n.error().message;
}

const std::string kMaxText = "9.9999999999999999999999999999999999999E+125";

TEST(NumberTest, NormalizesToPlainDecimal) {
  EXPECT_EQ(parse("1.0").to_string(), "1");
  EXPECT_EQ(parse("01").to_string(), "1");
  EXPECT_EQ(parse("1E0").to_string(), "1");
  EXPECT_EQ(parse("-0").to_string(), "0");
  EXPECT_EQ(parse("-0.0E7").to_string(), "0");
  EXPECT_EQ(parse("0.000").to_string(), "0");
  EXPECT_EQ(parse("1.5e-3").to_string(), "0.0015");
  EXPECT_EQ(parse("12.50").to_string(), "12.5");
  EXPECT_EQ(parse("1E+3").to_string(), "1000");
  EXPECT_EQ(parse("-.5").to_string(), "-0.5");
  EXPECT_EQ(parse("5.").to_string(), "5");
  EXPECT_EQ(parse("+7").to_string(), "7");
  EXPECT_EQ(parse("0.012").to_string(), "0.012");
  EXPECT_EQ(parse("120.50").to_string(), "120.5");
  EXPECT_EQ(parse("1E+125").to_string(), "1" + std::string(125, '0'));
  EXPECT_EQ(parse("1E-130").to_string(), "0." + std::string(129, '0') + "1");
  // What DynamoDB answers for the values dynalite stores in its "really long
  // numbers" test.
  EXPECT_EQ(parse("0000012345678901234567890123456789012345678").to_string(),
            "12345678901234567890123456789012345678");
  EXPECT_EQ(parse("-00001.23456789012345678901234567890123456780000").to_string(),
            "-1.2345678901234567890123456789012345678");
  EXPECT_EQ(parse("0009.99999999999999999999999999999999999990000e125").to_string(),
            std::string(38, '9') + std::string(88, '0'));
  EXPECT_EQ(parse("-0001.000e-130").to_string(), "-0." + std::string(129, '0') + "1");
  // Many leading zeros are not significant digits.
  EXPECT_EQ(parse("0." + std::string(5000, '0') + "1E+5000").to_string(), "0.1");
  EXPECT_EQ(parse("1" + std::string(100, '0')).to_string(), "1" + std::string(100, '0'));
}

TEST(NumberTest, KeepsDigitsAndExponent) {
  Number n = parse("-120.50");
  EXPECT_TRUE(n.is_negative());
  EXPECT_EQ(n.digits(), "1205");
  EXPECT_EQ(n.exponent(), 3);
  EXPECT_TRUE(parse("0").is_zero());
  EXPECT_FALSE(parse("-0").is_negative());
  EXPECT_EQ(parse("-0"), Number());
}

TEST(NumberTest, RejectsWhatDynamoDBRejectsWithItsMessages) {
  // DynamoDB echoes the text after a colon; DynamoDB Local says "A value
  // provided cannot be converted into a number" instead.
  EXPECT_EQ(parse_error(""), "The parameter cannot be converted to a numeric value");
  for (const char* bad : {"abc", "1e", "1.2.3", "--1", "1 ", " 1", "0x10", "NaN", "Infinity", "1e+", ".", "-",
                          "e5", "1e5.5", "1,5", "١"}) {
    EXPECT_EQ(parse_error(bad), std::string("The parameter cannot be converted to a numeric value: ") + bad);
  }
  const std::string overflow =
      "Number overflow. Attempting to store a number with magnitude larger than supported range";
  const std::string underflow =
      "Number underflow. Attempting to store a number with magnitude smaller than supported range";
  const std::string precision = "Attempting to store more than 38 significant digits in a Number";
  EXPECT_EQ(parse_error("1E+126"), overflow);
  EXPECT_EQ(parse_error("-1E+126"), overflow);
  EXPECT_EQ(parse_error("1" + std::string(126, '0')), overflow);
  EXPECT_EQ(parse_error("1E+999999999999999999999"), overflow);
  EXPECT_EQ(parse_error("1E-131"), underflow);
  EXPECT_EQ(parse_error("-1E-131"), underflow);
  EXPECT_EQ(parse_error("0.99E-130"), underflow);
  EXPECT_EQ(parse_error("1E-999999999999999999999"), underflow);
  EXPECT_EQ(parse_error("123456789012345678901234567890123456789"), precision);  // 39 digits
  EXPECT_EQ(parse_error("-1.23456789012345678901234567890123456789"), precision);
  // Trailing and leading zeros do not count.
  EXPECT_TRUE(Number::parse("12345678901234567890123456789012345678").ok());
  EXPECT_TRUE(Number::parse("00012345678901234567890123456789012345678000").ok());
  EXPECT_TRUE(Number::parse(kMaxText).ok());
  EXPECT_TRUE(Number::parse("-" + kMaxText).ok());
  EXPECT_TRUE(Number::parse("1E-130").ok());
  EXPECT_TRUE(Number::parse("1E+125").ok());
}

TEST(NumberTest, OrdersByValue) {
  std::vector<std::string> ascending = {"-" + kMaxText, "-1E+125", "-100",   "-1.5",   "-1",    "-0.5",
                                        "-1E-130",      "0",       "1E-130", "2E-130", "0.5",   "1",
                                        "1.5",          "2",       "10",     "1E+125", kMaxText};
  for (size_t i = 0; i + 1 < ascending.size(); ++i) {
    EXPECT_LT(parse(ascending[i]), parse(ascending[i + 1])) << ascending[i] << " < " << ascending[i + 1];
    EXPECT_GT(parse(ascending[i + 1]), parse(ascending[i])) << ascending[i + 1] << " > " << ascending[i];
  }
  EXPECT_EQ(parse("1.0"), parse("1"));
  EXPECT_EQ(parse("-0"), parse("0"));
  EXPECT_EQ(parse("100"), parse("1E2"));
  EXPECT_EQ(parse("0.001") <=> parse("1E-3"), std::strong_ordering::equal);
}

TEST(NumberTest, AddsAndSubtractsExactly) {
  EXPECT_EQ(parse("1").add(parse("1"))->to_string(), "2");
  EXPECT_EQ(parse("0.1").add(parse("0.2"))->to_string(), "0.3");
  EXPECT_EQ(parse("5").subtract(parse("7"))->to_string(), "-2");
  EXPECT_EQ(parse("-5").add(parse("5"))->to_string(), "0");
  EXPECT_EQ(parse("99").add(parse("1"))->to_string(), "100");
  EXPECT_EQ(parse("1E+20").subtract(parse("1"))->to_string(), std::string(20, '9'));
  EXPECT_EQ(parse("-1.25").add(parse("0.25"))->to_string(), "-1");
  EXPECT_EQ(parse("0").subtract(parse("3.5"))->to_string(), "-3.5");
  EXPECT_EQ(parse("3.5").subtract(parse("0"))->to_string(), "3.5");
  EXPECT_EQ(parse("-2").subtract(parse("-2"))->to_string(), "0");
  EXPECT_EQ(parse("1E-130").subtract(parse("1E-130"))->to_string(), "0");
  EXPECT_EQ(parse("-1E+125").add(parse("1E+125"))->to_string(), "0");
  // A 38-digit carry that stays within 38 digits (trailing zero dropped).
  EXPECT_EQ(parse("99999999999999999999999999999999999999").add(parse("1"))->to_string(),
            "1" + std::string(38, '0'));
  // Cancellation down to the smallest magnitude.
  EXPECT_EQ(parse("1.0000000000000000000000000000000000001E-93").subtract(parse("1E-93"))->to_string(),
            "0." + std::string(129, '0') + "1");
  EXPECT_EQ(Number::from_int(INT64_MIN).to_string(), "-9223372036854775808");
  EXPECT_EQ(Number::from_int(INT64_MAX).to_string(), "9223372036854775807");
  EXPECT_EQ(parse("123").to_int64(), 123);
  EXPECT_EQ(parse("-9223372036854775808").to_int64(), INT64_MIN);
  EXPECT_EQ(parse("9223372036854775808").to_int64(), std::nullopt);
  EXPECT_EQ(parse("1E+19").to_int64(), std::nullopt);
  EXPECT_EQ(parse("1E+18").to_int64(), 1000000000000000000);
  EXPECT_EQ(parse("1.5").to_int64(), std::nullopt);
}

TEST(NumberTest, ArithmeticFailsOutsideDynamoDBsRange) {
  auto message = [](Result<Number> r) { return r.ok() ? "ok: " + r->to_string() : r.error().message; };
  const std::string precision = "Attempting to store more than 38 significant digits in a Number";
  EXPECT_EQ(message(parse("1E+38").add(parse("1E-10"))), precision);  // would need 49 digits
  EXPECT_EQ(message(parse("1E+125").add(parse("1E-130"))), precision);
  EXPECT_EQ(message(parse("12345678901234567890123456789012345678").add(parse("0.1"))), precision);
  // Too many digits and too large: like DynamoDB Local, precision is reported.
  EXPECT_EQ(message(parse("-" + kMaxText).subtract(parse(kMaxText))), precision);
  EXPECT_EQ(message(parse(kMaxText).add(parse("1E+88"))),
            "Number overflow. Attempting to store a number with magnitude larger than supported range");
  EXPECT_EQ(message(parse("-5E+125").subtract(parse("5E+125"))),
            "Number overflow. Attempting to store a number with magnitude larger than supported range");
  EXPECT_EQ(message(parse("2E-130").subtract(parse("1.5E-130"))),
            "Number underflow. Attempting to store a number with magnitude smaller than supported range");
}

TEST(NumberTest, SizeFollowsDynamoDB) {
  // Each value measured against DynamoDB Local's 400 KB item limit (the
  // largest filler string that still fits next to the number).
  struct Case {
    const char* text;
    size_t size;
  };
  for (auto [text, size] :
       std::initializer_list<Case>{{"0", 1},
                                   {"1", 2},
                                   {"12", 2},
                                   {"1.2", 3},
                                   {"123", 3},
                                   {"1000", 2},
                                   {"12.5", 3},
                                   {"-1", 3},
                                   {"-12", 3},
                                   {"0.1", 2},
                                   {"0.01", 2},
                                   {"0.12", 2},
                                   {"0.012", 3},
                                   {"-0.012", 4},
                                   {"1E+125", 2},
                                   {"1E-130", 2},
                                   {"12345678901234567890123456789012345678", 20},
                                   {"-12345678901234567890123456789012345678", 21},
                                   {"9.9999999999999999999999999999999999999E+125", 20}}) {
    EXPECT_EQ(parse(text).size_bytes(), size) << text;
  }
}

// The engine stores a number as its parts; from_parts rebuilds exactly the
// number they came from and refuses parts no Number has.
TEST(NumberTest, FromPartsRoundTripsAndRejectsDenormalizedParts) {
  for (const char* text :
       {"0", "1", "-1", "12.5", "-0.001", "1E+125", "-1E-130", "12345678901234567890123456789012345678"}) {
    Number n = Number::parse(text).value();
    auto rebuilt = Number::from_parts(n.is_negative(), n.exponent(), n.digits());
    ASSERT_TRUE(rebuilt) << text;
    EXPECT_EQ(*rebuilt, n) << text;
    std::string appended;
    Number::append_parts(appended, n.is_negative(), n.exponent(), n.digits());
    EXPECT_EQ(appended, n.to_string()) << text;
    EXPECT_EQ(Number::size_bytes_of(n.is_negative(), n.exponent(), n.digits().size()), n.size_bytes());
  }
  EXPECT_FALSE(Number::from_parts(false, 1, "01"));    // leading zero
  EXPECT_FALSE(Number::from_parts(false, 1, "10"));    // trailing zero
  EXPECT_FALSE(Number::from_parts(false, 1, "1a"));    // not a digit
  EXPECT_FALSE(Number::from_parts(false, 127, "1"));   // above 1E+126
  EXPECT_FALSE(Number::from_parts(false, -130, "1"));  // below 1E-130
  EXPECT_FALSE(Number::from_parts(false, 1, std::string(39, '1')));
  EXPECT_TRUE(Number::from_parts(true, 5, "")->is_zero());
}

}  // namespace
}  // namespace townhall::ddb
