#include "engine/engine.h"

#include <condition_variable>
#include <mutex>

#include <spdlog/spdlog.h>

#include "engine/context.h"
#include "engine/item_codec.h"
#include "engine/items.h"
#include "engine/key_codec.h"
#include "engine/rocksdb_store.h"
#include "engine/ttl_sweeper.h"

namespace townhall::engine {
namespace {

struct Totals {
  int64_t items = 0;
  int64_t bytes = 0;
};

// Sums DynamoDB sizes over one key range (a table's items or an index's
// entries) as of the snapshot.
ddb::Result<Totals> count_range(KvStore& store, const KvSnapshot& snapshot, const std::string& prefix,
                                const std::stop_token& stop) {
  auto it = store.new_iterator(prefix, keys::prefix_successor(prefix), &snapshot);
  Totals totals;
  for (it->seek_to_first(); it->valid() && !stop.stop_requested(); it->next()) {
    size_t size = 0;
    TH_ASSIGN_OR_RETURN(ddb::AttributeMap item, decode_item(it->value(), &size));
    ++totals.items;
    totals.bytes += static_cast<int64_t>(size);
  }
  TH_RETURN_IF_ERROR(it->status());
  return totals;
}

// Counts every table and index as stored when the snapshot was taken and adds
// the totals to counters that have taken every write's delta since.
void count_stored(EngineContext& context, const std::vector<std::shared_ptr<TableHandle>>& handles,
                  const std::shared_ptr<const KvSnapshot>& snapshot, const std::stop_token& stop) {
  for (const auto& handle : handles) {
    auto schema = handle->schema();
    auto table =
        count_range(context.store, *snapshot, keys::index_prefix(schema->id, keys::kBaseIndexId), stop);
    if (table.ok()) handle->table_counters().add(table->items, table->bytes);
    for (const auto& index : schema->indexes) {
      auto entries = count_range(context.store, *snapshot, keys::index_prefix(schema->id, index.id), stop);
      if (entries.ok()) handle->add_index_counts(index.id, entries->items, entries->bytes);
    }
    // A store that fails to read leaves the counts short; DescribeTable
    // must still answer.
    handle->finish_counting();
  }
}

// A store written before streams existed may hold a table whose
// StreamSpecification is enabled but that has no stream: it gets one now, so
// its writes are recorded from here on.
ddb::Status open_missing_streams(EngineContext& context) {
  std::lock_guard ddl(context.catalog.ddl_mutex());
  for (const auto& handle : context.catalog.tables()) {
    auto current = handle->schema();
    if (!current->stream || !current->stream->stream_enabled || current->stream_id) continue;
    TableSchema schema = *current;
    KvWriteBatch batch;
    StreamInfo stream = context.streams.create_for(schema, context.stream_sequencer.next(), batch);
    Catalog::add_schema_write(schema, batch);
    TH_RETURN_IF_ERROR(context.store.write(batch));
    context.streams.publish(stream);
    handle->set_schema(std::make_shared<const TableSchema>(std::move(schema)));
  }
  return {};
}

// Every interval, trims stream records older than the retention (and
// forgets streams closed for longer), until asked to stop.
void apply_stream_retention(EngineContext& context, std::chrono::milliseconds interval,
                            std::chrono::milliseconds retention, const std::stop_token& stop) {
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  while (!stop.stop_requested()) {
    auto trimmed = context.streams.trim(now_epoch_ms() - retention.count());
    if (!trimmed.ok()) spdlog::warn("stream retention: {}", trimmed.error().to_string());
    wake.wait_for(lock, stop, interval, [] { return false; });
  }
}

}  // namespace

Engine::Engine(std::unique_ptr<EngineContext> context) : context_(std::move(context)) {}
Engine::~Engine() = default;

ddb::Result<std::unique_ptr<Engine>> Engine::open(const EngineOptions& options) {
  std::shared_ptr<KvStore> store = options.kv_store;
  if (!store) {
    TH_ASSIGN_OR_RETURN(auto opened, open_rocksdb_store({.path = options.data_dir,
                                                         .in_memory = options.in_memory,
                                                         .sync = options.sync,
                                                         .max_open_files = options.max_open_files,
                                                         .write_buffer_bytes = options.write_buffer_bytes}));
    store = std::move(opened);
  }
  auto context = std::make_unique<EngineContext>(options, std::move(store));
  TH_RETURN_IF_ERROR(context->catalog.load());
  TH_RETURN_IF_ERROR(context->streams.load());
  TH_RETURN_IF_ERROR(context->stream_sequencer.load());
  TH_RETURN_IF_ERROR(open_missing_streams(*context));
  // ItemCount and TableSizeBytes are kept live in memory. What was stored
  // is counted in the background (a scan of every item: seconds for
  // millions), over a snapshot taken before any write, so that the store
  // answers at once; writes add their deltas meanwhile.
  auto tables = context->catalog.tables();
  for (const auto& handle : tables) {
    handle->start_counting();
    for (const auto& index : handle->schema()->indexes) handle->index_counters(index.id);
  }
  if (!tables.empty()) {
    context->tasks.start(
        [context = context.get(), tables, snapshot = context->store.snapshot()](const std::stop_token& stop) {
          count_stored(*context, tables, snapshot, stop);
        });
  }
  // Copies that a stop or crash interrupted start again.
  for (const auto& handle : tables) {
    for (const auto& index : handle->schema()->indexes)
      if (index.backfilling) context->backfill.start(handle, index.id);
  }
  if (options.stream_trim_interval.count() > 0) {
    context->tasks.start([context = context.get(), interval = options.stream_trim_interval,
                          retention = options.stream_retention](const std::stop_token& stop) {
      apply_stream_retention(*context, interval, retention, stop);
    });
  }
  auto engine = std::unique_ptr<Engine>(new Engine(std::move(context)));
  if (options.ttl_sweep_interval.count() > 0) {
    Engine* self = engine.get();
    engine->ttl_sweeper_ = std::make_unique<TtlSweeper>(
        *engine, options.ttl_sweep_interval, std::function<int64_t()>{},
        [self](const ddb::DeleteItemRequest& request) { return self->expire_item(request); });
    engine->ttl_sweeper_->start();
  }
  return engine;
}

ddb::Status Engine::checkpoint(const std::string& dir) { return context_->store.checkpoint(dir); }
ddb::Status Engine::health() { return context_->store.health(); }

}  // namespace townhall::engine
