#include "chat/error.h"

namespace townhall::chat {

Error Error::FromStore(const ddb::Error& error) {
  if (ddb::is_retryable(error.code)) {
    return {Code::kUnavailable, "the store is busy, try again: " + error.to_string()};
  }
  return {Code::kInternal, "store error: " + error.to_string()};
}

const char* code_name(Code code) {
  switch (code) {
    case Code::kInvalidArgument:
      return "invalid_argument";
    case Code::kNotFound:
      return "not_found";
    case Code::kAlreadyExists:
      return "already_exists";
    case Code::kPermissionDenied:
      return "permission_denied";
    case Code::kUnauthenticated:
      return "unauthenticated";
    case Code::kFailedPrecondition:
      return "failed_precondition";
    case Code::kTooLarge:
      return "payload_too_large";
    case Code::kUnavailable:
      return "unavailable";
    case Code::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace townhall::chat
