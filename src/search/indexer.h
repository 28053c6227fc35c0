// Indexer: keeps a MessageIndex up to date with the chat table by following
// the table's change stream (docs/search.md). The same design serves every
// store: on the embedded engine the stream is in the same RocksDB as the
// messages (written in each message's own batch), on DynamoDB / Alternator
// / townhall dynamodb every node follows the shared table's stream into its
// own index, so every node answers a search the same way.
//
// An index with no position (new, or of another stream, or behind what the
// stream still keeps) is rebuilt: a Scan of the table's messages, then the
// stream from its trim horizon. Applying a record is idempotent and the
// last record of an item is its current state, so the replay ends exactly
// at the table's state whatever the scan saw meanwhile.
//
//   Indexer indexer(db, "chat", index);
//   TH_RETURN_IF_ERROR(indexer.start());   // stream on; catching up in the background
//   TH_RETURN_IF_ERROR(indexer.catch_up()); // before a search: nothing acknowledged is missed
//   indexer.stop();
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "chat/error.h"
#include "ddb/database.h"
#include "search/message_index.h"
#include "search/stream_follower.h"

namespace townhall::search {

struct IndexerOptions {
  // How often the background thread reads the stream: the most an edit or a
  // delete takes to reach a search that does not catch up itself.
  std::chrono::milliseconds poll_interval{200};
  // Stream pages read per poll (up to 1,000 records each).
  int catch_up_pages = 64;
  // A search waits at most this long for the index to catch up with the
  // stream; past it, it is answered Unavailable rather than from an index
  // that misses acknowledged messages.
  std::chrono::milliseconds catch_up_deadline{3000};
  // The view a stream is turned on with when the table has none. NEW_IMAGE
  // spares a remote store a read per message; on the embedded store
  // KEYS_ONLY keeps images out of every write's batch (the indexer reads
  // each changed message back, off the write path).
  std::string stream_view = "NEW_IMAGE";
};

class Indexer {
 public:
  // db and index must outlive the indexer.
  Indexer(ddb::Database& db, std::string table, MessageIndex& index, IndexerOptions options = {});
  ~Indexer();
  Indexer(const Indexer&) = delete;
  Indexer& operator=(const Indexer&) = delete;

  // Turns the table's stream on if it is off (UpdateTable: NEW_IMAGE), then
  // starts the background thread, which first rebuilds the index if needed.
  chat::Status start();
  void stop();

  // Without a thread: turns the stream on and reads the index's position
  // (ready() tells whether it can go on from it) ...
  chat::Status open_position();
  // ... and brings the index up to date now, rebuilding it if it must
  // (`townhall chat search`).
  chat::Status update();

  // Applies everything the stream holds now. Unavailable while a rebuild
  // runs (with how far it got).
  chat::Status catch_up();

  // Rebuilds the index from the table now, on the calling thread
  // (`townhall search reindex`); progress(messages so far) is called per page.
  chat::Status rebuild(const std::function<void(int64_t)>& progress = {});

  bool ready() const { return ready_.load(std::memory_order_acquire); }
  int64_t rebuilt_messages() const { return rebuilt_.load(std::memory_order_relaxed); }

 private:
  // One poll of the stream under poll_mutex_; kLost marks the index not ready.
  chat::Result<StreamFollower::Outcome> poll_locked(int max_pages);
  chat::Status apply_records(const std::vector<ddb::Record>& records, const StreamPosition& next);
  void run();

  ddb::Database& db_;
  std::string table_;
  MessageIndex& index_;
  IndexerOptions options_;
  StreamFollower follower_;
  std::mutex poll_mutex_;  // one reader of the stream at a time
  StreamPosition position_;
  std::atomic<bool> ready_{false};
  std::atomic<int64_t> rebuilt_{0};

  std::mutex run_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace townhall::search
