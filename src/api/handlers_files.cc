// Files shared in channels: upload (the body is the file) and download
// (chat/file_service.h; docs/files.md).
#include <cctype>

#include "api/handlers.h"
#include "chat/keys.h"
#include "files/content_type.h"
#include "files/image.h"

namespace townhall::api {
namespace {

// Inline only for pictures a browser shows as pictures (and that decoded
// as such on upload); everything else downloads, so an uploaded HTML page
// or SVG never runs in the chat's origin.
bool shown_inline(const chat::StoredFile& file, bool thumbnail) {
  return thumbnail || (file.file.thumbnail && file.file.type.starts_with("image/"));
}

// RFC 6266 / RFC 5987: a plain fallback name and the UTF-8 one.
std::string content_disposition(bool inline_file, const std::string& name) {
  std::string ascii, encoded;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : name) {
    ascii += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != ';') ? static_cast<char>(c) : '_';
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return std::string(inline_file ? "inline" : "attachment") + "; filename=\"" + ascii +
         "\"; filename*=UTF-8''" + encoded;
}

}  // namespace

// POST /api/channels/{id}/files?name=<file name>: the body is the file.
// 201 {"file": {...}}; 413 over the size limit or the uploader's quota.
HandlerResult handle_upload_file(Call& call) {
  auto& files = call.chat.files();
  if (!files.enabled()) return error_response(503, "unavailable", "file sharing is off on this server");
  const std::string& bytes = call.request.body;
  if (static_cast<int64_t>(bytes.size()) > files.options().max_file_bytes) {
    return chat::Error::TooLarge("a file is at most " +
                                 std::to_string(files.options().max_file_bytes / (1024 * 1024)) + " MB");
  }
  chat::NewFile file;
  file.name = files::clean_file_name(query_param(call, "name"));
  // What the bytes are, whatever the client says.
  files::Sniffed sniffed = files::sniff(bytes);
  file.type = sniffed.mime;
  file.bytes = bytes;
  files::ImageInfo image;
  if (sniffed.image) {
    auto inspected = files::inspect_image(bytes);
    if (inspected.ok()) {
      image = std::move(inspected).value();
      file.width = image.width;
      file.height = image.height;
      file.thumbnail = image.thumbnail;
    } else {
      file.type = "application/octet-stream";  // claims to be an image and is not: a plain download
    }
  }
  TH_ASSIGN_OR_RETURN(chat::StoredFile stored, files.upload(call.actor(), call.param("id"), file));
  std::string body;
  ddb::JsonWriter w(body);
  w.begin_object();
  w.key("file");
  write_file(w, stored.channel_id, stored.file);
  w.end_object();
  return json_response(201, std::move(body));
}

// GET /api/channels/{id}/files/{file_id}[?thumbnail=1]: the bytes, to whoever
// may read the channel (checked on every request).
HandlerResult handle_download_file(Call& call) {
  bool thumbnail = query_param(call, "thumbnail") == "1";
  TH_ASSIGN_OR_RETURN(auto content, call.chat.files().download(call.actor(), call.param("id"),
                                                               call.param("file_id"), thumbnail));
  ApiResponse response;
  response.status = 200;
  response.content_type = thumbnail ? "image/webp" : content.file.file.type;
  response.body = std::move(content.bytes);
  response.add_header("Content-Disposition",
                      content_disposition(shown_inline(content.file, thumbnail), content.file.file.name));
  // A file never changes (a new upload is a new file); only this user's cache keeps it.
  response.add_header("Cache-Control", "private, max-age=86400, immutable");
  // Even opened directly, it cannot run script or reach anything.
  response.add_header("Content-Security-Policy", "default-src 'none'; sandbox");
  return response;
}

}  // namespace townhall::api
