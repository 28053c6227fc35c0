// The errors the DynamoDB API returns, as values. Every ddb::Database
// implementation (the embedded engine, the remote client) reports failures
// with these, and the wire layer turns them into DynamoDB's JSON error bodies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ddb/attribute_value.h"

namespace townhall::ddb {

enum class ErrorCode : uint8_t {
  kValidation,
  kSerialization,
  kResourceNotFound,
  kResourceInUse,
  kConditionalCheckFailed,
  kTransactionCanceled,
  kTransactionConflict,
  kTransactionInProgress,
  kIdempotentParameterMismatch,
  kProvisionedThroughputExceeded,
  kThrottling,
  kRequestLimitExceeded,
  kLimitExceeded,
  kItemCollectionSizeLimitExceeded,
  kInternalServerError,
  kServiceUnavailable,
  kUnknownOperation,
  kUnrecognizedClient,
  kInvalidSignature,
  kMissingAuthenticationToken,
  kIncompleteSignature,
  kAccessDenied,
  kRequestTimeout,     // client side: the endpoint could not be reached or did not answer
  kExpiredIterator,    // Streams: a shard iterator older than 15 minutes
  kTrimmedDataAccess,  // Streams: an iterator that points at records already trimmed
  kDuplicateItem,      // PartiQL: an INSERT of an item that exists
};

// "ValidationException", "InternalServerError", ...: the name after '#' in __type.
std::string_view error_name(ErrorCode code);
// The inverse of error_name; unknown names map to nullopt.
std::optional<ErrorCode> error_code_from_name(std::string_view name);
// The HTTP status DynamoDB answers with for this error (400, 500, 503, 413...).
int http_status(ErrorCode code);
// Errors a client may retry with backoff: throttling, 5xx, timeouts.
bool is_retryable(ErrorCode code);

// One entry of TransactionCanceledException.CancellationReasons.
struct CancellationReason {
  std::string code;  // "None", "ConditionalCheckFailed", "TransactionConflict", "ValidationError", ...
  std::string message;
  std::optional<AttributeMap> item;  // with ReturnValuesOnConditionCheckFailure=ALL_OLD
  bool operator==(const CancellationReason&) const = default;
};

struct Error {
  ErrorCode code = ErrorCode::kInternalServerError;
  std::string message;
  // ConditionalCheckFailedException with ReturnValuesOnConditionCheckFailure=ALL_OLD.
  std::optional<AttributeMap> item;
  // TransactionCanceledException: one reason per action, in request order.
  std::vector<CancellationReason> cancellation_reasons;

  static Error Validation(std::string message) { return {ErrorCode::kValidation, std::move(message)}; }
  static Error Serialization(std::string message) { return {ErrorCode::kSerialization, std::move(message)}; }
  static Error ResourceNotFound(std::string message) {
    return {ErrorCode::kResourceNotFound, std::move(message)};
  }
  static Error ResourceInUse(std::string message) { return {ErrorCode::kResourceInUse, std::move(message)}; }
  static Error ConditionalCheckFailed(std::optional<AttributeMap> item = std::nullopt) {
    return {ErrorCode::kConditionalCheckFailed, "The conditional request failed", std::move(item)};
  }
  static Error Internal(std::string message) { return {ErrorCode::kInternalServerError, std::move(message)}; }
  // DynamoDB's wording for a parameter it rejects: "One or more parameter values were invalid: ..."
  static Error InvalidParameter(std::string_view detail);

  bool is(ErrorCode c) const { return code == c; }
  std::string to_string() const;  // "ValidationException: message", for logs and tests
};

}  // namespace townhall::ddb
