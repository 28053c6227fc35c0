// The binary encoding of items stored as RocksDB values (documented in
// docs/storage-format.md). Compact and quick to decode: a tag byte per value,
// LEB128 lengths, attributes in name order so decoding appends to the map.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ddb/attribute_value.h"
#include "ddb/result.h"

namespace townhall::engine {

void encode_item(const ddb::AttributeMap& item, std::string& out);
std::string encode_item(const ddb::AttributeMap& item);

// Fails with InternalServerError when the bytes are not a valid encoding.
// With size_bytes, also sets the item's DynamoDB size (as
// ddb::item_size_bytes counts it), which a read needs for its page limit and
// capacity and costs little more while decoding.
ddb::Result<ddb::AttributeMap> decode_item(std::string_view bytes, size_t* size_bytes = nullptr);

// Appends the stored item as DynamoDB JSON, byte for byte what ddb's JSON
// writer makes of decode_item(bytes), and adds its DynamoDB size (as
// ddb::item_size_bytes counts it) to size_bytes, without building an
// AttributeMap: the endpoint's Query and Scan answer this way. False when
// the bytes are not a valid encoding (out then ends in a partial item).
bool append_item_json(std::string_view bytes, std::string& out, size_t& size_bytes);

// LEB128 helpers, shared with the catalog codec.
void append_varint(std::string& out, uint64_t value);
// Reads a varint from the front of in; false on truncation. Inline: item
// decoding calls it for every name and value.
inline bool read_varint(std::string_view& in, uint64_t& value) {
  if (!in.empty() && !(in[0] & 0x80)) {  // most lengths fit in one byte
    value = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    return true;
  }
  value = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    uint8_t byte = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}
void append_length_prefixed(std::string& out, std::string_view bytes);
inline bool read_length_prefixed(std::string_view& in, std::string_view& bytes) {
  uint64_t size;
  if (!read_varint(in, size) || size > in.size()) return false;
  bytes = in.substr(0, size);
  in.remove_prefix(size);
  return true;
}

}  // namespace townhall::engine
