// The bookkeeping of one WebSocket session, kept apart from the socket so it
// can be tested alone:
//   OutboundQueue        frames waiting to be written, bounded by count and
//                        bytes; overflowing it marks a slow consumer.
//   ChannelSubscription  one subscribed channel through resume: live events
//                        that arrive while the missed messages are read from
//                        the table are held back, then released without the
//                        messages the replay already sent (no gap, no duplicate).
//                        The newest replayed ids are remembered afterwards
//                        too: a live event can trail its commit (published
//                        after the replay read it, or relayed late by Redis).
//
// Not thread-safe: each session uses its own from its strand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "api/hub.h"

namespace townhall::api {

class OutboundQueue {
 public:
  OutboundQueue(size_t max_frames, size_t max_bytes) : max_frames_(max_frames), max_bytes_(max_bytes) {}

  // False, and nothing queued, when the frame would exceed a bound.
  bool push(std::shared_ptr<const std::string> frame);
  const std::string& front() const { return *frames_.front(); }
  void pop();
  bool empty() const { return frames_.empty(); }
  size_t size() const { return frames_.size(); }
  size_t bytes() const { return bytes_; }
  size_t max_frames() const { return max_frames_; }

 private:
  const size_t max_frames_;
  const size_t max_bytes_;
  std::deque<std::shared_ptr<const std::string>> frames_;
  size_t bytes_ = 0;
};

// The last N message ids sent on a subscription.
class RecentIds {
 public:
  explicit RecentIds(size_t capacity) : capacity_(capacity) {}
  // False when id was already there.
  bool insert(const std::string& id);
  bool contains(const std::string& id) const { return set_.count(id) != 0; }
  // The newest `capacity` ids, in insertion order.
  RecentIds newest(size_t capacity) const;
  size_t size() const { return order_.size(); }

 private:
  size_t capacity_;
  std::deque<std::string> order_;
  std::unordered_set<std::string> set_;
};

class ChannelSubscription {
 public:
  // How many replayed ids stay remembered once live.
  static constexpr size_t kRememberedAfterCatchUp = 1024;

  // max_held bounds the live events held during catch-up; the ids sent
  // during catch-up are remembered until it ends (at most the replay limit
  // plus max_held), then only the newest kRememberedAfterCatchUp.
  explicit ChannelSubscription(size_t max_held = 10000) : max_held_(max_held), recent_(SIZE_MAX) {}

  bool catching_up() const { return catching_up_; }

  enum class Action { kSend, kHeld, kOverflow, kDuplicate };
  // A live event from the hub. While catching up it is held (kOverflow when
  // too many are held: the client is too far behind); when live, kSend, or
  // kDuplicate for a message the replay already sent.
  Action on_live(const SharedEvent& event);
  // A message read from the table during catch-up: false if already sent.
  bool on_replay(const std::string& message_id);
  // Ends catch-up; returns the held events that still need sending, in arrival order.
  std::vector<SharedEvent> finish_catch_up();

  // Resync (events may have been lost between nodes): a live subscription
  // starts over, catching up from last_message_id() under a new generation;
  // remembered ids carry over. One still catching up is asked for another
  // pass instead (take_resync_request), so its own catch-up completes.
  void restart_catch_up(uint64_t generation);
  void request_resync() { resync_requested_ = true; }
  bool take_resync_request() { return std::exchange(resync_requested_, false); }
  // A message.created frame went to the client (replayed or live).
  void note_sent(const std::string& message_id);
  // The greatest message id sent so far; empty when none was.
  const std::string& last_message_id() const { return last_message_id_; }
  // Distinguishes one catch-up from the next (a new subscribe supersedes a
  // resync still reading the table).
  uint64_t generation() const { return generation_; }
  void set_generation(uint64_t generation) { generation_ = generation; }

 private:
  bool catching_up_ = true;
  bool resync_requested_ = false;
  uint64_t generation_ = 0;
  std::string last_message_id_;
  size_t max_held_;
  std::vector<SharedEvent> held_;
  RecentIds recent_;
};

}  // namespace townhall::api
