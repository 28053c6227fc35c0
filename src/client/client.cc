#include "client/client.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <thread>

#include "client/connection_pool.h"
#include "client/http_connection.h"
#include "client/retry.h"
#include "ddb/json_codec.h"
#include "net/crc32.h"
#include "sigv4/sigv4.h"

namespace townhall::client {

namespace asio = boost::asio;

namespace {

constexpr std::string_view kTargetPrefix = "DynamoDB_20120810.";
constexpr std::string_view kStreamsTargetPrefix = "DynamoDBStreams_20120810.";

// The Streams API has its own X-Amz-Target prefix on the same endpoint.
std::string_view target_prefix(std::string_view operation) {
#define TOWNHALL_STREAMS_OPERATION_NAME(Name, method, Request, Response) \
  if (operation == #Name) return kStreamsTargetPrefix;
  TOWNHALL_DDB_STREAMS_OPERATIONS(TOWNHALL_STREAMS_OPERATION_NAME)
#undef TOWNHALL_STREAMS_OPERATION_NAME
  return kTargetPrefix;
}
constexpr std::string_view kContentType = "application/x-amz-json-1.0";

// One attempt's outcome: the 200 body, or an error and whether to try again.
struct Attempt {
  std::optional<std::string> body;
  ddb::Error error;
  bool retryable = false;
};

Attempt transport_failure(const TransportError& failure) {
  Attempt attempt;
  attempt.error = {ddb::ErrorCode::kRequestTimeout, failure.message};
  // A certificate or TLS protocol failure will fail the same way again.
  attempt.retryable = failure.kind != TransportError::Kind::kTls;
  return attempt;
}

// nullopt when the header is absent or matches; otherwise what is wrong.
std::optional<std::string> crc32_mismatch(const HttpResponse& response) {
  const std::string* header = response.header("x-amz-crc32");
  if (header == nullptr) return std::nullopt;
  uint32_t expected = 0;
  auto [end, ec] = std::from_chars(header->data(), header->data() + header->size(), expected);
  uint32_t actual = net::crc32(response.body);
  if (ec == std::errc() && end == header->data() + header->size() && expected == actual) return std::nullopt;
  return "The response's x-amz-crc32 (" + *header + ") does not match its body (" + std::to_string(actual) +
         "): the response was corrupted in transit";
}

}  // namespace

class Client::Impl {
 public:
  Impl(ClientOptions options, Endpoint endpoint, std::unique_ptr<asio::ssl::context> tls)
      : options_(std::move(options)),
        endpoint_(std::move(endpoint)),
        tls_(std::move(tls)),
        pool_(endpoint_, tls_.get(),
              PoolOptions{options_.max_connections, options_.connect_timeout, options_.max_idle}) {}

  ddb::Result<std::string> call(std::string_view operation, const std::string& body) {
    int max_attempts = std::max(1, options_.retry.max_attempts);
    for (int attempt = 1;; ++attempt) {
      Attempt outcome = try_once(operation, body);
      if (outcome.body) return std::move(*outcome.body);
      if (!outcome.retryable || attempt >= max_attempts) {
        if (outcome.retryable && attempt > 1) {
          outcome.error.message += " (gave up after " + std::to_string(attempt) + " attempts)";
        }
        return std::move(outcome.error);
      }
      auto delay = backoff_delay(options_.retry, attempt);
      std::string reason = outcome.error.to_string();
      spdlog::debug("DynamoDB {} attempt {} failed ({}); retrying in {} ms", operation, attempt, reason,
                    delay.count());
      if (options_.on_retry) options_.on_retry(RetryEvent{operation, attempt, delay, reason});
      std::this_thread::sleep_for(delay);
    }
  }

  const ClientOptions& options() const { return options_; }
  const Endpoint& endpoint() const { return endpoint_; }
  size_t open_connections() const { return pool_.open_connections(); }

 private:
  HttpRequest signed_request(std::string_view operation, const std::string& body) const {
    HttpRequest request;
    request.target = endpoint_.path;
    request.body = body;
    std::string host = endpoint_.host_header();
    std::string target = std::string(target_prefix(operation)) + std::string(operation);
    sigv4::Request to_sign{"POST",
                           request.target,
                           {{"Host", host}, {"Content-Type", kContentType}, {"X-Amz-Target", target}},
                           request.body};
    sigv4::SignedHeaders signature =
        sigv4::sign(to_sign, options_.credentials, sigv4::SigningOptions{options_.region, "dynamodb", {}});
    request.headers = {
        {"Content-Type", std::string(kContentType)},   {"X-Amz-Target", std::move(target)},
        {"X-Amz-Date", std::move(signature.amz_date)}, {"Authorization", std::move(signature.authorization)},
        {"User-Agent", options_.user_agent},           {"Accept-Encoding", "identity"}};
    if (!signature.security_token.empty()) {
      request.headers.emplace_back("X-Amz-Security-Token", std::move(signature.security_token));
    }
    return request;
  }

  Attempt try_once(std::string_view operation, const std::string& body) {
    // Signed per attempt: a retry after a long backoff needs a current X-Amz-Date.
    HttpRequest request = signed_request(operation, body);
    TransportResult<HttpResponse> response = exchange(request);
    if (!response.ok()) return transport_failure(response.error());

    Attempt attempt;
    if (auto mismatch = crc32_mismatch(*response)) {
      attempt.error = ddb::Error::Internal(std::move(*mismatch));
      attempt.retryable = true;
      return attempt;
    }
    if (response->status == 200) {
      attempt.body = std::move(response->body);
      return attempt;
    }
    attempt.error = ddb::decode_error_json(response->status, response->body);
    attempt.retryable = is_retryable_answer(response->status, attempt.error);
    return attempt;
  }

  TransportResult<HttpResponse> exchange(const HttpRequest& request) {
    return pool_.exchange(request, options_.request_timeout);
  }

  const ClientOptions options_;
  const Endpoint endpoint_;
  const std::unique_ptr<asio::ssl::context> tls_;
  ConnectionPool pool_;
};

ddb::Result<std::unique_ptr<Client>> Client::create(ClientOptions options) {
  TH_ASSIGN_OR_RETURN(Endpoint endpoint, parse_endpoint_url(options.endpoint_url));
  if (options.region.empty()) return ddb::Error::Validation("ClientOptions.region is empty");
  if (options.credentials.access_key_id.empty() || options.credentials.secret_access_key.empty()) {
    return ddb::Error::Validation("ClientOptions.credentials need an access key id and a secret access key");
  }
  std::unique_ptr<asio::ssl::context> tls;
  if (endpoint.tls) {
    TH_ASSIGN_OR_RETURN(tls, make_tls_context(options.ca_bundle));
  }
  auto impl = std::make_unique<Impl>(std::move(options), std::move(endpoint), std::move(tls));
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

ddb::Result<std::string> Client::call(std::string_view operation, const std::string& json_body) {
  return impl_->call(operation, json_body);
}
const ClientOptions& Client::options() const { return impl_->options(); }
const Endpoint& Client::endpoint() const { return impl_->endpoint(); }
size_t Client::open_connections() const { return impl_->open_connections(); }

namespace {

template <class Response>
ddb::Result<Response> decode_response(std::string_view operation, ddb::Result<std::string> body) {
  if (!body.ok()) return std::move(body).error();
  auto decoded = ddb::decode_json<Response>(*body);
  if (!decoded.ok()) {
    return ddb::Error::Internal("Cannot decode the endpoint's " + std::string(operation) +
                                " response: " + decoded.error().to_string());
  }
  return decoded;
}

}  // namespace

#define TOWNHALL_CLIENT_OPERATION(Name, method, Request, Response)                               \
  ddb::Result<ddb::Response> Client::method(const ddb::Request& request) {                       \
    return decode_response<ddb::Response>(#Name, impl_->call(#Name, ddb::encode_json(request))); \
  }
TOWNHALL_DDB_ALL_OPERATIONS(TOWNHALL_CLIENT_OPERATION)
#undef TOWNHALL_CLIENT_OPERATION

}  // namespace townhall::client
