#include "engine/engine.h"

#include <mutex>

#include "engine/context.h"
#include "engine/item_codec.h"
#include "engine/items.h"
#include "engine/key_codec.h"
#include "engine/rocksdb_store.h"

namespace townhall::engine {
namespace {

// Sums DynamoDB sizes over one key range (a table's items or an index's entries).
ddb::Status count_range(KvStore& store, const std::string& prefix, Counters& counters) {
  auto it = store.new_iterator(prefix, keys::prefix_successor(prefix));
  int64_t items = 0, bytes = 0;
  for (it->seek_to_first(); it->valid(); it->next()) {
    TH_ASSIGN_OR_RETURN(ddb::AttributeMap item, decode_item(it->value()));
    ++items;
    bytes += static_cast<int64_t>(ddb::item_size_bytes(item));
  }
  TH_RETURN_IF_ERROR(it->status());
  counters.add(items, bytes);
  return {};
}

}  // namespace

Engine::Engine(std::unique_ptr<EngineContext> context) : context_(std::move(context)) {}
Engine::~Engine() = default;

ddb::Result<std::unique_ptr<Engine>> Engine::open(const EngineOptions& options) {
  std::shared_ptr<KvStore> store = options.kv_store;
  if (!store) {
    TH_ASSIGN_OR_RETURN(
        auto opened,
        open_rocksdb_store({.path = options.data_dir, .in_memory = options.in_memory, .sync = options.sync}));
    store = std::move(opened);
  }
  auto context = std::make_unique<EngineContext>(options, std::move(store));
  TH_RETURN_IF_ERROR(context->catalog.load());
  // ItemCount and TableSizeBytes are kept live in memory; they start from a
  // count of what is stored.
  for (const auto& handle : context->catalog.tables()) {
    auto schema = handle->schema();
    TH_RETURN_IF_ERROR(count_range(context->store, keys::index_prefix(schema->id, keys::kBaseIndexId),
                                   handle->table_counters()));
    for (const auto& index : schema->indexes) {
      TH_RETURN_IF_ERROR(count_range(context->store, keys::index_prefix(schema->id, index.id),
                                     handle->index_counters(index.id)));
    }
  }
  // Copies that a stop or crash interrupted start again.
  for (const auto& handle : context->catalog.tables()) {
    for (const auto& index : handle->schema()->indexes)
      if (index.backfilling) context->backfill.start(handle, index.id);
  }
  return std::unique_ptr<Engine>(new Engine(std::move(context)));
}

ddb::Status Engine::checkpoint(const std::string& dir) { return context_->store.checkpoint(dir); }

}  // namespace townhall::engine
