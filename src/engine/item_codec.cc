#include "engine/item_codec.h"

#include <cstdint>
#include <cstring>

#include "ddb/base64.h"
#include "ddb/json_writer.h"

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

bool read_number_parts(std::string_view& in, bool& negative, int& exponent, std::string_view& digits) {
  if (in.empty()) return false;
  negative = in[0] != 0;
  in.remove_prefix(1);
  uint64_t zigzag;
  if (!read_varint(in, zigzag) || !read_length_prefixed(in, digits)) return false;
  int64_t e = static_cast<int64_t>(zigzag >> 1) ^ -static_cast<int64_t>(zigzag & 1);
  if (e < INT32_MIN || e > INT32_MAX) return false;
  exponent = static_cast<int>(e);
  return true;
}

bool decode_number(std::string_view& in, Number& n) {
  bool negative;
  int exponent;
  std::string_view digits;
  if (!read_number_parts(in, negative, exponent, digits)) return false;
  // value = 0.<digits> x 10^exponent, as Number holds it; from_parts checks it.
  auto number = Number::from_parts(negative, exponent, digits);
  if (!number) return false;
  n = std::move(*number);
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

bool decode_map(std::string_view& in, AttributeMap& map, int depth, size_t* size_bytes = nullptr);

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

// previous < name, as bytes. Names nearly always differ in their first byte,
// and memcmp's call costs more than the comparison.
bool name_after(std::string_view previous, std::string_view name) {
  if (!previous.empty() && !name.empty() && previous[0] != name[0])
    return static_cast<unsigned char>(previous[0]) < static_cast<unsigned char>(name[0]);
  return previous < name;
}

// With size_bytes (the top level only), also counts the map's DynamoDB size.
bool decode_map(std::string_view& in, AttributeMap& map, int depth, size_t* size_bytes) {
  uint64_t count;
  if (!read_varint(in, count) || count > in.size()) return false;
  map.reserve(count < 64 ? count : 64);  // the count is not yet known to be true
  std::string_view previous;
  size_t size = 0;
  for (uint64_t i = 0; i < count; ++i) {
    std::string_view name;
    if (!read_length_prefixed(in, name)) return false;
    // Names were written in map order; any other order is damage.
    if (i > 0 && !name_after(previous, name)) return false;
    previous = name;
    size += name.size();
    if (!in.empty() && static_cast<uint8_t>(in[0]) == kTagS) {
      // Strings, the common case, are built in place rather than over a NULL.
      in.remove_prefix(1);
      std::string_view s;
      if (!read_length_prefixed(in, s)) return false;
      map.append_unordered(name, std::in_place_type<std::string>, s);
      size += s.size();
      continue;
    }
    AttributeValue& value = map.append_unordered(name).second;
    if (!decode_value(in, value, depth)) return false;
    if (size_bytes) size += value.size_bytes();
  }
  if (size_bytes) *size_bytes = size;
  return true;
}

// ---- Stored bytes straight to DynamoDB JSON ----

// Buffers the many small pieces of an item's JSON on the stack and appends
// them to the output in large pieces: per-call overhead of std::string, not
// copying, is what a naive transcoder spends its time on.
class JsonOut {
 public:
  explicit JsonOut(std::string& out) : out_(out) {}
  ~JsonOut() { flush(); }
  JsonOut(const JsonOut&) = delete;
  JsonOut& operator=(const JsonOut&) = delete;

  [[gnu::always_inline]] void put(char c) {
    if (used_ == sizeof buffer_) flush();
    buffer_[used_++] = c;
  }
  [[gnu::always_inline]] void put(std::string_view bytes) {
    if (used_ + bytes.size() > sizeof buffer_) {
      flush();
      if (bytes.size() > sizeof buffer_ / 2) {
        out_.append(bytes);
        return;
      }
    }
    std::memcpy(buffer_ + used_, bytes.data(), bytes.size());
    used_ += bytes.size();
  }
  [[gnu::always_inline]] void quoted(std::string_view s) {
    if (ddb::JsonWriter::plain_length(s) == s.size()) {
      put('"');
      put(s);
      put('"');
    } else {
      flush();
      ddb::JsonWriter::append_quoted(out_, s);
    }
  }
  // The output itself, for writers that append to a string.
  std::string& string() {
    flush();
    return out_;
  }
  void flush() {
    out_.append(buffer_, used_);
    used_ = 0;
  }

 private:
  std::string& out_;
  size_t used_ = 0;
  char buffer_[1024];
};

// The JSON text of one number, quoted, and its DynamoDB size.
bool transcode_number(std::string_view& in, JsonOut& out, size_t& size) {
  bool negative;
  int exponent;
  std::string_view digits;
  if (!read_number_parts(in, negative, exponent, digits) || !Number::valid_parts(exponent, digits))
    return false;
  std::string& text = out.string();
  text.push_back('"');
  Number::append_parts(text, negative, exponent, digits);
  text.push_back('"');
  size += Number::size_bytes_of(negative, exponent, digits.size());
  return true;
}

bool transcode_base64(std::string_view& in, JsonOut& out, size_t& size) {
  std::string_view bytes;
  if (!read_length_prefixed(in, bytes)) return false;
  std::string& text = out.string();
  text.push_back('"');
  ddb::base64_encode_append(bytes, text);
  text.push_back('"');
  size += bytes.size();
  return true;
}

bool transcode_string(std::string_view& in, JsonOut& out, size_t& size) {
  std::string_view s;
  if (!read_length_prefixed(in, s)) return false;
  out.quoted(s);
  size += s.size();
  return true;
}

// A set's elements (or a list's) as a JSON array.
template <class Element>
bool transcode_array(std::string_view& in, JsonOut& out, size_t& size, Element element) {
  uint64_t count;
  if (!read_varint(in, count) || count > in.size()) return false;
  out.put('[');
  for (uint64_t i = 0; i < count; ++i) {
    if (i) out.put(',');
    if (!element(in, out, size)) return false;
  }
  out.put(']');
  return true;
}

bool transcode_map(std::string_view& in, JsonOut& out, size_t& size, int depth, bool nested);

// One value as write_attribute_value writes it: {"<type>":<value>}.
bool transcode_value(std::string_view& in, JsonOut& out, size_t& size, int depth) {
  if (in.empty() || depth > ddb::kMaxNestingDepth + 1) return false;
  uint8_t tag = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  bool ok = true;
  switch (tag) {
    case kTagS:
      out.put(R"({"S":)");
      ok = transcode_string(in, out, size);
      break;
    case kTagN:
      out.put(R"({"N":)");
      ok = transcode_number(in, out, size);
      break;
    case kTagB:
      out.put(R"({"B":)");
      ok = transcode_base64(in, out, size);
      break;
    case kTagTrue:
      out.put(R"({"BOOL":true)");
      size += 1;
      break;
    case kTagFalse:
      out.put(R"({"BOOL":false)");
      size += 1;
      break;
    case kTagNull:
      out.put(R"({"NULL":true)");
      size += 1;
      break;
    case kTagL:
      out.put(R"({"L":)");
      size += 3;
      ok = transcode_array(in, out, size, [depth](std::string_view& in, JsonOut& out, size_t& size) {
        size += 1;
        return transcode_value(in, out, size, depth + 1);
      });
      break;
    case kTagM:
      out.put(R"({"M":)");
      ok = transcode_map(in, out, size, depth + 1, true);
      break;
    case kTagSS:
      out.put(R"({"SS":)");
      ok = transcode_array(in, out, size, transcode_string);
      break;
    case kTagNS:
      out.put(R"({"NS":)");
      ok = transcode_array(in, out, size, transcode_number);
      break;
    case kTagBS:
      out.put(R"({"BS":)");
      ok = transcode_array(in, out, size, transcode_base64);
      break;
    default:
      return false;
  }
  out.put('}');
  return ok;
}

// A map as write_attribute_map writes it. DynamoDB sizes a nested map as 3
// bytes plus, per member, 1 byte, its name and its value; the item itself
// is its names and values only.
bool transcode_map(std::string_view& in, JsonOut& out, size_t& size, int depth, bool nested) {
  uint64_t count;
  if (!read_varint(in, count) || count > in.size()) return false;
  if (nested) size += 3 + count;
  out.put('{');
  for (uint64_t i = 0; i < count; ++i) {
    std::string_view name;
    if (!read_length_prefixed(in, name)) return false;
    if (i) out.put(',');
    out.quoted(name);
    out.put(':');
    size += name.size();
    if (!transcode_value(in, out, size, depth)) return false;
  }
  out.put('}');
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

void append_length_prefixed(std::string& out, std::string_view bytes) {
  append_varint(out, bytes.size());
  out.append(bytes);
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

bool append_item_json(std::string_view bytes, std::string& out, size_t& size_bytes) {
  if (bytes.empty() || static_cast<uint8_t>(bytes[0]) != kFormatVersion) return false;
  bytes.remove_prefix(1);
  JsonOut json(out);
  return transcode_map(bytes, json, size_bytes, 0, false) && bytes.empty();
}

ddb::Result<AttributeMap> decode_item(std::string_view bytes, size_t* size_bytes) {
  AttributeMap item;
  if (bytes.empty() || static_cast<uint8_t>(bytes[0]) != kFormatVersion) {
    return ddb::Error::Internal("corrupt item: unknown format");
  }
  bytes.remove_prefix(1);
  if (!decode_map(bytes, item, 0, size_bytes) || !bytes.empty()) return ddb::Error::Internal("corrupt item");
  return item;
}

}  // namespace townhall::engine
