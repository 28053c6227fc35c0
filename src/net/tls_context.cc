#include "net/tls_context.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace townhall::net {
namespace {

namespace ssl = boost::asio::ssl;

// Mozilla's "intermediate" TLS 1.2 suites without DHE. TLS 1.3's suites are
// OpenSSL's defaults (all of them AEAD).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// A certificate or key file is a few KB; this only stops a mistaken path
// (a device, a log) from being read whole.
constexpr long kMaxPemBytes = 1024 * 1024;

std::optional<std::string> read_pem_file(const std::string& path, std::string* content) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return std::string(std::strerror(errno));
  content->clear();
  char chunk[8192];
  size_t got = 0;
  while ((got = std::fread(chunk, 1, sizeof chunk, file)) > 0) {
    content->append(chunk, got);
    if (static_cast<long>(content->size()) > kMaxPemBytes) {
      std::fclose(file);
      return std::string("larger than a certificate or key can be");
    }
  }
  bool failed = std::ferror(file) != 0;
  int saved = errno;
  std::fclose(file);
  if (failed) return std::string(std::strerror(saved));
  return std::nullopt;
}

// Answers ALPN with http/1.1 when the client offers it. A client offering
// only other protocols gets no ALPN answer rather than a failed handshake.
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* offered,
                unsigned int offered_length, void*) {
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, out_length, kHttp11, sizeof kHttp11, offered, offered_length) ==
      OPENSSL_NPN_NEGOTIATED) {
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

// OpenSSL would prompt on the terminal for an encrypted key's passphrase.
int refuse_passphrase(char*, int, int, void*) { return 0; }

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string();
}

TlsCertificateInfo describe(X509* certificate) {
  TlsCertificateInfo info;
  if (!certificate) return info;
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253);
  info.subject = bio_text(bio.get());
  std::unique_ptr<BIO, decltype(&BIO_free)> time(BIO_new(BIO_s_mem()), &BIO_free);
  ASN1_TIME_print(time.get(), X509_get0_notAfter(certificate));
  info.not_after = bio_text(time.get());
  info.expired = X509_cmp_current_time(X509_get0_notAfter(certificate)) < 0 ||
                 X509_cmp_current_time(X509_get0_notBefore(certificate)) > 0;
  if (BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get_serialNumber(certificate), nullptr)) {
    if (char* hex = BN_bn2hex(serial)) {
      info.serial = hex;
      OPENSSL_free(hex);
    }
    BN_free(serial);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(certificate, EVP_sha256(), digest, &length) == 1) {
    static const char kHex[] = "0123456789ABCDEF";
    for (unsigned int i = 0; i < length; ++i) {
      if (i) info.sha256_fingerprint += ':';
      info.sha256_fingerprint += kHex[digest[i] >> 4];
      info.sha256_fingerprint += kHex[digest[i] & 0xF];
    }
  }
  return info;
}

bool is_encrypted_key(const std::string& pem) {
  return pem.find("ENCRYPTED PRIVATE KEY") != std::string::npos ||
         pem.find("Proc-Type: 4,ENCRYPTED") != std::string::npos;
}

std::shared_ptr<ssl::context> load(const TlsFiles& files, std::string* error, TlsCertificateInfo* info) {
  std::string certificate_pem, key_pem;
  if (auto failed = read_pem_file(files.certificate, &certificate_pem)) {
    *error = "cannot read the certificate file " + files.certificate + ": " + *failed;
    return nullptr;
  }
  if (auto failed = read_pem_file(files.key, &key_pem)) {
    *error = "cannot read the key file " + files.key + ": " + *failed;
    return nullptr;
  }
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* handle = context->native_handle();
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(handle, TLS1_2_VERSION);
  SSL_CTX_set_options(handle, SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_cipher_list(handle, kTls12Ciphers);
  // An idle connection (most WebSockets, most of the time) holds no buffers.
  SSL_CTX_set_mode(handle, SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_alpn_select_cb(handle, &select_alpn, nullptr);
  SSL_CTX_set_default_passwd_cb(handle, &refuse_passphrase);

  boost::system::error_code ec;
  context->use_certificate_chain(boost::asio::buffer(certificate_pem), ec);
  if (ec) {
    *error = "the certificate file " + files.certificate + " holds no PEM certificate we can use (" +
             ec.message() + ")";
    return nullptr;
  }
  if (is_encrypted_key(key_pem)) {
    *error =
        "the key file " + files.key + " is encrypted; give an unencrypted key (readable by this user only)";
    return nullptr;
  }
  context->use_private_key(boost::asio::buffer(key_pem), ssl::context::pem, ec);
  // OpenSSL compares the key with the certificate as it takes it.
  bool mismatch = ec && ec.category() == boost::asio::error::get_ssl_category() &&
                  (ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH ||
                   ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_TYPE_MISMATCH);
  if (ec && !mismatch) {
    *error = "the key file " + files.key + " holds no PEM private key we can use (" + ec.message() + ")";
    return nullptr;
  }
  if (mismatch || SSL_CTX_check_private_key(handle) != 1) {
    ERR_clear_error();
    *error = "the key in " + files.key + " does not belong to the certificate in " + files.certificate;
    return nullptr;
  }
  ERR_clear_error();
  *info = describe(SSL_CTX_get0_certificate(handle));
  return context;
}

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::shared_ptr<TlsContext> TlsContext::open(TlsFiles files, std::string* error) {
  std::shared_ptr<TlsContext> tls(new TlsContext(std::move(files)));
  tls->context_ = load(tls->files_, error, &tls->info_);
  if (!tls->context_) return nullptr;
  return tls;
}

std::shared_ptr<TlsContext::Context> TlsContext::current() const {
  std::lock_guard lock(mutex_);
  return context_;
}

TlsCertificateInfo TlsContext::certificate() const {
  std::lock_guard lock(mutex_);
  return info_;
}

std::optional<std::string> TlsContext::reload() {
  std::string error;
  TlsCertificateInfo info;
  // Loaded outside the lock: new connections keep getting the old context meanwhile.
  auto context = load(files_, &error, &info);
  if (!context) return error;
  std::lock_guard lock(mutex_);
  context_ = std::move(context);
  info_ = std::move(info);
  return std::nullopt;
}

void TlsContext::note_handshake_failure(const IpAddress& peer, const boost::system::error_code& error) {
  uint64_t failures = handshake_failures_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (error == boost::asio::error::eof || error == boost::asio::ssl::error::stream_truncated ||
      error == boost::asio::error::connection_reset || error == boost::asio::error::broken_pipe) {
    return;
  }
  int64_t now = steady_ms();
  int64_t last = last_failure_log_ms_.load(std::memory_order_relaxed);
  if (last >= 0 && now - last < 60'000) return;
  // One thread logs when several fail at the same moment.
  if (!last_failure_log_ms_.compare_exchange_strong(last, now, std::memory_order_relaxed)) return;
  spdlog::warn("TLS handshake failed: {} (latest from {}; {} failed so far; logged at most once a minute)",
               error.message(), peer.to_string(), failures);
}

}  // namespace townhall::net
