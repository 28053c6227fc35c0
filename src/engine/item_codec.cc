#include "engine/item_codec.h"

namespace townhall::engine {
namespace {

using ddb::AttributeMap;
using ddb::AttributeType;
using ddb::AttributeValue;
using ddb::Number;

// One tag byte per value. Stored on disk: never renumber.
enum Tag : uint8_t {
  kTagS = 1,
  kTagN = 2,
  kTagB = 3,
  kTagTrue = 4,
  kTagFalse = 5,
  kTagNull = 6,
  kTagL = 7,
  kTagM = 8,
  kTagSS = 9,
  kTagNS = 10,
  kTagBS = 11,
};

constexpr uint8_t kFormatVersion = 1;

void encode_number(std::string& out, const Number& n) {
  out.push_back(n.is_negative() ? 1 : 0);
  int64_t e = n.exponent();
  append_varint(out, static_cast<uint64_t>((e << 1) ^ (e >> 63)));  // zigzag
  append_length_prefixed(out, n.digits());
}

bool decode_number(std::string_view& in, Number& n) {
  if (in.empty()) return false;
  bool negative = in[0] != 0;
  in.remove_prefix(1);
  uint64_t zigzag;
  std::string_view digits;
  if (!read_varint(in, zigzag) || !read_length_prefixed(in, digits)) return false;
  if (digits.empty()) {
    n = Number();
    return true;
  }
  int64_t exponent = static_cast<int64_t>(zigzag >> 1) ^ -static_cast<int64_t>(zigzag & 1);
  // value = 0.<digits> x 10^exponent; Number::parse normalizes and checks.
  std::string text;
  text.reserve(digits.size() + 8);
  if (negative) text.push_back('-');
  text.push_back('.');
  text.append(digits);
  text.push_back('E');
  text.append(std::to_string(exponent));
  auto parsed = Number::parse(text);
  if (!parsed.ok()) return false;
  n = std::move(parsed).value();
  return true;
}

void encode_map(std::string& out, const AttributeMap& map);

void encode_value(std::string& out, const AttributeValue& value) {
  switch (value.type()) {
    case AttributeType::kS:
      out.push_back(kTagS);
      append_length_prefixed(out, value.as_string());
      break;
    case AttributeType::kN:
      out.push_back(kTagN);
      encode_number(out, value.as_number());
      break;
    case AttributeType::kB:
      out.push_back(kTagB);
      append_length_prefixed(out, value.as_binary());
      break;
    case AttributeType::kBOOL:
      out.push_back(value.as_bool() ? kTagTrue : kTagFalse);
      break;
    case AttributeType::kNULL:
      out.push_back(kTagNull);
      break;
    case AttributeType::kL:
      out.push_back(kTagL);
      append_varint(out, value.as_list().size());
      for (const auto& element : value.as_list()) encode_value(out, element);
      break;
    case AttributeType::kM:
      out.push_back(kTagM);
      encode_map(out, value.as_map());
      break;
    case AttributeType::kSS:
      out.push_back(kTagSS);
      append_varint(out, value.as_string_set().values.size());
      for (const auto& s : value.as_string_set().values) append_length_prefixed(out, s);
      break;
    case AttributeType::kNS:
      out.push_back(kTagNS);
      append_varint(out, value.as_number_set().values.size());
      for (const auto& n : value.as_number_set().values) encode_number(out, n);
      break;
    case AttributeType::kBS:
      out.push_back(kTagBS);
      append_varint(out, value.as_binary_set().values.size());
      for (const auto& b : value.as_binary_set().values) append_length_prefixed(out, b);
      break;
  }
}

void encode_map(std::string& out, const AttributeMap& map) {
  append_varint(out, map.size());
  for (const auto& [name, value] : map) {
    append_length_prefixed(out, name);
    encode_value(out, value);
  }
}

bool decode_map(std::string_view& in, AttributeMap& map, int depth);

bool decode_strings(std::string_view& in, std::vector<std::string>& out) {
  uint64_t count;
  if (!read_varint(in, count) || count > in.size()) return false;
  out.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    std::string_view s;
    if (!read_length_prefixed(in, s)) return false;
    out.emplace_back(s);
  }
  return true;
}

bool decode_value(std::string_view& in, AttributeValue& value, int depth) {
  if (in.empty() || depth > ddb::kMaxNestingDepth + 1) return false;
  uint8_t tag = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  auto& v = value.variant();
  switch (tag) {
    case kTagS: {
      std::string_view s;
      if (!read_length_prefixed(in, s)) return false;
      v.emplace<std::string>(s);
      return true;
    }
    case kTagN: {
      Number n;
      if (!decode_number(in, n)) return false;
      v.emplace<Number>(std::move(n));
      return true;
    }
    case kTagB: {
      std::string_view b;
      if (!read_length_prefixed(in, b)) return false;
      v.emplace<ddb::Bytes>(ddb::Bytes{std::string(b)});
      return true;
    }
    case kTagTrue:
    case kTagFalse:
      v.emplace<bool>(tag == kTagTrue);
      return true;
    case kTagNull:
      v.emplace<ddb::Null>();
      return true;
    case kTagL: {
      uint64_t count;
      if (!read_varint(in, count) || count > in.size()) return false;
      auto& list = v.emplace<ddb::List>();
      list.resize(count);
      for (auto& element : list)
        if (!decode_value(in, element, depth + 1)) return false;
      return true;
    }
    case kTagM:
      return decode_map(in, v.emplace<AttributeMap>(), depth + 1);
    case kTagSS: {
      ddb::StringSet set;
      if (!decode_strings(in, set.values)) return false;
      v.emplace<ddb::StringSet>(std::move(set));
      return true;
    }
    case kTagBS: {
      ddb::BinarySet set;
      if (!decode_strings(in, set.values)) return false;
      v.emplace<ddb::BinarySet>(std::move(set));
      return true;
    }
    case kTagNS: {
      uint64_t count;
      if (!read_varint(in, count) || count > in.size()) return false;
      ddb::NumberSet set;
      set.values.resize(count);
      for (auto& n : set.values)
        if (!decode_number(in, n)) return false;
      v.emplace<ddb::NumberSet>(std::move(set));
      return true;
    }
    default:
      return false;
  }
}

bool decode_map(std::string_view& in, AttributeMap& map, int depth) {
  uint64_t count;
  if (!read_varint(in, count) || count > in.size()) return false;
  for (uint64_t i = 0; i < count; ++i) {
    std::string_view name;
    if (!read_length_prefixed(in, name)) return false;
    // Names were written in map order: each insert goes at the end.
    auto it = map.emplace_hint(map.end(), std::string(name), AttributeValue());
    if (!decode_value(in, it->second, depth)) return false;
  }
  return true;
}

}  // namespace

void append_varint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

bool read_varint(std::string_view& in, uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    uint8_t byte = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

void append_length_prefixed(std::string& out, std::string_view bytes) {
  append_varint(out, bytes.size());
  out.append(bytes);
}

bool read_length_prefixed(std::string_view& in, std::string_view& bytes) {
  uint64_t size;
  if (!read_varint(in, size) || size > in.size()) return false;
  bytes = in.substr(0, size);
  in.remove_prefix(size);
  return true;
}

void encode_item(const AttributeMap& item, std::string& out) {
  out.push_back(static_cast<char>(kFormatVersion));
  encode_map(out, item);
}

std::string encode_item(const AttributeMap& item) {
  std::string out;
  encode_item(item, out);
  return out;
}

ddb::Result<AttributeMap> decode_item(std::string_view bytes) {
  AttributeMap item;
  if (bytes.empty() || static_cast<uint8_t>(bytes[0]) != kFormatVersion) {
    return ddb::Error::Internal("corrupt item: unknown format");
  }
  bytes.remove_prefix(1);
  if (!decode_map(bytes, item, 0) || !bytes.empty()) return ddb::Error::Internal("corrupt item");
  return item;
}

}  // namespace townhall::engine
