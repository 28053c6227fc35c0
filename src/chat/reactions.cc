#include "chat/reactions.h"

#include <utf8proc.h>

#include <vector>

namespace townhall::chat {
namespace {

bool is_short_name(std::string_view text) {
  if (text.size() < 3 || text.size() > 34 || text.front() != ':' || text.back() != ':') return false;
  for (char c : text.substr(1, text.size() - 2)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool is_keycap_base(utf8proc_int32_t c) { return (c >= '0' && c <= '9') || c == '#' || c == '*'; }

}  // namespace

Result<std::string> normalize_reaction(std::string_view text) {
  auto invalid = [] {
    return Error::InvalidArgument(
        "a reaction is one emoji or a short name like :thumbsup: (1-32 of a-z 0-9 _ + -)");
  };
  if (is_short_name(text)) return std::string(text);
  if (text.empty() || text.size() > 64) return invalid();
  std::vector<utf8proc_int32_t> points;
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  utf8proc_ssize_t pos = 0, size = static_cast<utf8proc_ssize_t>(text.size());
  while (pos < size) {
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t n = utf8proc_iterate(bytes + pos, size - pos, &c);
    if (n <= 0) return invalid();
    points.push_back(c);
    pos += n;
  }
  // One grapheme cluster: no break between any two code points.
  utf8proc_int32_t state = 0;
  for (size_t i = 1; i < points.size(); ++i) {
    if (utf8proc_grapheme_break_stateful(points[i - 1], points[i], &state)) return invalid();
  }
  auto first = utf8proc_get_property(points[0])->boundclass;
  bool pictographic = first == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC;
  bool flag = first == UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR && points.size() == 2;
  bool keycap = is_keycap_base(points[0]) && points.back() == 0x20E3;
  if (!pictographic && !flag && !keycap) return invalid();
  return std::string(text);
}

}  // namespace townhall::chat
