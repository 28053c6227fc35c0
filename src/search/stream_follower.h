// StreamFollower: reads a table's DynamoDB stream from a saved position, on
// any ddb::Database that has the Streams API (the embedded engine, townhall
// dynamodb, DynamoDB Local, DynamoDB). It finds the table's latest stream,
// its shards (a child after its parent is read to its end), keeps one shard
// iterator per shard between polls, and renews an expired one from the last
// sequence number applied.
//
//   StreamFollower follower(db, "chat");
//   StreamPosition position = ...;  // saved with what was applied
//   auto more = follower.poll(position, [&](const std::vector<ddb::Record>& records,
//                                           const StreamPosition& next) { ...apply, save next... });
//
// The position is the caller's: poll() hands over each page of records with
// the position after it, and the caller makes both durable together.
// Not thread-safe (one reader per follower).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "chat/error.h"
#include "ddb/database.h"
#include "search/message_index.h"

namespace townhall::search {

class StreamFollower {
 public:
  StreamFollower(ddb::Database& db, std::string table) : db_(db), table_(std::move(table)) {}

  // Turns the table's stream on with `view` if it has none (a stream
  // already on is kept, whatever its view). Returns the view type in use.
  chat::Result<std::string> ensure_stream(const std::string& view = "NEW_IMAGE");

  using Apply = std::function<chat::Status(const std::vector<ddb::Record>&, const StreamPosition&)>;
  enum class Outcome {
    kCaughtUp,  // everything readable now was handed over
    kMore,      // stopped after max_pages; call again
    kLost,      // the position cannot be continued (another stream, or records trimmed away): rebuild
  };
  // Reads up to max_pages pages of records after position, calling apply
  // for each non-empty page (and once, with no records, when only the
  // position changed: a shard finished). position is updated as apply succeeds.
  chat::Result<Outcome> poll(StreamPosition& position, const Apply& apply, int max_pages = 16);

  // The table's current stream (empty if it has none): a rebuild starts here
  // from the trim horizon.
  chat::Result<std::string> latest_stream_arn();

 private:
  struct ShardState {
    std::string parent;
    bool closed = false;
  };
  ddb::Result<std::map<std::string, ShardState>> shards(const std::string& stream_arn);
  ddb::Result<std::string> iterator_for(const std::string& stream_arn, const std::string& shard,
                                        const std::string& after_sequence);

  ddb::Database& db_;
  std::string table_;
  std::map<std::string, std::string> iterators_;  // shard -> the iterator for its next page
  // The stream and shards last described (see poll()).
  static constexpr std::chrono::seconds kDescribeEvery{5};
  std::string described_arn_;
  std::map<std::string, ShardState> described_shards_;
  std::chrono::steady_clock::time_point described_at_;
};

}  // namespace townhall::search
