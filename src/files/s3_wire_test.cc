// S3BlobStore over real connections (client's scripted test server): the
// methods on the wire, keep-alive, retries after drops, and TLS with
// certificate and host name checks.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <boost/asio/ssl/context.hpp>

#include <filesystem>
#include <fstream>

#include "client/test_server.h"
#include "files/s3_blob_store.h"
#include "net/test_certificates.h"

namespace townhall::files {
namespace {

using client::testing::ReceivedRequest;
using client::testing::Reply;
using client::testing::TestServer;

constexpr std::string_view kBytes = "some bytes";

std::unique_ptr<S3BlobStore> open_store(const std::string& url, std::string ca_bundle = {}) {
  S3Options options;
  options.endpoint_url = url;
  options.bucket = "bucket";
  options.prefix = "files/";
  options.credentials = {"A", "S", "token"};
  options.ca_bundle = std::move(ca_bundle);
  auto store = S3BlobStore::open(std::move(options));
  EXPECT_TRUE(store.ok()) << store.error().message;
  return std::move(store).value();
}

// A bucket of one object, answering as S3 does.
Reply answer(const ReceivedRequest& request) {
  std::string key = "/bucket/files/" + chat::blob_key(kBytes);
  Reply reply = Reply::ok("");
  reply.send_crc = false;
  if (request.method == "PUT" && request.target == key && request.body == kBytes) return reply;
  if (request.method == "GET" && request.target == key) return Reply::ok(std::string(kBytes));
  if (request.method == "DELETE" && request.target == key) return reply;
  if (request.method == "GET" && request.target.starts_with("/bucket?list-type=2")) {
    return Reply::ok(
        "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>files/" + chat::blob_key(kBytes) +
        "</Key><LastModified>2020-01-01T00:00:00.000Z</LastModified></Contents></ListBucketResult>");
  }
  return Reply::error(400, "Unexpected", request.method + " " + request.target);
}

TEST(S3Wire, PutGetListRemoveOnOneKeepAliveConnection) {
  TestServer server(answer);
  auto store = open_store(server.url());
  std::string key = chat::blob_key(kBytes);
  ASSERT_TRUE(store->put(key, kBytes).ok());
  auto got = store->get(key);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(*got, kBytes);
  auto listed = store->list();
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].key, key);
  ASSERT_TRUE(store->remove(key).ok());

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[0].method, "PUT");
  EXPECT_EQ(requests[0].header("content-length"), std::to_string(kBytes.size()));
  EXPECT_EQ(requests[0].header("x-amz-content-sha256"), key);
  EXPECT_EQ(requests[0].header("x-amz-security-token"), "token");
  EXPECT_NE(requests[0].header("authorization").find("x-amz-security-token"), std::string::npos);
  EXPECT_EQ(requests[1].method, "GET");
  EXPECT_EQ(requests[3].method, "DELETE");
  for (const auto& request : requests)
    EXPECT_EQ(request.header("host"), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(server.connections_accepted(), 1);
}

TEST(S3Wire, RetriesADroppedConnection) {
  std::atomic<int> calls{0};
  TestServer server([&](const ReceivedRequest& request) {
    if (calls++ == 0) return Reply::of(Reply::Kind::kDrop);
    return answer(request);
  });
  auto store = open_store(server.url());
  auto got = store->get(chat::blob_key(kBytes));
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(*got, kBytes);
  EXPECT_EQ(server.requests().size(), 2u);
  EXPECT_EQ(server.connections_accepted(), 2);
}

TEST(S3Wire, ServerClosingAfterAnAnswerIsNotAFailure) {
  TestServer server([](const ReceivedRequest& request) {
    Reply reply = answer(request);
    reply.close = true;  // Connection: close
    return reply;
  });
  auto store = open_store(server.url());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(store->get(chat::blob_key(kBytes)).ok());
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.connections_accepted(), 3);
}

TEST(S3Wire, UnreachableEndpointIsUnavailable) {
  uint16_t port = 0;
  {
    TestServer gone(answer);
    port = gone.port();
  }
  auto store = open_store("http://127.0.0.1:" + std::to_string(port));
  auto got = store->get(chat::blob_key(kBytes));
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.error().is(chat::Code::kUnavailable)) << got.error().message;
}

class S3WireTls : public ::testing::Test {
 protected:
  void SetUp() override {
    certificates_ = net::testing::make_test_certificates("DNS:localhost");
    context_.use_certificate_chain(
        boost::asio::buffer(certificates_.server_cert_pem.data(), certificates_.server_cert_pem.size()));
    context_.use_private_key(
        boost::asio::buffer(certificates_.server_key_pem.data(), certificates_.server_key_pem.size()),
        boost::asio::ssl::context::pem);
    server_ = std::make_unique<TestServer>(answer, &context_);
    std::string pattern = (std::filesystem::temp_directory_path() / "townhall-s3-ca-XXXXXX").string();
    int fd = ::mkstemp(pattern.data());
    ASSERT_GE(fd, 0);
    ::close(fd);
    ca_file_ = pattern;
    std::ofstream(ca_file_) << certificates_.ca_pem;
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove(ca_file_);
  }

  net::testing::TestCertificates certificates_;
  boost::asio::ssl::context context_{boost::asio::ssl::context::tls_server};
  std::unique_ptr<TestServer> server_;
  std::string ca_file_;
};

TEST_F(S3WireTls, TrustedCertificateForTheHostName) {
  auto store = open_store(server_->url("localhost"), ca_file_);
  auto got = store->get(chat::blob_key(kBytes));
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(*got, kBytes);
  ASSERT_EQ(server_->server_names().size(), 1u);
  EXPECT_EQ(server_->server_names()[0], "localhost");
}

TEST_F(S3WireTls, RefusesAnUntrustedCertificateAtOnce) {
  auto store = open_store(server_->url("localhost"));  // the test CA is not trusted
  auto got = store->get(chat::blob_key(kBytes));
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("certificate verification failed"), std::string::npos)
      << got.error().message;
  EXPECT_EQ(server_->connections_accepted(), 1) << "a certificate failure is not retried";
  EXPECT_TRUE(server_->requests().empty());
}

TEST_F(S3WireTls, RefusesACertificateForAnotherName) {
  auto store = open_store(server_->url("127.0.0.1"), ca_file_);  // the certificate names localhost only
  auto got = store->get(chat::blob_key(kBytes));
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("certificate verification failed"), std::string::npos)
      << got.error().message;
  EXPECT_TRUE(server_->requests().empty());
}

TEST(S3WireOpen, RefusesAMissingCaBundle) {
  S3Options options;
  options.endpoint_url = "https://localhost:1";
  options.bucket = "b";
  options.credentials = {"A", "S", ""};
  options.ca_bundle = "/nonexistent/ca.pem";
  auto store = S3BlobStore::open(options);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.error().is(chat::Code::kInvalidArgument));
}

}  // namespace
}  // namespace townhall::files
