// What an uploaded file is, from its bytes (never from what the client
// says): a few magic numbers, and valid UTF-8 without NULs for text. Only
// the image types a browser shows as pictures are ever served inline; every
// other type (HTML and SVG included, which sniff as text) is served as an
// attachment with nosniff, so nothing uploaded runs in the chat's origin.
#pragma once

#include <string>
#include <string_view>

namespace townhall::files {

struct Sniffed {
  std::string mime;    // "image/png", "application/pdf", "text/plain; charset=utf-8", ...
  bool image = false;  // PNG, JPEG, GIF or WebP: may be shown inline (once it decodes)
};

Sniffed sniff(std::string_view bytes);

// A file name safe to store and show: the last path component, control
// characters and quotes replaced, at most 200 bytes of valid UTF-8; "file"
// when nothing is left.
std::string clean_file_name(std::string_view name);

}  // namespace townhall::files
