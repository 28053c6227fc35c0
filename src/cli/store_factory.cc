#include "cli/store_factory.h"

#include "client/client.h"
#include "client/config.h"
#include "engine/engine.h"

namespace townhall::cli {

ddb::Result<std::unique_ptr<ddb::Database>> open_store(const StoreOptions& options) {
  if (!options.endpoint.empty()) {
    client::ClientFlags flags;
    flags.endpoint_url = options.endpoint;
    if (!options.region.empty()) flags.region = options.region;
    TH_ASSIGN_OR_RETURN(client::ClientOptions resolved, client::resolve_client_options(flags));
    TH_ASSIGN_OR_RETURN(auto db, client::Client::create(std::move(resolved)));
    return std::unique_ptr<ddb::Database>(std::move(db));
  }
  engine::EngineOptions engine_options;
  engine_options.data_dir = options.data_dir;
  TH_ASSIGN_OR_RETURN(auto db, engine::Engine::open(engine_options));
  return std::unique_ptr<ddb::Database>(std::move(db));
}

}  // namespace townhall::cli
