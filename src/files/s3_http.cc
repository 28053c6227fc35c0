#include "files/s3_http.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <optional>

namespace townhall::files {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using client::TransportError;
using client::TransportResult;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

bool is_timeout(const error_code& ec) { return ec == beast::error::timeout || ec == asio::error::timed_out; }

}  // namespace

struct S3Http::Tls {
  asio::ssl::context context{asio::ssl::context::tls_client};
};

class S3Http::Connection {
 public:
  Connection(const client::Endpoint& endpoint, asio::ssl::context* tls) : endpoint_(endpoint) {
    if (tls != nullptr) {
      tls_.emplace(ioc_, *tls);
    } else {
      plain_.emplace(ioc_);
    }
  }

  ~Connection() {
    error_code ignored;  // no close_notify: a slow peer must not stall us here
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().socket().close(ignored);
  }

  TransportResult<bool> open(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    tcp::resolver resolver(ioc_);
    tcp::resolver::results_type addresses;
    error_code ec = asio::error::would_block;
    resolver.async_resolve(endpoint_.host, std::to_string(endpoint_.port),
                           [&](error_code e, tcp::resolver::results_type r) {
                             ec = e;
                             addresses = std::move(r);
                           });
    ioc_.restart();
    ioc_.run_for(timeout);
    if (ec == asio::error::would_block) {
      resolver.cancel();
      ioc_.restart();
      ioc_.run();
      return TransportError{TransportError::Kind::kResolve, "Resolving " + endpoint_.host + " timed out",
                            true};
    }
    if (ec) {
      return TransportError{TransportError::Kind::kResolve,
                            "Cannot resolve " + endpoint_.host + ": " + ec.message(), true};
    }
    lowest().expires_at(deadline);
    ec = run([&](auto handler) { lowest().async_connect(addresses, handler); });
    if (ec) {
      return TransportError{TransportError::Kind::kConnect,
                            "Cannot connect to " + endpoint_.host_header() + ": " +
                                (is_timeout(ec) ? std::string("timed out") : ec.message()),
                            true};
    }
    lowest().socket().set_option(tcp::no_delay(true), ec);
    if (tls_) {
      SSL* ssl = tls_->native_handle();
      // SNI only for names (RFC 6066); the certificate must name the host we asked for.
      if (!endpoint_.host_is_ip_literal() && !SSL_set_tlsext_host_name(ssl, endpoint_.host.c_str())) {
        return TransportError{TransportError::Kind::kTls, "Cannot set the TLS server name", true};
      }
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      int set = endpoint_.host_is_ip_literal()
                    ? X509_VERIFY_PARAM_set1_ip_asc(param, endpoint_.host.c_str())
                    : X509_VERIFY_PARAM_set1_host(param, endpoint_.host.c_str(), 0);
      if (set != 1) return TransportError{TransportError::Kind::kTls, "Cannot set the TLS host check", true};
      tls_->set_verify_mode(asio::ssl::verify_peer);
      ec = run([&](auto handler) { tls_->async_handshake(asio::ssl::stream_base::client, handler); });
      if (ec) {
        std::string message = "TLS handshake with " + endpoint_.host_header() + " failed: ";
        auto kind = TransportError::Kind::kTls;
        long verify = SSL_get_verify_result(ssl);
        if (is_timeout(ec)) {
          kind = TransportError::Kind::kTimeout;
          message += "timed out";
        } else if (verify != X509_V_OK) {
          message += std::string("certificate verification failed: ") + X509_verify_cert_error_string(verify);
        } else {
          // Not an SSL-level disagreement: the connection dropped mid-handshake (worth a retry).
          if (ec.category() != asio::error::get_ssl_category()) kind = TransportError::Kind::kDropped;
          message += ec.message();
        }
        return TransportError{kind, std::move(message), true};
      }
    }
    lowest().expires_never();
    last_used_ = std::chrono::steady_clock::now();
    reusable_ = true;
    return true;
  }

  TransportResult<client::HttpResponse> exchange(const S3HttpRequest& request,
                                                 std::chrono::milliseconds timeout) {
    reusable_ = false;  // until the exchange completes cleanly
    http::verb verb = http::string_to_verb(request.method);
    if (verb == http::verb::unknown) {
      return TransportError{TransportError::Kind::kProtocol, "Unknown HTTP method " + request.method, true};
    }
    http::request<http::string_body> message{verb, request.target, 11};
    message.set(http::field::host, endpoint_.host_header());
    for (const auto& [name, value] : request.headers) message.set(name, value);
    message.body() = request.body;
    message.prepare_payload();

    lowest().expires_after(timeout);
    error_code ec = run([&](auto handler) {
      if (tls_) {
        http::async_write(*tls_, message, handler);
      } else {
        http::async_write(*plain_, message, handler);
      }
    });
    if (ec) return failure(ec, "sending the request", /*nothing_received=*/true);

    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBytes);
    if (verb == http::verb::head) parser.skip(true);  // a HEAD answer has a length but no body
    ec = run([&](auto handler) {
      if (tls_) {
        http::async_read(*tls_, buffer_, parser, handler);
      } else {
        http::async_read(*plain_, buffer_, parser, handler);
      }
    });
    if (ec) return failure(ec, "reading the response", !parser.got_some());
    lowest().expires_never();

    auto& received = parser.get();
    client::HttpResponse response;
    response.status = static_cast<int>(received.result_int());
    for (const auto& field : received) {
      response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    response.body = std::move(received.body());
    reusable_ = received.keep_alive();
    last_used_ = std::chrono::steady_clock::now();
    return response;
  }

  bool reusable() const { return reusable_; }
  std::chrono::steady_clock::time_point last_used() const { return last_used_; }

 private:
  beast::tcp_stream& lowest() { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }

  // Starts an asynchronous operation and runs the loop until it completes;
  // the tcp_stream's expiry bounds it.
  template <class Initiate>
  error_code run(Initiate&& initiate) {
    error_code result = asio::error::would_block;
    initiate([&result](error_code ec, auto&&...) { result = ec; });
    ioc_.restart();
    ioc_.run();
    return result;
  }

  TransportError failure(const error_code& ec, std::string_view step, bool nothing_received) {
    TransportError error{TransportError::Kind::kDropped, {}, nothing_received};
    std::string what = ec.message();
    if (is_timeout(ec)) {
      error.kind = TransportError::Kind::kTimeout;
      what = "timed out";
    } else if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
               ec != http::error::end_of_stream && ec != http::error::partial_message) {
      error.kind = TransportError::Kind::kProtocol;
    }
    error.message = "Connection to " + endpoint_.host_header() + " failed " + std::string(step) + ": " + what;
    return error;
  }

  client::Endpoint endpoint_;
  asio::io_context ioc_{1};
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
  bool reusable_ = false;
  std::chrono::steady_clock::time_point last_used_;
};

chat::Result<std::unique_ptr<S3Http>> S3Http::open(client::Endpoint endpoint, S3HttpOptions options) {
  std::unique_ptr<Tls> tls;
  if (endpoint.tls) {
    tls = std::make_unique<Tls>();
    SSL_CTX_set_min_proto_version(tls->context.native_handle(), TLS1_2_VERSION);
    error_code ec;
    tls->context.set_default_verify_paths(ec);
    if (ec) return chat::Error::InvalidArgument("Cannot load the system CA certificates: " + ec.message());
    if (!options.ca_bundle.empty()) {
      tls->context.load_verify_file(options.ca_bundle, ec);
      if (ec) {
        return chat::Error::InvalidArgument("Cannot load the CA bundle " + options.ca_bundle + ": " +
                                            ec.message());
      }
    }
    tls->context.set_verify_mode(asio::ssl::verify_peer);
  }
  return std::unique_ptr<S3Http>(new S3Http(std::move(endpoint), std::move(options), std::move(tls)));
}

S3Http::S3Http(client::Endpoint endpoint, S3HttpOptions options, std::unique_ptr<Tls> tls)
    : endpoint_(std::move(endpoint)), options_(std::move(options)), tls_(std::move(tls)) {}

S3Http::~S3Http() = default;

TransportResult<std::unique_ptr<S3Http::Connection>> S3Http::acquire(bool fresh, bool* reused) {
  std::vector<std::unique_ptr<Connection>> stale;  // closed outside the lock
  {
    std::lock_guard lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    while (!idle_.empty() && (fresh || now - idle_.back()->last_used() > options_.max_idle)) {
      stale.push_back(std::move(idle_.back()));
      idle_.pop_back();
    }
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      *reused = true;
      return connection;
    }
  }
  stale.clear();
  *reused = false;
  auto connection = std::make_unique<Connection>(endpoint_, tls_ ? &tls_->context : nullptr);
  auto opened = connection->open(options_.connect_timeout);
  if (!opened.ok()) return std::move(opened).error();
  return connection;
}

void S3Http::release(std::unique_ptr<Connection> connection) {
  if (!connection->reusable()) return;
  std::lock_guard lock(mutex_);
  if (idle_.size() < options_.max_idle_connections) idle_.push_back(std::move(connection));
}

TransportResult<client::HttpResponse> S3Http::exchange(const S3HttpRequest& request) {
  for (bool fresh : {false, true}) {
    bool reused = false;
    auto connection = acquire(fresh, &reused);
    if (!connection.ok()) return std::move(connection).error();
    auto response = (*connection)->exchange(request, options_.request_timeout);
    release(std::move(connection).value());
    // The server closed this idle connection as we reused it: once more on a new one.
    if (response.ok() || !reused || !response.error().nothing_received) return response;
  }
  return TransportError{TransportError::Kind::kDropped, "unreachable", true};  // the loop always returns
}

}  // namespace townhall::files
