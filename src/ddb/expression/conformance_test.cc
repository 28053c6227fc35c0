// Replays the cases of tests/oracle/cases.jsonl, with the answers DynamoDB
// Local gave (conformance_cases.inc, written by tests/oracle/gen_conformance.py),
// against our expression code: the same error type and message, the same
// condition outcome, the same item after an update, the same projection.
// Where DynamoDB Local departs from DynamoDB's documentation the case carries
// the documented answer and a note saying so.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "ddb/expression.h"
#include "ddb/json_codec.h"

namespace townhall::ddb {
namespace {

struct ConformanceCase {
  const char* op;
  const char* item;     // JSON of the stored item without its key; empty: no item
  const char* request;  // the request's parameters without TableName and Key
  const char* answer;   // "OK [item]", "ConditionalCheckFailedException" or "<Type>: <message>"
  const char* note;
};

constexpr ConformanceCase kCases[] = {
#include "ddb/expression/conformance_cases.inc"
};

const AttributeMap kKey = {{"pk", AttributeValue::S("k")}, {"sk", AttributeValue::S("s")}};

// The request JSON with the table and key (or item) the oracle added.
std::string full_request(const ConformanceCase& c) {
  std::string args = c.request;
  std::string json = R"({"TableName":"expr",)";
  std::string_view op = c.op;
  if (op == "update" || op == "get" || op == "delete") {
    json += R"("Key":{"pk":{"S":"k"},"sk":{"S":"s"}},)";
  } else if (op == "put") {
    json += R"("Item":{"pk":{"S":"k"},"sk":{"S":"s"}},)";
  }
  json += args.substr(1);  // args is a JSON object: drop its '{'
  if (json.back() == ',') json.pop_back();
  return json;
}

template <class Request>
Result<Expressions> expressions_for(const std::string& json) {
  auto request = decode_json<Request>(json);
  if (!request.ok()) return std::move(request).error();
  return Expressions::for_request(request.value());
}

std::string error_text(const Error& e) {
  if (e.code == ErrorCode::kConditionalCheckFailed) return "ConditionalCheckFailedException";
  return e.to_string();
}

// Runs one case the way the store would, and describes the outcome like the oracle.
std::string run(const ConformanceCase& c) {
  const std::string json = full_request(c);
  const std::string_view op = c.op;
  Result<Expressions> built = Error::Internal("unknown op");
  if (op == "update") built = expressions_for<UpdateItemRequest>(json);
  if (op == "put") built = expressions_for<PutItemRequest>(json);
  if (op == "delete") built = expressions_for<DeleteItemRequest>(json);
  if (op == "get") built = expressions_for<GetItemRequest>(json);
  if (op == "query") built = expressions_for<QueryRequest>(json);
  if (op == "scan") built = expressions_for<ScanRequest>(json);
  if (!built.ok()) return error_text(built.error());
  const Expressions& e = built.value();

  std::optional<AttributeMap> stored;
  if (*c.item) {
    auto item = decode_attribute_map_json(c.item);
    if (!item.ok()) return "bad test item: " + item.error().to_string();
    stored = std::move(item).value();
    stored->insert(kKey.begin(), kKey.end());
  }
  if (op == "query") {
    auto key = e.key_condition_for("pk", "sk");
    if (!key.ok()) return error_text(key.error());
    return "OK";
  }
  if (op == "scan") return "OK";
  if (op == "get") {
    AttributeMap result = stored ? e.project(*stored) : AttributeMap();
    if (!e.has_projection()) {
      for (const auto& [k, v] : kKey) result.erase(k);
    }
    return "OK " + encode_attribute_map_json(result);
  }
  auto holds = e.condition_holds(stored ? &*stored : nullptr);
  if (!holds.ok()) return error_text(holds.error());
  if (!holds.value()) return "ConditionalCheckFailedException";
  AttributeMap after;
  if (op == "put") {
    after = kKey;
  } else if (op == "update") {
    after = stored ? *stored : kKey;
    Status status = e.apply_update(after);
    if (!status.ok()) return error_text(status.error());
  }
  for (const auto& [k, v] : kKey) after.erase(k);
  return "OK " + encode_attribute_map_json(after);
}

// The oracle's answer in our encoding: items re-encoded so that key order and
// number spelling do not matter.
std::string normalize(std::string_view answer) {
  if (!answer.starts_with("OK ")) return std::string(answer);
  auto item = decode_attribute_map_json(answer.substr(3));
  if (!item.ok()) return "bad expected item: " + std::string(answer);
  return "OK " + encode_attribute_map_json(item.value());
}

TEST(ConformanceTest, MatchesDynamoDB) {
  int failures = 0;
  for (const auto& c : kCases) {
    const std::string expected = normalize(c.answer);
    const std::string actual = run(c);
    EXPECT_EQ(actual, expected) << "op: " << c.op << "\nitem: " << c.item << "\nrequest: " << c.request
                                << (*c.note ? std::string("\nnote: ") + c.note : "");
    if (actual != expected) ++failures;
  }
  EXPECT_EQ(failures, 0) << "of " << std::size(kCases) << " cases";
}

TEST(ConformanceTest, HasManyInvalidExpressions) {
  int invalid = 0;
  for (const auto& c : kCases) invalid += std::string_view(c.answer).starts_with("ValidationException");
  EXPECT_GE(invalid, 60);
}

}  // namespace
}  // namespace townhall::ddb
