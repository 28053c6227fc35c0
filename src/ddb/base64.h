// Standard base64 (RFC 4648, with padding), as DynamoDB encodes binaries.
#pragma once

#include <string>
#include <string_view>

namespace townhall::ddb {

std::string base64_encode(std::string_view bytes);
// False when text is not valid padded base64.
bool base64_decode(std::string_view text, std::string& bytes);

}  // namespace townhall::ddb
