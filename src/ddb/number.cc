#include "ddb/number.h"

#include <algorithm>

#include "ddb/result.h"

namespace townhall::ddb {
namespace {

// Range in terms of value = 0.d x 10^exponent: 1E-130 has exponent -129 and
// 9.99..E+125 has exponent 126.
constexpr int kMinExponent = -129;
constexpr int kMaxExponent = 126;

// DynamoDB's messages for numbers it cannot store (as DynamoDB itself words
// them; DynamoDB Local differs: "A value provided cannot be converted into a
// number", "DynamoDB only supports precision up to 38 digits").
Error not_a_number(std::string_view text) {
  std::string message = "The parameter cannot be converted to a numeric value";
  if (!text.empty()) message.append(": ").append(text);
  return Error::Validation(std::move(message));
}
Error too_precise() {
  return Error::Validation("Attempting to store more than 38 significant digits in a Number");
}

// Builds a normalized number from a digit string (may have leading/trailing
// zeros) whose value is 0.<digits> x 10^exponent, then checks DynamoDB's limits.
Result<Number> make(bool negative, std::string digits, long exponent);

}  // namespace

// The one place that sets Number's fields once they are known to be normalized.
class NumberBuilder {
 public:
  static Number build(bool negative, std::string digits, int exponent) {
    Number n;
    n.negative_ = negative;
    n.digits_ = std::move(digits);
    n.exponent_ = exponent;
    return n;
  }
};

namespace {

Result<Number> make(bool negative, std::string digits, long exponent) {
  size_t lead = 0;
  while (lead < digits.size() && digits[lead] == '0') ++lead;
  exponent -= static_cast<long>(lead);
  digits.erase(0, lead);
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  if (digits.empty()) return Number();
  if (digits.size() > static_cast<size_t>(Number::kMaxDigits)) return too_precise();
  if (exponent > kMaxExponent) {
    return Error::Validation(
        "Number overflow. Attempting to store a number with magnitude larger than supported range");
  }
  if (exponent < kMinExponent) {
    return Error::Validation(
        "Number underflow. Attempting to store a number with magnitude smaller than supported range");
  }
  return NumberBuilder::build(negative, std::move(digits), static_cast<int>(exponent));
}

// Magnitude addition/subtraction on aligned digit strings.
// Returns digits of |a| + |b| or |a| - |b| (requires |a| >= |b| for subtraction),
// both given as digit strings scaled to the same exponent.
std::string add_magnitudes(const std::string& a, const std::string& b) {
  std::string out(std::max(a.size(), b.size()) + 1, '0');
  int carry = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    int da = i < a.size() ? a[a.size() - 1 - i] - '0' : 0;
    int db = i < b.size() ? b[b.size() - 1 - i] - '0' : 0;
    int s = da + db + carry;
    out[out.size() - 1 - i] = static_cast<char>('0' + s % 10);
    carry = s / 10;
  }
  return out;
}

std::string subtract_magnitudes(const std::string& a, const std::string& b) {
  std::string out(a.size(), '0');
  int borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    int da = a[a.size() - 1 - i] - '0';
    int db = i < b.size() ? b[b.size() - 1 - i] - '0' : 0;
    int d = da - db - borrow;
    borrow = d < 0;
    if (d < 0) d += 10;
    out[out.size() - 1 - i] = static_cast<char>('0' + d);
  }
  return out;
}

std::strong_ordering compare_magnitudes(const Number& a, const Number& b) {
  if (a.is_zero() || b.is_zero()) return !a.is_zero() <=> !b.is_zero();
  if (a.exponent() != b.exponent()) return a.exponent() <=> b.exponent();
  int c = a.digits().compare(b.digits());
  return c <=> 0;
}

}  // namespace

Result<Number> Number::parse(std::string_view text) {
  // The syntax of Java's BigDecimal, which DynamoDB uses: an optional sign,
  // digits with at most one decimal point (".5" and "5." are fine), and an
  // optional exponent. No spaces, no hex, no NaN or Infinity.
  size_t i = 0;
  const size_t n = text.size();
  bool negative = false;
  if (i < n && (text[i] == '-' || text[i] == '+')) {
    negative = text[i] == '-';
    ++i;
  }
  // value = 0.<digits> x 10^(integer_digits - fraction_zeros), where digits
  // has no leading zeros: integer_digits counts the digits kept before the
  // point, fraction_zeros the zeros skipped after it.
  std::string digits;
  long integer_digits = 0;
  long fraction_zeros = 0;
  bool any_digit = false;
  bool seen_point = false;
  for (; i < n; ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      any_digit = true;
      if (digits.empty() && c == '0') {
        if (seen_point) ++fraction_zeros;
        continue;
      }
      digits.push_back(c);
      if (!seen_point) ++integer_digits;
    } else if (c == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (!any_digit) return not_a_number(text);
  long exponent = 0;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < n && (text[i] == '-' || text[i] == '+')) {
      exp_negative = text[i] == '-';
      ++i;
    }
    if (i >= n) return not_a_number(text);
    for (; i < n; ++i) {
      char c = text[i];
      if (c < '0' || c > '9') return not_a_number(text);
      exponent = exponent * 10 + (c - '0');
      if (exponent > 100000) exponent = 100000;  // far outside the range either way
    }
    if (exp_negative) exponent = -exponent;
  }
  if (i != n) return not_a_number(text);
  return make(negative, std::move(digits), integer_digits - fraction_zeros + exponent);
}

Number Number::from_int(int64_t value) {
  bool negative = value < 0;
  // Careful with INT64_MIN: work in unsigned.
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  std::string digits = std::to_string(magnitude);
  long exponent = static_cast<long>(digits.size());
  return std::move(make(negative, std::move(digits), exponent)).value();
}

std::string Number::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

void Number::append_parts(std::string& out, bool negative, int exponent, std::string_view digits) {
  if (digits.empty()) {
    out.push_back('0');
    return;
  }
  if (negative) out.push_back('-');
  if (exponent <= 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-exponent), '0');
    out.append(digits);
  } else if (static_cast<size_t>(exponent) >= digits.size()) {
    out.append(digits);
    out.append(static_cast<size_t>(exponent) - digits.size(), '0');
  } else {
    out.append(digits.substr(0, static_cast<size_t>(exponent)));
    out.push_back('.');
    out.append(digits.substr(static_cast<size_t>(exponent)));
  }
}

size_t Number::size_bytes_of(bool negative, int exponent, size_t digit_count) {
  if (digit_count == 0) return 1;
  // Pairs of digits aligned on the decimal point: with value = 0.d1d2... x
  // 10^exponent, d1 starts a pair when exponent is even and ends one when
  // it is odd (then it is paired with a leading zero).
  size_t leading_pad = (exponent & 1) != 0 ? 1 : 0;
  size_t pairs = (digit_count + leading_pad + 1) / 2;
  return 1 + pairs + (negative ? 1 : 0);
}

bool Number::valid_parts(int exponent, std::string_view digits) {
  if (digits.empty()) return true;  // zero
  if (digits.size() > static_cast<size_t>(kMaxDigits) || digits.front() == '0' || digits.back() == '0' ||
      exponent > kMaxExponent || exponent < kMinExponent) {
    return false;
  }
  for (char c : digits)
    if (c < '0' || c > '9') return false;
  return true;
}

std::optional<Number> Number::from_parts(bool negative, int exponent, std::string_view digits) {
  if (!valid_parts(exponent, digits)) return std::nullopt;
  if (digits.empty()) return Number();
  return NumberBuilder::build(negative, std::string(digits), exponent);
}

std::optional<int64_t> Number::to_int64() const {
  if (digits_.empty()) return 0;
  if (exponent_ < static_cast<int>(digits_.size()) || exponent_ > 19) return std::nullopt;
  __int128 v = 0;
  for (char c : digits_) v = v * 10 + (c - '0');
  for (int i = static_cast<int>(digits_.size()); i < exponent_; ++i) v *= 10;
  if (negative_) v = -v;
  if (v > INT64_MAX || v < INT64_MIN) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::strong_ordering Number::operator<=>(const Number& other) const {
  bool a_neg = negative_ && !is_zero();
  bool b_neg = other.negative_ && !other.is_zero();
  if (a_neg != b_neg) return a_neg ? std::strong_ordering::less : std::strong_ordering::greater;
  auto magnitude = compare_magnitudes(*this, other);
  return a_neg ? 0 <=> magnitude : magnitude;
}

Result<Number> Number::add(const Number& other) const {
  if (other.is_zero()) return *this;
  if (is_zero()) return other;
  // Align both to the smaller scale: digits scaled so that the last digit has
  // weight 10^(exponent - size).
  long low_a = static_cast<long>(exponent_) - static_cast<long>(digits_.size());
  long low_b = static_cast<long>(other.exponent_) - static_cast<long>(other.digits_.size());
  long low = std::min(low_a, low_b);
  long high = std::max<long>(exponent_, other.exponent_);
  if (high - low > 400) {
    // The smaller operand is far below 38 digits of the larger: the exact sum
    // cannot be stored, as DynamoDB reports.
    return too_precise();
  }
  std::string a = digits_ + std::string(static_cast<size_t>(low_a - low), '0');
  std::string b = other.digits_ + std::string(static_cast<size_t>(low_b - low), '0');
  if (negative_ == other.negative_) {
    std::string sum = add_magnitudes(a, b);
    long exponent = low + static_cast<long>(sum.size());
    return make(negative_, std::move(sum), exponent);
  }
  auto cmp = compare_magnitudes(*this, other);
  if (cmp == 0) return Number();
  const std::string& big = cmp > 0 ? a : b;
  const std::string& small = cmp > 0 ? b : a;
  // Aligned to the same scale, the larger magnitude has at least as many digits.
  std::string diff = subtract_magnitudes(big, small);
  long exponent = low + static_cast<long>(diff.size());
  return make(cmp > 0 ? negative_ : other.negative_, std::move(diff), exponent);
}

Result<Number> Number::subtract(const Number& other) const {
  Number negated = other;
  if (!negated.is_zero()) negated.negative_ = !negated.negative_;
  return add(negated);
}

}  // namespace townhall::ddb
