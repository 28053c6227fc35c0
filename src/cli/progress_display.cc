#include "cli/progress_display.h"

#include <fmt/format.h>

#include <algorithm>

namespace townhall::cli {

ProgressDisplay::ProgressDisplay(std::FILE* out, bool terminal) : out_(out), terminal_(terminal) {}

std::string ProgressDisplay::format(const std::string& table, int64_t copied, int64_t expected,
                                    double items_per_second, bool bar, bool done) {
  // The source's ItemCount is an estimate on DynamoDB (refreshed about every
  // six hours): never show more than 100%, nor 100% before the end.
  double fraction = expected > 0 ? std::min(1.0, static_cast<double>(copied) / expected) : 0;
  if (!done) fraction = std::min(fraction, 0.999);
  if (done) fraction = 1;
  std::string out = table + " ";
  if (bar) {
    constexpr int kWidth = 30;
    int filled = static_cast<int>(fraction * kWidth);
    out += "[" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] ";
  }
  out += fmt::format("{:3.0f}%  {} items", fraction * 100, copied);
  if (expected > 0) out += fmt::format(" of ~{}", expected);
  out += fmt::format("  {:.0f} items/s", items_per_second);
  if (!done && expected > copied && items_per_second > 0) {
    out += fmt::format("  ETA {:.0f}s", (expected - copied) / items_per_second);
  }
  if (done) out += "  done";
  return out;
}

void ProgressDisplay::update(const std::string& table, int64_t copied, int64_t expected, bool done) {
  auto now = std::chrono::steady_clock::now();
  if (table != table_) {
    finish_line();
    table_ = table;
    start_copied_ = copied;  // a resumed copy: the rate counts this run's items only
    started_ = now;
    last_shown_ = {};
  }
  auto interval = terminal_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(2000);
  if (!done && now - last_shown_ < interval) return;
  last_shown_ = now;
  double seconds = std::chrono::duration<double>(now - started_).count();
  double rate = seconds > 0 ? (copied - start_copied_) / seconds : 0;
  std::string text = format(table, copied, expected, rate, terminal_, done);
  if (terminal_) {
    std::fprintf(out_, "\r\033[K%s", text.c_str());  // carriage return, clear the line
    line_open_ = true;
    if (done) finish_line();
  } else {
    std::fprintf(out_, "migrate: %s\n", text.c_str());
  }
  std::fflush(out_);
}

void ProgressDisplay::finish_line() {
  if (!line_open_) return;
  std::fputc('\n', out_);
  std::fflush(out_);
  line_open_ = false;
}

}  // namespace townhall::cli
