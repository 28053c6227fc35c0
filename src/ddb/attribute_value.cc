#include "ddb/attribute_value.h"

#include <algorithm>
#include <stdexcept>

namespace townhall::ddb {

std::string_view type_name(AttributeType type) {
  static constexpr std::string_view kNames[] = {"S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS"};
  return kNames[static_cast<size_t>(type)];
}

namespace {

// Sorts and removes duplicates. Sets usually arrive already sorted (this
// codec writes them sorted), so that case costs one pass.
template <class T>
void sort_unique(std::vector<T>& values) {
  auto not_ascending = [](const T& a, const T& b) { return !(a < b); };
  if (std::adjacent_find(values.begin(), values.end(), not_ascending) == values.end()) return;
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

}  // namespace

AttributeMap::AttributeMap(std::initializer_list<value_type> entries) {
  entries_.reserve(entries.size());
  for (const auto& entry : entries) try_emplace(entry.first, entry.second);
}

AttributeValue& AttributeMap::at(std::string_view name) {
  auto it = find(name);
  if (it == end()) throw std::out_of_range("AttributeMap::at: no attribute " + std::string(name));
  return it->second;
}

const AttributeValue& AttributeMap::at(std::string_view name) const {
  return const_cast<AttributeMap*>(this)->at(name);
}

size_t AttributeMap::erase(std::string_view name) {
  auto it = find(name);
  if (it == end()) return 0;
  entries_.erase(it);
  return 1;
}

void AttributeMap::sort_appended() {
  auto by_name = [](const value_type& a, const value_type& b) { return a.first < b.first; };
  auto not_ascending = [](const value_type& a, const value_type& b) { return !(a.first < b.first); };
  if (std::adjacent_find(entries_.begin(), entries_.end(), not_ascending) == entries_.end()) return;
  std::stable_sort(entries_.begin(), entries_.end(), by_name);
  // Of each run of one name, keep the last value (in the first slot).
  auto out = entries_.begin();
  for (auto it = entries_.begin(); it != entries_.end();) {
    const auto run_end =
        std::find_if(it, entries_.end(), [&](const value_type& e) { return e.first != it->first; });
    if (out != it) out->first = std::move(it->first);
    if (out != run_end - 1) out->second = std::move((run_end - 1)->second);
    ++out;
    it = run_end;
  }
  entries_.erase(out, entries_.end());
}

StringSet make_string_set(std::vector<std::string> values) {
  sort_unique(values);
  return StringSet{std::move(values)};
}

NumberSet make_number_set(std::vector<Number> values) {
  sort_unique(values);
  return NumberSet{std::move(values)};
}

BinarySet make_binary_set(std::vector<std::string> values) {
  sort_unique(values);
  return BinarySet{std::move(values)};
}

size_t AttributeValue::size_bytes() const {
  // Sizes follow DynamoDB's item size rules: strings and binaries by length,
  // numbers by significant digits, BOOL and NULL one byte, documents three
  // bytes plus one per element.
  struct Visitor {
    size_t operator()(const std::string& s) const { return s.size(); }
    size_t operator()(const Number& n) const { return n.size_bytes(); }
    size_t operator()(const Bytes& b) const { return b.data.size(); }
    size_t operator()(bool) const { return 1; }
    size_t operator()(const Null&) const { return 1; }
    size_t operator()(const List& l) const {
      size_t total = 3;
      for (const auto& v : l) total += 1 + v.size_bytes();
      return total;
    }
    size_t operator()(const AttributeMap& m) const {
      size_t total = 3;
      for (const auto& [k, v] : m) total += 1 + k.size() + v.size_bytes();
      return total;
    }
    size_t operator()(const StringSet& s) const {
      size_t total = 0;
      for (const auto& v : s.values) total += v.size();
      return total;
    }
    size_t operator()(const NumberSet& s) const {
      size_t total = 0;
      for (const auto& v : s.values) total += v.size_bytes();
      return total;
    }
    size_t operator()(const BinarySet& s) const {
      size_t total = 0;
      for (const auto& v : s.values) total += v.size();
      return total;
    }
  };
  return std::visit(Visitor{}, value_);
}

int AttributeValue::depth() const {
  if (const auto* l = std::get_if<List>(&value_)) {
    int deepest = 0;
    for (const auto& v : *l) deepest = std::max(deepest, v.depth());
    return 1 + deepest;
  }
  if (const auto* m = std::get_if<AttributeMap>(&value_)) {
    int deepest = 0;
    for (const auto& [k, v] : *m) deepest = std::max(deepest, v.depth());
    return 1 + deepest;
  }
  return 1;
}

size_t item_size_bytes(const AttributeMap& item) {
  size_t total = 0;
  for (const auto& [name, value] : item) total += name.size() + value.size_bytes();
  return total;
}

namespace {

void append_debug(std::string& out, const AttributeValue& value);

void append_quoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_map(std::string& out, const AttributeMap& map) {
  out.push_back('{');
  bool first = true;
  for (const auto& [k, v] : map) {
    if (!first) out.push_back(',');
    first = false;
    append_quoted(out, k);
    out.push_back(':');
    append_debug(out, v);
  }
  out.push_back('}');
}

void append_debug(std::string& out, const AttributeValue& value) {
  out.append("{\"");
  out.append(type_name(value.type()));
  out.append("\":");
  switch (value.type()) {
    case AttributeType::kS:
      append_quoted(out, value.as_string());
      break;
    case AttributeType::kN:
      append_quoted(out, value.as_number().to_string());
      break;
    case AttributeType::kB:
      append_quoted(out, value.as_binary());
      break;
    case AttributeType::kBOOL:
      out.append(value.as_bool() ? "true" : "false");
      break;
    case AttributeType::kNULL:
      out.append("true");
      break;
    case AttributeType::kL: {
      out.push_back('[');
      bool first = true;
      for (const auto& v : value.as_list()) {
        if (!first) out.push_back(',');
        first = false;
        append_debug(out, v);
      }
      out.push_back(']');
      break;
    }
    case AttributeType::kM:
      append_map(out, value.as_map());
      break;
    case AttributeType::kSS:
    case AttributeType::kBS: {
      const auto& values =
          value.is(AttributeType::kSS) ? value.as_string_set().values : value.as_binary_set().values;
      out.push_back('[');
      for (size_t i = 0; i < values.size(); ++i) {
        if (i) out.push_back(',');
        append_quoted(out, values[i]);
      }
      out.push_back(']');
      break;
    }
    case AttributeType::kNS: {
      out.push_back('[');
      const auto& values = value.as_number_set().values;
      for (size_t i = 0; i < values.size(); ++i) {
        if (i) out.push_back(',');
        append_quoted(out, values[i].to_string());
      }
      out.push_back(']');
      break;
    }
  }
  out.push_back('}');
}

}  // namespace

std::string debug_string(const AttributeValue& value) {
  std::string out;
  append_debug(out, value);
  return out;
}

std::string debug_string(const AttributeMap& item) {
  std::string out;
  append_map(out, item);
  return out;
}

}  // namespace townhall::ddb
