// The Content-Type of a file served by path, by its extension.
#pragma once

#include <string_view>

namespace townhall::net {

// "text/html; charset=utf-8", "text/javascript; charset=utf-8", ...;
// "application/octet-stream" for an unknown extension.
std::string_view content_type_for(std::string_view path);

}  // namespace townhall::net
