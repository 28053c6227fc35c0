#include "search/indexer.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include "chat/items.h"
#include "chat/keys.h"

namespace townhall::search {
namespace {

constexpr std::string_view kChannelPrefix = "CHAN#";
constexpr int kBackgroundNice = 10;
constexpr std::string_view kMessagePrefix = "MSG#";

// The message an item holds, as the index keeps it; nullopt for a deleted
// message (a tombstone without text: never found again).
std::optional<IndexedMessage> indexed_from(const ddb::AttributeMap& item) {
  chat::Message message = chat::items::message_from(item);
  if (message.deleted || message.text.empty()) return std::nullopt;
  IndexedMessage indexed;
  indexed.channel_id = std::move(message.channel_id);
  indexed.id = std::move(message.id);
  indexed.user_id = std::move(message.user_id);
  indexed.user_name = std::move(message.user_name);
  indexed.thread_root = std::move(message.thread_root);
  indexed.text = std::move(message.text);
  indexed.created_at_ms = message.created_at_ms;
  indexed.has_file = item.count("Files") > 0;
  return indexed;
}

bool is_message_key(std::string_view pk, std::string_view sk) {
  return pk.starts_with(kChannelPrefix) && sk.starts_with(kMessagePrefix);
}

}  // namespace

Indexer::Indexer(ddb::Database& db, std::string table, MessageIndex& index, IndexerOptions options)
    : db_(db), table_(table), index_(index), options_(std::move(options)), follower_(db, std::move(table)) {}

Indexer::~Indexer() { stop(); }

chat::Status Indexer::open_position() {
  TH_ASSIGN_OR_RETURN(std::string view, follower_.ensure_stream(options_.stream_view));
  if (view != "NEW_IMAGE" && view != "NEW_AND_OLD_IMAGES") {
    spdlog::debug("search: table {} streams {}: each changed message is read back (GetItem)", table_, view);
  }
  std::lock_guard lock(poll_mutex_);
  TH_ASSIGN_OR_RETURN(position_, index_.position());
  // Ready at once when the index can go on from where it stopped: the
  // stream still has its position. Otherwise it is rebuilt first.
  ready_.store(false);
  if (!position_.stream_arn.empty()) {
    TH_ASSIGN_OR_RETURN(auto outcome, poll_locked(0));
    ready_.store(outcome != StreamFollower::Outcome::kLost);
  }
  return chat::Status::Ok();
}

chat::Status Indexer::start() {
  TH_RETURN_IF_ERROR(open_position());
  {
    std::lock_guard lock(run_mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { run(); });
  return chat::Status::Ok();
}

chat::Status Indexer::update() {
  TH_RETURN_IF_ERROR(open_position());
  if (!ready()) return rebuild();
  return catch_up();
}

void Indexer::stop() {
  {
    std::lock_guard lock(run_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

chat::Status Indexer::apply_records(const std::vector<ddb::Record>& records, const StreamPosition& next) {
  MessageIndex::Batch batch;
  for (const auto& record : records) {
    if (!record.dynamodb || !record.dynamodb->keys) continue;
    const auto& keys = *record.dynamodb->keys;
    std::string_view pk = chat::items::string_of(keys, "PK");
    std::string_view sk = chat::items::string_of(keys, "SK");
    if (!is_message_key(pk, sk)) continue;
    std::string channel_id(pk.substr(kChannelPrefix.size()));
    std::string id(sk.substr(kMessagePrefix.size()));
    if (record.event_name.value_or("") == "REMOVE") {
      batch.remove(std::move(channel_id), std::move(id));
      continue;
    }
    std::optional<ddb::AttributeMap> image = record.dynamodb->new_image;
    if (!image) {
      // A stream without new images: the item as it is now (a later record
      // of the same item only sets it again).
      ddb::GetItemRequest get;
      get.table_name = table_;
      get.key = keys;
      get.consistent_read = true;
      auto got = db_.get_item(get);
      if (!got.ok()) return chat::Error::FromStore(got.error());
      image = std::move(got->item);
    }
    auto indexed = image ? indexed_from(*image) : std::nullopt;
    if (indexed) {
      batch.upsert(std::move(*indexed));
    } else {
      batch.remove(std::move(channel_id), std::move(id));
    }
  }
  batch.set_position(next);
  return index_.apply(batch);
}

chat::Result<StreamFollower::Outcome> Indexer::poll_locked(int max_pages) {
  auto outcome = follower_.poll(
      position_,
      [this](const std::vector<ddb::Record>& records, const StreamPosition& next) {
        return apply_records(records, next);
      },
      max_pages);
  if (outcome.ok() && *outcome == StreamFollower::Outcome::kLost) ready_.store(false);
  return outcome;
}

chat::Status Indexer::catch_up() {
  if (!ready()) {
    return chat::Error{chat::Code::kUnavailable, "the search index is being built (" +
                                                     std::to_string(rebuilt_messages()) +
                                                     " messages so far); try again shortly"};
  }
  std::lock_guard lock(poll_mutex_);
  // A search never answers from an index behind what was acknowledged: a
  // large backlog (after a restart) is worked off here, up to a deadline.
  const auto deadline = std::chrono::steady_clock::now() + options_.catch_up_deadline;
  for (;;) {
    TH_ASSIGN_OR_RETURN(auto outcome, poll_locked(options_.catch_up_pages));
    if (outcome == StreamFollower::Outcome::kCaughtUp) return chat::Status::Ok();
    if (outcome == StreamFollower::Outcome::kLost) {
      wake_.notify_all();
      return chat::Error{chat::Code::kUnavailable, "the search index is being rebuilt; try again shortly"};
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return chat::Error{chat::Code::kUnavailable, "the search index is catching up; try again shortly"};
    }
  }
}

chat::Status Indexer::rebuild(const std::function<void(int64_t)>& progress) {
  std::lock_guard lock(poll_mutex_);
  ready_.store(false);
  rebuilt_.store(0);
  TH_ASSIGN_OR_RETURN(std::string arn, follower_.latest_stream_arn());
  if (arn.empty()) return chat::Error::Internal("table " + table_ + " has no stream to index from");
  TH_RETURN_IF_ERROR(index_.clear());
  // The messages as they are now, then every change the stream still holds.
  ddb::ScanRequest scan;
  scan.table_name = table_;
  scan.filter_expression = "begins_with(SK, :message)";
  scan.projection_expression =
      "PK, SK, Msg, UserId, UserName, CreatedAt, CreatedAtMs, Deleted, ThreadRoot, Files";
  scan.expression_attribute_values = ddb::AttributeMap{{":message", ddb::AttributeValue::S("MSG#")}};
  for (;;) {
    auto page = db_.scan(scan);
    if (!page.ok()) return chat::Error::FromStore(page.error());
    MessageIndex::Batch batch;
    for (const auto& item : page->items.value_or(std::vector<ddb::AttributeMap>{})) {
      if (!is_message_key(chat::items::string_of(item, "PK"), chat::items::string_of(item, "SK"))) continue;
      if (auto indexed = indexed_from(item)) batch.upsert(std::move(*indexed));
    }
    rebuilt_.fetch_add(static_cast<int64_t>(batch.size()), std::memory_order_relaxed);
    TH_RETURN_IF_ERROR(index_.apply(batch));
    if (progress) progress(rebuilt_.load(std::memory_order_relaxed));
    if (!page->last_evaluated_key) break;
    scan.exclusive_start_key = std::move(page->last_evaluated_key);
  }
  position_ = StreamPosition{arn, {}};
  MessageIndex::Batch start;
  start.set_position(position_);
  TH_RETURN_IF_ERROR(index_.apply(start));
  for (;;) {
    TH_ASSIGN_OR_RETURN(auto outcome, poll_locked(64));
    if (outcome == StreamFollower::Outcome::kLost) {
      return chat::Error{chat::Code::kUnavailable, "the table's stream changed during the rebuild"};
    }
    if (outcome == StreamFollower::Outcome::kCaughtUp) break;
  }
  ready_.store(true, std::memory_order_release);
  return chat::Status::Ok();
}

void Indexer::run() {
  // Indexing is background work: under a full CPU, sends come first and the
  // index catches up after (a search waits for it, up to its deadline).
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kBackgroundNice);
  auto last_warning = std::chrono::steady_clock::now() - std::chrono::hours(1);
  auto warn = [&last_warning](const std::string& what) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_warning < std::chrono::minutes(1)) return;
    last_warning = now;
    spdlog::warn("search: {}", what);
  };
  for (;;) {
    {
      std::unique_lock lock(run_mutex_);
      if (stopping_) return;
    }
    if (!ready()) {
      spdlog::info("search: building the index of table {}", table_);
      auto started = std::chrono::steady_clock::now();
      if (auto status = rebuild(); !status.ok()) {
        warn("rebuilding the index: " + status.error().message);
      } else {
        spdlog::info(
            "search: index built ({} messages in {} ms)", rebuilt_messages(),
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started)
                .count());
      }
    } else {
      std::lock_guard lock(poll_mutex_);
      auto outcome = poll_locked(options_.catch_up_pages);
      if (!outcome.ok()) warn("reading the table's stream: " + outcome.error().message);
    }
    std::unique_lock lock(run_mutex_);
    wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_; });
    if (stopping_) return;
  }
}

}  // namespace townhall::search
