// TtlSweeper: deletes the items whose Time to Live has passed, in every
// table with TTL enabled (UpdateTimeToLive), as DynamoDB's background
// process does: an item whose TTL attribute is a Number of epoch seconds at
// or before now, and not more than five years before now (DynamoDB leaves
// those alone), is deleted; any other type, or no attribute, never expires.
//
// How: one thread walks each such table with the engine's own Scan, one
// page (kPageItems items read) per table per tick, resuming where the last
// page ended (the key schema read once per walk), and deletes what it
// found with a conditional DeleteItem (still expired), so a write that moved
// the time on in between wins. A
// table of N items is swept every N / kPageItems ticks: with the default
// 200 ms tick, 5,000 items read per second per table, so an expired item in
// a table of 100,000 goes within about 20 s, in a small table within a
// tick. Bounded work per tick keeps foreground latency flat; nothing is
// persisted: after a restart the walk starts again from the beginning.
//
// Deletes go through the normal write path: indexes, counts and stream
// records follow, as for any DeleteItem (the records name the service as
// the one who deleted, as DynamoDB's do).
//
// Thread-safety: start/stop from the owner only.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ddb/database.h"

namespace townhall::engine {

class TtlSweeper {
 public:
  static constexpr int64_t kPageItems = 1000;
  static constexpr int64_t kFiveYearsSeconds = 5 * 365 * 24 * 3600;

  // How an expired item is deleted: db's DeleteItem unless the owner says
  // otherwise (the engine deletes as the service, for the stream record).
  using Remove = std::function<ddb::Result<ddb::DeleteItemResponse>(const ddb::DeleteItemRequest&)>;

  // clock: epoch seconds now (tests move it). db must outlive the sweeper.
  TtlSweeper(ddb::Database& db, std::chrono::milliseconds tick, std::function<int64_t()> clock = {},
             Remove remove = {});
  ~TtlSweeper();  // stop()

  void start();
  void stop();

  // One tick: a page of each TTL-enabled table. Returns how many items it
  // deleted. Called by the thread; tests call it directly.
  int64_t sweep_once();
  uint64_t deleted() const { return deleted_.load(); }

 private:
  // A walk through one table: its key attributes (read once per walk, as
  // the projection) and where the next page starts.
  struct Walk {
    std::vector<std::string> key_names;
    std::optional<ddb::AttributeMap> next;
  };
  int64_t sweep_table(const std::string& table, const std::string& attribute);

  ddb::Database& db_;
  const Remove remove_;
  const std::chrono::milliseconds tick_;
  const std::function<int64_t()> clock_;
  std::map<std::string, Walk> walks_;  // table -> its walk under way (the sweeping thread only)
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<uint64_t> deleted_{0};
  std::thread thread_;
};

}  // namespace townhall::engine
