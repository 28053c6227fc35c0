#include "ddb/error.h"

#include <gtest/gtest.h>

#include "ddb/result.h"

namespace townhall::ddb {
namespace {

TEST(ErrorTest, NamesStatusesAndRetries) {
  struct Case {
    ErrorCode code;
    const char* name;
    int status;
    bool retryable;
  };
  for (auto [code, name, status, retryable] : std::initializer_list<Case>{
           {ErrorCode::kValidation, "ValidationException", 400, false},
           {ErrorCode::kSerialization, "SerializationException", 400, false},
           {ErrorCode::kResourceNotFound, "ResourceNotFoundException", 400, false},
           {ErrorCode::kConditionalCheckFailed, "ConditionalCheckFailedException", 400, false},
           {ErrorCode::kTransactionCanceled, "TransactionCanceledException", 400, false},
           {ErrorCode::kProvisionedThroughputExceeded, "ProvisionedThroughputExceededException", 400, true},
           {ErrorCode::kThrottling, "ThrottlingException", 400, true},
           {ErrorCode::kRequestLimitExceeded, "RequestLimitExceeded", 400, true},
           {ErrorCode::kInternalServerError, "InternalServerError", 500, true},
           {ErrorCode::kServiceUnavailable, "ServiceUnavailable", 503, true},
           {ErrorCode::kUnknownOperation, "UnknownOperationException", 400, false},
           {ErrorCode::kRequestTimeout, "RequestTimeout", 408, true},
           {ErrorCode::kExpiredIterator, "ExpiredIteratorException", 400, false},
           {ErrorCode::kTrimmedDataAccess, "TrimmedDataAccessException", 400, false},
           {ErrorCode::kDuplicateItem, "DuplicateItemException", 400, false},
       }) {
    EXPECT_EQ(error_name(code), name);
    EXPECT_EQ(http_status(code), status) << name;
    EXPECT_EQ(is_retryable(code), retryable) << name;
    EXPECT_EQ(error_code_from_name(name), code);
  }
  EXPECT_EQ(error_code_from_name("NoSuchThing"), std::nullopt);
  // Every code has a distinct name that maps back to it.
  for (int i = 0; i <= static_cast<int>(ErrorCode::kDuplicateItem); ++i) {
    auto code = static_cast<ErrorCode>(i);
    EXPECT_EQ(error_code_from_name(error_name(code)), code) << error_name(code);
  }
}

TEST(ErrorTest, Constructors) {
  EXPECT_EQ(Error::InvalidParameter("Missing the key PK in the item").message,
            "One or more parameter values were invalid: Missing the key PK in the item");
  EXPECT_EQ(Error::ConditionalCheckFailed().message, "The conditional request failed");
  EXPECT_EQ(Error::Validation("x").to_string(), "ValidationException: x");
  Status ok;
  EXPECT_TRUE(ok.ok());
  Status failed = Error::Serialization("bad");
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kSerialization);
}

}  // namespace
}  // namespace townhall::ddb
