// The web page and the OpenAPI document, embedded into the binary at build
// time (cmake/embed_files.cmake generates the table from web/ and
// src/api/openapi.json), so `townhall serve` needs no files beside it.
#pragma once

#include <cstddef>
#include <string_view>

namespace townhall::api {

struct EmbeddedFile {
  std::string_view path;  // URL path: "/index.html", "/openapi.json"
  std::string_view etag;  // quoted strong validator (a content hash)
  std::string_view data;
};

// nullptr when no file has this path. "/" finds "/index.html".
const EmbeddedFile* find_embedded_file(std::string_view path);

}  // namespace townhall::api
