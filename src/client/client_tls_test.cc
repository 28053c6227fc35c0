// HTTPS: the client verifies the server's certificate against the system
// store plus a CA bundle, checks the host name, and sends SNI.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <boost/asio/ssl/context.hpp>

#include <filesystem>
#include <fstream>

#include "client/client.h"
#include "client/test_server.h"
#include "net/test_certificates.h"

namespace townhall::client {
namespace {

namespace ssl = boost::asio::ssl;
using testing::Reply;
using testing::TestServer;

class TlsTest : public ::testing::Test {
 protected:
  // A server whose certificate names `subject_alt_names`, and a CA file for the client.
  void start(const char* subject_alt_names) {
    certificates_ = net::testing::make_test_certificates(subject_alt_names);
    server_context_.use_certificate_chain(
        boost::asio::buffer(certificates_.server_cert_pem.data(), certificates_.server_cert_pem.size()));
    server_context_.use_private_key(
        boost::asio::buffer(certificates_.server_key_pem.data(), certificates_.server_key_pem.size()),
        ssl::context::pem);
    server_ = std::make_unique<TestServer>(
        [](const testing::ReceivedRequest&) { return Reply::ok(R"({"TableNames":["t"]})"); },
        &server_context_);
    std::string pattern = (std::filesystem::temp_directory_path() / "townhall-ca-XXXXXX").string();
    int fd = mkstemp(pattern.data());
    ASSERT_GE(fd, 0);
    close(fd);
    ca_file_ = pattern;
    std::ofstream(ca_file_) << certificates_.ca_pem;
  }
  void TearDown() override {
    server_.reset();
    if (!ca_file_.empty()) std::filesystem::remove(ca_file_);
  }

  ddb::Result<ddb::ListTablesResponse> list_tables(std::string_view host, bool trust_ca) {
    ClientOptions options;
    options.endpoint_url = server_->url(host);
    options.region = "us-east-1";
    options.credentials = {"A", "S", ""};
    options.retry.base_delay = std::chrono::milliseconds(1);
    if (trust_ca) options.ca_bundle = ca_file_;
    auto client = Client::create(options);
    EXPECT_TRUE(client.ok()) << client.error().to_string();
    return (*client)->list_tables({});
  }

  net::testing::TestCertificates certificates_;
  ssl::context server_context_{ssl::context::tls_server};
  std::unique_ptr<TestServer> server_;
  std::string ca_file_;
};

TEST_F(TlsTest, TrustedCertificateForTheHostName) {
  start("DNS:localhost");
  auto response = list_tables("localhost", /*trust_ca=*/true);
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  EXPECT_EQ(response->table_names, std::vector<std::string>{"t"});
  ASSERT_EQ(server_->server_names().size(), 1u);
  EXPECT_EQ(server_->server_names()[0], "localhost") << "SNI carries the host name";
  EXPECT_EQ(server_->requests().at(0).header("host"), "localhost:" + std::to_string(server_->port()));
}

TEST_F(TlsTest, IpAddressEndpointSendsNoSni) {
  start("IP:127.0.0.1");
  auto response = list_tables("127.0.0.1", /*trust_ca=*/true);
  ASSERT_TRUE(response.ok()) << response.error().to_string();
  ASSERT_EQ(server_->server_names().size(), 1u);
  EXPECT_EQ(server_->server_names()[0], "");
}

TEST_F(TlsTest, UntrustedCertificateIsRejectedWithoutRetry) {
  start("DNS:localhost");
  auto response = list_tables("localhost", /*trust_ca=*/false);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, ddb::ErrorCode::kRequestTimeout);
  EXPECT_NE(response.error().message.find("certificate verification failed"), std::string::npos)
      << response.error().message;
  EXPECT_TRUE(server_->requests().empty());
  EXPECT_EQ(server_->connections_accepted(), 1) << "a certificate failure is final";
}

TEST_F(TlsTest, CertificateForAnotherHostIsRejected) {
  start("DNS:elsewhere.example");
  auto response = list_tables("localhost", /*trust_ca=*/true);
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error().message.find("hostname mismatch"), std::string::npos)
      << response.error().message;
  EXPECT_TRUE(server_->requests().empty());
}

TEST_F(TlsTest, IpAddressMustBeInTheCertificate) {
  start("DNS:localhost");
  auto response = list_tables("127.0.0.1", /*trust_ca=*/true);
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.error().message.find("IP address mismatch"), std::string::npos)
      << response.error().message;
}

TEST_F(TlsTest, PlainHttpClientAgainstTlsServerFails) {
  start("DNS:localhost");
  ClientOptions options;
  options.endpoint_url = "http://127.0.0.1:" + std::to_string(server_->port());
  options.region = "us-east-1";
  options.credentials = {"A", "S", ""};
  options.retry.max_attempts = 1;
  auto client = Client::create(options);
  ASSERT_TRUE(client.ok());
  EXPECT_FALSE((*client)->list_tables({}).ok());
}

}  // namespace
}  // namespace townhall::client
