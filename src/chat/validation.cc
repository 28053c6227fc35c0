#include "chat/validation.h"

#include <simdjson.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>

namespace townhall::chat {

Status check_text(std::string_view text, std::string_view what, size_t min_bytes, size_t max_bytes,
                  bool multiline) {
  if (text.size() < min_bytes) {
    return Error::InvalidArgument(
        std::string(what) + (min_bytes <= 1 ? " must not be empty"
                                            : " must have at least " + std::to_string(min_bytes) + " bytes"));
  }
  if (text.size() > max_bytes) {
    return Error::InvalidArgument(std::string(what) + " must have at most " + std::to_string(max_bytes) +
                                  " bytes");
  }
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    return Error::InvalidArgument(std::string(what) + " must be valid UTF-8");
  }
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      if (multiline && (c == '\n' || c == '\t' || c == '\r')) continue;
      return Error::InvalidArgument(std::string(what) + " must not contain control characters");
    }
  }
  return Status::Ok();
}

Result<std::string> normalize_email(std::string_view email) {
  std::string out;
  out.reserve(email.size());
  for (char c : email) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  auto at = out.find('@');
  bool ok = !out.empty() && out.size() <= kMaxEmailBytes && at != std::string::npos && at > 0 &&
            out.find('@', at + 1) == std::string::npos && out.find('.', at) != std::string::npos &&
            out.back() != '.' && out[at + 1] != '.' && std::none_of(out.begin(), out.end(), [](char c) {
              return std::isspace(static_cast<unsigned char>(c)) || c == '#' ||
                     static_cast<unsigned char>(c) < 0x20;
            });
  if (!ok) return Error::InvalidArgument("email is not a valid address");
  return out;
}

int page_size(int limit) {
  if (limit <= 0) return kDefaultPageSize;
  return std::min(limit, kMaxPageSize);
}

std::string encode_cursor(std::string_view sort_key) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(sort_key.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(sort_key.data()),
                    sort_key.size(), kVariant);
  out.resize(out.size() - 1);
  return out;
}

Result<std::string> decode_cursor(std::string_view cursor, std::string_view expected_prefix) {
  std::string out(cursor.size(), '\0');
  size_t length = 0;
  if (cursor.size() > 512 || sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                                               cursor.data(), cursor.size(), nullptr, &length, nullptr,
                                               sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return Error::InvalidArgument("invalid cursor");
  }
  out.resize(length);
  if (!out.starts_with(expected_prefix) || !simdjson::validate_utf8(out.data(), out.size())) {
    return Error::InvalidArgument("invalid cursor");
  }
  return out;
}

}  // namespace townhall::chat
