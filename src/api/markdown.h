// Markdown as chat people write it, rendered to a small, safe subset of
// HTML for display. The stored text is never changed: rendering is a view,
// done when a message is written out (REST answers, WebSocket events).
//
// Parsed by md4c (Debian's libmd4c: CommonMark, with strikethrough and
// permissive autolinks), rendered by our own callbacks, which emit only:
//   p, br, strong, em, del, code, pre, blockquote, ul, ol (start), li, hr,
//   and a (href http/https/mailto only, target=_blank, rel=noopener noreferrer nofollow).
// Everything else is text, escaped: raw HTML (md4c's NOHTML), images (a
// link to them, never loaded), headings (bold paragraphs), tables, links
// with any other scheme or with character references in the URL. A single
// newline is a line break, as chats expect; ":name:" shortcodes of common
// emoji become the emoji (not inside code).
//
// Thread-safe (no state).
#pragma once

#include <string>
#include <string_view>

namespace townhall::api {

std::string render_markdown(std::string_view text);

}  // namespace townhall::api
