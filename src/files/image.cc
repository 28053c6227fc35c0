#include "files/image.h"

#include <vips/vips.h>

#include <memory>
#include <mutex>

namespace townhall::files {
namespace {

// libvips starts once per process; no operation cache (every image is new)
// and one thread per operation (the server's workers are the parallelism).
bool start_vips() {
  static std::once_flag once;
  static bool started = false;
  std::call_once(once, [] {
    if (VIPS_INIT("townhall") != 0) return;
    vips_cache_set_max(0);
    vips_concurrency_set(1);
    vips_block_untrusted_set(TRUE);
    started = true;
  });
  return started;
}

struct Unref {
  void operator()(VipsImage* image) const { g_object_unref(image); }
};

}  // namespace

chat::Result<ImageInfo> inspect_image(std::string_view bytes) {
  if (!start_vips()) return chat::Error::Internal("libvips did not start");
  // The header only (libvips decodes lazily): dimensions before any pixel.
  std::unique_ptr<VipsImage, Unref> header(
      vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "access", VIPS_ACCESS_SEQUENTIAL, nullptr));
  if (!header) {
    vips_error_clear();
    return chat::Error::InvalidArgument("not an image");
  }
  ImageInfo info;
  info.width = vips_image_get_width(header.get());
  info.height = vips_image_get_height(header.get());
  if (info.width <= 0 || info.height <= 0 ||
      static_cast<int64_t>(info.width) * info.height > kMaxImagePixels) {
    return chat::Error::InvalidArgument("image too large to show");
  }
  VipsImage* thumbnail = nullptr;
  if (vips_thumbnail_buffer(const_cast<char*>(bytes.data()), bytes.size(), &thumbnail, kThumbnailEdge,
                            "height", kThumbnailEdge, "size", VIPS_SIZE_DOWN, nullptr) != 0) {
    vips_error_clear();
    return chat::Error::InvalidArgument("the image does not decode");
  }
  std::unique_ptr<VipsImage, Unref> owned(thumbnail);
  void* buffer = nullptr;
  size_t length = 0;
  if (vips_image_write_to_buffer(thumbnail, ".webp", &buffer, &length, "Q", 80, nullptr) != 0) {
    vips_error_clear();
    return chat::Error::InvalidArgument("the image does not decode");
  }
  info.thumbnail.assign(static_cast<const char*>(buffer), length);
  g_free(buffer);
  return info;
}

}  // namespace townhall::files
