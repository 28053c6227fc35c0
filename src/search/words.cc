#include "search/words.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace townhall::search {
namespace {

bool is_token_character(utf8proc_int32_t codepoint) {
  switch (utf8proc_category(codepoint)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
    case UTF8PROC_CATEGORY_CO:
      return true;
    default:
      return false;
  }
}

struct Free {
  void operator()(utf8proc_uint8_t* p) const { std::free(p); }
};

}  // namespace

std::set<std::string> words_of(std::string_view text) {
  std::set<std::string> words;
  utf8proc_uint8_t* mapped = nullptr;
  auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                                                UTF8PROC_STRIPMARK | UTF8PROC_IGNORE);
  utf8proc_ssize_t length = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                         static_cast<utf8proc_ssize_t>(text.size()), &mapped, options);
  if (length < 0) return words;
  std::unique_ptr<utf8proc_uint8_t, Free> owned(mapped);
  const auto* at = mapped;
  const auto* end = mapped + length;
  std::string word;
  while (at < end) {
    utf8proc_int32_t codepoint = 0;
    utf8proc_ssize_t size = utf8proc_iterate(at, end - at, &codepoint);
    if (size <= 0) break;
    if (is_token_character(codepoint)) {
      word.append(reinterpret_cast<const char*>(at), static_cast<size_t>(size));
    } else if (!word.empty()) {
      words.insert(std::move(word));
      word.clear();
    }
    at += size;
  }
  if (!word.empty()) words.insert(std::move(word));
  return words;
}

}  // namespace townhall::search
