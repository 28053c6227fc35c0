// MigrationState: where an interrupted migration stands, saved to a file
// after every acknowledged batch (written to a temporary file, synced, then
// renamed over the old one, so a crash leaves either the old or the new state).
//
// Format, one record per line:
//   townhall-migrate 1 segments=<n>
//   copied <table> <items written up to the saved positions>
//   position <table> <segment> <ExclusiveStartKey as DynamoDB JSON>
//   done <table> <segment>
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "ddb/result.h"

namespace townhall::migrate {

class MigrationState {
 public:
  // Loads path if it exists (empty path: in memory only). Fails if the file
  // is unreadable or was written with another segment count.
  static ddb::Result<std::unique_ptr<MigrationState>> open(std::string path, int segments);

  struct Segment {
    bool done = false;
    std::optional<ddb::AttributeMap> position;  // where the scan continues
  };
  Segment segment(const std::string& table, int segment) const;
  int64_t copied(const std::string& table) const;

  // Records a segment's progress and the items of the page that got it there
  // (added to the table's count), and saves. The count is kept here, not
  // taken from the copiers: it must cover exactly the saved positions, which
  // segments running in parallel reach in any order.
  ddb::Status advance(const std::string& table, int segment, const Segment& state, int64_t page_items);

 private:
  MigrationState(std::string path, int segments) : path_(std::move(path)), segments_(segments) {}
  ddb::Status save_locked() const;

  std::string path_;
  int segments_;
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, Segment> segments_state_;
  std::map<std::string, int64_t> copied_;
};

}  // namespace townhall::migrate
