#include "files/content_type.h"

namespace townhall::files {
namespace {

bool starts(std::string_view bytes, std::string_view magic) { return bytes.substr(0, magic.size()) == magic; }

// Valid UTF-8 with no NUL or other C0 control but tab, newline, carriage
// return and form feed, in the first 64 KB (a cut at its end is allowed).
bool looks_like_text(std::string_view bytes) {
  std::string_view head = bytes.substr(0, 64 * 1024);
  size_t i = 0;
  while (i < head.size()) {
    auto c = static_cast<unsigned char>(head[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') return false;
      if (c == 0x7f) return false;
      ++i;
      continue;
    }
    size_t length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
    if (length == 0 || c > 0xf4) return false;
    if (i + length > head.size()) return head.size() < bytes.size();  // cut by the 64 KB window
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(head[i + k]) & 0xc0) != 0x80) return false;
    }
    i += length;
  }
  return true;
}

}  // namespace

Sniffed sniff(std::string_view bytes) {
  if (starts(bytes, "\x89PNG\r\n\x1a\n")) return {"image/png", true};
  if (starts(bytes, "\xff\xd8\xff")) return {"image/jpeg", true};
  if (starts(bytes, "GIF87a") || starts(bytes, "GIF89a")) return {"image/gif", true};
  if (starts(bytes, "RIFF") && bytes.substr(8, 4) == "WEBP") return {"image/webp", true};
  if (starts(bytes, "%PDF-")) return {"application/pdf", false};
  if (starts(bytes, "PK\x03\x04")) return {"application/zip", false};
  if (starts(bytes, "\x1f\x8b")) return {"application/gzip", false};
  if (bytes.size() > 8 && bytes.substr(4, 4) == "ftyp") return {"video/mp4", false};
  if (!bytes.empty() && looks_like_text(bytes)) return {"text/plain; charset=utf-8", false};
  return {"application/octet-stream", false};
}

std::string clean_file_name(std::string_view name) {
  size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string out;
  size_t i = 0;
  while (i < name.size() && out.size() < 200) {
    auto c = static_cast<unsigned char>(name[i]);
    size_t length = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
    bool valid = length > 0 && c <= 0xf4 && i + length <= name.size();
    for (size_t k = 1; valid && k < length; ++k)
      valid = (static_cast<unsigned char>(name[i + k]) & 0xc0) == 0x80;
    if (!valid) {
      out += '_';
      ++i;
      continue;
    }
    if (length == 1 && (c < 0x20 || c == 0x7f || c == '"' || c == '\\')) {
      out += '_';
    } else {
      if (out.size() + length > 200) break;
      out.append(name.substr(i, length));
    }
    i += length;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '.')) out.pop_back();
  size_t lead = out.find_first_not_of(" .");
  out = lead == std::string::npos ? std::string() : out.substr(lead);
  return out.empty() ? "file" : out;
}

}  // namespace townhall::files
