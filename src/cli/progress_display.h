// ProgressDisplay: how `townhall migrate` reports progress on stderr. On a
// terminal, one line redrawn in place (a bar, %, items, items/s, ETA) at most
// ten times a second; otherwise (a log file, CI) a plain line every few
// seconds, so logs stay readable.
//
// Not thread-safe: migrate() serializes its progress callbacks.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace townhall::cli {

class ProgressDisplay {
 public:
  // out: where to write (stderr); terminal: redraw in place.
  ProgressDisplay(std::FILE* out, bool terminal);

  // copied and expected items of table (expected may be 0 or an estimate).
  void update(const std::string& table, int64_t copied, int64_t expected, bool done);
  // Ends a redrawn line before other output.
  void finish_line();

  // The text of one report (exposed for tests).
  static std::string format(const std::string& table, int64_t copied, int64_t expected,
                            double items_per_second, bool bar, bool done);

 private:
  std::FILE* out_;
  bool terminal_;
  bool line_open_ = false;
  std::string table_;
  int64_t start_copied_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_shown_;
};

}  // namespace townhall::cli
