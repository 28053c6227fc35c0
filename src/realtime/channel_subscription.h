// The bookkeeping of one subscribed channel of a WebSocket session, kept
// apart from the socket so it can be tested alone:
//   ChannelSubscription  one subscribed channel through resume: live events
//                        that arrive while the missed messages are read from
//                        the table are held back, then released without the
//                        messages the replay already sent (no gap, no duplicate).
//                        The newest replayed ids are remembered afterwards
//                        too: a live event can trail its commit (published
//                        after the replay read it, or relayed late by Redis).
//   RecentIds            the ids it remembers, as hashes.
//
// Not thread-safe: each session uses its own from its network thread.
#pragma once

#include <chrono>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "realtime/hub.h"
#include "realtime/ring_queue.h"

namespace townhall::realtime {

// The last N message ids sent on a subscription, kept as 64-bit hashes: every
// live delivery records one, so a copy of each id string (twice, in a deque
// and a set) cost a few percent of fan-out CPU and ~150 KB per subscription.
// Two ids colliding in 64 bits among the ~1,000 remembered (about 1 in 10^16)
// would make a replayed message count as already sent.
class RecentIds {
 public:
  explicit RecentIds(size_t capacity) : capacity_(capacity) {}
  // False when id was already there.
  bool insert(std::string_view id);
  bool contains(std::string_view id) const { return set_.count(hash(id)) != 0; }
  // The newest `capacity` ids, in insertion order.
  RecentIds newest(size_t capacity) const;
  size_t size() const { return order_.size(); }

 private:
  static uint64_t hash(std::string_view id) { return std::hash<std::string_view>{}(id); }
  bool insert_hash(uint64_t h);

  size_t capacity_;
  RingQueue<uint64_t> order_;
  std::unordered_set<uint64_t> set_;
};

class ChannelSubscription {
 public:
  // How many sent ids (replayed or live) stay remembered once live.
  static constexpr size_t kRememberedAfterCatchUp = 1024;
  // How far (in mint time) one node's messages to a channel may commit out
  // of order; a resync rereads that far behind each node's cursor.
  static constexpr int64_t kReorderWindowMs = 2000;

  // max_held bounds the live events held during catch-up; the ids sent
  // during catch-up are remembered until it ends (at most the replay limit
  // plus max_held), then only the newest kRememberedAfterCatchUp.
  explicit ChannelSubscription(size_t max_held = 10000) : max_held_(max_held), recent_(SIZE_MAX) {}

  bool catching_up() const { return catching_up_; }
  // A private channel: readable while the user is a member only.
  bool is_private() const { return is_private_; }
  void set_private(bool value) { is_private_ = value; }

  enum class Action { kSend, kHeld, kOverflow, kDuplicate, kDropped };
  // A live event from the hub. While catching up it is held (kOverflow when
  // too many are held: the client is too far behind), or kDropped when it is
  // ephemeral (typing); when live, kSend, or kDuplicate for a message the
  // replay already sent.
  Action on_live(const SharedEvent& event);
  // A message read from the table during catch-up: false if already sent.
  bool on_replay(const std::string& message_id);
  // Ends catch-up; returns the held events that still need sending, in arrival order.
  std::vector<SharedEvent> finish_catch_up();

  // Resync: events may have been lost between nodes, those minted from
  // since_ms on. A live subscription starts catching up again under a new
  // generation (remembered ids carry over); one still catching up is asked
  // for another pass instead (take_resync_request), so its own completes.
  void restart_catch_up(uint64_t generation);
  void request_resync(int64_t since_ms);
  // The earliest since_ms requested, or nullopt when none is pending.
  std::optional<int64_t> take_resync_request() { return std::exchange(resync_since_ms_, std::nullopt); }

  // Where the client stands, tracked per node that minted the messages (ids
  // carry their node; one node's ids increase): baseline covers what table
  // reads returned, the per-node cursors what arrived live.
  void set_baseline(const std::string& message_id);
  // A message.created frame went to the client: from a table read (advances
  // the baseline too), or live.
  void note_replayed(const std::string& message_id);
  void note_live(const std::string& message_id);
  // Where a resync for events minted from since_ms on starts reading.
  std::string resync_start(int64_t since_ms) const;
  // During a resync: whether a message read from the table is one the client
  // lacks. This node's own messages never are (they are delivered in process,
  // never through Redis, and later ones are held), nor one more than
  // kReorderWindowMs below the cursor of the node that minted it; on_replay
  // then skips the ones remembered as sent.
  bool resync_needs(const std::string& message_id, uint16_t this_node) const;
  // Distinguishes one catch-up from the next (a new subscribe supersedes a
  // resync still reading the table).
  uint64_t generation() const { return generation_; }
  void set_generation(uint64_t generation) { generation_ = generation; }

  // Whether a typing event from this socket may go out now: at most one per
  // kTypingInterval per channel (the excess is dropped, not queued).
  static constexpr std::chrono::milliseconds kTypingInterval{3000};
  bool take_typing(std::chrono::steady_clock::time_point now) {
    if (last_typing_ != std::chrono::steady_clock::time_point{} && now - last_typing_ < kTypingInterval)
      return false;
    last_typing_ = now;
    return true;
  }

 private:
  std::chrono::steady_clock::time_point last_typing_{};
  bool catching_up_ = true;
  bool is_private_ = false;
  bool resync_requested_ = false;
  uint64_t generation_ = 0;
  std::optional<int64_t> resync_since_ms_;
  std::string baseline_;
  std::map<int, std::string> node_cursors_;  // node (-1: ids without one) -> greatest id sent
  size_t max_held_;
  std::vector<SharedEvent> held_;
  RecentIds recent_;
};

}  // namespace townhall::realtime
