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

std::optional<uint16_t> MessageIdGenerator::node_of(std::string_view id) {
  if (id.size() < 5 || id[id.size() - 5] != '-') return std::nullopt;
  uint16_t node = 0;
  for (char c : id.substr(id.size() - 4)) {
    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return std::nullopt;
    node = static_cast<uint16_t>(node * 16 + digit);
  }
  return node;
}

std::optional<int64_t> MessageIdGenerator::time_of(std::string_view id) {
  // "<s:10>#<ms:13><seq:6>-<node:4>"
  if (id.size() != 35 || id[10] != '#' || !node_of(id)) return std::nullopt;
  int64_t ms = 0;
  for (char c : id.substr(11, 13)) {
    if (c < '0' || c > '9') return std::nullopt;
    ms = ms * 10 + (c - '0');
  }
  return ms;
}

}  // namespace townhall::chat
