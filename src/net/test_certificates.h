// Test-only: a throwaway certificate authority and a server certificate it
// signs, generated in memory with OpenSSL (P-256 keys, valid from an hour
// ago for a day), so TLS tests need no files that expire. Header-only.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace townhall::net::testing {

struct TestCertificates {
  std::string ca_pem;           // the CA certificate, for the client's ca_bundle
  std::string server_cert_pem;  // signed by the CA
  std::string server_key_pem;
};

namespace detail {

struct Deleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
template <class T>
using Owned = std::unique_ptr<T, Deleter>;

inline void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificate generation failed: ") + what);
}

inline void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Owned<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  check(ext != nullptr, value);
  check(X509_add_ext(cert, ext.get(), -1) == 1, "X509_add_ext");
}

inline Owned<X509> make_certificate(EVP_PKEY* key, const char* common_name, X509* issuer,
                                    EVP_PKEY* issuer_key, long serial) {
  Owned<X509> cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : name);
  (void)issuer_key;
  return cert;
}

inline std::string pem(X509* cert) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(bio.get(), cert) == 1, "PEM_write_bio_X509");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

inline std::string pem(EVP_PKEY* key) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1, "PEM key");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace detail

// subject_alt_names: OpenSSL's syntax, e.g. "DNS:localhost,IP:127.0.0.1".
// serial: the server certificate's (tests tell two certificates apart by it).
inline TestCertificates make_test_certificates(const char* subject_alt_names, long serial = 2) {
  using namespace detail;
  Owned<EVP_PKEY> ca_key(EVP_EC_gen("P-256"));
  Owned<EVP_PKEY> server_key(EVP_EC_gen("P-256"));
  check(ca_key && server_key, "EVP_EC_gen");

  Owned<X509> ca = make_certificate(ca_key.get(), "Townhall Test CA", nullptr, nullptr, 1);
  add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  check(X509_sign(ca.get(), ca_key.get(), EVP_sha256()) > 0, "sign CA");

  Owned<X509> server =
      make_certificate(server_key.get(), "townhall test server", ca.get(), ca_key.get(), serial);
  add_extension(server.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(server.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(server.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  add_extension(server.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
  add_extension(server.get(), ca.get(), NID_subject_alt_name, subject_alt_names);
  check(X509_sign(server.get(), ca_key.get(), EVP_sha256()) > 0, "sign server");

  return TestCertificates{pem(ca.get()), pem(server.get()), pem(server_key.get())};
}

}  // namespace townhall::net::testing
