#include "ddb/base64.h"

#include <array>
#include <cstdint>

namespace townhall::ddb {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr uint8_t kInvalid = 0xff;

constexpr std::array<uint8_t, 256> make_decode_table() {
  std::array<uint8_t, 256> table{};
  for (auto& entry : table) entry = kInvalid;
  for (uint8_t i = 0; i < 64; ++i) table[static_cast<uint8_t>(kAlphabet[i])] = i;
  return table;
}
constexpr std::array<uint8_t, 256> kDecode = make_decode_table();

std::string invalid_character(char c) {
  std::string message = "Invalid Base64 character: '";
  message.push_back(c);
  message.push_back('\'');
  return message;
}

}  // namespace

void base64_encode_append(std::string_view bytes, std::string& out) {
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t n = bytes.size();
  size_t pos = out.size();
  out.resize(pos + (n + 2) / 3 * 4);
  char* dst = out.data() + pos;
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8) | in[i + 2];
    *dst++ = kAlphabet[v >> 18];
    *dst++ = kAlphabet[(v >> 12) & 63];
    *dst++ = kAlphabet[(v >> 6) & 63];
    *dst++ = kAlphabet[v & 63];
  }
  if (i + 1 == n) {
    uint32_t v = uint32_t{in[i]} << 16;
    *dst++ = kAlphabet[v >> 18];
    *dst++ = kAlphabet[(v >> 12) & 63];
    *dst++ = '=';
    *dst++ = '=';
  } else if (i + 2 == n) {
    uint32_t v = (uint32_t{in[i]} << 16) | (uint32_t{in[i + 1]} << 8);
    *dst++ = kAlphabet[v >> 18];
    *dst++ = kAlphabet[(v >> 12) & 63];
    *dst++ = kAlphabet[(v >> 6) & 63];
    *dst++ = '=';
  }
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  base64_encode_append(bytes, out);
  return out;
}

std::optional<std::string> base64_decode_checked(std::string_view text, std::string& bytes) {
  bytes.clear();
  const size_t n = text.size();
  if (n % 4 != 0) {
    return "Base64 encoded length is expected a multiple of 4 bytes but found: " + std::to_string(n);
  }
  if (n == 0) return std::nullopt;
  // Padding: one or two '=' at the very end, nowhere else.
  size_t padding = text[n - 1] == '=' ? (text[n - 2] == '=' ? 2 : 1) : 0;
  const size_t data_chars = n - padding;
  bytes.resize(n / 4 * 3 - padding);
  char* dst = bytes.data();
  uint32_t acc = 0;
  for (size_t i = 0; i < data_chars; ++i) {
    uint8_t v = kDecode[static_cast<uint8_t>(text[i])];
    if (v == kInvalid) return invalid_character(text[i]);
    acc = (acc << 6) | v;
    if (i % 4 == 3) {
      *dst++ = static_cast<char>(acc >> 16);
      *dst++ = static_cast<char>(acc >> 8);
      *dst++ = static_cast<char>(acc);
      acc = 0;
    }
  }
  // "dectected" is DynamoDB's spelling.
  if (padding == 2) {  // 2 data characters: 12 bits, 8 used
    if (acc & 0xf) return std::string("Invalid last non-pad Base64 character dectected");
    *dst++ = static_cast<char>(acc >> 4);
  } else if (padding == 1) {  // 3 data characters: 18 bits, 16 used
    if (acc & 0x3) return std::string("Invalid last non-pad Base64 character dectected");
    *dst++ = static_cast<char>(acc >> 10);
    *dst++ = static_cast<char>(acc >> 2);
  }
  return std::nullopt;
}

bool base64_decode(std::string_view text, std::string& bytes) {
  return !base64_decode_checked(text, bytes).has_value();
}

}  // namespace townhall::ddb
