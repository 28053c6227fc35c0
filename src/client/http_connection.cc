#include "client/http_connection.h"

#include "net/text.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <optional>
#include <string_view>

namespace townhall::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

bool is_timeout(const error_code& ec) { return ec == beast::error::timeout || ec == asio::error::timed_out; }

}  // namespace

const std::string* HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (net::iequals(key, name)) return &value;
  }
  return nullptr;
}

class HttpConnection::Impl {
 public:
  Impl(const Endpoint& endpoint, asio::ssl::context* tls_context) : endpoint_(endpoint) {
    if (endpoint.tls) {
      tls_.emplace(ioc_, *tls_context);
    } else {
      plain_.emplace(ioc_);
    }
  }

  ~Impl() {
    // No TLS close_notify: the peer learns of the close from the TCP FIN,
    // which every HTTP server handles, and a slow peer cannot stall us here.
    error_code ignored;
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
    if (ec == asio::error::would_block) {  // still resolving: give up
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
      // SNI only for names (RFC 6066 forbids IP literals there).
      if (!endpoint_.host_is_ip_literal() && !SSL_set_tlsext_host_name(ssl, endpoint_.host.c_str())) {
        return TransportError{TransportError::Kind::kTls, "Cannot set the TLS server name", true};
      }
      // The certificate must name the host we asked for (DNS name or IP address).
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
        TransportError::Kind kind = TransportError::Kind::kTls;
        long verify = SSL_get_verify_result(ssl);
        if (is_timeout(ec)) {
          kind = TransportError::Kind::kTimeout;
          message += "timed out";
        } else if (verify != X509_V_OK) {
          message += "certificate verification failed: ";
          message += X509_verify_cert_error_string(verify);
        } else {
          // An SSL-level failure is a protocol disagreement (final); anything
          // else is the connection dropping mid-handshake (worth a retry).
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

  TransportResult<HttpResponse> exchange(const HttpRequest& request, std::chrono::milliseconds timeout) {
    reusable_ = false;  // until the exchange completes cleanly
    http::verb verb = http::string_to_verb(request.method);
    if (verb == http::verb::unknown)
      return TransportError{TransportError::Kind::kProtocol, "unknown method", true};
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
    parser.body_limit(request.max_response_bytes ? request.max_response_bytes : kMaxResponseBytes);
    parser.skip(verb == http::verb::head);  // a HEAD answer has a length but no body
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
    HttpResponse response;
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
    TransportError error;
    error.nothing_received = nothing_received;
    std::string what;
    if (is_timeout(ec)) {
      error.kind = TransportError::Kind::kTimeout;
      what = "timed out";
    } else if (ec.category() == http::make_error_code(http::error::end_of_stream).category()) {
      bool dropped = ec == http::error::end_of_stream || ec == http::error::partial_message;
      error.kind = dropped ? TransportError::Kind::kDropped : TransportError::Kind::kProtocol;
      what = ec.message();
    } else {
      error.kind = TransportError::Kind::kDropped;
      what = ec.message();
    }
    error.message = "Connection to " + endpoint_.host_header() + " failed " + std::string(step) + ": " + what;
    return error;
  }

  Endpoint endpoint_;
  asio::io_context ioc_{1};
  std::optional<beast::tcp_stream> plain_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
  bool reusable_ = false;
  std::chrono::steady_clock::time_point last_used_;
};

TransportResult<std::unique_ptr<HttpConnection>> HttpConnection::open(const Endpoint& endpoint,
                                                                      asio::ssl::context* tls_context,
                                                                      std::chrono::milliseconds timeout) {
  auto impl = std::make_unique<Impl>(endpoint, tls_context);
  auto opened = impl->open(timeout);
  if (!opened.ok()) return std::move(opened).error();
  return std::unique_ptr<HttpConnection>(new HttpConnection(std::move(impl)));
}

HttpConnection::HttpConnection(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpConnection::~HttpConnection() = default;

TransportResult<HttpResponse> HttpConnection::exchange(const HttpRequest& request,
                                                       std::chrono::milliseconds timeout) {
  return impl_->exchange(request, timeout);
}
bool HttpConnection::reusable() const { return impl_->reusable(); }
std::chrono::steady_clock::time_point HttpConnection::last_used() const { return impl_->last_used(); }

}  // namespace townhall::client
