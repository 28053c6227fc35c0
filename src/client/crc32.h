// CRC-32 (IEEE 802.3, the zlib polynomial), the checksum DynamoDB sends in
// the x-amz-crc32 response header over the bytes of the body.
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <string_view>

namespace townhall::client {

uint32_t crc32(std::string_view data);

}  // namespace townhall::client
