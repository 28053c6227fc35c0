// S3Http: keep-alive HTTP/1.1 connections to one S3 endpoint, plain TCP or
// TLS (system CA store plus an optional bundle, SNI, certificate and host name
// checks, TLS 1.2 at least), shared by many threads, with blocking calls
// bounded by timeouts.
//
// Why not client::ConnectionPool: client::HttpConnection only POSTs (the one
// method DynamoDB uses), and S3 needs PUT, GET and DELETE. This is the same
// design (one small io_context per connection, run on the calling thread; a
// deadline on every step; the most recently used idle connection first), and
// it answers in client's types, so once client::HttpRequest carries a method
// S3BlobStore can move onto client::ConnectionPool and this file can go.
//
// Thread-safety: exchange() may be called from any thread; each call holds
// its connection exclusively.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "chat/error.h"
#include "client/endpoint.h"
#include "client/http_connection.h"

namespace townhall::files {

struct S3HttpRequest {
  std::string method = "GET";                                // GET, PUT, DELETE, HEAD, POST
  std::string target = "/";                                  // path and query, already URI-encoded
  std::vector<std::pair<std::string, std::string>> headers;  // Host and Content-Length are added
  std::string body;
};

struct S3HttpOptions {
  std::string ca_bundle;  // a PEM file trusted besides the system store; empty: none
  std::chrono::milliseconds connect_timeout{3'000};
  std::chrono::milliseconds request_timeout{60'000};  // one exchange of a whole blob
  std::chrono::milliseconds max_idle{30'000};
  size_t max_idle_connections = 16;
};

class S3Http {
 public:
  // InvalidArgument when the CA certificates cannot be loaded.
  static chat::Result<std::unique_ptr<S3Http>> open(client::Endpoint endpoint, S3HttpOptions options);
  ~S3Http();
  S3Http(const S3Http&) = delete;
  S3Http& operator=(const S3Http&) = delete;

  // Sends the request and reads the whole response. A reused idle connection
  // that the server had closed is replaced at once (nothing was sent on it),
  // so the caller sees only real failures.
  client::TransportResult<client::HttpResponse> exchange(const S3HttpRequest& request);

  const client::Endpoint& endpoint() const { return endpoint_; }
  // The Host header every request carries (what the signature must cover).
  std::string host_header() const { return endpoint_.host_header(); }

  // The largest response body accepted (a blob read back in one piece).
  static constexpr size_t kMaxResponseBytes = 1024u * 1024 * 1024;

  class Connection;

 private:
  struct Tls;
  S3Http(client::Endpoint endpoint, S3HttpOptions options, std::unique_ptr<Tls> tls);
  // An idle connection (reused = true) or a new one.
  client::TransportResult<std::unique_ptr<Connection>> acquire(bool fresh, bool* reused);
  void release(std::unique_ptr<Connection> connection);

  const client::Endpoint endpoint_;
  const S3HttpOptions options_;
  const std::unique_ptr<Tls> tls_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;  // GUARDED_BY(mutex_); most recently used last
};

}  // namespace townhall::files
