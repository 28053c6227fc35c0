// Result<T> and Status: how every layer returns expected failures (no exceptions
// cross module boundaries). A failure carries a ddb::Error, the same errors the
// DynamoDB API returns, so a layer above cannot tell which store produced it.
#pragma once

#include <cassert>
#include <optional>
#include <utility>
#include <variant>

#include "ddb/error.h"

namespace townhall::ddb {

// E is the error type: ddb::Error here; layers with their own error domain
// (chat) alias Result<T, TheirError>.
template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit on purpose
  Result(E error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // REQUIRES: !ok()
  const E& error() const& {
    assert(!ok());
    return std::get<1>(state_);
  }
  E&& error() && {
    assert(!ok());
    return std::get<1>(std::move(state_));
  }

 private:
  std::variant<T, E> state_;
};

// Status: a Result with no value.
template <class E = Error>
class [[nodiscard]] BasicStatus {
 public:
  BasicStatus() = default;
  BasicStatus(E error) : error_(std::move(error)) {}  // NOLINT: implicit on purpose
  static BasicStatus Ok() { return BasicStatus(); }

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const E& error() const& {
    assert(!ok());
    return *error_;
  }
  E&& error() && {
    assert(!ok());
    return std::move(*error_);
  }

 private:
  std::optional<E> error_;
};
using Status = BasicStatus<Error>;

}  // namespace townhall::ddb

#define TH_CONCAT_INNER(a, b) a##b
#define TH_CONCAT(a, b) TH_CONCAT_INNER(a, b)

// TH_RETURN_IF_ERROR(expr): expr yields a Status or Result; returns its error.
#define TH_RETURN_IF_ERROR(expr)                                \
  do {                                                          \
    auto&& th_status_ = (expr);                                 \
    if (!th_status_.ok()) return std::move(th_status_).error(); \
  } while (0)

// TH_ASSIGN_OR_RETURN(lhs, expr): expr yields a Result<T>; on success moves the
// value into lhs (which may be a declaration), otherwise returns the error.
#define TH_ASSIGN_OR_RETURN(lhs, expr) TH_ASSIGN_OR_RETURN_IMPL(TH_CONCAT(th_result_, __LINE__), lhs, expr)
// lhs cannot be parenthesized: it may be a declaration ("auto x").
// NOLINTBEGIN(bugprone-macro-parentheses)
#define TH_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return std::move(tmp).error();  \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
