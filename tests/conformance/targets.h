// The stores the conformance suite runs every case against, and their
// lifetimes: each peer is started the first time a case needs it and kept
// until the suite ends.
//
//   engine           engine::Engine in process (in memory)
//   wire             wire::DynamoDbServer over an in-memory engine, in process, through client::Client
//   townhall         `townhall dynamodb` (the wire endpoint over the engine), through client::Client
//   dynalite         dynalite under node, from the repo's node_modules, through client::Client
//   dynamodb-local   DynamoDB Local under java, from amplify-dynamodb-simulator, through client::Client
//
// TOWNHALL_CONFORMANCE_TARGETS=engine,dynalite limits a run to some targets.
// With CI=true a target whose software is missing fails its cases;
// otherwise they are skipped with a message saying what is missing.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "ddb/database.h"

namespace townhall::conformance {

enum class Target { kEngine, kWire, kTownhall, kDynalite, kDynamoDbLocal };

std::string_view target_name(Target target);
// For GoogleTest's messages.
void PrintTo(Target target, std::ostream* out);
std::vector<Target> all_targets();

// Why a target cannot run, and so what its cases do.
enum class Unavailable {
  kNone,
  kNotSelected,      // TOWNHALL_CONFORMANCE_TARGETS leaves it out: skipped
  kNotBuilt,         // not in this tree yet (a layer not merged): skipped
  kMissingSoftware,  // node, java, or a package is missing here: fails under CI=true, else skipped
  kBroken,           // built here but failed to start: fails
};

struct TargetState {
  ddb::Database* db = nullptr;  // null when unavailable
  Unavailable unavailable = Unavailable::kNone;
  std::string reason;
};

// Starts the target on first use. Not thread-safe: cases run one at a time.
TargetState& target_state(Target target);
// Stops every peer the suite started.
void stop_all_targets();

bool running_in_ci();

}  // namespace townhall::conformance
