// HttpsRedirect: the plain-HTTP listener beside a server that speaks only
// TLS (serve --redirect-http): every request, whatever its method and path,
// is answered 308 Permanent Redirect to the same host and target over
// https:// on the TLS port, so someone typing the bare name lands on HTTPS
// (and Strict-Transport-Security keeps their browser there afterwards).
// 308 rather than 301: a POST stays a POST.
//
// The host is the one the client asked for (its Host header, less the
// port), and it must be a well-formed DNS name or IP literal, or the answer
// is 400: a crafted Host ("evil.example/@", "a b") can never turn the
// Location into another site's address. HTTP/1.0 without Host gets 400 too.
//
//   HttpsRedirect redirect(pool, {"HTTP redirect", limits, budget}, http_limits, 8443);
//   if (auto error = redirect.open(endpoint)) ...;
//   redirect.start();  ...  redirect.stop(std::chrono::seconds(10));
//
// Thread-safety: open/start/stop from one controlling thread.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "net/address.h"
#include "net/connection_set.h"
#include "net/http_session.h"
#include "net/io_pool.h"
#include "net/listener.h"

namespace townhall::net {

// "https://<host>[:<port>]<target>" for a request's Host header and
// target: the host lower-cased, without the Host's port, an IPv6 literal
// in brackets; ":<port>" unless https_port is 443; a target that is not
// a path ("*", an absolute URL) becomes "/". nullopt when the Host is not a
// DNS name (letters, digits, '-', '_', dots; labels of 1-63, 253 in all)
// or an IP literal, with an optional numeric port.
std::optional<std::string> https_location(std::string_view host, std::string_view target,
                                          uint16_t https_port);

class HttpsRedirect {
 public:
  // https_port: the TLS listener's port, for the Location.
  HttpsRedirect(IoPool& pool, ListenerOptions listener, const HttpLimits& limits, uint16_t https_port);
  ~HttpsRedirect();

  // Binds and listens; an error message on failure.
  std::optional<std::string> open(const boost::asio::ip::tcp::endpoint& endpoint);
  // Begins accepting. REQUIRES: open() succeeded, the pool runs.
  void start();
  // Stops accepting, lets answers in flight finish (up to drain), closes the rest.
  void stop(std::chrono::milliseconds drain);
  std::string address() const { return listener_.address(); }

 private:
  class Service;

  std::unique_ptr<Service> service_;
  HttpLimits limits_;
  AddressRanges no_proxies_;  // the redirect needs no client address: nobody's X-Forwarded-For is read
  std::atomic<bool> stopping_{false};
  ConnectionSet connections_;
  HttpServerState state_;
  Listener listener_;
  bool running_ = false;
};

}  // namespace townhall::net
