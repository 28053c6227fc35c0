// handle_request without sockets: dispatch, DynamoDB's errors, SigV4.
#include "wire/request_handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ddb/json_codec.h"
#include "wire/mock_database.h"

namespace townhall::wire {
namespace {

using ::testing::_;
using ::testing::Field;
using ::testing::Return;
using ::testing::Throw;

constexpr std::string_view kAuth =
    "AWS4-HMAC-SHA256 Credential=dummy/20240301/us-east-1/dynamodb/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0123";

HttpRequest make_request(std::string_view target, std::string_view body, std::string_view auth = kAuth) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/";
  r.add_field("Host", "127.0.0.1:8000");
  r.content_type_index = r.add_field("Content-Type", "application/x-amz-json-1.0");
  r.add_field("X-Amz-Date", "20240301T101500Z");
  if (!target.empty()) r.amz_target_index = r.add_field("X-Amz-Target", target);
  if (!auth.empty()) r.authorization_index = r.add_field("Authorization", auth);
  r.body = body;
  return r;
}

class RequestHandlerTest : public ::testing::Test {
 protected:
  HttpResponse run(const HttpRequest& request) {
    HttpResponse response;
    handle_request(HandlerContext{db_, keys_}, request, response, now_);
    return response;
  }
  MockDatabase db_;
  const sigv4::KeyRing* keys_ = nullptr;
  std::chrono::system_clock::time_point now_ = *sigv4::parse_amz_date("20240301T101500Z");
};

TEST_F(RequestHandlerTest, DispatchesGetItemThroughTheCodec) {
  ddb::GetItemResponse answer;
  answer.item =
      ddb::AttributeMap{{"PK", ddb::AttributeValue::S("USER#1")}, {"Name", ddb::AttributeValue::S("Ann")}};
  EXPECT_CALL(db_, get_item(Field(&ddb::GetItemRequest::table_name, "chat"))).WillOnce(Return(answer));
  auto response =
      run(make_request("DynamoDB_20120810.GetItem", R"({"TableName":"chat","Key":{"PK":{"S":"USER#1"}}})"));
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.content_type, "application/x-amz-json-1.0");
  EXPECT_EQ(response.body, R"({"Item":{"Name":{"S":"Ann"},"PK":{"S":"USER#1"}}})");
}

TEST_F(RequestHandlerTest, EveryOperationOfTheInterfaceIsServed) {
  ::testing::NiceMock<MockDatabase> db;
  auto run_nice = [&](const HttpRequest& request) {
    HttpResponse response;
    handle_request(HandlerContext{db, nullptr}, request, response, now_);
    return response;
  };
  // An empty JSON object reaches each handler; required members are missing,
  // so the codec answers ValidationException or the (mocked) store is called.
  // Either way the operation is known: never UnknownOperationException.
#define TOWNHALL_EXPECT_SERVED(Name, method, Request, Response)                                             \
  {                                                                                                         \
    ON_CALL(db, method(_))                                                                                  \
        .WillByDefault(Return(ddb::Error::ResourceNotFound("Requested resource not found")));               \
    auto response = run_nice(make_request(prefix + #Name, "{}"));                                           \
    EXPECT_EQ(response.body.find("UnknownOperation"), std::string::npos) << #Name << ": " << response.body; \
    EXPECT_EQ(response.status, 400u) << #Name;                                                              \
    auto crossed = run_nice(make_request(other_prefix + #Name, "{}"));                                      \
    EXPECT_NE(crossed.body.find("UnknownOperation"), std::string::npos) << other_prefix << #Name;           \
  }
  std::string prefix = "DynamoDB_20120810.", other_prefix = "DynamoDBStreams_20120810.";
  TOWNHALL_DDB_OPERATIONS(TOWNHALL_EXPECT_SERVED)
  std::swap(prefix, other_prefix);
  TOWNHALL_DDB_STREAMS_OPERATIONS(TOWNHALL_EXPECT_SERVED)
#undef TOWNHALL_EXPECT_SERVED
}

TEST_F(RequestHandlerTest, StoreErrorsBecomeDynamoDbErrorBodies) {
  EXPECT_CALL(db_, describe_table(_))
      .WillOnce(Return(ddb::Error::ResourceNotFound("Cannot do operations on a non-existent table")));
  auto response = run(make_request("DynamoDB_20120810.DescribeTable", R"({"TableName":"nope"})"));
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(response.body, R"({"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",)"
                           R"("message":"Cannot do operations on a non-existent table"})");
}

TEST_F(RequestHandlerTest, InternalErrorsAndExceptionsAre500) {
  EXPECT_CALL(db_, list_tables(_))
      .WillOnce(Return(ddb::Error::Internal("disk on fire")))
      .WillOnce(Throw(std::runtime_error("boom")));
  auto response = run(make_request("DynamoDB_20120810.ListTables", "{}"));
  EXPECT_EQ(response.status, 500u);
  EXPECT_NE(response.body.find("#InternalServerError"), std::string::npos);
  response = run(make_request("DynamoDB_20120810.ListTables", "{}"));
  EXPECT_EQ(response.status, 500u);
  EXPECT_NE(response.body.find("#InternalServerError"), std::string::npos);
  EXPECT_EQ(response.body.find("boom"), std::string::npos);  // internals stay in the log
}

TEST_F(RequestHandlerTest, MalformedJsonIsSerializationException) {
  auto response = run(make_request("DynamoDB_20120810.ListTables", "{\"Limit\":"));
  EXPECT_EQ(response.status, 400u);
  EXPECT_NE(response.body.find("com.amazon.coral.service#SerializationException"), std::string::npos);
  response = run(make_request("DynamoDB_20120810.ListTables", ""));
  EXPECT_NE(response.body.find("#SerializationException"), std::string::npos);
}

TEST_F(RequestHandlerTest, UnknownMissingOrForeignTargetIsUnknownOperation) {
  for (std::string_view target : {"DynamoDB_20120810.Frobnicate", "", "DynamoDB_20120810", "Foo.ListTables",
                                  "DynamoDB_20111205.ListTables", "dynamodb_20120810.ListTables"}) {
    auto response = run(make_request(target, "{}"));
    EXPECT_EQ(response.status, 400u) << target;
    EXPECT_EQ(response.body, R"({"__type":"com.amazon.coral.service#UnknownOperationException",)"
                             R"("message":"An unknown operation was requested."})")
        << target;
  }
}

TEST_F(RequestHandlerTest, ContentTypeMustBeJson) {
  EXPECT_CALL(db_, list_tables(_)).Times(2).WillRepeatedly(Return(ddb::ListTablesResponse{}));
  auto request = make_request("DynamoDB_20120810.ListTables", "{}");
  request.fields[static_cast<size_t>(request.content_type_index)].value = "application/json";
  EXPECT_EQ(run(request).status, 200u);
  request.fields[static_cast<size_t>(request.content_type_index)].value =
      "application/x-amz-json-1.0; charset=utf-8";
  EXPECT_EQ(run(request).status, 200u);
  for (std::string_view type : {"text/plain", "application/x-www-form-urlencoded", ""}) {
    request.fields[static_cast<size_t>(request.content_type_index)].value = type;
    auto response = run(request);
    EXPECT_EQ(response.status, 404u) << type;
    EXPECT_EQ(response.body, "<UnknownOperationException/>\n");
  }
}

TEST_F(RequestHandlerTest, OtherMethodsAre404AndGetAnswersLikeDynamoDbLocal) {
  auto request = make_request("DynamoDB_20120810.ListTables", "{}");
  request.method = "PUT";
  EXPECT_EQ(run(request).status, 404u);
  HttpRequest get;
  get.method = "GET";
  get.target = "/";
  auto response = run(get);
  EXPECT_EQ(response.status, 400u);
  EXPECT_NE(response.body.find("MissingAuthenticationToken"), std::string::npos);
  get.method = "HEAD";
  EXPECT_TRUE(run(get).head_only);
}

TEST_F(RequestHandlerTest, AnyKeyIsAcceptedButAnAuthorizationHeaderIsRequired) {
  EXPECT_CALL(db_, list_tables(_)).WillOnce(Return(ddb::ListTablesResponse{}));
  EXPECT_EQ(run(make_request("DynamoDB_20120810.ListTables", "{}")).status, 200u);
  auto response = run(make_request("DynamoDB_20120810.ListTables", "{}", ""));
  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(response.body, R"({"__type":"com.amazon.coral.service#MissingAuthenticationTokenException",)"
                           R"("message":"Request is missing Authentication Token"})");
  response = run(make_request("DynamoDB_20120810.ListTables", "{}", "AWS4-HMAC-SHA256 Credential=x"));
  EXPECT_NE(response.body.find("#IncompleteSignatureException"), std::string::npos);
}

TEST_F(RequestHandlerTest, WithKeysOnlySignedRequestsReachTheStore) {
  sigv4::KeyRing ring;
  ring.add({"AKID", "secret", ""});
  keys_ = &ring;
  auto request = make_request("DynamoDB_20120810.ListTables", "{}", "");
  std::vector<sigv4::Header> headers;
  for (size_t i = 0; i < request.field_count; ++i)
    headers.push_back({request.fields[i].name, request.fields[i].value});
  auto signed_headers = sigv4::sign({"POST", "/", headers, request.body}, {"AKID", "secret", ""},
                                    {"us-east-1", "dynamodb", now_});
  request.authorization_index = request.add_field("Authorization", signed_headers.authorization);

  EXPECT_CALL(db_, list_tables(_)).WillOnce(Return(ddb::ListTablesResponse{}));
  EXPECT_EQ(run(request).status, 200u);

  request.body = R"({"Limit":1})";  // tampered after signing
  auto response = run(request);
  EXPECT_EQ(response.status, 400u);
  EXPECT_NE(response.body.find("com.amazon.coral.service#InvalidSignatureException"), std::string::npos);

  auto unsigned_request = make_request("DynamoDB_20120810.ListTables", "{}");  // dummy key
  response = run(unsigned_request);
  EXPECT_NE(response.body.find("#UnrecognizedClientException"), std::string::npos);
}

}  // namespace
TEST(MayRunLongTest, SmallQueryPagesRunInlineEverythingElseLongGoesToThePool) {
  auto query = [](std::string_view body) {
    return may_run_long(make_request("DynamoDB_20120810.Query", body));
  };
  EXPECT_FALSE(may_run_long(make_request("DynamoDB_20120810.GetItem", "{}")));
  EXPECT_TRUE(may_run_long(make_request("DynamoDB_20120810.Scan", R"({"Limit":1})")));
  EXPECT_FALSE(query(R"({"TableName":"chat","Limit":50,"KeyConditionExpression":"PK = :p"})"));
  EXPECT_FALSE(query(R"( { "Limit" : 100 } )"));
  EXPECT_TRUE(query(R"({"TableName":"chat","KeyConditionExpression":"PK = :p"})"));  // up to 1 MB
  EXPECT_TRUE(query(R"({"Limit":101})"));
  EXPECT_TRUE(query(R"({"Limit":0})"));
  EXPECT_TRUE(query(R"({"Limit":"5"})"));
  // "Limit" inside a value, a string or a nested map is not the request's.
  EXPECT_TRUE(query(R"({"ExpressionAttributeValues":{":v":{"S":"\"Limit\":5"}},"X":{"Limit":5}})"));
  EXPECT_FALSE(query(R"({"ExpressionAttributeValues":{":v":{"L":[{"S":"a]}"}]}},"Limit":5})"));
  EXPECT_TRUE(query("{\"Limit"));
  EXPECT_TRUE(query("not json"));
}

}  // namespace townhall::wire
