// EngineContext: what every operation of the engine works with (the store,
// the catalog, the streams, the key locks, the transaction token cache). Internal to the
// engine; engine.h only forward-declares it.
#pragma once

#include <memory>

#include "engine/backfill.h"
#include "engine/background_tasks.h"
#include "engine/catalog.h"
#include "engine/engine.h"
#include "engine/idempotency.h"
#include "engine/key_locks.h"
#include "engine/kv_store.h"
#include "engine/stream_catalog.h"
#include "engine/stream_log.h"

namespace townhall::engine {

struct EngineContext {
  explicit EngineContext(EngineOptions opts, std::shared_ptr<KvStore> kv)
      : options(std::move(opts)), store_owner(std::move(kv)), store(*store_owner), catalog(store) {}

  EngineOptions options;
  std::shared_ptr<KvStore> store_owner;
  KvStore& store;
  Catalog catalog;
  StreamCatalog streams{store};
  StreamSequencer stream_sequencer{store};
  KeyLocks locks;
  IdempotencyCache transaction_tokens;
  IndexBackfill backfill{*this};
  BackgroundTasks tasks;  // last: its threads stop before the rest goes
};

}  // namespace townhall::engine
