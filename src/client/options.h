// ClientOptions: everything a client::Client needs to reach one
// DynamoDB-compatible endpoint. Build them by hand, or from flags, the
// environment and the ~/.aws files with resolve_client_options() (config.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "sigv4/sigv4.h"

namespace townhall::client {

// Retries with exponential backoff and full jitter: before retry n (1, 2, ...)
// the client sleeps a uniformly random time in [0, min(max_backoff, base_delay * 2^(n-1))].
// The defaults are the AWS SDK for C++'s legacy strategy for DynamoDB
// (DefaultRetryStrategy(10 retries, 25 ms scale factor)).
struct RetryOptions {
  int max_attempts = 11;  // the first attempt plus up to 10 retries; 1 disables retries
  std::chrono::milliseconds base_delay{25};
  std::chrono::milliseconds max_backoff{20'000};
};

// What the client tells an observer before it waits and tries again.
struct RetryEvent {
  std::string_view operation;  // "PutItem"
  int failed_attempt;          // 1 for the first attempt
  std::chrono::milliseconds delay;
  std::string_view reason;  // "ProvisionedThroughputExceededException: ...", "Connection ... reset"
};

struct ClientOptions {
  // "https://dynamodb.us-east-1.amazonaws.com", "http://localhost:8000", ...
  std::string endpoint_url;
  // The region requests are signed for.
  std::string region;
  // Signing keys; session_token is sent as X-Amz-Security-Token when set.
  sigv4::Credentials credentials;
  // A PEM file of CA certificates trusted in addition to the system store (AWS_CA_BUNDLE).
  std::string ca_bundle;

  // Time to resolve the host, connect and finish the TLS handshake.
  std::chrono::milliseconds connect_timeout{3'000};
  // Time for one attempt: send the request and read the whole response.
  std::chrono::milliseconds request_timeout{10'000};
  // At most this many connections to the endpoint, busy or idle; a caller
  // that finds them all busy waits for one (up to request_timeout).
  size_t max_connections = 64;
  // Idle keep-alive connections older than this are closed instead of reused
  // (servers close idle connections too; DynamoDB after about a minute).
  std::chrono::milliseconds max_idle{30'000};
  RetryOptions retry;
  // Called (on the calling thread) before every backoff; for logs, metrics and tests.
  std::function<void(const RetryEvent&)> on_retry;
  std::string user_agent = "townhall/0.1";

  // Where each setting came from ("endpoint from AWS_ENDPOINT_URL_DYNAMODB; ..."),
  // filled by resolve_client_options for logs; never contains secrets.
  std::string sources;
};

}  // namespace townhall::client
