#include "ddb/json_writer.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace townhall::ddb {
namespace {

constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighBits = 0x8080808080808080ull;

// True when one of the 8 bytes in v needs attention: a control character, a
// quote, a backslash or a non-ASCII byte. (Bit tricks: a byte is below 0x20
// iff subtracting 0x20 borrows into its high bit while the byte had none.)
bool needs_attention(uint64_t v) {
  uint64_t control = (v - kOnes * 0x20) & ~v;
  uint64_t quote = ((v ^ (kOnes * '"')) - kOnes) & ~(v ^ (kOnes * '"'));
  uint64_t backslash = ((v ^ (kOnes * '\\')) - kOnes) & ~(v ^ (kOnes * '\\'));
  return ((control | quote | backslash | v) & kHighBits) != 0;
}

// Length of the valid UTF-8 sequence starting at s[i] (a byte >= 0x80), or 0
// if it is not valid (RFC 3629: no overlong forms, no surrogates, <= U+10FFFF).
size_t utf8_sequence_length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) -> unsigned { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  auto continuation = [](unsigned b) { return (b & 0xC0) == 0x80; };
  unsigned b0 = byte(i);
  if (b0 >= 0xC2 && b0 <= 0xDF) return continuation(byte(i + 1)) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    unsigned b1 = byte(i + 1);
    unsigned low = b0 == 0xE0 ? 0xA0 : 0x80;
    unsigned high = b0 == 0xED ? 0x9F : 0xBF;
    return b1 >= low && b1 <= high && continuation(byte(i + 2)) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    unsigned b1 = byte(i + 1);
    unsigned low = b0 == 0xF0 ? 0x90 : 0x80;
    unsigned high = b0 == 0xF4 ? 0x8F : 0xBF;
    return b1 >= low && b1 <= high && continuation(byte(i + 2)) && continuation(byte(i + 3)) ? 4 : 0;
  }
  return 0;
}

}  // namespace

void JsonWriter::integer(int64_t n) {
  separate();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out_.append(buf, end);
}

void JsonWriter::number(double d) {
  separate();
  if (!std::isfinite(d)) {
    out_.append("0");
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  out_.append(buf, end);
}

void JsonWriter::append_quoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  size_t run_start = 0;  // start of the bytes not yet copied
  size_t i = 0;
  while (i < s.size()) {
    // Skip 8 plain bytes at a time; most strings are mostly plain ASCII.
    if (i + 8 <= s.size()) {
      uint64_t v;
      std::memcpy(&v, s.data() + i, 8);
      if (!needs_attention(v)) {
        i += 8;
        continue;
      }
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (size_t length = utf8_sequence_length(s, i)) {
        i += length;
        continue;
      }
    }
    out.append(s.data() + run_start, i - run_start);
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      default:
        if (c >= 0x80) {
          out.append("\xEF\xBF\xBD");  // U+FFFD for a byte that is not valid UTF-8
        } else {
          out.append("\\u00");
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 15]);
        }
    }
    ++i;
    run_start = i;
  }
  out.append(s.data() + run_start, s.size() - run_start);
  out.push_back('"');
}

}  // namespace townhall::ddb
