// Malformed requests and the exact error DynamoDB answers each with.
//
// Sources: the messages DynamoDB gives were taken from dynalite's test suite,
// which runs against DynamoDB itself (test/helpers.js assertType, and the
// putItem/query validation tests); where that is silent, from DynamoDB Local
// 1.25 on a test port. Where DynamoDB and DynamoDB Local disagree the
// expectation follows DynamoDB and the case says so.
#include <gtest/gtest.h>

#include "ddb/database.h"
#include "ddb/json_codec.h"

namespace townhall::ddb {
namespace {

struct Case {
  const char* what;
  std::string body;
  ErrorCode code;
  std::string message;  // exact, or a prefix when it ends with "..."
};

template <class T>
void expect_errors(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.what) + ": " + c.body.substr(0, 300));
    auto result = decode_json<T>(c.body);
    ASSERT_FALSE(result.ok()) << "decoded without error";
    EXPECT_EQ(error_name(result.error().code), error_name(c.code));
    if (c.message.size() > 3 && c.message.ends_with("...")) {
      EXPECT_TRUE(result.error().message.starts_with(c.message.substr(0, c.message.size() - 3)))
          << result.error().message;
    } else {
      EXPECT_EQ(result.error().message, c.message);
    }
  }
}

// A PutItemRequest on table "chat" whose attribute "a" is value_json.
std::string put_with(const std::string& value_json) {
  return R"({"TableName":"chat","Item":{"PK":{"S":"k"},"a":)" + value_json + "}}";
}

std::string nested(int levels) {  // levels of attribute values, the innermost an S
  std::string json = R"({"S":"x"})";
  for (int i = 1; i < levels; ++i) json = i % 2 ? R"({"M":{"m":)" + json + "}}" : R"({"L":[)" + json + "]}";
  return json;
}

std::string nested_empty_lists(int levels) {
  std::string json = R"({"L":[]})";
  for (int i = 1; i < levels; ++i) json = R"({"L":[)" + json + "]}";
  return json;
}

constexpr ErrorCode kSer = ErrorCode::kSerialization;
constexpr ErrorCode kVal = ErrorCode::kValidation;
const std::string kAttributeValueMap =
    "java.util.Map<java.lang.String, com.amazonaws.dynamodb.v20120810.AttributeValue>";

TEST(JsonCodecErrorsTest, MalformedJsonIsSerializationException) {
  expect_errors<PutItemRequest>({
      {"truncated", R"({"TableName":"chat")", kSer, "Malformed JSON: ..."},
      {"trailing comma", R"({"TableName":"chat",})", kSer, "Malformed JSON: ..."},
      {"single quotes", R"({'TableName':'chat'})", kSer, "Malformed JSON: ..."},
      {"two documents", R"({} {})", kSer, "Malformed JSON: ..."},
      {"bare word", "hello", kSer, "Malformed JSON: ..."},
      {"invalid UTF-8", "{\"TableName\":\"ch\xff\"}", kSer, "Malformed JSON: ..."},
      {"control character in a string", "{\"TableName\":\"a\x01\"}", kSer, "Malformed JSON: ..."},
      {"bad escape", R"({"TableName":"\x41"})", kSer, "Malformed JSON: ..."},
      {"not a structure", "[]", kSer,
       "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.PutItemInput"},
      {"a string for the whole request", R"("chat")", kSer, "Unexpected value type in payload"},
  });
}

TEST(JsonCodecErrorsTest, WrongJsonTypeInEachKindOfMember) {
  expect_errors<PutItemRequest>({
      // String members.
      {"number for a string", R"({"TableName":5})", kSer, "NUMBER_VALUE cannot be converted to String"},
      {"decimal for a string", R"({"TableName":5.5})", kSer, "DECIMAL_VALUE cannot be converted to String"},
      {"true for a string", R"({"TableName":true})", kSer, "TRUE_VALUE cannot be converted to String"},
      {"false for a string", R"({"TableName":false})", kSer, "FALSE_VALUE cannot be converted to String"},
      {"list for a string", R"({"TableName":["chat"]})", kSer,
       "Unrecognized collection type class java.lang.String"},
      {"object for a string", R"({"TableName":{}})", kSer,
       "Start of structure or map found where not expected"},
      // Map members.
      {"string for a map", R"({"TableName":"chat","Item":"x"})", kSer, "Unexpected field type"},
      {"list for a map", R"({"TableName":"chat","Item":[]})", kSer,
       "Unrecognized collection type " + kAttributeValueMap},
      {"number for a string in a map",
       R"({"TableName":"chat","Item":{},"ExpressionAttributeNames":{"#a":5}})", kSer,
       "NUMBER_VALUE cannot be converted to String"},
      // Structures as map values and as members.
      {"string for an attribute value", put_with(R"("x")"), kSer, "Unexpected value type in payload"},
      {"list for an attribute value", put_with("[]"), kSer,
       "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.AttributeValue"},
      {"number for a structure member", R"({"TableName":"chat","Item":{},"Expected":{"a":{"Value":5}}})",
       kSer, "Unexpected field type"},
      {"boolean for a struct in a map", R"({"TableName":"chat","Item":{},"Expected":{"a":true}})", kSer,
       "Unexpected value type in payload"},
      {"string for a boolean", R"({"TableName":"chat","Item":{},"Expected":{"a":{"Exists":"yes"}}})", kSer,
       "Unexpected token received from parser"},
  });
  expect_errors<QueryRequest>({
      {"string for an Integer", R"({"TableName":"chat","Limit":"10"})", kSer,
       "STRING_VALUE cannot be converted to Integer"},
      {"boolean for an Integer", R"({"TableName":"chat","Limit":true})", kSer,
       "TRUE_VALUE cannot be converted to Integer"},
      {"list for an Integer", R"({"TableName":"chat","Limit":[1]})", kSer,
       "Unrecognized collection type class java.lang.Integer"},
      {"object for an Integer", R"({"TableName":"chat","Limit":{}})", kSer,
       "Start of structure or map found where not expected"},
      {"number for a boolean", R"({"TableName":"chat","ConsistentRead":1})", kSer,
       "NUMBER_VALUE cannot be converted to Boolean"},
      {"decimal for a boolean", R"({"TableName":"chat","ScanIndexForward":0.5})", kSer,
       "DECIMAL_VALUE cannot be converted to Boolean"},
      {"list for a boolean", R"({"TableName":"chat","ConsistentRead":[]})", kSer,
       "Unrecognized collection type class java.lang.Boolean"},
      {"string for a list", R"({"TableName":"chat","AttributesToGet":"PK"})", kSer, "Unexpected field type"},
      {"object for a list", R"({"TableName":"chat","AttributesToGet":{}})", kSer,
       "Start of structure or map found where not expected"},
      {"number in a list of strings", R"({"TableName":"chat","AttributesToGet":["PK",1]})", kSer,
       "NUMBER_VALUE cannot be converted to String"},
      {"list for a structure in a map", R"({"TableName":"chat","KeyConditions":{"PK":[]}})", kSer,
       "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.Condition"},
  });
  expect_errors<CreateTableRequest>({
      {"string for a Long", R"({"ProvisionedThroughput":{"ReadCapacityUnits":"5","WriteCapacityUnits":5}})",
       kSer, "STRING_VALUE cannot be converted to Long"},
      {"string in a list of structures", R"({"KeySchema":["PK"]})", kSer, "Unexpected value type in payload"},
      {"list for a structure member", R"({"ProvisionedThroughput":[]})", kSer,
       "Unrecognized collection type class com.amazonaws.dynamodb.v20120810.ProvisionedThroughput"},
  });
  expect_errors<BatchWriteItemRequest>({
      {"string for a list in a map", R"({"RequestItems":{"chat":"x"}})", kSer,
       "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to class..."},
      {"list for the map of lists", R"({"RequestItems":[]})", kSer,
       "Unrecognized collection type java.util.Map<java.lang.String, "
       "java.util.List<com.amazonaws.dynamodb.v20120810.WriteRequest>>"},
  });
}

TEST(JsonCodecErrorsTest, WrongJsonTypeInsideAttributeValues) {
  expect_errors<PutItemRequest>({
      // DynamoDB Local accepts {"N": 5} and stores 5; DynamoDB answers this.
      {"number for N", put_with(R"({"N":5})"), kSer, "NUMBER_VALUE cannot be converted to String"},
      {"decimal for N", put_with(R"({"N":1.5})"), kSer, "DECIMAL_VALUE cannot be converted to String"},
      {"object for S", put_with(R"({"S":{"S":"x"}})"), kSer,
       "Start of structure or map found where not expected"},
      {"list for S", put_with(R"({"S":["x"]})"), kSer, "Unrecognized collection type class java.lang.String"},
      {"string for BOOL", put_with(R"({"BOOL":"true"})"), kSer, "Unexpected token received from parser"},
      {"number for NULL", put_with(R"({"NULL":1})"), kSer, "NUMBER_VALUE cannot be converted to Boolean"},
      {"number for B", put_with(R"({"B":5})"), kSer, "only base-64-encoded strings are convertible to bytes"},
      {"list for B", put_with(R"({"B":[]})"), kSer, "Unrecognized collection type class java.nio.ByteBuffer"},
      {"string for L", put_with(R"({"L":"x"})"), kSer, "Unexpected field type"},
      {"object for L", put_with(R"({"L":{}})"), kSer, "Start of structure or map found where not expected"},
      {"string in L", put_with(R"({"L":["x"]})"), kSer, "Unexpected value type in payload"},
      {"list for M", put_with(R"({"M":[]})"), kSer, "Unrecognized collection type " + kAttributeValueMap},
      {"number for M", put_with(R"({"M":1})"), kSer, "Unexpected field type"},
      {"number in M", put_with(R"({"M":{"k":1}})"), kSer, "Unexpected value type in payload"},
      {"string for SS", put_with(R"({"SS":"a"})"), kSer, "Unexpected field type"},
      {"number in SS", put_with(R"({"SS":["a",1]})"), kSer, "NUMBER_VALUE cannot be converted to String"},
      {"number in NS", put_with(R"({"NS":[1]})"), kSer, "NUMBER_VALUE cannot be converted to String"},
      {"boolean in BS", put_with(R"({"BS":[true]})"), kSer,
       "only base-64-encoded strings are convertible to bytes"},
      // Wrong JSON types win over other problems in the same value.
      {"serialization before validation", put_with(R"({"S":"a","N":"1","B":7})"), kSer,
       "only base-64-encoded strings are convertible to bytes"},
  });
}

TEST(JsonCodecErrorsTest, BadBase64IsSerializationException) {
  // DynamoDB Local answers these with a 500 InternalFailure.
  expect_errors<PutItemRequest>({
      {"length", put_with(R"({"B":"AAA"})"), kSer,
       "Base64 encoded length is expected a multiple of 4 bytes but found: 3"},
      {"length in BS", put_with(R"({"BS":["AAAA","23456"]})"), kSer,
       "Base64 encoded length is expected a multiple of 4 bytes but found: 5"},
      {"leftover bits", put_with(R"({"B":"AB=="})"), kSer, "Invalid last non-pad Base64 character dectected"},
      {"leftover bits 2", put_with(R"({"B":"+/+="})"), kSer,
       "Invalid last non-pad Base64 character dectected"},
      {"character", put_with(R"({"B":"!!!!"})"), kSer, "Invalid Base64 character: '!'"},
      {"padding first", put_with(R"({"B":"=+/="})"), kSer, "Invalid Base64 character: '='"},
  });
}

TEST(JsonCodecErrorsTest, MissingRequiredMembers) {
  expect_errors<PutItemRequest>({
      {"empty request", "{}", kVal,
       "2 validation errors detected: Value null at 'tableName' failed to satisfy constraint: Member must "
       "not "
       "be null; Value null at 'item' failed to satisfy constraint: Member must not be null"},
      {"null counts as absent", R"({"TableName":null,"Item":{}})", kVal,
       "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not "
       "be "
       "null"},
      {"null after a value", R"({"TableName":"chat","Item":{},"TableName":null})", kVal,
       "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not "
       "be "
       "null"},
  });
  expect_errors<TransactWriteItemsRequest>({
      {"in a list element", R"({"TransactItems":[{"Put":{"Item":{}}},{"Update":{"TableName":"t"}}]})", kVal,
       "1 validation error detected: Value null at 'transactItems.1.member.put.tableName' failed to satisfy "
       "constraint: Member must not be null"},
  });
  expect_errors<BatchWriteItemRequest>({
      {"in a map value's list element",
       R"({"RequestItems":{"Chat":[{"PutRequest":{}},{"DeleteRequest":{}}]}})", kVal,
       "2 validation errors detected: Value null at 'requestItems.Chat.member.1.member.putRequest.item' "
       "failed "
       "to satisfy constraint: Member must not be null; Value null at "
       "'requestItems.Chat.member.2.member.deleteRequest.key' failed to satisfy constraint: Member must not "
       "be "
       "null"},
  });
  expect_errors<CreateTableRequest>({
      {"nested structures",
       R"({"TableName":"t","AttributeDefinitions":[{"AttributeName":"PK"}],"KeySchema":[],)"
       R"("GlobalSecondaryIndexes":[{"IndexName":"G","KeySchema":[{"KeyType":"HASH"}],"Projection":{}}]})",
       kVal,
       "2 validation errors detected: Value null at 'attributeDefinitions.1.member.attributeType' failed to "
       "satisfy constraint: Member must not be null; Value null at "
       "'globalSecondaryIndexes.1.member.keySchema.1.member.attributeName' failed to satisfy constraint: "
       "Member must not be null"},
  });
  expect_errors<QueryRequest>({
      {"null in a list", R"({"TableName":"t","AttributesToGet":["a",null]})", kVal,
       "1 validation error detected: Value null at 'attributesToGet.2.member' failed to satisfy constraint: "
       "Member must not be null"},
  });
}

TEST(JsonCodecErrorsTest, InvalidAttributeValues) {
  const std::string invalid = "One or more parameter values were invalid: ";
  expect_errors<PutItemRequest>({
      {"no type", put_with("{}"), kVal,
       "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
      {"unknown type", put_with(R"({"Q":"x"})"), kVal,
       "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
      {"lowercase type", put_with(R"({"s":"x"})"), kVal,
       "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
      {"only a null type", put_with(R"({"S":null})"), kVal,
       "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
      {"empty value in a list", put_with(R"({"L":[{}]})"), kVal,
       "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
      {"two types", put_with(R"({"S":"a","N":"1"})"), kVal,
       "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
       "datatypes"},
      {"three types", put_with(R"({"BOOL":true,"NULL":true,"L":[]})"), kVal,
       "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported "
       "datatypes"},
      // A bad member is reported before "more than one datatypes" (as both DynamoDB and Local do).
      {"bad number beside a string", put_with(R"({"S":"a","N":"b"})"), kVal,
       "The parameter cannot be converted to a numeric value: b"},
      {"NULL false beside a string", put_with(R"({"S":"a","NULL":false})"), kVal,
       invalid + "Null attribute value types must have the value of true"},
      {"NULL false", put_with(R"({"NULL":false})"), kVal,
       invalid + "Null attribute value types must have the value of true"},
      {"empty number", put_with(R"({"N":""})"), kVal, "The parameter cannot be converted to a numeric value"},
      {"not a number", put_with(R"({"N":"12abc"})"), kVal,
       "The parameter cannot be converted to a numeric value: 12abc"},
      {"NaN", put_with(R"({"N":"NaN"})"), kVal, "The parameter cannot be converted to a numeric value: NaN"},
      {"space", put_with(R"({"N":" 1"})"), kVal, "The parameter cannot be converted to a numeric value:  1"},
      {"39 digits", put_with(R"({"N":"123456789012345678901234567890123456789"})"), kVal,
       "Attempting to store more than 38 significant digits in a Number"},
      {"too large", put_with(R"({"N":"1E+126"})"), kVal,
       "Number overflow. Attempting to store a number with magnitude larger than supported range"},
      {"too small", put_with(R"({"N":"-1E-131"})"), kVal,
       "Number underflow. Attempting to store a number with magnitude smaller than supported range"},
      {"bad number in NS", put_with(R"({"NS":["1","x"]})"), kVal,
       "The parameter cannot be converted to a numeric value: x"},
      {"null in NS", put_with(R"({"NS":["1",null]})"), kVal,
       "The parameter cannot be converted to a numeric value"},
      {"empty SS", put_with(R"({"SS":[]})"), kVal, invalid + "An string set  may not be empty"},
      {"empty NS", put_with(R"({"NS":[]})"), kVal, invalid + "An number set  may not be empty"},
      {"empty BS", put_with(R"({"BS":[]})"), kVal, invalid + "Binary sets should not be empty"},
      // DynamoDB Local leaves out the period.
      {"duplicate in SS", put_with(R"({"SS":["a","b","a"]})"), kVal,
       invalid + "Input collection [a, b, a] contains duplicates."},
      // "1" and "1.0" are the same number.
      {"duplicate in NS", put_with(R"({"NS":["1","1.0"]})"), kVal, "Input collection contains duplicates"},
      {"duplicate in NS by value", put_with(R"({"NS":["100","1E2"]})"), kVal,
       "Input collection contains duplicates"},
      // DynamoDB Local says "Input collection of type BS contains duplicates."
      {"duplicate in BS", put_with(R"({"BS":["Yg==","Yg=="]})"), kVal,
       invalid + "Input collection [Yg==, Yg==]of type BS contains duplicates."},
      {"null in SS", put_with(R"({"SS":["a",null]})"), kVal,
       invalid + "An string set may not have a null string as a member"},
      {"null attribute", put_with("null"), kVal,
       "The supplied Item contains a null AttributeValue: a is null"},
      {"null in M", put_with(R"({"M":{"k":null}})"), kVal,
       "The supplied Item contains a null AttributeValue: k is null"},
      {"null in L", put_with(R"({"L":[{"S":"x"},null]})"), kVal,
       "The supplied Item contains a null AttributeValue"},
      {"first problem wins", put_with(R"({"L":[{"N":"x"},{}]})"), kVal,
       "The parameter cannot be converted to a numeric value: x"},
      {"in ExpressionAttributeValues",
       R"({"TableName":"chat","Item":{},"ExpressionAttributeValues":{":v":{}}})", kVal,
       "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"},
  });
}

TEST(JsonCodecErrorsTest, NestingDeeperThan32Levels) {
  const std::string too_deep =
      "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond "
      "supported "
      "limit";
  EXPECT_TRUE(decode_json<PutItemRequest>(put_with(nested(32))).ok());
  EXPECT_TRUE(decode_json<PutItemRequest>(put_with(nested_empty_lists(32))).ok());
  expect_errors<PutItemRequest>({
      {"33 levels", put_with(nested(33)), kVal, too_deep},
      {"33 levels of lists, the last empty", put_with(nested_empty_lists(33)), kVal, too_deep},
      {"100 levels", put_with(nested(100)), kVal, too_deep},
      // Past what any valid request needs, the parser stops: still the same error.
      {"1000 JSON levels", put_with(nested(500)), kVal, too_deep},
      {"deep junk in an unknown member",
       R"({"TableName":"t","Item":{},"X":)" + std::string(600, '[') + std::string(600, ']') + "}", kVal,
       too_deep},
  });
}

TEST(JsonCodecErrorsTest, ReportsInDynamoDBsOrder) {
  // A wrong JSON type anywhere wins over missing members; missing members win
  // over invalid attribute values.
  expect_errors<PutItemRequest>({
      {"serialization first", R"({"Item":{"a":{}},"ReturnValues":5})", kSer,
       "NUMBER_VALUE cannot be converted to String"},
      {"then constraints", R"({"Item":{"a":{}}})", kVal,
       "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not "
       "be "
       "null"},
  });
  expect_errors<BatchGetItemRequest>({
      {"at most ten violations",
       [] {
         std::string tables;
         for (int i = 0; i < 12; ++i)
           tables += std::string(i ? "," : "") + "\"t" + std::to_string(i) + "\":{}";
         return R"({"RequestItems":{)" + tables + "}}";
       }(),
       kVal, "10 validation errors detected: Value null at 'requestItems.t0.member.keys'..."},
  });
}

}  // namespace
}  // namespace townhall::ddb
