#include "ddb/error.h"

#include <array>

namespace townhall::ddb {
namespace {

struct ErrorInfo {
  ErrorCode code;
  std::string_view name;
  int http_status;
  bool retryable;
};

constexpr std::array kErrors = {
    ErrorInfo{ErrorCode::kValidation, "ValidationException", 400, false},
    ErrorInfo{ErrorCode::kSerialization, "SerializationException", 400, false},
    ErrorInfo{ErrorCode::kResourceNotFound, "ResourceNotFoundException", 400, false},
    ErrorInfo{ErrorCode::kResourceInUse, "ResourceInUseException", 400, false},
    ErrorInfo{ErrorCode::kConditionalCheckFailed, "ConditionalCheckFailedException", 400, false},
    ErrorInfo{ErrorCode::kTransactionCanceled, "TransactionCanceledException", 400, false},
    ErrorInfo{ErrorCode::kTransactionConflict, "TransactionConflictException", 400, false},
    ErrorInfo{ErrorCode::kTransactionInProgress, "TransactionInProgressException", 400, false},
    ErrorInfo{ErrorCode::kIdempotentParameterMismatch, "IdempotentParameterMismatchException", 400, false},
    ErrorInfo{ErrorCode::kProvisionedThroughputExceeded, "ProvisionedThroughputExceededException", 400, true},
    ErrorInfo{ErrorCode::kThrottling, "ThrottlingException", 400, true},
    ErrorInfo{ErrorCode::kRequestLimitExceeded, "RequestLimitExceeded", 400, true},
    ErrorInfo{ErrorCode::kLimitExceeded, "LimitExceededException", 400, false},
    ErrorInfo{ErrorCode::kItemCollectionSizeLimitExceeded, "ItemCollectionSizeLimitExceededException", 400,
              false},
    ErrorInfo{ErrorCode::kInternalServerError, "InternalServerError", 500, true},
    ErrorInfo{ErrorCode::kServiceUnavailable, "ServiceUnavailable", 503, true},
    ErrorInfo{ErrorCode::kUnknownOperation, "UnknownOperationException", 400, false},
    ErrorInfo{ErrorCode::kUnrecognizedClient, "UnrecognizedClientException", 400, false},
    ErrorInfo{ErrorCode::kInvalidSignature, "InvalidSignatureException", 400, false},
    ErrorInfo{ErrorCode::kMissingAuthenticationToken, "MissingAuthenticationTokenException", 400, false},
    ErrorInfo{ErrorCode::kIncompleteSignature, "IncompleteSignatureException", 400, false},
    ErrorInfo{ErrorCode::kAccessDenied, "AccessDeniedException", 400, false},
    ErrorInfo{ErrorCode::kRequestTimeout, "RequestTimeout", 408, true},
    ErrorInfo{ErrorCode::kExpiredIterator, "ExpiredIteratorException", 400, false},
    ErrorInfo{ErrorCode::kTrimmedDataAccess, "TrimmedDataAccessException", 400, false},
    ErrorInfo{ErrorCode::kDuplicateItem, "DuplicateItemException", 400, false},
};

const ErrorInfo& info(ErrorCode code) {
  for (const auto& e : kErrors)
    if (e.code == code) return e;
  return kErrors[14];  // InternalServerError
}

}  // namespace

std::string_view error_name(ErrorCode code) { return info(code).name; }
int http_status(ErrorCode code) { return info(code).http_status; }
bool is_retryable(ErrorCode code) { return info(code).retryable; }

std::optional<ErrorCode> error_code_from_name(std::string_view name) {
  for (const auto& e : kErrors)
    if (e.name == name) return e.code;
  return std::nullopt;
}

Error Error::InvalidParameter(std::string_view detail) {
  std::string message = "One or more parameter values were invalid: ";
  message.append(detail);
  return Validation(std::move(message));
}

std::string Error::to_string() const {
  std::string out(error_name(code));
  out.append(": ");
  out.append(message);
  return out;
}

}  // namespace townhall::ddb
