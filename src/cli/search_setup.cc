#include "cli/search_setup.h"

#include <cstdio>

#include "api/json.h"
#include "ddb/json_writer.h"

namespace townhall::cli {

std::string search_index_path(const StoreOptions& store, const std::string& flag) {
  if (flag == "off") return {};
  if (flag == "memory") return ":memory:";
  if (!flag.empty()) return flag;
  if (store.kind == "embedded" && !store.in_memory) return store.data_dir + "/search.sqlite";
  return ":memory:";
}

chat::Result<SearchParts> open_search(ddb::Database& db, chat::ChatService& chat, const std::string& path,
                                      const search::IndexerOptions& options) {
  SearchParts parts;
  TH_ASSIGN_OR_RETURN(parts.index, search::MessageIndex::open(path));
  parts.indexer = std::make_unique<search::Indexer>(db, chat.options().table_name, *parts.index, options);
  parts.service = std::make_unique<search::SearchService>(chat, *parts.index, parts.indexer.get());
  return parts;
}

namespace {

struct SearchCommandOptions {
  StoreOptions store;
  std::string table = "chat";
  std::string index;
};

int reindex(const SearchCommandOptions& o) {
  auto fail = [](const chat::Error& error) {
    std::fprintf(stderr, "%s\n", api::error_json(chat::code_name(error.code), error.message).c_str());
    return 1;
  };
  auto opened = open_chat(o.store, o.table);
  if (!opened.ok()) return fail(opened.error());
  std::string path = search_index_path(o.store, o.index);
  if (path.empty() || path == ":memory:") {
    return fail(chat::Error::InvalidArgument("reindex builds an index file: give --search-index FILE"));
  }
  auto parts = open_search(*opened->store, *opened->chat, path);
  if (!parts.ok()) return fail(parts.error());
  if (auto status = parts->indexer->open_position(); !status.ok()) return fail(status.error());
  auto rebuilt = parts->indexer->rebuild([](int64_t messages) {
    std::fprintf(stderr, "\rindexed %lld messages", static_cast<long long>(messages));
  });
  std::fprintf(stderr, "\n");
  if (!rebuilt.ok()) return fail(rebuilt.error());
  auto count = parts->index->count();
  if (!count.ok()) return fail(count.error());
  std::string out;
  ddb::JsonWriter w(out);
  w.begin_object();
  w.key("index");
  w.string(path);
  w.key("messages");
  w.integer(*count);
  w.end_object();
  std::printf("%s\n", out.c_str());
  return 0;
}

}  // namespace

void register_search_command(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<SearchCommandOptions>();
  CLI::App* search = app.add_subcommand("search", "The message search index");
  search->require_subcommand(1);
  CLI::App* cmd = search->add_subcommand(
      "reindex",
      "Rebuild the search index from the chat table (with the server stopped, on an embedded store)");
  add_store_options(cmd, o->store);
  cmd->add_option("--table", o->table, "Chat table name")->envname("TOWNHALL_TABLE")->capture_default_str();
  cmd->add_option("--search-index", o->index, "The index file (default: DATA/search.sqlite)")
      ->envname("TOWNHALL_SEARCH_INDEX");
  cmd->callback([o, exit_code] { *exit_code = reindex(*o); });
}

}  // namespace townhall::cli
