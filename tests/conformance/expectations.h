// The expectation table: what DynamoDB does (its documentation, or DynamoDB
// Local where the documentation is silent) and, per target, where a peer is
// known to do something else. A case asks for the expectation of the target
// it runs on; every deviation it uses is recorded and listed when the suite
// ends, so differences between peers are measured, not forgotten.
//
// Deviations of third-party peers (dynalite, DynamoDB Local) are facts to
// live with. A deviation of Townhall's own stores (engine, wire, townhall) is
// a known bug: listed as such in the summary, and with
// TOWNHALL_CONFORMANCE_STRICT=1 the case expects DynamoDB's behaviour and fails.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ddb/error.h"
#include "ddb/result.h"
#include "targets.h"

namespace townhall::conformance {

// Notes a deviation (target, case, what differs) for the summary.
void record_deviation(Target target, std::string_view what);
// True for the stores Townhall builds (engine, wire, townhall).
bool is_townhall_store(Target target);
bool strict_mode();  // TOWNHALL_CONFORMANCE_STRICT=1
// Prints the recorded deviations, grouped by target.
void print_deviations();

// Every target that runs the engine: a bug of the engine shows on all three.
inline const std::vector<Target> kEngineStores = {Target::kEngine, Target::kWire, Target::kTownhall};

template <class T>
struct Deviation {
  Deviation(Target target, T value, std::string_view note)
      : targets{target}, value(std::move(value)), note(note) {}
  Deviation(std::vector<Target> targets, T value, std::string_view note)
      : targets(std::move(targets)), value(std::move(value)), note(note) {}
  std::vector<Target> targets;
  T value;
  std::string_view note;  // what the target does differently
};

// The value `target` is expected to produce: `documented` unless a deviation
// names the target (and, for Townhall's stores, unless strict_mode()).
template <class T>
T expected_for(Target target, T documented, std::initializer_list<Deviation<T>> deviations) {
  for (const auto& d : deviations) {
    for (Target t : d.targets) {
      if (t != target) continue;
      record_deviation(target, d.note);
      return is_townhall_store(target) && strict_mode() ? documented : d.value;
    }
  }
  return documented;
}

// An error by code and, when set, exact message.
struct ErrorIs {
  ddb::ErrorCode code;
  std::optional<std::string> message;
};

std::ostream& operator<<(std::ostream& out, const ErrorIs& e);

// Checks that `result` failed as `expected` says.
template <class T>
::testing::AssertionResult fails_with(const ddb::Result<T>& result, const ErrorIs& expected) {
  if (result.ok()) return ::testing::AssertionFailure() << "succeeded; expected " << expected;
  const ddb::Error& error = result.error();
  if (error.code != expected.code || (expected.message && error.message != *expected.message)) {
    return ::testing::AssertionFailure() << "failed with " << error.to_string() << "; expected " << expected;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace townhall::conformance
