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
#include <optional>
#include <string>
#include <string_view>

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

  // The node that minted id ("-<node:4 hex>" at its end); nullopt for ids
  // not minted here (e.g. the notebook's).
  static std::optional<uint16_t> node_of(std::string_view id);
  // The mint time (epoch ms) of an id minted here; nullopt for others.
  static std::optional<int64_t> time_of(std::string_view id);

 private:
  const uint16_t node_id_;
  const std::function<int64_t()> clock_ms_;
  std::mutex mutex_;
  int64_t last_ms_ = 0;
  int64_t sequence_ = 0;
};

}  // namespace townhall::chat
