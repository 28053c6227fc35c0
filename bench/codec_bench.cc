// Speed of the DynamoDB JSON codec (ddb/json_codec.h) on the two payloads a
// chat server handles most: a PutItemRequest carrying a ~1 KB message item,
// and a QueryResponse of 100 such items (a page of channel history).
// simdjson's raw DOM parse of the same bytes is the ceiling for decoding.
//
// Run: build/bench/codec_bench --benchmark_min_time=1
// Bytes/s in the output is JSON bytes per second (input for decode, output
// for encode).
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <string>

#include "ddb/database.h"
#include "ddb/json_codec.h"

namespace townhall::ddb {
namespace {

// A message item as the chat layer writes it, padded to about 1 KB with the
// kinds of attributes real items carry (a map of reactions, a list of
// mentions, a set of tags, a flag, an edit counter).
AttributeMap message_item(int i) {
  std::string text =
      "Hey there! This is message number " + std::to_string(i) +
      " in the Town Hall channel. It talks about the \"weekly sync\", links to "
      "https://example.com/notes?id=42&lang=en and says \u00e9t\u00e9 and \u65e5\u672c\u8a9e too. ";
  while (text.size() < 560) text += "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ";
  AttributeMap reactions = {
      {"thumbs_up", AttributeValue::N(3)}, {"heart", AttributeValue::N(1)}, {"laugh", AttributeValue::N(12)}};
  return {
      {"PK", AttributeValue::S("CHAN#7")},
      {"SK", AttributeValue::S("MSG#1700000000#" + std::to_string(1000000 + i) + "-4b1c-9d6e-1f2a3b4c5d6e")},
      {"Msg", AttributeValue::S(text)},
      {"CreatedAt", AttributeValue::N(1700000000 + i)},
      {"UserName", AttributeValue::S("Alice")},
      {"UserId", AttributeValue::S("USER#12")},
      {"Edited", AttributeValue::BOOL(false)},
      {"EditCount", AttributeValue::N(0)},
      {"Score", AttributeValue::N(Number::parse("12.75").value())},
      {"Reactions", AttributeValue::M(reactions)},
      {"Mentions", AttributeValue::L({AttributeValue::S("USER#18"), AttributeValue::S("USER#44")})},
      {"Tags", AttributeValue::SS({"announcement", "weekly", "sync"})},
      {"Attachment", AttributeValue::B(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16))},
  };
}

std::string put_item_json() {
  PutItemRequest request;
  request.table_name = "chat";
  request.item = message_item(1);
  request.condition_expression = "attribute_not_exists(PK)";
  return encode_json(request);
}

std::string query_response_json() {
  QueryResponse response;
  response.items.emplace();
  for (int i = 0; i < 100; ++i) response.items->push_back(message_item(i));
  response.count = 100;
  response.scanned_count = 100;
  response.last_evaluated_key =
      AttributeMap{{"PK", AttributeValue::S("CHAN#7")}, {"SK", AttributeValue::S("MSG#1700000099#x")}};
  return encode_json(response);
}

template <class T>
void BM_Decode(benchmark::State& state, const std::string& json) {
  for (auto _ : state) {
    auto decoded = decode_json<T>(json);
    if (!decoded.ok()) state.SkipWithError(decoded.error().to_string().c_str());
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
  state.SetLabel(std::to_string(json.size()) + " B");
}

template <class T>
void BM_Encode(benchmark::State& state, const std::string& json) {
  T value = decode_json<T>(json).value();
  std::string out;
  for (auto _ : state) {
    out.clear();
    encode_json(value, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
  state.SetLabel(std::to_string(out.size()) + " B");
}

void BM_SimdjsonDom(benchmark::State& state, const std::string& json) {
  simdjson::dom::parser parser;
  for (auto _ : state) {
    simdjson::dom::element root;
    if (parser.parse(json.data(), json.size(), true).get(root)) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(root);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * json.size()));
}

const std::string& put_item() {
  static const std::string json = put_item_json();
  return json;
}
const std::string& query_response() {
  static const std::string json = query_response_json();
  return json;
}

void BM_DecodePutItem(benchmark::State& state) { BM_Decode<PutItemRequest>(state, put_item()); }
void BM_EncodePutItem(benchmark::State& state) { BM_Encode<PutItemRequest>(state, put_item()); }
void BM_SimdjsonPutItem(benchmark::State& state) { BM_SimdjsonDom(state, put_item()); }
void BM_DecodeQuery100(benchmark::State& state) { BM_Decode<QueryResponse>(state, query_response()); }
void BM_EncodeQuery100(benchmark::State& state) { BM_Encode<QueryResponse>(state, query_response()); }
void BM_SimdjsonQuery100(benchmark::State& state) { BM_SimdjsonDom(state, query_response()); }

BENCHMARK(BM_DecodePutItem);
BENCHMARK(BM_EncodePutItem);
BENCHMARK(BM_SimdjsonPutItem);
BENCHMARK(BM_DecodeQuery100);
BENCHMARK(BM_EncodeQuery100);
BENCHMARK(BM_SimdjsonQuery100);

}  // namespace
}  // namespace townhall::ddb

BENCHMARK_MAIN();
