// The client against a scripted server: signing and headers, typed errors,
// connection reuse, and retries through throttling, 5xx answers, dropped and
// reset connections, truncated bodies, corrupted CRCs and timeouts.
#include "client/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "client/retry.h"
#include "client/test_server.h"
#include "ddb/json_codec.h"

namespace townhall::client {
namespace {

using std::chrono::milliseconds;
using testing::Reply;
using testing::TestServer;

const char* const kGetItemAnswer = R"({"Item":{"pk":{"S":"a"},"n":{"N":"7"}}})";

ClientOptions options_for(const TestServer& server) {
  ClientOptions options;
  options.endpoint_url = server.url();
  options.region = "us-west-2";
  options.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  options.retry.base_delay = milliseconds(1);  // keep the tests fast
  options.connect_timeout = milliseconds(2000);
  options.request_timeout = milliseconds(2000);
  return options;
}

std::unique_ptr<Client> make_client(ClientOptions options) {
  auto client = Client::create(std::move(options));
  EXPECT_TRUE(client.ok()) << client.error().to_string();
  return std::move(client).value();
}

ddb::GetItemRequest get_request() {
  ddb::GetItemRequest request;
  request.table_name = "t";
  request.key = {{"pk", ddb::AttributeValue::S("a")}};
  return request;
}

// Fails the first `failures` requests with `failure`, then answers kGetItemAnswer.
struct FailThenSucceed {
  Reply failure;
  int failures;
  std::shared_ptr<std::atomic<int>> count = std::make_shared<std::atomic<int>>(0);
  Reply operator()(const testing::ReceivedRequest&) const {
    return ++*count <= failures ? failure : Reply::ok(kGetItemAnswer);
  }
};

TEST(ClientTest, SendsSignedDynamoDbRequestsAndDecodesAnswers) {
  TestServer server([](const testing::ReceivedRequest&) { return Reply::ok(kGetItemAnswer); });
  ClientOptions options = options_for(server);
  options.credentials.session_token = "SESSION-TOKEN";
  auto client = make_client(options);

  auto response = client->get_item(get_request());
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  ASSERT_TRUE(response->item.has_value());
  EXPECT_EQ(response->item->at("n"), ddb::AttributeValue::N(7));

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/");
  EXPECT_EQ(r.header("x-amz-target"), "DynamoDB_20120810.GetItem");
  EXPECT_EQ(r.header("content-type"), "application/x-amz-json-1.0");
  EXPECT_EQ(r.header("host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(r.header("x-amz-security-token"), "SESSION-TOKEN");
  EXPECT_TRUE(r.header("authorization").starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"))
      << r.header("authorization");
  EXPECT_NE(r.header("authorization").find("/us-west-2/dynamodb/aws4_request"), std::string::npos);
  auto decoded = ddb::decode_json<ddb::GetItemRequest>(r.body);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->table_name, "t");

  // The signature verifies with the same key (what `townhall dynamodb` and DynamoDB check).
  sigv4::KeyRing keys;
  keys.add(options.credentials);
  std::vector<sigv4::Header> headers;
  for (const auto& [name, value] : r.headers) headers.push_back({name, value});
  sigv4::Request signed_request{r.method, r.target, headers, r.body};
  auto failure = sigv4::verify(signed_request, sigv4::VerifyOptions{&keys}, std::chrono::system_clock::now());
  EXPECT_FALSE(failure.has_value()) << failure->message;
}

TEST(ClientTest, EndpointPathIsTheRequestTarget) {
  TestServer server([](const testing::ReceivedRequest&) { return Reply::ok("{}"); });
  ClientOptions options = options_for(server);
  options.endpoint_url += "/dynamodb";
  auto client = make_client(options);
  ASSERT_TRUE(client->list_tables({}).ok());
  EXPECT_EQ(server.requests().at(0).target, "/dynamodb");
}

TEST(ClientTest, ReusesOneKeepAliveConnection) {
  TestServer server([](const testing::ReceivedRequest&) { return Reply::ok(kGetItemAnswer); });
  auto client = make_client(options_for(server));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client->get_item(get_request()).ok());
  EXPECT_EQ(server.connections_accepted(), 1);
  EXPECT_EQ(client->open_connections(), 1u);
}

TEST(ClientTest, ConnectionCloseAnswersAreNotReused) {
  TestServer server([](const testing::ReceivedRequest&) {
    Reply reply = Reply::ok(kGetItemAnswer);
    reply.close = true;
    return reply;
  });
  auto client = make_client(options_for(server));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client->get_item(get_request()).ok());
  EXPECT_EQ(server.connections_accepted(), 3);
  EXPECT_EQ(client->open_connections(), 0u);
}

TEST(ClientTest, ErrorsAreTypedLikeTheEngines) {
  TestServer server([](const testing::ReceivedRequest& r) {
    std::string target = r.header("x-amz-target");
    if (target.ends_with("PutItem")) {
      return Reply{Reply::Kind::kRespond, 400,
                   R"({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",)"
                   R"("message":"The conditional request failed","Item":{"pk":{"S":"a"}}})"};
    }
    if (target.ends_with("TransactWriteItems")) {
      return Reply{
          Reply::Kind::kRespond, 400,
          R"({"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException",)"
          R"("Message":"Transaction cancelled, please refer cancellation reasons for specific reasons )"
          R"([None, ConditionalCheckFailed]","CancellationReasons":[{"Code":"None"},)"
          R"({"Code":"ConditionalCheckFailed","Message":"The conditional request failed"}]})"};
    }
    return Reply::error(400, "ResourceNotFoundException", "Requested resource not found");
  });
  auto client = make_client(options_for(server));

  auto get = client->get_item(get_request());
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.error().code, ddb::ErrorCode::kResourceNotFound);
  EXPECT_EQ(get.error().message, "Requested resource not found");

  ddb::PutItemRequest put;
  put.table_name = "t";
  put.item = {{"pk", ddb::AttributeValue::S("a")}};
  auto put_result = client->put_item(put);
  ASSERT_FALSE(put_result.ok());
  EXPECT_EQ(put_result.error().code, ddb::ErrorCode::kConditionalCheckFailed);
  ASSERT_TRUE(put_result.error().item.has_value());
  EXPECT_EQ(put_result.error().item->at("pk"), ddb::AttributeValue::S("a"));

  auto transact = client->transact_write_items({});
  ASSERT_FALSE(transact.ok());
  EXPECT_EQ(transact.error().code, ddb::ErrorCode::kTransactionCanceled);
  ASSERT_EQ(transact.error().cancellation_reasons.size(), 2u);
  EXPECT_EQ(transact.error().cancellation_reasons[0].code, "None");
  EXPECT_EQ(transact.error().cancellation_reasons[1].code, "ConditionalCheckFailed");

  EXPECT_EQ(server.requests().size(), 3u) << "client errors are not retried";
}

struct FaultCase {
  const char* name;
  Reply failure;
};

class FaultRetryTest : public ::testing::TestWithParam<FaultCase> {};

TEST_P(FaultRetryTest, RetriesThenSucceeds) {
  FailThenSucceed script{GetParam().failure, 3};
  TestServer server(script);
  ClientOptions options = options_for(server);
  std::vector<RetryEvent> retries;
  std::vector<std::string> reasons;
  options.on_retry = [&](const RetryEvent& e) {
    retries.push_back(e);
    reasons.emplace_back(e.reason);
  };
  auto client = make_client(options);
  auto response = client->get_item(get_request());
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  EXPECT_EQ(response->item->at("pk"), ddb::AttributeValue::S("a"));
  EXPECT_EQ(server.requests().size(), 4u);
  ASSERT_EQ(retries.size(), 3u);
  for (size_t i = 0; i < retries.size(); ++i) {
    EXPECT_EQ(retries[i].operation, "GetItem");
    EXPECT_EQ(retries[i].failed_attempt, static_cast<int>(i + 1));
    EXPECT_LE(retries[i].delay, backoff_ceiling(options.retry, static_cast<int>(i + 1)));
  }
  EXPECT_FALSE(reasons[0].empty());
}

Reply with_status(int status, std::string_view type) { return Reply::error(status, type, "injected"); }
Reply corrupt_crc() {
  Reply reply = Reply::ok(kGetItemAnswer);
  reply.corrupt_crc = true;
  return reply;
}

INSTANTIATE_TEST_SUITE_P(
    Faults, FaultRetryTest,
    ::testing::Values(FaultCase{"ProvisionedThroughputExceeded",
                                with_status(400, "ProvisionedThroughputExceededException")},
                      FaultCase{"ThrottlingException", with_status(400, "ThrottlingException")},
                      FaultCase{"RequestLimitExceeded", with_status(400, "RequestLimitExceeded")},
                      FaultCase{"InternalServerError", with_status(500, "InternalServerError")},
                      FaultCase{"ServiceUnavailable", with_status(503, "ServiceUnavailable")},
                      FaultCase{"BadGatewayWithHtmlBody",
                                Reply{Reply::Kind::kRespond, 502, "<html>bad gateway</html>"}},
                      FaultCase{"DroppedConnection", Reply::of(Reply::Kind::kDrop)},
                      FaultCase{"ResetConnection", Reply::of(Reply::Kind::kReset)},
                      FaultCase{"TruncatedBody", Reply::of(Reply::Kind::kTruncate)},
                      FaultCase{"CorruptedCrc32", corrupt_crc()}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ClientRetryTest, GivesUpAfterMaxAttempts) {
  TestServer server([](const testing::ReceivedRequest&) {
    return Reply::error(400, "ProvisionedThroughputExceededException", "slow down");
  });
  ClientOptions options = options_for(server);
  options.retry.max_attempts = 3;
  auto client = make_client(options);
  auto response = client->get_item(get_request());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ddb::ErrorCode::kProvisionedThroughputExceeded);
  EXPECT_EQ(response.error().message, "slow down (gave up after 3 attempts)");
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(ClientRetryTest, DefaultsToElevenAttempts) {
  TestServer server([](const testing::ReceivedRequest&) { return with_status(500, "InternalServerError"); });
  ClientOptions options = options_for(server);
  options.retry.base_delay = milliseconds(0);
  auto client = make_client(options);
  EXPECT_FALSE(client->get_item(get_request()).ok());
  EXPECT_EQ(server.requests().size(), 11u);
}

TEST(ClientRetryTest, PersistentCrcMismatchIsAnError) {
  TestServer server([](const testing::ReceivedRequest&) { return corrupt_crc(); });
  ClientOptions options = options_for(server);
  options.retry.max_attempts = 2;
  auto client = make_client(options);
  auto response = client->get_item(get_request());
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ddb::ErrorCode::kInternalServerError);
  EXPECT_NE(response.error().message.find("x-amz-crc32"), std::string::npos) << response.error().message;
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(ClientRetryTest, AnswersWithoutCrcAreAccepted) {
  TestServer server([](const testing::ReceivedRequest&) {
    Reply reply = Reply::ok(kGetItemAnswer);
    reply.send_crc = false;
    return reply;
  });
  auto client = make_client(options_for(server));
  EXPECT_TRUE(client->get_item(get_request()).ok());
}

TEST(ClientRetryTest, RequestTimeout) {
  TestServer server([](const testing::ReceivedRequest&) { return Reply::of(Reply::Kind::kHang); });
  ClientOptions options = options_for(server);
  options.request_timeout = milliseconds(150);
  options.retry.max_attempts = 2;
  auto client = make_client(options);
  auto start = std::chrono::steady_clock::now();
  auto response = client->get_item(get_request());
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ddb::ErrorCode::kRequestTimeout);
  EXPECT_NE(response.error().message.find("timed out"), std::string::npos) << response.error().message;
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_GE(elapsed, milliseconds(300));
  EXPECT_LT(elapsed, milliseconds(1500));
}

TEST(ClientRetryTest, ConnectionRefused) {
  uint16_t port;
  {
    TestServer closed([](const testing::ReceivedRequest&) { return Reply::ok("{}"); });
    port = closed.port();
  }
  ClientOptions options;
  options.endpoint_url = "http://127.0.0.1:" + std::to_string(port);
  options.region = "us-east-1";
  options.credentials = {"A", "S", ""};
  options.retry = {2, milliseconds(1), milliseconds(10)};
  auto client = make_client(options);
  auto response = client->list_tables({});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ddb::ErrorCode::kRequestTimeout);
  EXPECT_NE(response.error().message.find("Cannot connect to 127.0.0.1:" + std::to_string(port)),
            std::string::npos)
      << response.error().message;
  EXPECT_EQ(client->open_connections(), 0u);
}

// A server that closes an idle keep-alive connection just as the client
// reuses it: the client reconnects at once, without a backoff or a failed attempt.
TEST(ClientRetryTest, StaleKeepAliveConnectionIsReplacedWithoutRetry) {
  std::atomic<int> count{0};
  TestServer server([&](const testing::ReceivedRequest& r) {
    ++count;
    if (r.connection == 1 && count == 2) return Reply::of(Reply::Kind::kDrop);
    return Reply::ok(kGetItemAnswer);
  });
  ClientOptions options = options_for(server);
  int retries = 0;
  options.on_retry = [&](const RetryEvent&) { ++retries; };
  options.retry.max_attempts = 1;
  auto client = make_client(options);
  ASSERT_TRUE(client->get_item(get_request()).ok());
  auto second = client->get_item(get_request());
  ASSERT_TRUE(second.ok()) << second.error().to_string();
  EXPECT_EQ(retries, 0);
  EXPECT_EQ(server.connections_accepted(), 2);
}

TEST(ClientTest, IdleConnectionsPastMaxIdleAreNotReused) {
  TestServer server([](const testing::ReceivedRequest&) { return Reply::ok(kGetItemAnswer); });
  ClientOptions options = options_for(server);
  options.max_idle = milliseconds(30);
  auto client = make_client(options);
  ASSERT_TRUE(client->get_item(get_request()).ok());
  ASSERT_TRUE(client->get_item(get_request()).ok());
  EXPECT_EQ(server.connections_accepted(), 1);
  std::this_thread::sleep_for(milliseconds(80));
  ASSERT_TRUE(client->get_item(get_request()).ok());
  EXPECT_EQ(server.connections_accepted(), 2);
  EXPECT_EQ(client->open_connections(), 1u);
}

// A server that accepts TCP connections (the kernel does, from the backlog)
// but never speaks: the TLS handshake must give up after connect_timeout.
TEST(ClientRetryTest, ConnectTimeoutBoundsTheTlsHandshake) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor silent(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  ClientOptions options;
  options.endpoint_url = "https://127.0.0.1:" + std::to_string(silent.local_endpoint().port());
  options.region = "us-east-1";
  options.credentials = {"A", "S", ""};
  options.connect_timeout = milliseconds(200);
  options.retry = {2, milliseconds(1), milliseconds(1)};
  auto client = make_client(options);
  auto start = std::chrono::steady_clock::now();
  auto response = client->list_tables({});
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ddb::ErrorCode::kRequestTimeout);
  EXPECT_NE(response.error().message.find("TLS handshake with 127.0.0.1"), std::string::npos)
      << response.error().message;
  EXPECT_NE(response.error().message.find("timed out"), std::string::npos) << response.error().message;
  EXPECT_GE(elapsed, milliseconds(400));  // two attempts
  EXPECT_LT(elapsed, milliseconds(2000));
}

TEST(ClientTest, ManyThreadsShareABoundedPool) {
  TestServer server([](const testing::ReceivedRequest&) {
    std::this_thread::sleep_for(milliseconds(2));
    return Reply::ok(kGetItemAnswer);
  });
  ClientOptions options = options_for(server);
  options.max_connections = 4;
  auto client = make_client(options);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 15; ++i) {
        if (!client->get_item(get_request()).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(server.requests().size(), 180u);
  EXPECT_LE(server.max_concurrent_connections(), 4);
  EXPECT_LE(server.connections_accepted(), 4);
  EXPECT_LE(client->open_connections(), 4u);
}

TEST(ClientTest, CreateChecksItsOptions) {
  ClientOptions options;
  options.endpoint_url = "localhost:8000";
  options.region = "us-east-1";
  options.credentials = {"A", "S", ""};
  EXPECT_EQ(Client::create(options).error().code, ddb::ErrorCode::kValidation);
  options.endpoint_url = "http://localhost:8000";
  options.region = "";
  EXPECT_FALSE(Client::create(options).ok());
  options.region = "us-east-1";
  options.credentials = {};
  EXPECT_FALSE(Client::create(options).ok());
  options.credentials = {"A", "S", ""};
  EXPECT_TRUE(Client::create(options).ok());
  options.endpoint_url = "https://localhost:8443";
  options.ca_bundle = "/nonexistent/ca.pem";
  auto bad_bundle = Client::create(options);
  ASSERT_FALSE(bad_bundle.ok());
  EXPECT_NE(bad_bundle.error().message.find("/nonexistent/ca.pem"), std::string::npos);
}

}  // namespace
}  // namespace townhall::client
