// MessageIndex: the full-text index of the chat's messages, an SQLite
// database with an FTS5 table (docs/search.md). It holds what a search must
// answer without reading the chat table: each message's words (stemmed,
// accents folded), its channel, author and time, and how far the chat
// table's change stream has been applied to it, in the same transaction as
// the change, so after a crash the index is exactly as of its position and
// replaying the stream from there brings it up to date.
//
//   auto index = MessageIndex::open(data_dir + "/search.sqlite");
//   MessageIndex::Batch batch;
//   batch.upsert(message);  batch.remove(channel_id, message_id);
//   batch.set_position(stream_arn, shard_id, sequence_number);
//   TH_RETURN_IF_ERROR((*index)->apply(batch));
//   auto hits = (*index)->search({.match = "{body} : (\"deploy\"*)", .limit = 20});
//
// Thread-safe (one connection behind a mutex: a search waits for at most one
// batch).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "chat/error.h"
#include "search/query.h"

struct sqlite3;
struct sqlite3_stmt;

namespace townhall::search {

// A message as the index keeps it.
struct IndexedMessage {
  std::string channel_id;
  std::string id;  // the stored form (with '#')
  std::string user_id;
  std::string user_name;
  std::string thread_root;
  std::string text;
  int64_t created_at_ms = 0;
  bool has_file = false;
};

// Where the index stands in the chat table's stream: the stream, and per
// shard the last sequence number applied ("" for none yet; kShardDone once
// a closed shard was read to its end).
struct StreamPosition {
  std::string stream_arn;
  std::map<std::string, std::string> shards;
  static constexpr const char* kShardDone = "done";
};

struct IndexQuery {
  std::vector<Term> terms;  // the words (search/query.h); the index expands a prefix term itself
  std::string filters;      // more FTS5 expression over the scope column, ANDed (may be empty)
  // Only messages of these channels (never empty: the reader's). The index
  // picks how: as FTS5 tokens ANDed into the match when they hold a small
  // part of the index (the intersection is then cheap), or as a filter on
  // each hit when they hold most of it (an OR of many tokens costs more
  // than it saves).
  std::vector<std::string> channels;
  std::optional<int64_t> before_ms;
  std::optional<int64_t> after_ms;
  bool by_relevance = false;     // bm25 order (paged by offset) instead of newest first
  std::optional<int64_t> below;  // newest first: the page after the hit whose order key this is
  int64_t offset = 0;            // by relevance: hits to skip
  int limit = 20;
};

struct IndexHit {
  int64_t order_key = 0;  // newest first: pass as IndexQuery::below for the next page
  IndexedMessage message;
  // The matching part of the text, the matched words between \x01 and \x02
  // (characters no message may contain), cut with "…".
  std::string snippet;
};

class MessageIndex {
 public:
  // path: a file (created if missing) or ":memory:".
  static chat::Result<std::unique_ptr<MessageIndex>> open(const std::string& path);
  ~MessageIndex();
  MessageIndex(const MessageIndex&) = delete;
  MessageIndex& operator=(const MessageIndex&) = delete;

  // Changes applied together, with the stream position they bring the index to.
  class Batch {
   public:
    void upsert(IndexedMessage message) { changes_.push_back({false, std::move(message)}); }
    void remove(std::string channel_id, std::string id) {
      IndexedMessage key;
      key.channel_id = std::move(channel_id);
      key.id = std::move(id);
      changes_.push_back({true, std::move(key)});
    }
    void set_position(StreamPosition position) { position_ = std::move(position); }
    bool empty() const { return changes_.empty() && !position_; }
    size_t size() const { return changes_.size(); }

   private:
    friend class MessageIndex;
    struct Change {
      bool remove = false;  // else upsert
      IndexedMessage message;
    };
    std::vector<Change> changes_;  // in stream order: a later change to a message wins
    std::optional<StreamPosition> position_;
  };

  // All of the batch or none of it.
  chat::Status apply(const Batch& batch);
  // Forgets every message and the position (a rebuild starts from this).
  chat::Status clear();
  chat::Result<StreamPosition> position();

  chat::Result<std::vector<IndexHit>> search(const IndexQuery& query);
  chat::Result<int64_t> count();
  // Whether the index holds this message (tests, tools).
  chat::Result<std::optional<IndexedMessage>> find(const std::string& channel_id, const std::string& id);

 private:
  explicit MessageIndex(sqlite3* db) : db_(db) {}
  chat::Status prepare_schema();
  chat::Status upsert_locked(const IndexedMessage& message);
  chat::Status remove_locked(const std::string& channel_id, const std::string& id);
  chat::Status count_locked(const std::string& channel_id, int64_t delta);
  chat::Status count_words_locked(std::string_view text, int64_t delta);
  chat::Status flush_words_locked();
  // Whether channels hold a quarter or more of the indexed messages.
  bool scope_is_most_locked(const std::vector<std::string>& channels);
  // The index's words that begin with prefix (lower-case ASCII), the most
  // common first, at most kMaxCompletions of them.
  std::vector<std::string> completions_locked(const std::string& prefix);
  chat::Status exec(const char* sql);
  chat::Error error(const char* what) const;
  // The prepared statement for sql (a string literal: cached by its
  // address), or nullptr if it does not compile.
  sqlite3_stmt* statement(const char* sql);

  std::mutex mutex_;
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
  std::unordered_map<std::string, int64_t> pending_words_;  // the batch's word counts, until it commits
};

}  // namespace townhall::search
