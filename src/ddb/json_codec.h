// The DynamoDB JSON 1.0 wire codec: every request and response shape of
// ddb/database.h to and from JSON text, attribute values as {"S": "..."},
// binaries as base64, numbers as strings.
//
// Decoding validates the JSON's shape and the attribute values the way
// DynamoDB does before any operation runs, with DynamoDB's messages and in its
// order: malformed JSON or a wrong JSON type anywhere is a
// SerializationException; else missing required members, all in one
// ValidationException ("2 validation errors detected: Value null at ..."); else
// the first invalid attribute value (no or several types, an invalid number,
// an empty or duplicated set, NULL false, nesting deeper than 32 levels) is a
// ValidationException. As in DynamoDB, a repeated member takes its last value,
// null is the same as absent, and unknown members are ignored. Semantic checks
// (is the table name valid, is the key complete) are the store's job.
//
// Thread-safety: all functions are safe to call concurrently.
#pragma once

#include <string>
#include <string_view>

#include "ddb/attribute_value.h"
#include "ddb/json_writer.h"
#include "ddb/result.h"

namespace townhall::ddb {

// T is any request or response type named in TOWNHALL_DDB_OPERATIONS.
template <class T>
Result<T> decode_json(std::string_view json);
// Appends the JSON of value to out.
template <class T>
void encode_json(const T& value, std::string& out);
template <class T>
std::string encode_json(const T& value) {
  std::string out;
  encode_json(value, out);
  return out;
}

// An error as DynamoDB's body: {"__type": "com.amazonaws.dynamodb.v20120810#...", "message": ...}.
std::string encode_error_json(const Error& error);
// The error an endpoint answered with; unknown or unparsable bodies become
// InternalServerError (5xx) or ValidationException (4xx) with the text kept.
Error decode_error_json(int http_status, std::string_view body);
// The namespace before '#' in __type for this error ("com.amazonaws.dynamodb.v20120810"
// or "com.amazon.coral.service", as DynamoDB sends it).
std::string_view error_type_namespace(ErrorCode code);

// Single values and items, for callers that keep items as JSON (tests, tools).
void write_attribute_value(JsonWriter& writer, const AttributeValue& value);
void write_attribute_map(JsonWriter& writer, const AttributeMap& item);
Result<AttributeMap> decode_attribute_map_json(std::string_view json);
std::string encode_attribute_map_json(const AttributeMap& item);

}  // namespace townhall::ddb
