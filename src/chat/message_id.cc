#include "chat/message_id.h"

#include <fmt/format.h>

namespace townhall::chat {

MessageIdGenerator::MessageIdGenerator(uint16_t node_id, std::function<int64_t()> clock_ms)
    : node_id_(node_id), clock_ms_(std::move(clock_ms)) {}

MessageIdGenerator::Minted MessageIdGenerator::next() {
  int64_t now = clock_ms_();
  int64_t ms;
  int64_t sequence;
  {
    std::lock_guard lock(mutex_);
    if (now > last_ms_) {
      last_ms_ = now;
      sequence_ = 0;
    } else if (++sequence_ > 999999) {
      // A million ids in one millisecond (or a clock stuck behind us): borrow
      // the next millisecond rather than break the order.
      ++last_ms_;
      sequence_ = 0;
    }
    ms = last_ms_;
    sequence = sequence_;
  }
  return {fmt::format("{:010d}#{:013d}{:06d}-{:04x}", ms / 1000, ms, sequence, node_id_), ms};
}

}  // namespace townhall::chat
