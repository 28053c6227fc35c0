#include "chat/names.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace townhall::chat {
namespace {

struct FreeDeleter {
  void operator()(utf8proc_uint8_t* p) const { std::free(p); }
};

// utf8proc_map with options; nullopt-like empty + false when the input is not valid UTF-8.
bool map(std::string_view text, int options, std::string* out) {
  utf8proc_uint8_t* mapped = nullptr;
  utf8proc_ssize_t length = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                         static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                                         static_cast<utf8proc_option_t>(options));
  std::unique_ptr<utf8proc_uint8_t, FreeDeleter> owned(mapped);
  if (length < 0) return false;
  out->assign(reinterpret_cast<const char*>(mapped), static_cast<size_t>(length));
  return true;
}

// Characters that reorder or hide text: bidirectional embeddings,
// overrides, isolates and marks. Zero-width joiners stay allowed (emoji
// sequences and several scripts need them).
bool is_bidi_control(utf8proc_int32_t c) {
  return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

bool is_space(utf8proc_int32_t c) {
  auto category = utf8proc_category(c);
  return category == UTF8PROC_CATEGORY_ZS || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

Result<std::string> normalize_name(std::string_view name, std::string_view what, size_t max_bytes) {
  std::string nfc;
  if (!map(name, UTF8PROC_STABLE | UTF8PROC_COMPOSE, &nfc)) {
    return Error::InvalidArgument(std::string(what) + " must be valid UTF-8");
  }
  // Walk the code points: refuse the invisible and the reordering, find the trimmed span.
  size_t begin = std::string::npos, end = 0;
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(nfc.data());
  utf8proc_ssize_t pos = 0, size = static_cast<utf8proc_ssize_t>(nfc.size());
  while (pos < size) {
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t n = utf8proc_iterate(bytes + pos, size - pos, &c);
    if (n <= 0) return Error::InvalidArgument(std::string(what) + " must be valid UTF-8");
    auto category = utf8proc_category(c);
    if (is_bidi_control(c) || category == UTF8PROC_CATEGORY_CC || category == UTF8PROC_CATEGORY_ZL ||
        category == UTF8PROC_CATEGORY_ZP || category == UTF8PROC_CATEGORY_CS || c == 0xFEFF) {
      return Error::InvalidArgument(std::string(what) +
                                    " must not contain control, line-separator or text-direction characters");
    }
    if (!is_space(c)) {
      if (begin == std::string::npos) begin = static_cast<size_t>(pos);
      end = static_cast<size_t>(pos + n);
    }
    pos += n;
  }
  if (begin == std::string::npos) return Error::InvalidArgument(std::string(what) + " must not be empty");
  std::string out = nfc.substr(begin, end - begin);
  if (out.size() > max_bytes) {
    return Error::InvalidArgument(std::string(what) + " must have at most " + std::to_string(max_bytes) +
                                  " bytes");
  }
  return out;
}

std::string name_key(std::string_view name) {
  std::string key;
  if (!map(name, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE,
           &key)) {
    return std::string(name);
  }
  return key;
}

}  // namespace townhall::chat
