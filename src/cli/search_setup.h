// Where a process keeps its search index, and opening it with its indexer:
// shared by `townhall serve`, `townhall chat search` and `townhall search`.
//
// --search-index: a file path, "memory" (rebuilt from the table at every
// start), or, for serve, "off". The default: DATA/search.sqlite beside an
// embedded store on disk; in memory for an in-memory store and for a remote
// one (each node builds its own from the table and follows its stream; give
// a file to keep it across restarts).
#pragma once

#include <memory>
#include <string>

#include "chat/chat_service.h"
#include "cli/store_factory.h"
#include "search/indexer.h"
#include "search/message_index.h"
#include "search/search_service.h"

namespace townhall::cli {

// "" when off; ":memory:" or a file path otherwise.
std::string search_index_path(const StoreOptions& store, const std::string& flag);

struct SearchParts {
  std::unique_ptr<search::MessageIndex> index;
  std::unique_ptr<search::Indexer> indexer;
  std::unique_ptr<search::SearchService> service;
};

// Opens the index at path and makes its indexer (not started) and service.
chat::Result<SearchParts> open_search(ddb::Database& db, chat::ChatService& chat, const std::string& path,
                                      const search::IndexerOptions& options = {});

// Adds `townhall search reindex`.
void register_search_command(CLI::App& app, int* exit_code);

}  // namespace townhall::cli
