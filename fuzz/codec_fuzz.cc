// libFuzzer target for the DynamoDB JSON codec (ddb/json_codec.h).
//
// Decodes the input as several request and response types. A decode either
// fails with one of the two errors a malformed request can give
// (SerializationException, ValidationException), or succeeds; then the value
// is encoded, decoded again and encoded again, and both the decoded values
// (compared through their encodings, which are canonical: numbers
// normalized, sets sorted, maps ordered) and the attribute maps (compared
// directly) must be equal. Error bodies are decoded too, for crashes only.
//
// Build and run (one core):
//   make fuzz   # or: CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DTOWNHALL_FUZZ=ON
//   build-fuzz/fuzz/codec_fuzz fuzz/corpus/codec -max_total_time=600 -max_len=65536
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ddb/database.h"
#include "ddb/json_codec.h"

namespace {

using namespace townhall::ddb;

[[noreturn]] void fail(const char* type, std::string_view what, std::string_view detail) {
  std::fprintf(stderr, "codec_fuzz: %s: %.*s\n%.*s\n", type, static_cast<int>(what.size()), what.data(),
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

void expect_request_error(const char* type, const Error& error) {
  if (error.code != ErrorCode::kSerialization && error.code != ErrorCode::kValidation) {
    fail(type, "unexpected error kind", error.to_string());
  }
  if (error.message.empty()) fail(type, "error without a message", error.to_string());
}

template <class T>
void round_trip(const char* type, std::string_view input) {
  auto first = decode_json<T>(input);
  if (!first.ok()) return expect_request_error(type, first.error());
  std::string json = encode_json(*first);
  auto second = decode_json<T>(json);
  if (!second.ok()) fail(type, "re-encoded value does not decode", second.error().to_string() + "\n" + json);
  std::string again = encode_json(*second);
  if (again != json) fail(type, "decode(encode(x)) differs from x", json + "\n" + again);
}

void round_trip_item(std::string_view input) {
  auto first = decode_attribute_map_json(input);
  if (!first.ok()) return expect_request_error("AttributeMap", first.error());
  std::string json = encode_attribute_map_json(*first);
  auto second = decode_attribute_map_json(json);
  if (!second.ok()) fail("AttributeMap", "re-encoded item does not decode", second.error().to_string());
  if (!(*second == *first)) fail("AttributeMap", "decode(encode(item)) != item", json);
  if (item_size_bytes(*second) != item_size_bytes(*first)) fail("AttributeMap", "item size changed", json);
}

// Every request and response type, for the one extra type each input is tried as.
using RoundTrip = void (*)(const char*, std::string_view);
struct Candidate {
  const char* name;
  RoundTrip run;
};
const Candidate kAllTypes[] = {
#define TOWNHALL_FUZZ_TYPES(Name, method, Request, Response) \
  {#Request, &round_trip<Request>}, {#Response, &round_trip<Response>},
    TOWNHALL_DDB_OPERATIONS(TOWNHALL_FUZZ_TYPES)
#undef TOWNHALL_FUZZ_TYPES
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // The shapes with the most structure, always.
  round_trip<PutItemRequest>("PutItemRequest", input);
  round_trip<UpdateItemRequest>("UpdateItemRequest", input);
  round_trip<QueryRequest>("QueryRequest", input);
  round_trip<BatchWriteItemRequest>("BatchWriteItemRequest", input);
  round_trip<TransactWriteItemsRequest>("TransactWriteItemsRequest", input);
  round_trip<CreateTableRequest>("CreateTableRequest", input);
  round_trip<QueryResponse>("QueryResponse", input);
  round_trip_item(input);
  // And one more of all the others, chosen by the input's length.
  const Candidate& extra = kAllTypes[size % std::size(kAllTypes)];
  extra.run(extra.name, input);
  // Error bodies from a remote endpoint: must not crash, whatever they hold.
  Error error = decode_error_json(400, input);
  (void)error;
  return 0;
}
