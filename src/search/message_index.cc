#include "search/message_index.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <limits>

#include "search/query.h"
#include "search/words.h"

namespace townhall::search {
namespace {

// Bumped when the schema or what it holds changes: an index of another
// format is dropped and rebuilt from the table.
constexpr const char* kFormat = "3";

// A message's row id is its order key: its time in ms, times 1024, plus its
// slot within the millisecond (probing upwards on a clash). Newest first is then FTS5's
// own rowid order, and time filters are rowid ranges, so neither needs a sort.
constexpr int64_t kSlotsPerMs = 1024;

// A last word that begins more words than this matches the most common of
// them (a longer prefix narrows it down; every word of a message still
// matches in full).
constexpr size_t kMaxCompletions = 48;

uint64_t key_hash(const std::string& channel_id, const std::string& id) {
  uint64_t hash = 1469598103934665603ULL;
  auto mix = [&hash](const std::string& s) {
    for (unsigned char c : s) {
      hash ^= c;
      hash *= 1099511628211ULL;
    }
    hash ^= 0xff;
    hash *= 1099511628211ULL;
  };
  mix(channel_id);
  mix(id);
  return hash;
}

// The slot within its millisecond: our ids' sequence number
// ("<s>#<ms:13><seq:6>-<node>"), so messages of one millisecond keep their
// send order; a hash of the key for ids from elsewhere (the notebook's).
int64_t slot_of(const std::string& channel_id, const std::string& id) {
  size_t hash = id.find('#');
  if (hash != std::string::npos && id.size() > hash + 20 && id[hash + 20] == '-') {
    int64_t sequence = 0;
    bool digits = true;
    for (size_t i = hash + 14; i < hash + 20 && digits; ++i) {
      digits = id[i] >= '0' && id[i] <= '9';
      sequence = sequence * 10 + (id[i] - '0');
    }
    if (digits) return std::min<int64_t>(sequence, kSlotsPerMs - 1);
  }
  return static_cast<int64_t>(key_hash(channel_id, id) % kSlotsPerMs);
}

// A cached prepared statement in use: bound, stepped, and reset for its
// next use when it goes out of scope.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement() {
    if (stmt_) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  Statement& bind(int index, std::string_view value) {
    sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int index, int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(stmt_); }
  sqlite3_stmt* raw() { return stmt_; }
  int64_t integer(int column) { return sqlite3_column_int64(stmt_, column); }
  std::string text(int column) {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return data ? std::string(data, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
  }

 private:
  sqlite3_stmt* stmt_;
};

std::string scope_of(const IndexedMessage& message) {
  std::string scope = channel_token(message.channel_id) + " " + author_token(message.user_id);
  if (has_link(message.text)) scope.append(" ").append(kHasLinkToken);
  if (message.has_file) scope.append(" ").append(kHasFileToken);
  return scope;
}

}  // namespace

chat::Result<std::unique_ptr<MessageIndex>> MessageIndex::open(const std::string& path) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return chat::Error::Internal("search index " + path + ": " + message);
  }
  std::unique_ptr<MessageIndex> index(new MessageIndex(db));
  TH_RETURN_IF_ERROR(index->prepare_schema());
  return index;
}

MessageIndex::~MessageIndex() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

sqlite3_stmt* MessageIndex::statement(const char* sql) {
  auto found = statements_.find(sql);
  if (found != statements_.end()) return found->second;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
    return nullptr;
  statements_.emplace(sql, stmt);
  return stmt;
}

chat::Error MessageIndex::error(const char* what) const {
  return chat::Error::Internal(std::string("search index: ") + what + ": " + sqlite3_errmsg(db_));
}

chat::Status MessageIndex::exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return error(sql);
  return chat::Status::Ok();
}

chat::Status MessageIndex::prepare_schema() {
  // WAL: a commit survives the process being killed (the index's position
  // moves in the same transaction, so a power loss only takes it back to a
  // consistent earlier point, which the stream replays).
  TH_RETURN_IF_ERROR(exec("PRAGMA journal_mode=WAL"));
  TH_RETURN_IF_ERROR(exec("PRAGMA synchronous=NORMAL"));
  // Indexing touches the FTS5 segments, the message table's key index and
  // the word table all over: a 32 MB page cache (grown only as used) and
  // reads through mmap instead of a copy per page.
  TH_RETURN_IF_ERROR(exec("PRAGMA cache_size=-32768"));
  TH_RETURN_IF_ERROR(exec("PRAGMA mmap_size=268435456"));
  TH_RETURN_IF_ERROR(exec("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)"));
  std::string format;
  {
    Statement read(statement("SELECT value FROM meta WHERE key = 'format'"));
    if (!read.ok()) return error("read format");
    if (read.step() == SQLITE_ROW) format = read.text(0);
  }
  if (!format.empty() && format != kFormat) {
    TH_RETURN_IF_ERROR(exec(
        "DROP TABLE IF EXISTS message; DROP TABLE IF EXISTS message_text;"
        "DROP TABLE IF EXISTS stream_position; DROP TABLE IF EXISTS channel_stat; DROP TABLE IF EXISTS word;"
        "DELETE FROM meta;"));
  }
  TH_RETURN_IF_ERROR(exec(
      "CREATE TABLE IF NOT EXISTS message("
      "rowid INTEGER PRIMARY KEY, channel TEXT NOT NULL, id TEXT NOT NULL, user_id TEXT NOT NULL,"
      "user_name TEXT NOT NULL, thread_root TEXT NOT NULL, created_ms INTEGER NOT NULL,"
      "has_file INTEGER NOT NULL, UNIQUE(channel, id));"
      // unicode61 folds case and accents ("cafe" finds "café"). No
      // stemmer: Porter's stems surprise ("deploy" is stored as "deploi",
      // "deployment" as "deploy", so a prefix search for one misses the
      // other); the last word's prefix match finds a word's other forms.
      // Prefix indexes of 2 and 3 characters keep a short prefix quick.
      "CREATE VIRTUAL TABLE IF NOT EXISTS message_text USING fts5(body, scope,"
      " tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');"
      "CREATE TABLE IF NOT EXISTS stream_position(shard TEXT PRIMARY KEY, sequence TEXT NOT NULL);"
      // Messages per channel: how much of the index a reader's channels cover.
      "CREATE TABLE IF NOT EXISTS channel_stat(channel TEXT PRIMARY KEY, messages INTEGER NOT NULL);"
      // Messages per word (search/words.h): a prefix's most common words.
      "CREATE TABLE IF NOT EXISTS word(term TEXT PRIMARY KEY, messages INTEGER NOT NULL) WITHOUT ROWID;"));
  Statement write(statement("INSERT OR REPLACE INTO meta(key, value) VALUES('format', ?1)"));
  if (!write.ok() || write.bind(1, std::string(kFormat)).step() != SQLITE_DONE) return error("write format");
  return chat::Status::Ok();
}

chat::Status MessageIndex::upsert_locked(const IndexedMessage& message) {
  std::string scope = scope_of(message);
  int64_t rowid = 0;
  {
    Statement find(statement("SELECT rowid FROM message WHERE channel = ?1 AND id = ?2"));
    if (!find.ok()) return error("find");
    find.bind(1, message.channel_id).bind(2, message.id);
    if (find.step() == SQLITE_ROW) rowid = find.integer(0);
  }
  if (rowid != 0) {
    // Reactions and thread counts change the item but not its words: only
    // the text and scope are worth re-tokenizing.
    Statement old(statement("SELECT body, scope FROM message_text WHERE rowid = ?1"));
    if (!old.ok()) return error("read text");
    old.bind(1, rowid);
    std::optional<std::string> old_body;
    bool same_words = false;
    if (old.step() == SQLITE_ROW) {
      old_body = old.text(0);
      same_words = *old_body == message.text && old.text(1) == scope;
    }
    Statement update(
        statement("UPDATE message SET user_id = ?2, user_name = ?3, thread_root = ?4, has_file = ?5 "
                  "WHERE rowid = ?1"));
    if (!update.ok()) return error("update");
    update.bind(1, rowid).bind(2, message.user_id).bind(3, message.user_name).bind(4, message.thread_root);
    if (update.bind(5, int64_t{message.has_file}).step() != SQLITE_DONE) return error("update");
    if (same_words) return chat::Status::Ok();
    if (old_body) TH_RETURN_IF_ERROR(count_words_locked(*old_body, -1));
    Statement forget(statement("DELETE FROM message_text WHERE rowid = ?1"));
    if (!forget.ok() || forget.bind(1, rowid).step() != SQLITE_DONE) return error("delete text");
  } else {
    int64_t base = std::max<int64_t>(0, message.created_at_ms);
    base = std::min(base, std::numeric_limits<int64_t>::max() / kSlotsPerMs - 1) * kSlotsPerMs;
    int64_t slot = slot_of(message.channel_id, message.id);
    for (rowid = base + slot;; ++rowid) {
      Statement probe(statement("SELECT 1 FROM message WHERE rowid = ?1"));
      if (!probe.ok()) return error("probe");
      if (probe.bind(1, rowid).step() != SQLITE_ROW) break;
    }
    Statement insert(
        statement("INSERT INTO message(rowid, channel, id, user_id, user_name, thread_root, created_ms,"
                  " has_file) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    if (!insert.ok()) return error("insert");
    insert.bind(1, rowid).bind(2, message.channel_id).bind(3, message.id).bind(4, message.user_id);
    insert.bind(5, message.user_name).bind(6, message.thread_root).bind(7, message.created_at_ms);
    if (insert.bind(8, int64_t{message.has_file}).step() != SQLITE_DONE) return error("insert");
    TH_RETURN_IF_ERROR(count_locked(message.channel_id, 1));
  }
  TH_RETURN_IF_ERROR(count_words_locked(message.text, 1));
  Statement text(statement("INSERT INTO message_text(rowid, body, scope) VALUES(?1, ?2, ?3)"));
  if (!text.ok()) return error("insert text");
  if (text.bind(1, rowid).bind(2, message.text).bind(3, scope).step() != SQLITE_DONE)
    return error("insert text");
  return chat::Status::Ok();
}

chat::Status MessageIndex::remove_locked(const std::string& channel_id, const std::string& id) {
  Statement find(statement("SELECT rowid FROM message WHERE channel = ?1 AND id = ?2"));
  if (!find.ok()) return error("find");
  find.bind(1, channel_id).bind(2, id);
  if (find.step() != SQLITE_ROW) return chat::Status::Ok();
  int64_t rowid = find.integer(0);
  {
    Statement old(statement("SELECT body, scope FROM message_text WHERE rowid = ?1"));
    if (!old.ok()) return error("read text");
    if (old.bind(1, rowid).step() == SQLITE_ROW) TH_RETURN_IF_ERROR(count_words_locked(old.text(0), -1));
  }
  Statement forget_text(statement("DELETE FROM message_text WHERE rowid = ?1"));
  if (!forget_text.ok() || forget_text.bind(1, rowid).step() != SQLITE_DONE) return error("delete text");
  Statement forget(statement("DELETE FROM message WHERE rowid = ?1"));
  if (!forget.ok() || forget.bind(1, rowid).step() != SQLITE_DONE) return error("delete");
  return count_locked(channel_id, -1);
}

chat::Status MessageIndex::count_locked(const std::string& channel_id, int64_t delta) {
  Statement count(
      statement("INSERT INTO channel_stat(channel, messages) VALUES(?1, ?2)"
                " ON CONFLICT(channel) DO UPDATE SET messages = messages + ?2"));
  if (!count.ok() || count.bind(1, channel_id).bind(2, delta).step() != SQLITE_DONE) return error("count");
  return chat::Status::Ok();
}

std::vector<std::string> MessageIndex::completions_locked(const std::string& prefix) {
  std::string end = prefix;
  end.back() = static_cast<char>(end.back() + 1);
  Statement words(
      statement("SELECT term FROM word WHERE term >= ?1 AND term < ?2 AND messages > 0 AND term != ?1"
                " ORDER BY messages DESC LIMIT ?3"));
  if (!words.ok()) return {};
  words.bind(1, prefix).bind(2, end).bind(3, static_cast<int64_t>(kMaxCompletions));
  std::vector<std::string> out;
  while (words.step() == SQLITE_ROW) out.push_back(words.text(0));
  return out;
}

chat::Status MessageIndex::count_words_locked(std::string_view text, int64_t delta) {
  // Summed over the batch and written once per word at its end (a common
  // word is in most messages of a page).
  for (const auto& word : words_of(text)) pending_words_[word] += delta;
  return chat::Status::Ok();
}

chat::Status MessageIndex::flush_words_locked() {
  Statement count(
      statement("INSERT INTO word(term, messages) VALUES(?1, ?2)"
                " ON CONFLICT(term) DO UPDATE SET messages = messages + ?2"));
  if (!count.ok()) return error("words");
  for (const auto& [word, delta] : pending_words_) {
    if (delta == 0) continue;
    count.bind(1, word).bind(2, delta);
    if (count.step() != SQLITE_DONE) return error("words");
    sqlite3_reset(count.raw());
  }
  pending_words_.clear();
  return chat::Status::Ok();
}

bool MessageIndex::scope_is_most_locked(const std::vector<std::string>& channels) {
  int64_t total = 0, covered = 0;
  {
    Statement all(statement("SELECT coalesce(sum(messages), 0) FROM channel_stat"));
    if (!all.ok() || all.step() != SQLITE_ROW) return false;
    total = all.integer(0);
  }
  Statement one(statement("SELECT messages FROM channel_stat WHERE channel = ?1"));
  if (!one.ok()) return false;
  for (const auto& channel : channels) {
    one.bind(1, channel);
    if (one.step() == SQLITE_ROW) covered += one.integer(0);
    sqlite3_reset(one.raw());
  }
  return total > 0 && covered * 4 >= total;  // a quarter or more of the index
}

chat::Status MessageIndex::apply(const Batch& batch) {
  std::lock_guard lock(mutex_);
  TH_RETURN_IF_ERROR(exec("BEGIN IMMEDIATE"));
  auto body = [&]() -> chat::Status {
    for (const auto& change : batch.changes_) {
      if (change.remove) {
        TH_RETURN_IF_ERROR(remove_locked(change.message.channel_id, change.message.id));
      } else {
        TH_RETURN_IF_ERROR(upsert_locked(change.message));
      }
    }
    TH_RETURN_IF_ERROR(flush_words_locked());
    if (batch.position_) {
      const auto& position = *batch.position_;
      Statement arn(statement("INSERT OR REPLACE INTO meta(key, value) VALUES('stream_arn', ?1)"));
      if (!arn.ok() || arn.bind(1, position.stream_arn).step() != SQLITE_DONE) return error("position");
      TH_RETURN_IF_ERROR(exec("DELETE FROM stream_position"));
      for (const auto& [shard, sequence] : position.shards) {
        Statement put(statement("INSERT INTO stream_position(shard, sequence) VALUES(?1, ?2)"));
        if (!put.ok() || put.bind(1, shard).bind(2, sequence).step() != SQLITE_DONE) return error("position");
      }
    }
    return chat::Status::Ok();
  };
  if (auto status = body(); !status.ok()) {
    pending_words_.clear();
    (void)exec("ROLLBACK");  // the batch failed: what it began is undone (an error here leaves it to SQLite)
    return status;
  }
  return exec("COMMIT");
}

chat::Status MessageIndex::clear() {
  std::lock_guard lock(mutex_);
  return exec(
      "BEGIN IMMEDIATE; DELETE FROM message; DELETE FROM message_text; DELETE FROM stream_position;"
      "DELETE FROM channel_stat; DELETE FROM word;"
      "DELETE FROM meta WHERE key = 'stream_arn'; COMMIT;");
}

chat::Result<StreamPosition> MessageIndex::position() {
  std::lock_guard lock(mutex_);
  StreamPosition position;
  Statement arn(statement("SELECT value FROM meta WHERE key = 'stream_arn'"));
  if (!arn.ok()) return error("position");
  if (arn.step() == SQLITE_ROW) position.stream_arn = arn.text(0);
  Statement shards(statement("SELECT shard, sequence FROM stream_position"));
  if (!shards.ok()) return error("position");
  while (shards.step() == SQLITE_ROW) position.shards.emplace(shards.text(0), shards.text(1));
  return position;
}

chat::Result<std::vector<IndexHit>> MessageIndex::search(const IndexQuery& query) {
  std::lock_guard lock(mutex_);
  int64_t upper = std::numeric_limits<int64_t>::max();
  int64_t lower = std::numeric_limits<int64_t>::min();
  if (query.before_ms) upper = std::min(upper, *query.before_ms * kSlotsPerMs);
  if (query.below) upper = std::min(upper, *query.below);
  if (query.after_ms) lower = *query.after_ms * kSlotsPerMs;
  if (query.channels.empty()) return std::vector<IndexHit>();
  std::optional<std::vector<std::string>> completions;
  for (const auto& term : query.terms) {
    if (auto prefix = plain_prefix(term)) completions = completions_locked(*prefix);
  }
  std::string match = text_expression(query.terms, completions);
  if (!query.filters.empty()) match += (match.empty() ? "" : " AND ") + query.filters;
  std::string filter = "[]";  // JSON array of channel ids for the per-hit filter, when used
  bool filter_hits = !match.empty() && scope_is_most_locked(query.channels);
  if (filter_hits) {
    filter = "[";
    for (size_t i = 0; i < query.channels.size(); ++i) {
      if (i) filter += ',';
      filter += '"';
      for (char c : query.channels[i]) {
        if (c == '"' || c == '\\') filter += '\\';
        filter += c;
      }
      filter += '"';
    }
    filter += ']';
  } else {
    if (!match.empty()) match += " AND ";
    match += "{scope} : (";
    for (size_t i = 0; i < query.channels.size(); ++i) {
      if (i) match += " OR ";
      match += channel_token(query.channels[i]);
    }
    match += ')';
  }
  // One statement per shape (ordered by rank or by time, channels in the
  // match or filtered per hit), each composed once; the cache knows them by
  // their (stable) address.
  static const std::array<std::string, 4> kSelects = [] {
    std::array<std::string, 4> selects;
    for (int shape = 0; shape < 4; ++shape) {
      bool relevance = shape & 1, filtered = shape & 2;
      selects[static_cast<size_t>(shape)] =
          std::string(
              "SELECT m.rowid, m.channel, m.id, m.user_id, m.user_name, m.thread_root, m.created_ms, "
              "m.has_file,"
              " message_text.body, snippet(message_text, 0, char(1), char(2), '…', 24)"
              " FROM message_text JOIN message m ON m.rowid = message_text.rowid"
              " WHERE message_text MATCH ?1 AND message_text.rowid < ?2 AND message_text.rowid >= ?3") +
          (filtered ? " AND m.channel IN (SELECT value FROM json_each(?6))" : "") +
          (relevance ? " ORDER BY rank LIMIT ?4 OFFSET ?5" : " ORDER BY message_text.rowid DESC LIMIT ?4");
    }
    return selects;
  }();
  const char* sql = kSelects[(query.by_relevance ? 1 : 0) + (filter_hits ? 2 : 0)].c_str();
  Statement select(statement(sql));
  if (!select.ok()) return error("search");
  select.bind(1, match).bind(2, upper).bind(3, lower).bind(4, int64_t{query.limit});
  if (query.by_relevance) select.bind(5, query.offset);
  if (filter_hits) select.bind(6, filter);
  std::vector<IndexHit> hits;
  for (;;) {
    int rc = select.step();
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return error("search");
    IndexHit hit;
    hit.order_key = select.integer(0);
    hit.message.channel_id = select.text(1);
    hit.message.id = select.text(2);
    hit.message.user_id = select.text(3);
    hit.message.user_name = select.text(4);
    hit.message.thread_root = select.text(5);
    hit.message.created_at_ms = select.integer(6);
    hit.message.has_file = select.integer(7) != 0;
    hit.message.text = select.text(8);
    hit.snippet = select.text(9);
    hits.push_back(std::move(hit));
  }
  return hits;
}

chat::Result<int64_t> MessageIndex::count() {
  std::lock_guard lock(mutex_);
  Statement select(statement("SELECT count(*) FROM message"));
  if (!select.ok() || select.step() != SQLITE_ROW) return error("count");
  return select.integer(0);
}

chat::Result<std::optional<IndexedMessage>> MessageIndex::find(const std::string& channel_id,
                                                               const std::string& id) {
  std::lock_guard lock(mutex_);
  Statement select(
      statement("SELECT m.user_id, m.user_name, m.thread_root, m.created_ms, m.has_file, t.body"
                " FROM message m JOIN message_text t ON t.rowid = m.rowid"
                " WHERE m.channel = ?1 AND m.id = ?2"));
  if (!select.ok()) return error("find");
  select.bind(1, channel_id).bind(2, id);
  int rc = select.step();
  if (rc == SQLITE_DONE) return std::optional<IndexedMessage>();
  if (rc != SQLITE_ROW) return error("find");
  IndexedMessage message;
  message.channel_id = channel_id;
  message.id = id;
  message.user_id = select.text(0);
  message.user_name = select.text(1);
  message.thread_root = select.text(2);
  message.created_at_ms = select.integer(3);
  message.has_file = select.integer(4) != 0;
  message.text = select.text(5);
  return std::optional<IndexedMessage>(std::move(message));
}

}  // namespace townhall::search
