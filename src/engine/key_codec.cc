#include "engine/key_codec.h"

#include <cassert>

namespace townhall::engine::keys {

void append_u16(std::string& out, uint16_t value) {
  out.push_back(static_cast<char>(value >> 8));
  out.push_back(static_cast<char>(value));
}

void append_u32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

void append_bytes_prefix(std::string& out, std::string_view bytes) {
  for (char c : bytes) {
    out.push_back(c);
    if (c == 0) out.push_back(static_cast<char>(0xFF));
  }
}

void append_bytes(std::string& out, std::string_view bytes) {
  append_bytes_prefix(out, bytes);
  out.push_back(0x00);
  out.push_back(0x01);
}

void append_number(std::string& out, const ddb::Number& number) {
  if (number.is_zero()) {
    out.push_back(0x02);
    return;
  }
  // value = 0.<digits> x 10^exponent with exponent in [-129, 126]: one byte.
  // Digits go two per byte as 1 + 10*d1 + d2 (1..100, the last one padded
  // with 0), then a 0 terminator. Normalized digits never end in 0, so the
  // padding is unambiguous, and a shorter digit string that is a prefix of a
  // longer one sorts first, as its value is smaller.
  const bool negative = number.is_negative();
  const uint8_t flip = negative ? 0xFF : 0x00;
  out.push_back(negative ? 0x01 : 0x03);
  out.push_back(static_cast<char>(static_cast<uint8_t>(number.exponent() + 129) ^ flip));
  const std::string& digits = number.digits();
  for (size_t i = 0; i < digits.size(); i += 2) {
    int high = digits[i] - '0';
    int low = i + 1 < digits.size() ? digits[i + 1] - '0' : 0;
    out.push_back(static_cast<char>(static_cast<uint8_t>(1 + high * 10 + low) ^ flip));
  }
  out.push_back(static_cast<char>(flip));
}

void append_key_value(std::string& out, const ddb::AttributeValue& value) {
  switch (value.type()) {
    case ddb::AttributeType::kS:
      append_bytes(out, value.as_string());
      break;
    case ddb::AttributeType::kB:
      append_bytes(out, value.as_binary());
      break;
    case ddb::AttributeType::kN:
      append_number(out, value.as_number());
      break;
    default:
      assert(false && "key attributes are S, N or B");
  }
}

std::string meta_key(std::string_view name) {
  std::string key(1, kMetaPrefix);
  key.append(name);
  return key;
}

std::string table_prefix(uint32_t table_id) {
  std::string out(1, kDataPrefix);
  append_u32(out, table_id);
  return out;
}

std::string index_prefix(uint32_t table_id, uint16_t index_id) {
  std::string out = table_prefix(table_id);
  append_u16(out, index_id);
  return out;
}

std::string prefix_successor(std::string prefix) {
  while (!prefix.empty() && static_cast<uint8_t>(prefix.back()) == 0xFF) prefix.pop_back();
  assert(!prefix.empty());
  prefix.back() = static_cast<char>(static_cast<uint8_t>(prefix.back()) + 1);
  return prefix;
}

}  // namespace townhall::engine::keys
