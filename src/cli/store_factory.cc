#include "cli/store_factory.h"

#include "client/client.h"
#include "client/config.h"
#include "engine/engine.h"

namespace townhall::cli {

std::string StoreOptions::describe() const {
  if (kind == "dynamodb")
    return "dynamodb " + (endpoint.empty() ? std::string("(from the AWS configuration)") : endpoint);
  return in_memory ? std::string("embedded (in memory)") : "embedded " + data_dir;
}

void add_store_options(CLI::App* cmd, StoreOptions& options) {
  cmd->add_option("--store", options.kind, "embedded (RocksDB in process) or dynamodb (a remote endpoint)")
      ->envname("TOWNHALL_STORE")
      ->check(CLI::IsMember({"embedded", "dynamodb"}))
      ->capture_default_str();
  cmd->add_option("--data,--data-dir", options.data_dir, "Directory of the embedded store")
      ->envname("TOWNHALL_DATA")
      ->capture_default_str();
  cmd->add_flag("--in-memory", options.in_memory, "Embedded store in memory only (nothing is kept)")
      ->envname("TOWNHALL_IN_MEMORY");
  cmd->add_flag("--sync", options.sync,
                "Embedded store: fsync before acknowledging a write (survives power loss, not only crashes)")
      ->envname("TOWNHALL_SYNC");
  cmd->add_option(
         "--endpoint,--store-endpoint", options.endpoint,
         "dynamodb store: endpoint URL (default: AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL, ~/.aws)")
      ->envname("TOWNHALL_STORE_ENDPOINT");
  cmd->add_option("--region", options.region, "dynamodb store: region (default: AWS_REGION, ~/.aws/config)")
      ->envname("TOWNHALL_REGION");
  cmd->add_option("--profile", options.profile, "dynamodb store: AWS profile (default: AWS_PROFILE)")
      ->envname("TOWNHALL_PROFILE");
}

ddb::Result<std::unique_ptr<ddb::Database>> open_store(const StoreOptions& options) {
  if (options.kind == "dynamodb") {
    client::ClientFlags flags;
    if (!options.endpoint.empty()) flags.endpoint_url = options.endpoint;
    if (!options.region.empty()) flags.region = options.region;
    if (!options.profile.empty()) flags.profile = options.profile;
    TH_ASSIGN_OR_RETURN(auto client_options, client::resolve_client_options(flags));
    TH_ASSIGN_OR_RETURN(auto client, client::Client::create(std::move(client_options)));
    return std::unique_ptr<ddb::Database>(std::move(client));
  }
  if (options.kind != "embedded") return ddb::Error::Validation("unknown store kind " + options.kind);
  engine::EngineOptions engine_options;
  engine_options.data_dir = options.data_dir;
  engine_options.in_memory = options.in_memory;
  engine_options.sync = options.sync;
  engine_options.max_open_files = options.max_open_files;
  // A chat writes little (a busy team: a few hundred KB a second), so an
  // 8 MB memtable flushes every few seconds at most and keeps the server's
  // memory small; `townhall dynamodb`, a benchmark target for bulk writes,
  // keeps RocksDB's 64 MB (PutItem at 64 connections: 52k/s with 8 MB,
  // 57k/s with 64 MB, bench/peers).
  engine_options.write_buffer_bytes = 8 << 20;
  TH_ASSIGN_OR_RETURN(auto engine, engine::Engine::open(engine_options));
  return std::unique_ptr<ddb::Database>(std::move(engine));
}

chat::Result<OpenedChat> open_chat(const StoreOptions& options, const std::string& table) {
  auto store = open_store(options);
  if (!store.ok()) return chat::Error::FromStore(store.error());
  OpenedChat opened;
  opened.store = std::move(store).value();
  chat::ChatOptions chat_options;
  chat_options.table_name = table;
  opened.chat = std::make_unique<chat::ChatService>(*opened.store, chat_options);
  TH_RETURN_IF_ERROR(opened.chat->ensure_table());
  return opened;
}

ddb::Result<StoreOptions> parse_store_spec(const std::string& spec) {
  StoreOptions options;
  auto colon = spec.find(':');
  std::string kind = spec.substr(0, colon);
  std::string rest = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (kind == "embedded") {
    if (rest.empty()) return ddb::Error::Validation("embedded store needs a directory: embedded:DIR");
    options.in_memory = rest == "memory";
    options.data_dir = rest;
  } else if (kind == "dynamodb") {
    options.kind = "dynamodb";
    options.endpoint = rest;
  } else {
    return ddb::Error::Validation("store must be embedded:DIR or dynamodb:URL, not " + spec);
  }
  return options;
}

}  // namespace townhall::cli
