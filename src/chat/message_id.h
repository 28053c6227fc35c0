// MessageIdGenerator: message ids that sort in send order.
//
// An id is "<seconds>#<milliseconds:13><sequence:6>-<node:4 hex>", so the sort
// key "MSG#<id>" keeps the notebook's "MSG#<seconds>#..." shape (its
// begins_with(SK, 'MSG#') still finds our messages, and its messages sort by
// their second among ours). Within a node, ids strictly increase even when
// many are minted in one millisecond or the clock steps back; across nodes
// they order by clock, then sequence, then node.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace townhall::chat {

class MessageIdGenerator {
 public:
  MessageIdGenerator(uint16_t node_id, std::function<int64_t()> clock_ms);

  struct Minted {
    std::string id;
    int64_t ms = 0;  // the timestamp the id carries
  };
  // Thread-safe.
  Minted next();

 private:
  const uint16_t node_id_;
  const std::function<int64_t()> clock_ms_;
  std::mutex mutex_;
  int64_t last_ms_ = 0;
  int64_t sequence_ = 0;
};

}  // namespace townhall::chat
