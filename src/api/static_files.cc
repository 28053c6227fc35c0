#include "api/static_files.h"

namespace townhall::api {

// Defined by the generated embedded_files.cc.
extern const EmbeddedFile kEmbeddedFiles[];
extern const size_t kEmbeddedFileCount;

const EmbeddedFile* find_embedded_file(std::string_view path) {
  if (path == "/") path = "/index.html";
  for (size_t i = 0; i < kEmbeddedFileCount; ++i) {
    if (kEmbeddedFiles[i].path == path) return &kEmbeddedFiles[i];
  }
  return nullptr;
}

std::string_view content_type_for(std::string_view path) {
  struct Type {
    std::string_view extension;
    std::string_view type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webmanifest", "application/manifest+json"},
      {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"},
  };
  for (const auto& type : kTypes) {
    if (path.size() >= type.extension.size() &&
        path.substr(path.size() - type.extension.size()) == type.extension) {
      return type.type;
    }
  }
  return "application/octet-stream";
}

}  // namespace townhall::api
