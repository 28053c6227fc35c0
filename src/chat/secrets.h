// Random secrets and their digests, for everything the chat hands out once
// and keeps only as a hash: session tokens, invite links, password-reset
// links. libsodium underneath.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace townhall::chat {

// SHA-256 of data, lower-case hex.
std::string sha256_hex(std::string_view data);
// `bytes` random bytes as URL-safe base64 without padding (no '.', so a
// secret can follow an id after one).
std::string random_token(size_t bytes = 32);
// `bytes` random bytes as lower-case hex.
std::string random_hex(size_t bytes);
// Constant-time equality of two strings of possibly different length.
bool secrets_equal(std::string_view a, std::string_view b);

// A link token "<id>.<secret>": the id finds the item, the secret proves the
// holder has the link (the item keeps only its SHA-256). nullopt when the
// text is not of that shape.
std::optional<std::pair<std::string, std::string>> split_link_token(std::string_view token);

}  // namespace townhall::chat
