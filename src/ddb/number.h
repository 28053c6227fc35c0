// Number: a DynamoDB number, exact. Up to 38 significant digits, magnitudes
// from 1E-130 to 9.9999999999999999999999999999999999999E+125, normalized so
// that "1.0", "01" and "1E0" are the same number and print as "1".
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace townhall::ddb {

struct Error;
template <class T, class E>
class Result;

class Number {
 public:
  static constexpr int kMaxDigits = 38;

  Number() = default;  // zero
  // Parses DynamoDB's number syntax ("-12.5", "1E+3", ".5"). Fails with the
  // ValidationException DynamoDB gives for syntax, precision and range.
  static Result<Number, Error> parse(std::string_view text);
  static Number from_int(int64_t value);
  // The number 0.<digits> x 10^exponent from parts already normalized, as
  // digits() and exponent() give them (the engine's stored form); nullopt
  // when they are not (no leading or trailing zeros, at most 38 digits, in
  // range).
  static std::optional<Number> from_parts(bool negative, int exponent, std::string_view digits);
  // Whether from_parts accepts these parts (checked without building a Number).
  static bool valid_parts(int exponent, std::string_view digits);

  // Canonical text: plain decimal notation, no exponent, no trailing zeros.
  std::string to_string() const;
  // Appends to_string() to out (the wire codec writes numbers without a temporary).
  void append_to(std::string& out) const { append_parts(out, negative_, exponent_, digits_); }
  // The same for a number given by its parts, without building a Number.
  static void append_parts(std::string& out, bool negative, int exponent, std::string_view digits);

  bool is_zero() const { return digits_.empty(); }
  bool is_negative() const { return negative_; }
  // value = 0.<digits> x 10^exponent, digits without leading or trailing zeros.
  const std::string& digits() const { return digits_; }
  int exponent() const { return exponent_; }

  // The value as an integer, if it is one and fits.
  std::optional<int64_t> to_int64() const;

  // Exact sum and difference; fail when the result leaves DynamoDB's range or precision.
  Result<Number, Error> add(const Number& other) const;
  Result<Number, Error> subtract(const Number& other) const;

  // DynamoDB's size of a number value (toward the 400 KB item limit): one byte
  // of exponent, one per pair of digits when the digits are grouped in pairs
  // around the decimal point (so 12 takes one pair, 1.2 two), and one more
  // for a negative number. Zero is one byte. Measured against DynamoDB Local's
  // item size limit; dynalite uses the same rule.
  size_t size_bytes() const { return size_bytes_of(negative_, exponent_, digits_.size()); }
  static size_t size_bytes_of(bool negative, int exponent, size_t digit_count);

  std::strong_ordering operator<=>(const Number& other) const;
  bool operator==(const Number& other) const = default;

 private:
  friend class NumberBuilder;
  bool negative_ = false;
  int exponent_ = 0;
  std::string digits_;
};

}  // namespace townhall::ddb
