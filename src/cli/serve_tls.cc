#include "cli/serve_tls.h"

#include <spdlog/spdlog.h>

#include "net/listener.h"

namespace townhall::cli {
namespace {

void log_certificate(const char* what, const net::TlsContext& tls) {
  net::TlsCertificateInfo info = tls.certificate();
  spdlog::info("{} TLS certificate {} (serial {}, SHA-256 {}, valid until {})", what, info.subject,
               info.serial, info.sha256_fingerprint, info.not_after);
  if (info.expired) {
    // Served anyway: refusing to start would not give clients a better one.
    spdlog::warn("the TLS certificate {} is not valid now (valid until {}): browsers will refuse it",
                 info.subject, info.not_after);
  }
}

}  // namespace

bool setup_tls(ServeSettings& settings, std::string* error) {
  if (settings.tls_cert.empty() != settings.tls_key.empty()) {
    *error = settings.tls_cert.empty() ? "--tls-key needs --tls-cert (the certificate it belongs to)"
                                       : "--tls-cert needs --tls-key (the certificate's private key)";
    return false;
  }
  if (settings.tls_cert.empty()) {
    if (!settings.redirect_http.empty()) {
      *error = "--redirect-http redirects to HTTPS: it needs --tls-cert and --tls-key";
      return false;
    }
    return true;
  }
  if (!settings.redirect_http.empty()) {
    std::string why;
    if (!net::parse_listen_address(settings.redirect_http, &why)) {
      *error = "--redirect-http: " + why;
      return false;
    }
  }
  std::string why;
  auto tls = net::TlsContext::open({settings.tls_cert, settings.tls_key}, &why);
  if (!tls) {
    *error = "TLS: " + why;
    return false;
  }
  log_certificate("serving the", *tls);
  server::ChatServerOptions& options = settings.server;
  options.tls = std::move(tls);
  options.redirect_http = settings.redirect_http;
  // Cookies set over HTTPS must never travel over plain HTTP (the redirect's port included).
  options.api.cookies.secure = true;
  return true;
}

void reload_tls(net::TlsContext& tls) {
  if (auto failed = tls.reload()) {
    spdlog::error("SIGHUP: the TLS certificate was not reloaded, the current one stays: {}", *failed);
    return;
  }
  log_certificate("SIGHUP: reloaded; new connections get the", tls);
}

}  // namespace townhall::cli
