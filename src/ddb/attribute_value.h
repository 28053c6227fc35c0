// AttributeValue: one DynamoDB value of any of the ten types (S, N, B, BOOL,
// NULL, L, M, SS, NS, BS), and AttributeMap, an item or a key.
//
// Sets are kept sorted and free of duplicates (strings and binaries by bytes,
// numbers by value), so equality is plain structural equality and output is
// deterministic. Construct sets with the make_*_set functions, which sort.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <tuple>
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

// Attributes by name: an item, a key, or the value of an M. It has std::map's
// interface and order (names sorted by bytes), but keeps its entries in one
// sorted vector. Items are read far more often than they are changed, and
// are small: one allocation and a binary search beat a tree node per
// attribute, and a Query of 50 items was spending most of its time in malloc.
//
// Unlike std::map, adding or removing a name moves entries: a reference,
// pointer or iterator into the map is valid only until the map's set of
// names changes. Assigning to an existing entry's value moves nothing.
class AttributeMap {
 public:
  using key_type = std::string;
  using mapped_type = AttributeValue;
  using value_type = std::pair<std::string, AttributeValue>;
  using Entries = std::vector<value_type>;
  using iterator = Entries::iterator;
  using const_iterator = Entries::const_iterator;
  using size_type = size_t;

  AttributeMap() = default;
  // Of a name given twice, the first is kept, as std::map does.
  AttributeMap(std::initializer_list<value_type> entries);
  template <class InputIt>
  AttributeMap(InputIt first, InputIt last) {
    insert(first, last);
  }

  iterator begin() noexcept;
  iterator end() noexcept;
  const_iterator begin() const noexcept;
  const_iterator end() const noexcept;
  const_iterator cbegin() const noexcept { return begin(); }
  const_iterator cend() const noexcept { return end(); }
  size_t size() const noexcept;
  bool empty() const noexcept;
  void clear() noexcept;
  void reserve(size_t n);

  iterator find(std::string_view name);
  const_iterator find(std::string_view name) const;
  bool contains(std::string_view name) const;
  size_t count(std::string_view name) const { return contains(name) ? 1 : 0; }
  // Throws std::out_of_range when the name is missing, as std::map does.
  AttributeValue& at(std::string_view name);
  const AttributeValue& at(std::string_view name) const;

  // The value named, inserted as NULL when missing.
  AttributeValue& operator[](std::string_view name);

  // Inserts when the name is missing; otherwise changes nothing.
  template <class Name, class... Args>
  std::pair<iterator, bool> try_emplace(Name&& name, Args&&... args);
  template <class Name, class Value>
  std::pair<iterator, bool> emplace(Name&& name, Value&& value) {
    return try_emplace(std::forward<Name>(name), std::forward<Value>(value));
  }
  std::pair<iterator, bool> insert(value_type entry);
  template <class InputIt>
  void insert(InputIt first, InputIt last) {
    for (; first != last; ++first) try_emplace(first->first, first->second);
  }
  template <class Name>
  std::pair<iterator, bool> insert_or_assign(Name&& name, AttributeValue value);

  size_t erase(std::string_view name);
  iterator erase(const_iterator position);
  iterator erase(const_iterator first, const_iterator last);

  // For decoders, which may meet names in any order and more than once:
  // append everything, then sort once (n log n rather than n inserts into
  // the middle). Between the two the map is not in order, and no other
  // member may be used. Of a name given twice, the last value is kept, as a
  // JSON object's last member wins.
  template <class... ValueArgs>
  value_type& append_unordered(std::string_view name, ValueArgs&&... value_args);
  void sort_appended();

  bool operator==(const AttributeMap& other) const;

 private:
  // Where the name is or would go.
  iterator position_of(std::string_view name);

  Entries entries_;
};
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
  // Built in place, as decoders do: AttributeValue(std::in_place_type<std::string>, bytes).
  template <class T, class... Args>
  explicit AttributeValue(std::in_place_type_t<T> type, Args&&... args)
      : value_(type, std::forward<Args>(args)...) {}

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

// AttributeMap's members need a complete AttributeValue.
inline AttributeMap::iterator AttributeMap::begin() noexcept { return entries_.begin(); }
inline AttributeMap::iterator AttributeMap::end() noexcept { return entries_.end(); }
inline AttributeMap::const_iterator AttributeMap::begin() const noexcept { return entries_.begin(); }
inline AttributeMap::const_iterator AttributeMap::end() const noexcept { return entries_.end(); }
inline size_t AttributeMap::size() const noexcept { return entries_.size(); }
inline bool AttributeMap::empty() const noexcept { return entries_.empty(); }
inline void AttributeMap::clear() noexcept { entries_.clear(); }
inline void AttributeMap::reserve(size_t n) { entries_.reserve(n); }
inline bool AttributeMap::contains(std::string_view name) const { return find(name) != end(); }
inline AttributeValue& AttributeMap::operator[](std::string_view name) {
  return try_emplace(name).first->second;
}
inline AttributeMap::iterator AttributeMap::erase(const_iterator position) {
  return entries_.erase(position);
}
inline AttributeMap::iterator AttributeMap::erase(const_iterator first, const_iterator last) {
  return entries_.erase(first, last);
}
inline bool AttributeMap::operator==(const AttributeMap& other) const { return entries_ == other.entries_; }

inline AttributeMap::iterator AttributeMap::position_of(std::string_view name) {
  // Most maps are items of a handful of attributes; a linear scan of those
  // beats the branches of a binary search.
  if (entries_.size() <= 8) {
    auto it = entries_.begin();
    while (it != entries_.end() && std::string_view(it->first) < name) ++it;
    return it;
  }
  return std::lower_bound(entries_.begin(), entries_.end(), name,
                          [](const value_type& entry, std::string_view n) { return entry.first < n; });
}

inline AttributeMap::iterator AttributeMap::find(std::string_view name) {
  auto it = position_of(name);
  return it != entries_.end() && it->first == name ? it : entries_.end();
}

inline AttributeMap::const_iterator AttributeMap::find(std::string_view name) const {
  return const_cast<AttributeMap*>(this)->find(name);
}

template <class Name, class... Args>
std::pair<AttributeMap::iterator, bool> AttributeMap::try_emplace(Name&& name, Args&&... args) {
  const std::string_view view(name);
  if (entries_.empty() || std::string_view(entries_.back().first) < view) {
    entries_.emplace_back(std::piecewise_construct, std::forward_as_tuple(std::forward<Name>(name)),
                          std::forward_as_tuple(std::forward<Args>(args)...));
    return {entries_.end() - 1, true};
  }
  auto it = position_of(view);
  if (it != entries_.end() && it->first == view) return {it, false};
  it = entries_.emplace(it, std::piecewise_construct, std::forward_as_tuple(std::forward<Name>(name)),
                        std::forward_as_tuple(std::forward<Args>(args)...));
  return {it, true};
}

template <class Name>
// NOLINTNEXTLINE(performance-unnecessary-value-param): taken by value to be moved in
std::pair<AttributeMap::iterator, bool> AttributeMap::insert_or_assign(Name&& name, AttributeValue value) {
  auto [it, inserted] = try_emplace(std::forward<Name>(name));
  it->second = std::move(value);
  return {it, inserted};
}

// NOLINTNEXTLINE(performance-unnecessary-value-param): taken by value to be moved in
inline std::pair<AttributeMap::iterator, bool> AttributeMap::insert(value_type entry) {
  return try_emplace(std::move(entry.first), std::move(entry.second));
}

template <class... ValueArgs>
AttributeMap::value_type& AttributeMap::append_unordered(std::string_view name, ValueArgs&&... value_args) {
  return entries_.emplace_back(std::piecewise_construct, std::forward_as_tuple(name),
                               std::forward_as_tuple(std::forward<ValueArgs>(value_args)...));
}

constexpr size_t kMaxItemBytes = 400 * 1024;
constexpr int kMaxNestingDepth = 32;

// The size of an item as DynamoDB counts it: names plus values.
size_t item_size_bytes(const AttributeMap& item);

// A readable form for logs and test failures: {"a":{"S":"x"}} style, not the wire codec.
std::string debug_string(const AttributeValue& value);
std::string debug_string(const AttributeMap& item);

}  // namespace townhall::ddb
