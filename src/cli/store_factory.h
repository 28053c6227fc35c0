// open_store: the ddb::Database that `townhall serve` runs chat on.
//
// The embedded engine (--data-dir) and the remote client (full SigV4,
// retries, ~/.aws) are being written on the engine and client branches; the
// lead wires them in here. Until then only --store-endpoint works, through
// DevHttpDatabase (a minimal DynamoDB JSON client good enough for DynamoDB
// Local in tests).
#pragma once

#include <memory>
#include <string>

#include "ddb/database.h"

namespace townhall::cli {

struct StoreOptions {
  std::string data_dir = "./townhall-data";  // the embedded engine's directory
  std::string endpoint;                      // http://host:port of a DynamoDB-compatible endpoint
  std::string region = "us-east-1";
};

ddb::Result<std::unique_ptr<ddb::Database>> open_store(const StoreOptions& options);

}  // namespace townhall::cli
