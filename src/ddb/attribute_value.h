// AttributeValue: one DynamoDB value of any of the ten types (S, N, B, BOOL,
// NULL, L, M, SS, NS, BS), and AttributeMap, an item or a key.
//
// Sets are kept sorted and free of duplicates (strings and binaries by bytes,
// numbers by value), so equality is plain structural equality and output is
// deterministic. Construct sets with the make_*_set functions, which sort.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ddb/number.h"

namespace townhall::ddb {

enum class AttributeType : uint8_t { kS, kN, kB, kBOOL, kNULL, kL, kM, kSS, kNS, kBS };

// "S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS".
std::string_view type_name(AttributeType type);

class AttributeValue;

// Binary data, raw bytes (base64 only on the wire).
struct Bytes {
  std::string data;
  auto operator<=>(const Bytes&) const = default;
};
struct Null {
  bool operator==(const Null&) const = default;
};
using List = std::vector<AttributeValue>;
using AttributeMap = std::map<std::string, AttributeValue, std::less<>>;
struct StringSet {
  std::vector<std::string> values;  // sorted, unique
  bool operator==(const StringSet&) const = default;
};
struct NumberSet {
  std::vector<Number> values;  // sorted by value, unique
  bool operator==(const NumberSet&) const = default;
};
struct BinarySet {
  std::vector<std::string> values;  // raw bytes; sorted, unique
  bool operator==(const BinarySet&) const = default;
};

// A set builder sorts and removes duplicates; the wire codec rejects
// duplicates before it gets here, as DynamoDB does.
StringSet make_string_set(std::vector<std::string> values);
NumberSet make_number_set(std::vector<Number> values);
BinarySet make_binary_set(std::vector<std::string> values);

class AttributeValue {
 public:
  using Variant = std::variant<std::string, Number, Bytes, bool, Null, List, AttributeMap, StringSet,
                               NumberSet, BinarySet>;

  AttributeValue() : value_(Null{}) {}
  AttributeValue(Variant value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose

  static AttributeValue S(std::string s) {
    return AttributeValue(Variant(std::in_place_index<0>, std::move(s)));
  }
  static AttributeValue N(Number n) { return AttributeValue(Variant(std::move(n))); }
  static AttributeValue N(int64_t n) { return N(Number::from_int(n)); }
  static AttributeValue B(std::string bytes) { return AttributeValue(Variant(Bytes{std::move(bytes)})); }
  static AttributeValue BOOL(bool b) { return AttributeValue(Variant(b)); }
  static AttributeValue NUL() { return AttributeValue(); }
  static AttributeValue L(List l) { return AttributeValue(Variant(std::move(l))); }
  static AttributeValue M(AttributeMap m) { return AttributeValue(Variant(std::move(m))); }
  static AttributeValue SS(std::vector<std::string> v) {
    return AttributeValue(make_string_set(std::move(v)));
  }
  static AttributeValue NS(std::vector<Number> v) { return AttributeValue(make_number_set(std::move(v))); }
  static AttributeValue BS(std::vector<std::string> v) {
    return AttributeValue(make_binary_set(std::move(v)));
  }

  AttributeType type() const { return static_cast<AttributeType>(value_.index()); }
  bool is(AttributeType t) const { return type() == t; }

  // REQUIRES: the value has the named type.
  const std::string& as_string() const { return std::get<std::string>(value_); }
  const Number& as_number() const { return std::get<Number>(value_); }
  const std::string& as_binary() const { return std::get<Bytes>(value_).data; }
  bool as_bool() const { return std::get<bool>(value_); }
  const List& as_list() const { return std::get<List>(value_); }
  List& as_list() { return std::get<List>(value_); }
  const AttributeMap& as_map() const { return std::get<AttributeMap>(value_); }
  AttributeMap& as_map() { return std::get<AttributeMap>(value_); }
  const StringSet& as_string_set() const { return std::get<StringSet>(value_); }
  const NumberSet& as_number_set() const { return std::get<NumberSet>(value_); }
  const BinarySet& as_binary_set() const { return std::get<BinarySet>(value_); }

  const Variant& variant() const { return value_; }
  Variant& variant() { return value_; }

  // DynamoDB's size of this value (what counts toward the 400 KB item limit).
  size_t size_bytes() const;
  // Depth of nesting: 1 for scalars and sets, 1 + deepest child for L and M.
  int depth() const;

  bool operator==(const AttributeValue& other) const { return value_ == other.value_; }

 private:
  Variant value_;
};

constexpr size_t kMaxItemBytes = 400 * 1024;
constexpr int kMaxNestingDepth = 32;

// The size of an item as DynamoDB counts it: names plus values.
size_t item_size_bytes(const AttributeMap& item);

// A readable form for logs and test failures: {"a":{"S":"x"}} style, not the wire codec.
std::string debug_string(const AttributeValue& value);
std::string debug_string(const AttributeMap& item);

}  // namespace townhall::ddb
