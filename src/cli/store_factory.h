// The store a subcommand runs on: the embedded engine (default) or a remote
// DynamoDB-compatible endpoint through the client, chosen by the same flags
// everywhere (serve, dynamodb, chat, migrate, backup).
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "chat/chat_service.h"
#include "ddb/database.h"

namespace townhall::cli {

struct StoreOptions {
  std::string kind = "embedded";             // embedded | dynamodb
  std::string data_dir = "./townhall-data";  // embedded: the RocksDB directory
  bool in_memory = false;                    // embedded: nothing on disk
  bool sync = false;                         // embedded: fsync before acknowledging
  int max_open_files = -1;                   // embedded: RocksDB table files kept open (-1: all)
  // dynamodb: unset ones come from AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION,
  // AWS_PROFILE and ~/.aws, as the AWS CLI reads them.
  std::string endpoint;
  std::string region;
  std::string profile;

  // "embedded ./townhall-data", "dynamodb http://127.0.0.1:8000": for logs.
  std::string describe() const;
};

// Adds --store, --data, --in-memory, --sync, --endpoint, --region, --profile
// (with TOWNHALL_* environment variables) to cmd.
void add_store_options(CLI::App* cmd, StoreOptions& options);

ddb::Result<std::unique_ptr<ddb::Database>> open_store(const StoreOptions& options);

// A store and the chat over its table (made, or checked, as serve does):
// what the offline commands (townhall chat, search reindex) work on.
struct OpenedChat {
  std::unique_ptr<ddb::Database> store;
  std::unique_ptr<chat::ChatService> chat;  // over *store
};
chat::Result<OpenedChat> open_chat(const StoreOptions& options, const std::string& table);

// Parses "embedded:DIR", "embedded:memory" or "dynamodb:URL" (URL may be
// empty: from the environment), as `townhall migrate --from/--to` take them.
ddb::Result<StoreOptions> parse_store_spec(const std::string& spec);

}  // namespace townhall::cli
