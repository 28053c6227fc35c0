// TlsContext: a server's TLS settings and certificate (OpenSSL through
// Boost.Asio), loaded from a PEM certificate chain and a PEM private key, and
// reloaded from the same files on demand (serve's SIGHUP, after a renewal).
//
//   std::string error;
//   auto tls = TlsContext::open({"/etc/townhall/fullchain.pem", "/etc/townhall/privkey.pem"}, &error);
//   if (!tls) ... error ...;               // missing, unreadable, not PEM, key not the certificate's
//   TlsStream stream(std::move(socket), tls->current());   // each new connection
//   if (auto failed = tls->reload()) ... *failed ...;      // the old certificate stays
//
// Settings: TLS 1.2 and 1.3 only; for 1.2, ECDHE with AES-GCM or
// ChaCha20-Poly1305 (Mozilla's "intermediate" profile less the DHE suites,
// which need parameters of our own and which every client that speaks 1.2
// does without); no renegotiation (a client could make us redo handshakes
// for nothing); ALPN answers http/1.1 (the only protocol the port speaks);
// idle connections give their read and write buffers back to OpenSSL.
//
// Thread-safety: every method may be called from any thread. A connection
// keeps the context it got from current() for its whole life (TlsStream
// holds it); reload() only changes what later connections get.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "net/address.h"

namespace townhall::net {

struct TlsFiles {
  std::string certificate;  // PEM: the server's certificate, then the chain up to the root (fullchain.pem)
  std::string key;          // PEM: its private key, not encrypted
};

// What the current certificate is, for the log and for tests.
struct TlsCertificateInfo {
  std::string subject;             // "CN=chat.example.com"
  std::string serial;              // hex, as `openssl x509 -serial` prints it: "1A2B"
  std::string sha256_fingerprint;  // hex pairs, "AB:CD:...", as `openssl x509 -fingerprint -sha256`
  std::string not_after;           // "Jun  1 12:00:00 2026 GMT"
  bool expired = false;            // not valid now (expired or not yet valid)
};

class TlsContext {
 public:
  using Context = boost::asio::ssl::context;

  // Loads the files. nullptr, with *error saying which file and what is
  // wrong, when either cannot be read or parsed, the key is encrypted, or the
  // key does not belong to the certificate.
  static std::shared_ptr<TlsContext> open(TlsFiles files, std::string* error);

  // The context a new connection is made with.
  std::shared_ptr<Context> current() const;
  // The certificate current() presents.
  TlsCertificateInfo certificate() const;
  const TlsFiles& files() const { return files_; }

  // Loads the files again: on success later connections present the new
  // certificate and nullopt is returned; on failure the current context
  // stays and the error is returned (the caller logs it).
  std::optional<std::string> reload();

  // A handshake failed (the client's TLS is too old, it distrusts the
  // certificate, it spoke something else, it was too slow): counted, and
  // logged at most once a minute, so a scanner cannot flood the log. A peer
  // that left without a word (a TCP health check) is counted only.
  void note_handshake_failure(const IpAddress& peer, const boost::system::error_code& error);
  uint64_t handshake_failures() const { return handshake_failures_.load(std::memory_order_relaxed); }

 private:
  explicit TlsContext(TlsFiles files) : files_(std::move(files)) {}

  const TlsFiles files_;
  mutable std::mutex mutex_;
  std::shared_ptr<Context> context_;  // guarded by mutex_
  TlsCertificateInfo info_;           // guarded by mutex_
  std::atomic<uint64_t> handshake_failures_{0};
  std::atomic<int64_t> last_failure_log_ms_{-1};  // steady clock; -1: never logged
};

}  // namespace townhall::net
