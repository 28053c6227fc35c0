#include "cli/dev_http_database.h"

#include <utility>  // before Boost 1.74's Asio headers

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include "ddb/json_codec.h"

namespace townhall::cli {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

struct DevHttpDatabase::Connection {
  asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  bool connected = false;
};

ddb::Result<std::unique_ptr<DevHttpDatabase>> DevHttpDatabase::open(const std::string& endpoint,
                                                                    std::string region) {
  constexpr std::string_view kScheme = "http://";
  if (endpoint.rfind(kScheme, 0) != 0) {
    return ddb::Error::Validation("store endpoint must be http://host:port (https needs the client layer)");
  }
  std::string rest = endpoint.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  size_t colon = rest.rfind(':');
  std::string host = colon == std::string::npos ? rest : rest.substr(0, colon);
  std::string port = colon == std::string::npos ? "80" : rest.substr(colon + 1);
  if (host.empty()) return ddb::Error::Validation("store endpoint has no host");
  return std::unique_ptr<DevHttpDatabase>(new DevHttpDatabase(host, port, std::move(region)));
}

DevHttpDatabase::DevHttpDatabase(std::string host, std::string port, std::string region)
    : host_(std::move(host)), port_(std::move(port)), region_(std::move(region)) {}

DevHttpDatabase::~DevHttpDatabase() = default;

ddb::Result<std::string> DevHttpDatabase::call(const char* operation, std::string body) {
  std::unique_ptr<Connection> connection;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      connection = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  http::request<http::string_body> request{http::verb::post, "/", 11};
  request.set(http::field::host, host_ + ":" + port_);
  request.set(http::field::content_type, "application/x-amz-json-1.0");
  request.set("X-Amz-Target", std::string("DynamoDB_20120810.") + operation);
  // DynamoDB Local reads the key id and region from the credential scope and ignores the signature.
  request.set(http::field::authorization, "AWS4-HMAC-SHA256 Credential=townhall/20240101/" + region_ +
                                              "/dynamodb/aws4_request, SignedHeaders=host, Signature=0");
  request.keep_alive(true);
  request.body() = std::move(body);
  request.prepare_payload();

  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!connection || attempt > 0) connection = std::make_unique<Connection>();
    beast::error_code ec;
    if (!connection->connected) {
      asio::ip::tcp::resolver resolver(connection->io);
      auto endpoints = resolver.resolve(host_, port_, ec);
      if (!ec) connection->stream.connect(endpoints, ec);
      if (ec) return ddb::Error{ddb::ErrorCode::kRequestTimeout, "cannot reach the store: " + ec.message()};
      connection->connected = true;
    }
    connection->stream.expires_after(std::chrono::seconds(30));
    http::write(connection->stream, request, ec);
    http::response<http::string_body> response;
    if (!ec) http::read(connection->stream, connection->buffer, response, ec);
    if (ec) continue;  // a kept-alive connection the server closed: retry once on a new one
    if (response.keep_alive()) {
      std::lock_guard lock(mutex_);
      idle_.push_back(std::move(connection));
    }
    int status = response.result_int();
    if (status != 200) return ddb::decode_error_json(status, response.body());
    return std::move(response.body());
  }
  return ddb::Error{ddb::ErrorCode::kRequestTimeout, "the store closed the connection"};
}

#define TOWNHALL_DEV_OPERATION(Name, method, Request, Response)                     \
  ddb::Result<ddb::Response> DevHttpDatabase::method(const ddb::Request& request) { \
    auto body = call(#Name, ddb::encode_json(request));                             \
    if (!body.ok()) return std::move(body).error();                                 \
    return ddb::decode_json<ddb::Response>(*body);                                  \
  }
TOWNHALL_DDB_OPERATIONS(TOWNHALL_DEV_OPERATION)
#undef TOWNHALL_DEV_OPERATION

}  // namespace townhall::cli
