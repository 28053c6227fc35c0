// Chat's own error domain: what a chat user can be told. Store errors are
// mapped into it (throttling becomes kUnavailable, the rest kInternal) so the
// API layer never needs to know which store is underneath.
#pragma once

#include <cstdint>
#include <string>

#include "ddb/error.h"
#include "ddb/result.h"

namespace townhall::chat {

enum class Code : uint8_t {
  kInvalidArgument,     // the request itself is wrong (bad id, text too long)
  kNotFound,            // no such user, channel or message
  kAlreadyExists,       // e-mail taken
  kPermissionDenied,    // authenticated but not allowed (not a member, not the author)
  kUnauthenticated,     // bad credentials, unknown or expired session
  kFailedPrecondition,  // the table exists with an incompatible schema
  kTooLarge,            // over a size limit or a quota (a file, a user's files)
  kUnavailable,         // the store is throttling or unreachable; retry later
  kInternal,
};

struct Error {
  Code code = Code::kInternal;
  std::string message;

  static Error InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Error NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Error AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
  static Error PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
  static Error Unauthenticated(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
  static Error Internal(std::string m) { return {Code::kInternal, std::move(m)}; }
  static Error TooLarge(std::string m) { return {Code::kTooLarge, std::move(m)}; }
  // A store failure, as chat reports it.
  static Error FromStore(const ddb::Error& error);

  bool is(Code c) const { return code == c; }
};

// "invalid_argument", "not_found", ...: stable names for API error bodies.
const char* code_name(Code code);

template <class T>
using Result = ddb::Result<T, Error>;
using Status = ddb::BasicStatus<Error>;

}  // namespace townhall::chat
