#include "client/retry.h"

#include <gtest/gtest.h>

#include <set>

namespace townhall::client {
namespace {

using std::chrono::milliseconds;

TEST(RetryTest, CeilingDoublesUpToTheCap) {
  RetryOptions options;  // 25 ms base, 20 s cap
  EXPECT_EQ(backoff_ceiling(options, 1), milliseconds(25));
  EXPECT_EQ(backoff_ceiling(options, 2), milliseconds(50));
  EXPECT_EQ(backoff_ceiling(options, 3), milliseconds(100));
  EXPECT_EQ(backoff_ceiling(options, 10), milliseconds(12'800));
  EXPECT_EQ(backoff_ceiling(options, 11), milliseconds(20'000));
  EXPECT_EQ(backoff_ceiling(options, 1000), milliseconds(20'000));
}

TEST(RetryTest, FullJitterStaysWithinTheCeilingAndVaries) {
  RetryOptions options{11, milliseconds(100), milliseconds(1000)};
  std::set<int64_t> seen;
  for (int i = 0; i < 200; ++i) {
    auto delay = backoff_delay(options, 3);
    EXPECT_GE(delay.count(), 0);
    EXPECT_LE(delay.count(), 400);
    seen.insert(delay.count());
  }
  EXPECT_GT(seen.size(), 20u) << "full jitter spreads retries out";
}

TEST(RetryTest, WhatIsRetried) {
  using ddb::Error;
  using ddb::ErrorCode;
  for (ErrorCode code : {ErrorCode::kProvisionedThroughputExceeded, ErrorCode::kThrottling,
                         ErrorCode::kRequestLimitExceeded, ErrorCode::kTransactionInProgress}) {
    EXPECT_TRUE(is_retryable_answer(400, Error{code, "x"})) << ddb::error_name(code);
  }
  EXPECT_TRUE(is_retryable_answer(500, Error{ErrorCode::kInternalServerError, "x"}));
  EXPECT_TRUE(is_retryable_answer(503, Error{ErrorCode::kValidation, "unknown 5xx body"}));
  for (ErrorCode code :
       {ErrorCode::kValidation, ErrorCode::kConditionalCheckFailed, ErrorCode::kResourceNotFound,
        ErrorCode::kTransactionCanceled, ErrorCode::kUnrecognizedClient, ErrorCode::kLimitExceeded}) {
    EXPECT_FALSE(is_retryable_answer(400, Error{code, "x"})) << ddb::error_name(code);
  }
}

}  // namespace
}  // namespace townhall::client
