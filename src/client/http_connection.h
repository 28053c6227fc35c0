// HttpConnection: one keep-alive HTTP/1.1 connection to an endpoint, plain
// TCP or TLS (system CA store plus an optional bundle, SNI, certificate and
// host name verification), with blocking calls bounded by timeouts.
//
// Each connection runs its own small io_context on the calling thread, so a
// call blocks only its caller, and every step (resolve, connect, handshake,
// write, read) has a deadline.
//
// Thread-safety: a connection is used by one thread at a time (the pool hands
// it out exclusively). The ssl::context it is given must outlive it.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "client/endpoint.h"
#include "ddb/result.h"

namespace townhall::client {

struct HttpRequest {
  std::string method = "POST";  // DynamoDB's; S3 uses GET, PUT, DELETE, HEAD too
  std::string target = "/";
  std::vector<std::pair<std::string, std::string>> headers;  // Host and Content-Length are added
  std::string body;
  size_t max_response_bytes = 0;  // 0: HttpConnection::kMaxResponseBytes
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // as received
  std::string body;
  // The first header with this name (any case); nullptr when absent.
  const std::string* header(std::string_view name) const;
};

// Why a request did not produce a response.
struct TransportError {
  enum class Kind {
    kResolve,   // the host name did not resolve
    kConnect,   // TCP connect failed or timed out
    kTls,       // TLS handshake failed: bad certificate, wrong host name, protocol
    kTimeout,   // the request or response did not finish in time
    kDropped,   // the connection was closed or reset mid-exchange
    kProtocol,  // the response was not valid HTTP or was too large
  };
  Kind kind;
  std::string message;
  // Nothing of a response arrived: the server may have closed an idle
  // keep-alive connection just before the request, so one immediate retry on
  // a new connection is safe and does not count as an attempt.
  bool nothing_received = false;
};

template <class T>
using TransportResult = ddb::Result<T, TransportError>;

class HttpConnection {
 public:
  // Resolves, connects and (for https) handshakes within `timeout`.
  // tls_context: REQUIRES non-null when endpoint.tls.
  static TransportResult<std::unique_ptr<HttpConnection>> open(const Endpoint& endpoint,
                                                               boost::asio::ssl::context* tls_context,
                                                               std::chrono::milliseconds timeout);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends the request and reads the whole response within `timeout`.
  // After a failure, or a response that does not keep the connection alive,
  // reusable() is false.
  TransportResult<HttpResponse> exchange(const HttpRequest& request, std::chrono::milliseconds timeout);

  bool reusable() const;
  std::chrono::steady_clock::time_point last_used() const;

  // The largest response body accepted (BatchGetItem answers up to 16 MB).
  static constexpr size_t kMaxResponseBytes = 64 * 1024 * 1024;

 private:
  class Impl;
  explicit HttpConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace townhall::client
