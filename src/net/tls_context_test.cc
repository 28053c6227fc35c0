#include "net/tls_context.h"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <stdlib.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <filesystem>
#include <fstream>

#include "net/test_certificates.h"

namespace townhall::net {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using asio::ip::tcp;

class TlsContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "townhall-tls-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    files_ = {(dir_ / "fullchain.pem").string(), (dir_ / "privkey.pem").string()};
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static void write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }
  void install(const testing::TestCertificates& certificates) {
    write(files_.certificate, certificates.server_cert_pem);
    write(files_.key, certificates.server_key_pem);
  }

  std::filesystem::path dir_;
  TlsFiles files_;
};

TEST_F(TlsContextTest, LoadsACertificateAndDescribesIt) {
  install(testing::make_test_certificates("DNS:localhost,IP:127.0.0.1", 10));
  std::string error;
  auto tls = TlsContext::open(files_, &error);
  ASSERT_TRUE(tls) << error;
  ASSERT_TRUE(tls->current());
  TlsCertificateInfo info = tls->certificate();
  EXPECT_EQ(info.subject, "CN=townhall test server");
  EXPECT_EQ(info.serial, "0A");
  EXPECT_EQ(info.sha256_fingerprint.size(), 32u * 3 - 1);  // "AB:CD:..."
  EXPECT_FALSE(info.expired);
  EXPECT_FALSE(info.not_after.empty());
}

TEST_F(TlsContextTest, SaysWhichFileIsMissingOrUnreadable) {
  std::string error;
  EXPECT_FALSE(TlsContext::open(files_, &error));
  EXPECT_NE(error.find("certificate file " + files_.certificate), std::string::npos) << error;
  EXPECT_NE(error.find("No such file"), std::string::npos) << error;

  install(testing::make_test_certificates("DNS:localhost"));
  std::filesystem::remove(files_.key);
  EXPECT_FALSE(TlsContext::open(files_, &error));
  EXPECT_NE(error.find("key file " + files_.key), std::string::npos) << error;

  install(testing::make_test_certificates("DNS:localhost"));
  write(files_.certificate, "not a certificate\n");
  EXPECT_FALSE(TlsContext::open(files_, &error));
  EXPECT_NE(error.find("holds no PEM certificate"), std::string::npos) << error;
}

TEST_F(TlsContextTest, RefusesAKeyThatIsNotTheCertificates) {
  auto one = testing::make_test_certificates("DNS:localhost");
  auto other = testing::make_test_certificates("DNS:localhost");
  write(files_.certificate, one.server_cert_pem);
  write(files_.key, other.server_key_pem);
  std::string error;
  EXPECT_FALSE(TlsContext::open(files_, &error));
  EXPECT_NE(error.find("does not belong to the certificate"), std::string::npos) << error;
}

TEST_F(TlsContextTest, RefusesAnEncryptedKeyWithoutPrompting) {
  auto certificates = testing::make_test_certificates("DNS:localhost");
  // The same key, encrypted with a passphrase (OpenSSL would ask for it on the terminal).
  std::unique_ptr<BIO, decltype(&BIO_free)> in(
      BIO_new_mem_buf(certificates.server_key_pem.data(),
                      static_cast<int>(certificates.server_key_pem.size())),
      &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  ASSERT_TRUE(key);
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), &BIO_free);
  char passphrase[] = "secret";
  ASSERT_EQ(
      PEM_write_bio_PKCS8PrivateKey(out.get(), key.get(), EVP_aes_256_cbc(), passphrase, 6, nullptr, nullptr),
      1);
  char* data = nullptr;
  long size = BIO_get_mem_data(out.get(), &data);
  write(files_.certificate, certificates.server_cert_pem);
  write(files_.key, std::string(data, static_cast<size_t>(size)));
  std::string error;
  EXPECT_FALSE(TlsContext::open(files_, &error));
  EXPECT_NE(error.find("is encrypted"), std::string::npos) << error;
}

TEST_F(TlsContextTest, ReloadSwapsForNewConnectionsAndKeepsTheOldOnFailure) {
  install(testing::make_test_certificates("DNS:localhost", 10));
  std::string error;
  auto tls = TlsContext::open(files_, &error);
  ASSERT_TRUE(tls) << error;
  std::shared_ptr<ssl::context> first = tls->current();

  install(testing::make_test_certificates("DNS:localhost", 11));
  EXPECT_EQ(tls->reload(), std::nullopt);
  EXPECT_NE(tls->current(), first);  // new connections get the new certificate
  EXPECT_EQ(tls->certificate().serial, "0B");
  // A connection made before holds its context: still whole and usable.
  EXPECT_NE(SSL_CTX_get0_certificate(first->native_handle()), nullptr);

  std::shared_ptr<ssl::context> second = tls->current();
  write(files_.key, "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");
  auto failed = tls->reload();
  ASSERT_TRUE(failed);
  EXPECT_NE(failed->find(files_.key), std::string::npos) << *failed;
  EXPECT_EQ(tls->current(), second);
  EXPECT_EQ(tls->certificate().serial, "0B");
}

// A real handshake against the context: the client (trusting the test CA)
// verifies the certificate, gets http/1.1 by ALPN, and a TLS 1.1 client is refused.
TEST_F(TlsContextTest, HandshakesWithModernClientsOnly) {
  auto certificates = testing::make_test_certificates("DNS:localhost,IP:127.0.0.1");
  install(certificates);
  std::string error;
  auto tls = TlsContext::open(files_, &error);
  ASSERT_TRUE(tls) << error;

  auto handshake = [&](int max_version, std::string* alpn, std::string* version) {
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    ssl::stream<tcp::socket> server(io, *tls->current());
    ssl::context client_context(ssl::context::tls_client);
    client_context.add_certificate_authority(asio::buffer(certificates.ca_pem));
    client_context.set_verify_mode(ssl::verify_peer);
    SSL_CTX_set_max_proto_version(client_context.native_handle(), max_version);
    SSL_CTX_set_security_level(client_context.native_handle(), 0);  // let the old client try
    static const unsigned char kProtocols[] = {2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
    SSL_CTX_set_alpn_protos(client_context.native_handle(), kProtocols, sizeof kProtocols);
    ssl::stream<tcp::socket> client(io, client_context);
    boost::system::error_code server_ec, client_ec;
    acceptor.async_accept(server.next_layer(), [&](boost::system::error_code ec) {
      if (ec) return void(server_ec = ec);
      server.async_handshake(ssl::stream_base::server, [&](boost::system::error_code e) { server_ec = e; });
    });
    client.next_layer().connect(acceptor.local_endpoint());
    client.async_handshake(ssl::stream_base::client, [&](boost::system::error_code e) { client_ec = e; });
    io.run();
    if (!client_ec && !server_ec) {
      const unsigned char* selected = nullptr;
      unsigned int length = 0;
      SSL_get0_alpn_selected(client.native_handle(), &selected, &length);
      *alpn = std::string(reinterpret_cast<const char*>(selected), length);
      *version = SSL_get_version(client.native_handle());
    }
    return !client_ec && !server_ec;
  };
  std::string alpn, version;
  ASSERT_TRUE(handshake(TLS1_3_VERSION, &alpn, &version));
  EXPECT_EQ(alpn, "http/1.1");
  EXPECT_EQ(version, "TLSv1.3");
  ASSERT_TRUE(handshake(TLS1_2_VERSION, &alpn, &version));
  EXPECT_EQ(version, "TLSv1.2");
  EXPECT_FALSE(handshake(TLS1_1_VERSION, &alpn, &version));
}

TEST_F(TlsContextTest, CountsHandshakeFailures) {
  install(testing::make_test_certificates("DNS:localhost"));
  std::string error;
  auto tls = TlsContext::open(files_, &error);
  ASSERT_TRUE(tls) << error;
  auto peer = asio::ip::make_address("192.0.2.1");
  tls->note_handshake_failure(peer, asio::error::eof);
  tls->note_handshake_failure(peer, ssl::error::stream_truncated);
  tls->note_handshake_failure(peer, asio::error::timed_out);
  EXPECT_EQ(tls->handshake_failures(), 3u);
}

}  // namespace
}  // namespace townhall::net
