// The binary encoding of items stored as RocksDB values (documented in
// docs/storage-format.md). Compact and quick to decode: a tag byte per value,
// LEB128 lengths, attributes in name order so decoding appends to the map.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "ddb/attribute_value.h"
#include "ddb/result.h"

namespace townhall::engine {

void encode_item(const ddb::AttributeMap& item, std::string& out);
std::string encode_item(const ddb::AttributeMap& item);

// Fails with InternalServerError when the bytes are not a valid encoding.
ddb::Result<ddb::AttributeMap> decode_item(std::string_view bytes);

// LEB128 helpers, shared with the catalog codec.
void append_varint(std::string& out, uint64_t value);
// Reads a varint from the front of in; false on truncation.
bool read_varint(std::string_view& in, uint64_t& value);
void append_length_prefixed(std::string& out, std::string_view bytes);
bool read_length_prefixed(std::string_view& in, std::string_view& bytes);

}  // namespace townhall::engine
