// Standard base64 (RFC 4648 alphabet, with padding), as DynamoDB encodes
// binaries on the wire.
//
// Thread-safety: all functions are safe to call concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace townhall::ddb {

std::string base64_encode(std::string_view bytes);
// Appends the encoding of bytes to out.
void base64_encode_append(std::string_view bytes, std::string& out);

// Decodes text into bytes (replacing its contents). Returns nullopt on
// success, otherwise why text is not canonical padded base64, in the words of
// DynamoDB's SerializationException: the length is not a multiple of 4, a
// character is outside the alphabet or padding is misplaced, or the last
// character carries bits that the decoded length cannot hold ("AB==").
std::optional<std::string> base64_decode_checked(std::string_view text, std::string& bytes);
// The same, without the reason: false when text is not valid.
bool base64_decode(std::string_view text, std::string& bytes);

}  // namespace townhall::ddb
