// open_store: the ddb::Database that `townhall serve` runs chat on: the
// embedded engine in a data directory, or a remote DynamoDB-compatible
// endpoint through the client layer (SigV4, retries, the AWS configuration).
#pragma once

#include <memory>
#include <string>

#include "ddb/database.h"

namespace townhall::cli {

struct StoreOptions {
  std::string data_dir = "./townhall-data";  // the embedded engine's directory
  std::string endpoint;                      // a DynamoDB-compatible endpoint URL; empty: embedded
  std::string region;                        // for the endpoint; empty: from the AWS configuration
};

ddb::Result<std::unique_ptr<ddb::Database>> open_store(const StoreOptions& options);

}  // namespace townhall::cli
