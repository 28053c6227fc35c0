// Round trips through the wire codec: every attribute type, every request and
// response shape of TOWNHALL_DDB_OPERATIONS (filled member by member), and
// the bodies boto3 and DynamoDB Local really exchange.
#include "ddb/json_codec.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "ddb/database.h"

namespace townhall::ddb {
namespace {

Number num(std::string_view text) { return Number::parse(text).value(); }

std::string all_bytes() {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  return bytes;
}

// One attribute of every type, including the edge values of each.
AttributeMap every_type_item() {
  return {
      {"S", AttributeValue::S("h\u00e9llo \"w\\orld\"\n\t\x01 \U0001F600")},
      {"S_empty", AttributeValue::S("")},
      {"N_int", AttributeValue::N(-42)},
      {"N_max", AttributeValue::N(num("9.9999999999999999999999999999999999999E+125"))},
      {"N_min_negative", AttributeValue::N(num("-1E+125"))},
      {"N_tiny", AttributeValue::N(num("1E-130"))},
      {"N_zero", AttributeValue::N(0)},
      {"N_fraction", AttributeValue::N(num("-0.000123"))},
      {"B", AttributeValue::B(all_bytes())},
      {"B_empty", AttributeValue::B("")},
      {"BOOL_true", AttributeValue::BOOL(true)},
      {"BOOL_false", AttributeValue::BOOL(false)},
      {"NULL", AttributeValue::NUL()},
      {"L_empty", AttributeValue::L({})},
      {"L", AttributeValue::L({AttributeValue::S("a"), AttributeValue::N(1), AttributeValue::NUL(),
                               AttributeValue::L({AttributeValue::BOOL(true)}),
                               AttributeValue::M({{"k", AttributeValue::SS({"x"})}})})},
      {"M_empty", AttributeValue::M({})},
      {"M", AttributeValue::M({{"nested", AttributeValue::M({{"deep", AttributeValue::NS({num("2.5")})}})},
                               {"", AttributeValue::S("empty name")},
                               {"\u00e9", AttributeValue::BS({std::string("\x00\x01", 2)})}})},
      {"SS", AttributeValue::SS({"b", "a", "", "\u65e5\u672c"})},
      {"NS", AttributeValue::NS({num("10"), num("-1E+125"), num("1E-130"), num("0")})},
      {"BS", AttributeValue::BS({"", std::string("\xff\x00", 2), "abc"})},
      {"", AttributeValue::S("an attribute with an empty name")},
  };
}

TEST(JsonCodecTest, EveryAttributeTypeRoundTrips) {
  AttributeMap item = every_type_item();
  std::string json = encode_attribute_map_json(item);
  auto decoded = decode_attribute_map_json(json);
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string() << "\n" << json;
  EXPECT_EQ(*decoded, item) << debug_string(*decoded);
  EXPECT_EQ(encode_attribute_map_json(*decoded), json);
  // Each value also on its own, in a list and in a map.
  for (const auto& [name, value] : item) {
    AttributeMap one = {{name, value},
                        {"in_list", AttributeValue::L({value})},
                        {"in_map", AttributeValue::M({{name, value}})}};
    auto back = decode_attribute_map_json(encode_attribute_map_json(one));
    ASSERT_TRUE(back.ok()) << name << ": " << back.error().to_string();
    EXPECT_EQ(*back, one) << name;
  }
}

TEST(JsonCodecTest, WritesDynamoDBsCanonicalForms) {
  // Numbers in plain notation without redundant zeros; sets sorted; binaries base64.
  auto decoded = decode_attribute_map_json(
      R"({"n":{"N":"-001.50E+2"},"ns":{"NS":["10","9","1.0E0"]},"ss":{"SS":["b","a"]},"b":{"B":"AAH+/w=="},)"
      R"("bs":{"BS":["Yg==","YQ=="]},"l":{"L":[{"NULL":true},{"BOOL":false}]},"s":{"S":"\u00e9\ud83d\ude00\/"}})");
  ASSERT_TRUE(decoded.ok()) << decoded.error().to_string();
  EXPECT_EQ(encode_attribute_map_json(*decoded),
            R"({"b":{"B":"AAH+/w=="},"bs":{"BS":["YQ==","Yg=="]},"l":{"L":[{"NULL":true},{"BOOL":false}]},)"
            R"("n":{"N":"-150"},"ns":{"NS":["1","9","10"]},"s":{"S":"é😀/"},"ss":{"SS":["a","b"]}})");
  EXPECT_EQ(decoded->at("b").as_binary(), std::string("\x00\x01\xfe\xff", 4));
}

TEST(JsonCodecTest, DeepestAllowedNestingRoundTrips) {
  AttributeValue v = AttributeValue::S("bottom");
  for (int level = 2; level <= kMaxNestingDepth; ++level) {
    v = level % 2 ? AttributeValue::L({v}) : AttributeValue::M({{"m", v}});
  }
  AttributeMap item = {{"deep", v}};
  auto back = decode_attribute_map_json(encode_attribute_map_json(item));
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, item);
}

// Fills every member of a shape with a distinct non-default value, so that a
// member the codec drops or misnames shows up as a difference.
struct Filler {
  int counter = 0;

  template <class F>
  void operator()(std::string_view, F& member, Field = Field::kOptional) {
    fill(member);
  }

  template <class T>
  void fill(T& v) {
    ++counter;
    if constexpr (std::is_same_v<T, std::string>) {
      v = "text " + std::to_string(counter) + " \"\u00e9\"";
    } else if constexpr (std::is_same_v<T, bool>) {
      v = counter % 2 == 0;
    } else if constexpr (std::is_same_v<T, int64_t>) {
      v = int64_t{counter} * 1000003;
    } else if constexpr (std::is_same_v<T, double>) {
      v = 1.0 / 3 + counter;
    } else if constexpr (std::is_same_v<T, AttributeValue>) {
      const auto item = every_type_item();
      auto it = item.begin();
      std::advance(it, counter % item.size());
      v = it->second;
    } else if constexpr (std::is_same_v<T, AttributeMap>) {
      v = {{"PK", AttributeValue::S("CHAN#" + std::to_string(counter))}, {"N", AttributeValue::N(counter)}};
    } else if constexpr (requires { v.has_value(); }) {
      v.emplace();
      fill(*v);
    } else if constexpr (requires { v.push_back(std::declval<typename T::value_type>()); }) {
      v.resize(2);
      for (auto& e : v) fill(e);
    } else if constexpr (requires { v.try_emplace(std::string()); }) {
      fill(v["key" + std::to_string(counter)]);
      fill(v["Key " + std::to_string(counter)]);
    } else {
      T::describe(v, *this);
    }
  }
};

// Checks that the JSON of a filled value has every member of every shape in
// it, under DynamoDB's member name (a member the encoder skipped would
// otherwise round-trip unnoticed).
template <class T>
void expect_all_members(const T& value, simdjson::dom::element json, const std::string& where) {
  if constexpr (requires { value.has_value(); }) {
    expect_all_members(*value, json, where);
  } else if constexpr (std::is_same_v<T, AttributeMap> || std::is_same_v<T, AttributeValue> ||
                       std::is_same_v<T, std::string>) {
  } else if constexpr (requires { value.begin()->second; }) {
    for (const auto& [key, element] : value)
      expect_all_members(element, json[key].value(), std::string(where).append(".").append(key));
  } else if constexpr (requires { value.begin(); }) {
    size_t i = 0;
    for (const auto& element : value) expect_all_members(element, json.at(i++).value(), where + "[]");
  } else if constexpr (std::is_class_v<T>) {
    size_t members = 0;
    auto check = [&](std::string_view name, const auto& member, Field = Field::kOptional) {
      ++members;
      simdjson::dom::element child;
      ASSERT_FALSE(json[name].get(child)) << where << " lacks " << name;
      expect_all_members(member, child, where + "." + std::string(name));
    };
    T::describe(value, check);
    EXPECT_EQ(json.get_object().value().size(), members) << where;
  }
}

template <class T>
void expect_round_trip(const char* name) {
  T value{};
  Filler().fill(value);
  std::string json = encode_json(value);
  auto decoded = decode_json<T>(json);
  ASSERT_TRUE(decoded.ok()) << name << ": " << decoded.error().to_string() << "\n" << json;
  EXPECT_EQ(encode_json(*decoded), json) << name;
  simdjson::dom::parser parser;
  expect_all_members(value, parser.parse(json).value(), name);
}

TEST(JsonCodecTest, EveryRequestAndResponseRoundTrips) {
#define TOWNHALL_ROUND_TRIP(Name, method, Request, Response) \
  expect_round_trip<Request>(#Request);                      \
  expect_round_trip<Response>(#Response);
  TOWNHALL_DDB_ALL_OPERATIONS(TOWNHALL_ROUND_TRIP)
#undef TOWNHALL_ROUND_TRIP
}

TEST(JsonCodecTest, FilledShapesCarryEveryMemberName) {
  // Spot checks that member names are DynamoDB's spelling, on the wire.
  PutItemRequest put;
  Filler().fill(put);
  std::string json = encode_json(put);
  for (const char* name :
       {"\"TableName\":", "\"Item\":", "\"ConditionExpression\":", "\"ExpressionAttributeNames\":",
        "\"ExpressionAttributeValues\":", "\"ReturnValues\":", "\"ReturnConsumedCapacity\":",
        "\"ReturnItemCollectionMetrics\":", "\"ReturnValuesOnConditionCheckFailure\":", "\"Expected\":",
        "\"ConditionalOperator\":"}) {
    EXPECT_NE(json.find(name), std::string::npos) << name;
  }
  CreateTableRequest create;
  Filler().fill(create);
  json = encode_json(create);
  for (const char* name :
       {"\"SSESpecification\":", "\"KMSMasterKeyId\":", "\"SSEType\":", "\"NonKeyAttributes\":"}) {
    EXPECT_NE(json.find(name), std::string::npos) << name;
  }
}

struct WireBody {
  std::string_view operation;
  bool is_request;
  std::string_view body;
};
const WireBody kWireBodies[] = {
#include "ddb/testdata/wire_bodies.inc"
};

// Decodes body as the operation's request or response and encodes it again.
Result<std::string> reencode(const WireBody& wire) {
#define TOWNHALL_REENCODE(Name, method, Request, Response)                \
  if (wire.operation == #Name) {                                          \
    if (wire.is_request) {                                                \
      TH_ASSIGN_OR_RETURN(auto request, decode_json<Request>(wire.body)); \
      return encode_json(request);                                        \
    }                                                                     \
    TH_ASSIGN_OR_RETURN(auto response, decode_json<Response>(wire.body)); \
    return encode_json(response);                                         \
  }
  TOWNHALL_DDB_ALL_OPERATIONS(TOWNHALL_REENCODE)
#undef TOWNHALL_REENCODE
  return Error::Internal("unknown operation " + std::string(wire.operation));
}

// Compares two JSON documents by meaning: object members in any order,
// numbers as DynamoDB numbers when they are strings under "N"/"NS" (so
// "1.50" and "1.5" agree), and sets (SS/NS/BS) in any order.
bool same_json(simdjson::dom::element a, simdjson::dom::element b, std::string_view parent_key = {});

bool same_set(simdjson::dom::array a, simdjson::dom::array b, bool numbers) {
  std::vector<std::string> xs, ys;
  auto collect = [numbers](simdjson::dom::array arr, std::vector<std::string>& out) {
    for (auto e : arr) {
      std::string s(e.get_string().value());
      out.push_back(numbers ? num(s).to_string() : s);
    }
    std::sort(out.begin(), out.end());
  };
  collect(a, xs);
  collect(b, ys);
  return xs == ys;
}

bool same_json(simdjson::dom::element a, simdjson::dom::element b, std::string_view parent_key) {
  using simdjson::dom::element_type;
  if (a.type() == element_type::OBJECT && b.type() == element_type::OBJECT) {
    auto oa = a.get_object().value();
    auto ob = b.get_object().value();
    if (oa.size() != ob.size()) return false;
    for (auto [key, value] : oa) {
      simdjson::dom::element other;
      if (ob.at_key(key).get(other) || !same_json(value, other, key)) return false;
    }
    return true;
  }
  if (a.type() == element_type::ARRAY && b.type() == element_type::ARRAY) {
    if (parent_key == "SS" || parent_key == "NS" || parent_key == "BS") {
      return same_set(a.get_array().value(), b.get_array().value(), parent_key == "NS");
    }
    auto xa = a.get_array().value();
    auto xb = b.get_array().value();
    if (xa.size() != xb.size()) return false;
    for (auto ia = xa.begin(), ib = xb.begin(); ia != xa.end(); ++ia, ++ib) {
      if (!same_json(*ia, *ib)) return false;
    }
    return true;
  }
  if (parent_key == "N" && a.is_string() && b.is_string()) {
    return num(a.get_string().value()) == num(b.get_string().value());
  }
  if (a.is_number() && b.is_number()) return a.get_double().value() == b.get_double().value();
  return simdjson::to_string(a) == simdjson::to_string(b);
}

TEST(JsonCodecTest, Boto3AndDynamoDBLocalBodiesRoundTrip) {
  std::set<std::string_view> requests, responses;
  for (const auto& wire : kWireBodies) {
    SCOPED_TRACE(std::string(wire.operation) + (wire.is_request ? " request: " : " response: ") +
                 std::string(wire.body));
    auto json = reencode(wire);
    ASSERT_TRUE(json.ok()) << json.error().to_string();
    simdjson::dom::parser p1, p2;
    auto original = p1.parse(std::string(wire.body));
    auto again = p2.parse(*json);
    ASSERT_FALSE(original.error());
    ASSERT_FALSE(again.error()) << *json;
    EXPECT_TRUE(same_json(original.value(), again.value())) << "re-encoded: " << *json;
    (wire.is_request ? requests : responses).insert(wire.operation);
  }
  // Every operation's request was captured; responses wherever DynamoDB
  // Local implements the operation (not tagging or DescribeEndpoints).
  EXPECT_EQ(requests.size(), 21u);
  EXPECT_GE(responses.size(), 16u);
}

TEST(JsonCodecTest, DecodesTheNotebooksPutItem) {
  auto request = decode_json<PutItemRequest>(
      R"({"TableName": "chat", "Item": {"PK": {"S": "CHAN#7"}, "SK": {"S": "MSG#1700000000#abc"},)"
      R"( "Msg": {"S": "Hey there!"}, "CreatedAt": {"N": "1700000000"}, "UserName": {"S": "Bob"},)"
      R"( "UserId": {"S": "USER#18"}}})");
  ASSERT_TRUE(request.ok()) << request.error().to_string();
  EXPECT_EQ(request->table_name, "chat");
  EXPECT_EQ(request->item.size(), 6u);
  EXPECT_EQ(request->item.at("CreatedAt").as_number().to_int64(), 1700000000);
  EXPECT_EQ(request->item.at("Msg").as_string(), "Hey there!");
  EXPECT_FALSE(request->condition_expression.has_value());
}

TEST(JsonCodecTest, LastOfRepeatedMembersWinsAndNullMeansAbsent) {
  // As DynamoDB (Jackson) reads JSON: DynamoDB Local used the last TableName.
  auto request = decode_json<GetItemRequest>(
      R"({"TableName":"first","TableName":"chat","Key":{"PK":{"S":"a"},"PK":{"S":"b"}},)"
      R"("ConsistentRead":true,"ConsistentRead":null,"ProjectionExpression":null,"Bogus":{"x":[1]}})");
  ASSERT_TRUE(request.ok()) << request.error().to_string();
  EXPECT_EQ(request->table_name, "chat");
  EXPECT_EQ(request->key.at("PK").as_string(), "b");
  EXPECT_FALSE(request->consistent_read.has_value());
  EXPECT_FALSE(request->projection_expression.has_value());
  // Within an attribute value too: {"S":"a","S":"b"} is one type; a null member is unset.
  auto item = decode_attribute_map_json(R"({"a":{"S":"x","S":"y"},"b":{"N":"1","S":null}})");
  ASSERT_TRUE(item.ok()) << item.error().to_string();
  EXPECT_EQ(item->at("a"), AttributeValue::S("y"));
  EXPECT_EQ(item->at("b"), AttributeValue::N(1));
  // A struct given twice is replaced, not merged.
  auto create = decode_json<CreateTableRequest>(
      R"({"TableName":"t","AttributeDefinitions":[],"KeySchema":[],)"
      R"("StreamSpecification":{"StreamEnabled":true,"StreamViewType":"KEYS_ONLY"},)"
      R"("StreamSpecification":{"StreamEnabled":false}})");
  ASSERT_TRUE(create.ok()) << create.error().to_string();
  EXPECT_FALSE(create->stream_specification->stream_enabled);
  EXPECT_FALSE(create->stream_specification->stream_view_type.has_value());
}

TEST(JsonCodecTest, AcceptsEmptyBodyAndNumbersInEveryJsonForm) {
  auto list = decode_json<ListTablesRequest>("");
  ASSERT_TRUE(list.ok());
  EXPECT_FALSE(list->limit.has_value());
  // Jackson reads a decimal given for an integer member by truncating it.
  auto query = decode_json<QueryRequest>(R"({"TableName":"t","Limit":10.9})");
  ASSERT_TRUE(query.ok()) << query.error().to_string();
  EXPECT_EQ(query->limit, 10);
  auto described =
      decode_json<DescribeTableResponse>(R"({"Table":{"CreationDateTime":1700000000,"ItemCount":3}})");
  ASSERT_TRUE(described.ok()) << described.error().to_string();
  EXPECT_EQ(described->table.creation_date_time, 1700000000.0);
}

TEST(JsonCodecTest, EncodesWithoutAbsentMembers) {
  QueryResponse response;
  response.count = 0;
  EXPECT_EQ(encode_json(response), R"({"Count":0,"ScannedCount":0})");
  EXPECT_EQ(encode_json(TagResourceResponse{}), "{}");
  GetItemResponse get;
  get.item = AttributeMap{};
  EXPECT_EQ(encode_json(get), R"({"Item":{}})");
}

TEST(JsonCodecTest, ErrorBodiesLookLikeDynamoDBs) {
  EXPECT_EQ(encode_error_json(Error::Validation("bad")),
            R"({"__type":"com.amazon.coral.validate#ValidationException","message":"bad"})");
  EXPECT_EQ(
      encode_error_json(Error::Serialization("NUMBER_VALUE cannot be converted to String")),
      R"({"__type":"com.amazon.coral.service#SerializationException","Message":"NUMBER_VALUE cannot be converted to String"})");
  EXPECT_EQ(
      encode_error_json(Error::ResourceNotFound("Requested resource not found")),
      R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"Requested resource not found"})");
  EXPECT_EQ(encode_error_json(Error::ConditionalCheckFailed(AttributeMap{{"a", AttributeValue::N(1)}})),
            R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",)"
            R"("message":"The conditional request failed","Item":{"a":{"N":"1"}}})");
  Error canceled{ErrorCode::kTransactionCanceled,
                 "Transaction cancelled, please refer cancellation reasons for specific reasons "
                 "[None, ConditionalCheckFailed]"};
  canceled.cancellation_reasons = {{"None", "", std::nullopt},
                                   {"ConditionalCheckFailed", "The conditional request failed",
                                    AttributeMap{{"PK", AttributeValue::S("x")}}}};
  std::string body = encode_error_json(canceled);
  EXPECT_EQ(
      body,
      R"({"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException",)"
      R"("Message":"Transaction cancelled, please refer cancellation reasons for specific reasons )"
      R"([None, ConditionalCheckFailed]","CancellationReasons":[{"Code":"None"},)"
      R"({"Item":{"PK":{"S":"x"}},"Code":"ConditionalCheckFailed","Message":"The conditional request failed"}]})");
  Error back = decode_error_json(400, body);
  EXPECT_EQ(back.code, ErrorCode::kTransactionCanceled);
  EXPECT_EQ(back.message, canceled.message);
  EXPECT_EQ(back.cancellation_reasons, canceled.cancellation_reasons);
}

TEST(JsonCodecTest, DecodesErrorBodiesFromAnyEndpoint) {
  // DynamoDB Local capitalizes "Message" everywhere.
  Error e = decode_error_json(
      400,
      R"({"__type":"com.amazon.coral.validate#ValidationException","Message":"Supplied AttributeValue is empty"})");
  EXPECT_EQ(e.code, ErrorCode::kValidation);
  EXPECT_EQ(e.message, "Supplied AttributeValue is empty");
  e = decode_error_json(400,
                        R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",)"
                        R"("message":"The conditional request failed","Item":{"n":{"N":"2"}}})");
  EXPECT_EQ(e.code, ErrorCode::kConditionalCheckFailed);
  ASSERT_TRUE(e.item.has_value());
  EXPECT_EQ(e.item->at("n"), AttributeValue::N(2));
  e = decode_error_json(
      400, R"({"__type":"com.amazon.coral.availability#ThrottlingException","message":"Rate exceeded"})");
  EXPECT_EQ(e.code, ErrorCode::kThrottling);
  e = decode_error_json(503, "<html>Service Unavailable</html>");
  EXPECT_EQ(e.code, ErrorCode::kInternalServerError);
  EXPECT_EQ(e.message, "<html>Service Unavailable</html>");
  e = decode_error_json(400, R"({"__type":"com.example#SomethingNew","message":"?"})");
  EXPECT_EQ(e.code, ErrorCode::kValidation);
  EXPECT_EQ(e.message, "?");
  e = decode_error_json(400, "");
  EXPECT_EQ(e.code, ErrorCode::kValidation);
  for (ErrorCode code :
       {ErrorCode::kValidation, ErrorCode::kSerialization, ErrorCode::kResourceInUse,
        ErrorCode::kProvisionedThroughputExceeded, ErrorCode::kThrottling, ErrorCode::kUnrecognizedClient,
        ErrorCode::kAccessDenied, ErrorCode::kInternalServerError}) {
    Error original{code, "message for " + std::string(error_name(code))};
    Error decoded = decode_error_json(http_status(code), encode_error_json(original));
    EXPECT_EQ(decoded.code, code) << error_name(code);
    EXPECT_EQ(decoded.message, original.message);
  }
}

}  // namespace
}  // namespace townhall::ddb
