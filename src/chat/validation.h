// Input rules shared by the chat services: sizes, UTF-8, e-mail shape, and
// the opaque cursors of paged listings.
#pragma once

#include <string>
#include <string_view>

#include "chat/error.h"

namespace townhall::chat {

inline constexpr size_t kMaxMessageBytes = 4096;
inline constexpr size_t kMaxUserNameBytes = 64;
inline constexpr size_t kMaxChannelNameBytes = 100;
inline constexpr size_t kMaxDescriptionBytes = 1000;
inline constexpr size_t kMaxEmailBytes = 254;
inline constexpr size_t kMinPasswordBytes = 8;
inline constexpr size_t kMaxPasswordBytes = 256;
inline constexpr size_t kMaxClientMessageIdBytes = 64;
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 100;

// Valid UTF-8, within [min_bytes, max_bytes], no control characters except
// newline and tab when multiline. what names the field in the error.
Status check_text(std::string_view text, std::string_view what, size_t min_bytes, size_t max_bytes,
                  bool multiline = false);
// Lowercased and checked: local@domain.tld, no spaces, no '#'.
Result<std::string> normalize_email(std::string_view email);
// limit <= 0 means the default; above the maximum is clamped.
int page_size(int limit);

// Cursors are URL-safe base64 of the sort key to continue after; decoding
// checks that it names a key of the expected kind.
std::string encode_cursor(std::string_view sort_key);
Result<std::string> decode_cursor(std::string_view cursor, std::string_view expected_prefix);

}  // namespace townhall::chat
