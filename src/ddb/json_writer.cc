#include "ddb/json_writer.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace townhall::ddb {
namespace {

// The offset of the first byte in s[i, i + 16) or s[i, i + 8) that needs
// attention when quoting (a control character, a quote, a backslash or a
// non-ASCII byte), or the block size if none does. REQUIRES: the block lies
// within s.
#if defined(__SSE2__)
constexpr size_t kBlock = 16;
size_t first_special(const char* p) {
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  // Signed: bytes >= 0x80 are negative, so one comparison finds both
  // control characters and non-ASCII bytes.
  __m128i special = _mm_or_si128(
      _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
  unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(special));
  return mask == 0 ? kBlock : static_cast<size_t>(__builtin_ctz(mask));
}
#else
constexpr size_t kBlock = 8;
size_t first_special(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  uint64_t v;
  std::memcpy(&v, p, 8);
  // Bit tricks: a byte is below 0x20 iff subtracting 0x20 borrows into its
  // high bit while the byte had none; a byte is zero likewise for 1.
  uint64_t control = (v - kOnes * 0x20) & ~v;
  uint64_t q = v ^ (kOnes * '"');
  uint64_t b = v ^ (kOnes * '\\');
  uint64_t any = (control | ((q - kOnes) & ~q) | ((b - kOnes) & ~b) | v) & kHigh;
  if (any == 0) return kBlock;
  for (size_t k = 0; k < kBlock; ++k) {  // which one (the trick above can misplace it)
    unsigned char c = static_cast<unsigned char>(p[k]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return k;
  }
  return kBlock;
}
#endif

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
  // JSON has no infinities; and "-0" would read back as the integer 0, so
  // negative zero is written as 0 to keep encode(decode(x)) stable.
  if (!std::isfinite(d) || d == 0) {
    out_.append("0");
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  out_.append(buf, end);
}

void JsonWriter::put_value(const char* text, size_t length) {
  if (!comma_due()) {
    out_.append(text, length);
    return;
  }
  char buf[8];
  if (length < sizeof buf) {
    buf[0] = ',';
    std::memcpy(buf + 1, text, length);
    out_.append(buf, length + 1);
    return;
  }
  out_.push_back(',');
  out_.append(text, length);
}

void JsonWriter::key_literal(std::string_view name) {
  // [,]"name": in one append when the name is short, as member names are.
  char buf[64];
  if (name.size() + 4 > sizeof buf) {
    separate();
    out_.push_back('"');
    out_.append(name);
    out_.append("\":", 2);
    return;
  }
  size_t n = 0;
  if (comma_due()) buf[n++] = ',';
  buf[n++] = '"';
  std::memcpy(buf + n, name.data(), name.size());
  n += name.size();
  buf[n++] = '"';
  buf[n++] = ':';
  out_.append(buf, n);
}

size_t JsonWriter::plain_length(std::string_view s) {
  if (s.size() < kBlock) {  // short, as names and most values are
    static constexpr auto kSpecial = [] {
      std::array<bool, 256> special{};
      for (int c = 0; c < 256; ++c) special[c] = c < 0x20 || c >= 0x80 || c == '"' || c == '\\';
      return special;
    }();
    for (size_t i = 0; i < s.size(); ++i) {
      if (kSpecial[static_cast<unsigned char>(s[i])]) return i;
    }
    return s.size();
  }
  size_t i = 0;
  for (; i + kBlock <= s.size(); i += kBlock) {
    size_t k = first_special(s.data() + i);
    if (k < kBlock) return i + k;
  }
  if (i == s.size()) return i;
  // The tail: the last whole block, overlapping what was checked. (Copying
  // the tail to a padded block instead stalls on store forwarding.)
  size_t last = s.size() - kBlock;
  size_t k = first_special(s.data() + last);
  return k < kBlock ? last + k : s.size();
}

void JsonWriter::append_quoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t i = plain_length(s);
  if (i == s.size()) {  // nothing to escape: one copy
    size_t start = out.size();
    out.resize(start + s.size() + 2);
    char* p = out.data() + start;
    p[0] = '"';
    std::memcpy(p + 1, s.data(), s.size());
    p[s.size() + 1] = '"';
    return;
  }
  out.reserve(out.size() + s.size() + 2);
  out.push_back('"');
  size_t run_start = 0;  // start of the bytes not yet copied
  while (i < s.size()) {
    if (i + kBlock <= s.size()) {
      size_t k = first_special(s.data() + i);
      i += k;
      if (k == kBlock) continue;
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
        out.append("\\\"", 2);
        break;
      case '\\':
        out.append("\\\\", 2);
        break;
      case '\n':
        out.append("\\n", 2);
        break;
      case '\r':
        out.append("\\r", 2);
        break;
      case '\t':
        out.append("\\t", 2);
        break;
      case '\b':
        out.append("\\b", 2);
        break;
      case '\f':
        out.append("\\f", 2);
        break;
      default:
        if (c >= 0x80) {
          out.append("\xEF\xBF\xBD", 3);  // U+FFFD for a byte that is not valid UTF-8
        } else {
          char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
          out.append(escape, 6);
        }
    }
    ++i;
    run_start = i;
  }
  out.append(s.data() + run_start, s.size() - run_start);
  out.push_back('"');
}

}  // namespace townhall::ddb
