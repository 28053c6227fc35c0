#include "files/image.h"

#include <dlfcn.h>
#include <spdlog/spdlog.h>
#include <vips/vips.h>  // types, enums and signatures only: the library is loaded on first use

#include <memory>
#include <mutex>

namespace townhall::files {
namespace {

// libvips is opened with dlopen the first time an image is looked at, not
// linked: it brings about a hundred libraries (glib, librsvg, OpenEXR,
// poppler's and ImageMagick's trees...) whose mapping alone is some 17 MB of
// resident memory in every server, files on or off. A server without file
// sharing, or without images yet, never loads them. The package depends on
// libvips42, so the library is there when it is wanted.
constexpr const char* kLibrary = "libvips.so.42";

struct Vips {
  decltype(&::vips_init) init = nullptr;
  decltype(&::vips_cache_set_max) cache_set_max = nullptr;
  decltype(&::vips_concurrency_set) concurrency_set = nullptr;
  decltype(&::vips_block_untrusted_set) block_untrusted_set = nullptr;
  decltype(&::vips_error_clear) error_clear = nullptr;
  decltype(&::vips_image_new_from_buffer) image_new_from_buffer = nullptr;
  decltype(&::vips_image_get_width) image_get_width = nullptr;
  decltype(&::vips_image_get_height) image_get_height = nullptr;
  decltype(&::vips_thumbnail_buffer) thumbnail_buffer = nullptr;
  decltype(&::vips_image_write_to_buffer) image_write_to_buffer = nullptr;
  decltype(&::g_object_unref) object_unref = nullptr;
  decltype(&::g_free) free = nullptr;
};

template <class F>
bool bind(void* library, F& function, const char* name) {
  function = reinterpret_cast<F>(::dlsym(library, name));
  if (!function) spdlog::error("{}: no symbol {}: images get no size or thumbnail", kLibrary, name);
  return function != nullptr;
}

// libvips starts once per process; no operation cache (every image is new)
// and one thread per operation (the server's workers are the parallelism).
// nullptr when it cannot be loaded (logged once).
const Vips* vips() {
  static std::once_flag once;
  static Vips loaded;
  static bool started = false;
  std::call_once(once, [] {
    void* library = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
      spdlog::error("cannot load {} ({}): images get no size or thumbnail", kLibrary, ::dlerror());
      return;
    }
    Vips& v = loaded;
    // g_object_unref and g_free come from libvips' own dependencies (dlsym
    // searches them too), the very copies libvips uses.
    bool all = bind(library, v.init, "vips_init") && bind(library, v.cache_set_max, "vips_cache_set_max") &&
               bind(library, v.concurrency_set, "vips_concurrency_set") &&
               bind(library, v.block_untrusted_set, "vips_block_untrusted_set") &&
               bind(library, v.error_clear, "vips_error_clear") &&
               bind(library, v.image_new_from_buffer, "vips_image_new_from_buffer") &&
               bind(library, v.image_get_width, "vips_image_get_width") &&
               bind(library, v.image_get_height, "vips_image_get_height") &&
               bind(library, v.thumbnail_buffer, "vips_thumbnail_buffer") &&
               bind(library, v.image_write_to_buffer, "vips_image_write_to_buffer") &&
               bind(library, v.object_unref, "g_object_unref") && bind(library, v.free, "g_free");
    if (!all || v.init("townhall") != 0) return;
    v.cache_set_max(0);
    v.concurrency_set(1);
    v.block_untrusted_set(TRUE);
    started = true;
  });
  return started ? &loaded : nullptr;
}

}  // namespace

chat::Result<ImageInfo> inspect_image(std::string_view bytes) {
  const Vips* v = vips();
  if (!v) return chat::Error::Internal("libvips did not start");
  auto unref = [v](VipsImage* image) { v->object_unref(image); };
  // The header only (libvips decodes lazily): dimensions before any pixel.
  std::unique_ptr<VipsImage, decltype(unref)> header(
      v->image_new_from_buffer(bytes.data(), bytes.size(), "", "access", VIPS_ACCESS_SEQUENTIAL, nullptr),
      unref);
  if (!header) {
    v->error_clear();
    return chat::Error::InvalidArgument("not an image");
  }
  ImageInfo info;
  info.width = v->image_get_width(header.get());
  info.height = v->image_get_height(header.get());
  if (info.width <= 0 || info.height <= 0 ||
      static_cast<int64_t>(info.width) * info.height > kMaxImagePixels) {
    return chat::Error::InvalidArgument("image too large to show");
  }
  VipsImage* thumbnail = nullptr;
  if (v->thumbnail_buffer(const_cast<char*>(bytes.data()), bytes.size(), &thumbnail, kThumbnailEdge, "height",
                          kThumbnailEdge, "size", VIPS_SIZE_DOWN, nullptr) != 0) {
    v->error_clear();
    return chat::Error::InvalidArgument("the image does not decode");
  }
  std::unique_ptr<VipsImage, decltype(unref)> owned(thumbnail, unref);
  void* buffer = nullptr;
  size_t length = 0;
  if (v->image_write_to_buffer(thumbnail, ".webp", &buffer, &length, "Q", 80, nullptr) != 0) {
    v->error_clear();
    return chat::Error::InvalidArgument("the image does not decode");
  }
  info.thumbnail.assign(static_cast<const char*>(buffer), length);
  v->free(buffer);
  return info;
}

}  // namespace townhall::files
