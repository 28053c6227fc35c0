// Order-preserving key encoding (docs/storage-format.md has the full layout).
//
// Every engine key starts with a one-byte namespace: kMetaPrefix (store-wide
// counters), kCatalogPrefix (table schemas), kDataPrefix (items and index
// entries) or kStreamPrefix (stream records). Data keys continue with [table id: u32 BE][index id: u16 BE]
// (index id 0 is the base table) and then the key attribute values, each
// encoded so that comparing the encoded bytes gives DynamoDB's order:
// - S and B: the bytes with 0x00 escaped as 00 FF, then the terminator 00 01.
//   The encoding of a string without its terminator is a prefix of the
//   encoding of every string that starts with it, so begins_with is a range.
// - N: a class byte (01 negative, 02 zero, 03 positive), then for non-zero
//   numbers the exponent byte and the digits two per byte, then a terminator;
//   negative numbers have every byte after the class complemented.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ddb/attribute_value.h"

namespace townhall::engine::keys {

constexpr char kMetaPrefix = 0x00;
constexpr char kCatalogPrefix = 0x01;
constexpr char kDataPrefix = 0x02;
constexpr char kStreamPrefix = 0x03;  // stream descriptions and records (stream_log.h)

constexpr uint16_t kBaseIndexId = 0;

void append_u16(std::string& out, uint16_t value);
void append_u32(std::string& out, uint32_t value);

// A string or binary value, escaped and terminated.
void append_bytes(std::string& out, std::string_view bytes);
// The escaped bytes without terminator: the common prefix of every value that
// begins with these bytes.
void append_bytes_prefix(std::string& out, std::string_view bytes);
void append_number(std::string& out, const ddb::Number& number);
// REQUIRES: value is S, N or B (a key attribute).
void append_key_value(std::string& out, const ddb::AttributeValue& value);

// [kMetaPrefix][name]: a store-wide value ("next_table_id", ...).
std::string meta_key(std::string_view name);
// [kDataPrefix][table id]: every key of one table.
std::string table_prefix(uint32_t table_id);
// [kDataPrefix][table id][index id]: every key of one table or index.
std::string index_prefix(uint32_t table_id, uint16_t index_id);

// The smallest key greater than every key that starts with prefix.
// REQUIRES: prefix is not all 0xFF bytes.
std::string prefix_successor(std::string prefix);

}  // namespace townhall::engine::keys
