// DynamoDbServer over real loopback sockets: keep-alive, pipelining,
// x-amz-crc32, limits, slow clients, malformed HTTP and graceful stop, with
// store calls inline and on the store pool.
#include "wire/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <future>
#include <thread>

#include "wire/http_message.h"
#include "wire/mock_database.h"

namespace townhall::wire {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using ::testing::_;
using ::testing::Return;
using namespace std::chrono_literals;

constexpr std::string_view kAnyKeyAuth =
    "AWS4-HMAC-SHA256 Credential=dummy/20240301/us-east-1/dynamodb/aws4_request, "
    "SignedHeaders=host;x-amz-date, "
    "Signature=0123";

std::string post(std::string_view operation, std::string_view body, std::string_view extra_headers = "") {
  std::string r = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.0\r\n";
  r += "X-Amz-Date: 20240301T101500Z\r\nAuthorization: ";
  r += kAnyKeyAuth;
  r += "\r\nX-Amz-Target: DynamoDB_20120810.";
  r += operation;
  r += "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  r += extra_headers;
  r += "\r\n";
  r += body;
  return r;
}

class Client {
 public:
  explicit Client(uint16_t port) : socket_(context_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  void send(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes.data(), bytes.size())); }
  // The next response, or nullopt when the server closed the connection.
  std::optional<http::response<http::string_body>> read() {
    http::response<http::string_body> response;
    beast::error_code ec;
    http::read(socket_, buffer_, response, ec);
    if (ec) return std::nullopt;
    return response;
  }
  // True when the server closes the connection before `within` passes.
  bool closed_within(std::chrono::milliseconds within) {
    pollfd fd{socket_.native_handle(), POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(within.count())) != 1) return false;
    char byte;
    ssize_t n = ::recv(socket_.native_handle(), &byte, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }
  tcp::socket& socket() { return socket_; }

 private:
  asio::io_context context_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

// How store calls run: all inline, long ones on the pool (the default), all on the pool.
struct Threading {
  unsigned store_threads;
  bool offload_all;
  const char* name;
};

class ServerTest : public ::testing::TestWithParam<Threading> {
 protected:
  void SetUp() override {
    ON_CALL(db_, list_tables(_)).WillByDefault(Return(ddb::ListTablesResponse{}));
    ON_CALL(db_, describe_table(_))
        .WillByDefault(
            Return(ddb::Error::ResourceNotFound("Requested resource not found: Table: t not found")));
  }
  void start(ServerOptions options = {}) {
    options.port = 0;
    if (options.io_threads == 0) options.io_threads = 2;
    options.store_threads = GetParam().store_threads;
    options.offload_all = GetParam().offload_all;
    server_ = std::make_unique<DynamoDbServer>(db_, std::move(options));
    auto status = server_->start();
    ASSERT_TRUE(status.ok()) << status.error().to_string();
  }
  ::testing::NiceMock<MockDatabase> db_;
  std::unique_ptr<DynamoDbServer> server_;
};

TEST_P(ServerTest, PicksAFreePortAndNamesItsEndpoint) {
  start();
  EXPECT_NE(server_->port(), 0);
  EXPECT_EQ(server_->endpoint(), "127.0.0.1:" + std::to_string(server_->port()));
  DynamoDbServer second(db_, ServerOptions{.port = server_->port()});
  EXPECT_FALSE(second.start().ok());  // the port is taken
}

TEST_P(ServerTest, KeepAliveAnswersWithRequestIdAndCrc) {
  start();
  Client client(server_->port());
  for (int i = 0; i < 3; ++i) {
    client.send(post("ListTables", "{}"));
    auto response = client.read();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 200u);
    EXPECT_EQ(response->body(), R"({"TableNames":[]})");
    // The value DynamoDB Local sends for this body.
    EXPECT_EQ((*response)["x-amz-crc32"], "1315925753");
    EXPECT_EQ((*response)["x-amzn-RequestId"].size(), 52u);
    EXPECT_EQ((*response)["Content-Type"], "application/x-amz-json-1.0");
    EXPECT_TRUE(response->keep_alive());
  }
}

TEST_P(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  start();
  Client client(server_->port());
  client.send(post("ListTables", "{}") + post("DescribeTable", R"({"TableName":"t"})") +
              post("ListTables", "{}"));
  auto first = client.read();
  auto second = client.read();
  auto third = client.read();
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(first->result_int(), 200u);
  EXPECT_EQ(second->result_int(), 400u);
  EXPECT_NE(second->body().find("ResourceNotFoundException"), std::string::npos);
  EXPECT_EQ(third->result_int(), 200u);
}

TEST_P(ServerTest, ConnectionCloseIsHonoured) {
  start();
  Client client(server_->port());
  client.send(post("ListTables", "{}", "Connection: close\r\n"));
  auto response = client.read();
  ASSERT_TRUE(response);
  EXPECT_FALSE(response->keep_alive());
  EXPECT_TRUE(client.closed_within(1s));
}

TEST_P(ServerTest, BodyOverSixteenMegabytesIs413AndTheServerStaysUp) {
  start();
  Client client(server_->port());
  std::string body(17 * 1024 * 1024, 'x');
  std::string head =
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n";
  client.send(head);
  beast::error_code ec;
  asio::write(client.socket(), asio::buffer(body), ec);  // the server may stop reading; either way we get 413
  auto response = client.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 413u);
  EXPECT_TRUE(response->body().empty());

  Client other(server_->port());
  other.send(post("ListTables", "{}"));
  auto ok = other.read();
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->result_int(), 200u);
}

TEST_P(ServerTest, OversizedHeadersAreRejected) {
  start(ServerOptions{.max_header_bytes = 4096});
  Client client(server_->port());
  client.send(post("ListTables", "{}", "X-Padding: " + std::string(8000, 'p') + "\r\n"));
  auto response = client.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 431u);
}

TEST_P(ServerTest, MalformedHttpIs400) {
  start();
  Client client(server_->port());
  client.send("THIS IS NOT HTTP\r\n\r\n");
  auto response = client.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 400u);
}

TEST_P(ServerTest, SlowClientIsDisconnectedAndDoesNotHoldOthers) {
  start(ServerOptions{.read_timeout = 300ms});
  Client slow(server_->port());
  slow.send("POST / HTTP/1.1\r\nHost: x\r\n");  // and then nothing
  Client fast(server_->port());
  fast.send(post("ListTables", "{}"));
  auto response = fast.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(slow.closed_within(3s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST_P(ServerTest, ExpectContinueGetsAnInterimAnswer) {
  start();
  Client client(server_->port());
  std::string request = post("ListTables", "{}", "Expect: 100-continue\r\n");
  size_t body_at = request.size() - 2;
  client.send(std::string_view(request).substr(0, body_at));
  std::string interim(25, '\0');
  asio::read(client.socket(), asio::buffer(interim));
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  client.send(std::string_view(request).substr(body_at));
  auto response = client.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
}

TEST_P(ServerTest, StopLetsTheRequestInFlightFinish) {
  std::promise<void> entered;
  std::promise<void> release;
  auto released = release.get_future().share();
  EXPECT_CALL(db_, list_tables(_))
      .WillOnce([&](const ddb::ListTablesRequest&) -> ddb::Result<ddb::ListTablesResponse> {
        entered.set_value();
        released.wait();
        return ddb::ListTablesResponse{{"chat"}, std::nullopt};
      });
  start();
  Client busy(server_->port());
  Client idle(server_->port());
  busy.send(post("ListTables", "{}"));
  entered.get_future().wait();
  std::thread stopper([&] { server_->stop(); });
  EXPECT_TRUE(idle.closed_within(2s));  // idle connections go at once
  release.set_value();
  auto response = busy.read();
  stopper.join();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_EQ(response->body(), R"({"TableNames":["chat"]})");
  EXPECT_FALSE(response->keep_alive());
}

// A Scan blocked in the store holds neither its network thread nor GetItem
// on another connection of that thread (one network thread here).
TEST_P(ServerTest, ABlockedLongCallDoesNotStallPointCalls) {
  if (GetParam().store_threads == 0)
    GTEST_SKIP() << "everything inline: a blocked call holds its thread by design";
  std::promise<void> entered;
  std::promise<void> release;
  auto released = release.get_future().share();
  EXPECT_CALL(db_, scan(_)).WillOnce([&](const ddb::ScanRequest&) -> ddb::Result<ddb::ScanResponse> {
    entered.set_value();
    released.wait();
    return ddb::ScanResponse{};
  });
  ON_CALL(db_, get_item(_)).WillByDefault(Return(ddb::GetItemResponse{}));
  start(ServerOptions{.io_threads = 1});
  Client scanner(server_->port());
  scanner.send(post("Scan", R"({"TableName":"t"})"));
  entered.get_future().wait();
  Client reader(server_->port());
  reader.send(post("GetItem", R"({"TableName":"t","Key":{"PK":{"S":"a"}}})"));
  auto response = reader.read();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->result_int(), 200u);
  release.set_value();
  auto scanned = scanner.read();
  ASSERT_TRUE(scanned);
  EXPECT_EQ(scanned->result_int(), 200u);
}

INSTANTIATE_TEST_SUITE_P(StoreCalls, ServerTest,
                         ::testing::Values(Threading{0, false, "Inline"}, Threading{2, false, "LongOnPool"},
                                           Threading{2, true, "AllOnPool"}),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace townhall::wire
