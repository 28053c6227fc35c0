// When and how long the client waits before trying a request again.
//
// Retried, as the AWS SDKs retry DynamoDB calls: throttling
// (ProvisionedThroughputExceededException, ThrottlingException,
// RequestLimitExceeded), TransactionInProgressException (botocore's DynamoDB
// policy), any 5xx answer, a response whose x-amz-crc32 does not match its
// body, and connections that fail, drop or time out. Every DynamoDB request
// may be repeated: writes are idempotent or conditional, and the SDKs retry
// them the same way. TLS certificate failures and 4xx errors are final.
//
// Thread-safety: pure functions; backoff_delay uses a thread-local generator.
#pragma once

#include <chrono>

#include "client/options.h"
#include "ddb/error.h"

namespace townhall::client {

// An error the endpoint answered with, by its HTTP status and decoded error.
bool is_retryable_answer(int http_status, const ddb::Error& error);

// The upper bound of the wait before retry number `retry` (1 for the first
// retry): min(max_backoff, base_delay * 2^(retry-1)).
std::chrono::milliseconds backoff_ceiling(const RetryOptions& options, int retry);

// Full jitter: uniformly random in [0, backoff_ceiling(options, retry)].
std::chrono::milliseconds backoff_delay(const RetryOptions& options, int retry);

}  // namespace townhall::client
