#include "client/retry.h"

#include <algorithm>
#include <random>

namespace townhall::client {

bool is_retryable_answer(int http_status, const ddb::Error& error) {
  if (http_status >= 500) return true;
  switch (error.code) {
    case ddb::ErrorCode::kProvisionedThroughputExceeded:
    case ddb::ErrorCode::kThrottling:
    case ddb::ErrorCode::kRequestLimitExceeded:
    case ddb::ErrorCode::kTransactionInProgress:
    case ddb::ErrorCode::kInternalServerError:
    case ddb::ErrorCode::kServiceUnavailable:
      return true;
    default:
      return false;
  }
}

std::chrono::milliseconds backoff_ceiling(const RetryOptions& options, int retry) {
  using std::chrono::milliseconds;
  if (retry < 1) return milliseconds(0);
  int64_t ceiling = options.base_delay.count();
  for (int i = 1; i < retry && ceiling < options.max_backoff.count(); ++i) ceiling *= 2;
  return milliseconds(std::min<int64_t>(ceiling, options.max_backoff.count()));
}

std::chrono::milliseconds backoff_delay(const RetryOptions& options, int retry) {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  int64_t ceiling = backoff_ceiling(options, retry).count();
  if (ceiling <= 0) return std::chrono::milliseconds(0);
  std::uniform_int_distribution<int64_t> uniform(0, ceiling);
  return std::chrono::milliseconds(uniform(generator));
}

}  // namespace townhall::client
