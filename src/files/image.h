// Images shared in the chat: their size and a thumbnail (WebP, at most
// 400 x 400), made with libvips. Only PNG, JPEG, GIF and WebP (as sniffed)
// are decoded; libvips' untrusted loaders are blocked, and an image of more
// than 50 megapixels is not decoded at all (a small file can claim a huge
// canvas). A file that fails to decode is shared as a plain file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "chat/error.h"

namespace townhall::files {

struct ImageInfo {
  int width = 0;
  int height = 0;
  std::string thumbnail;  // WebP bytes
};

inline constexpr int kThumbnailEdge = 400;
inline constexpr int64_t kMaxImagePixels = 50'000'000;

// InvalidArgument when the bytes do not decode as an image.
chat::Result<ImageInfo> inspect_image(std::string_view bytes);

}  // namespace townhall::files
