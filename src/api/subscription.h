// The bookkeeping of one WebSocket session, kept apart from the socket so it
// can be tested alone:
//   OutboundQueue        frames waiting to be written, bounded by count and
//                        bytes; overflowing it marks a slow consumer.
//   ChannelSubscription  one subscribed channel through resume: live events
//                        that arrive while the missed messages are read from
//                        the table are held back, then released without the
//                        messages the replay already sent (no gap, no duplicate).
//
// Not thread-safe: each session uses its own from its strand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_set>
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

 private:
  size_t capacity_;
  std::deque<std::string> order_;
  std::unordered_set<std::string> set_;
};

class ChannelSubscription {
 public:
  // max_held bounds the live events held during catch-up; the ids sent
  // during catch-up are remembered until it ends (at most the replay limit
  // plus max_held), then dropped: live events after that come once each.
  explicit ChannelSubscription(size_t max_held = 10000) : max_held_(max_held), recent_(SIZE_MAX) {}

  bool catching_up() const { return catching_up_; }

  enum class Action { kSend, kHeld, kOverflow };
  // A live event from the hub. While catching up it is held (kOverflow when
  // too many are held: the client is too far behind); when live, kSend.
  Action on_live(const SharedEvent& event);
  // A message read from the table during catch-up: false if already sent.
  bool on_replay(const std::string& message_id);
  // Ends catch-up; returns the held events that still need sending, in arrival order.
  std::vector<SharedEvent> finish_catch_up();

 private:
  bool catching_up_ = true;
  size_t max_held_;
  std::vector<SharedEvent> held_;
  RecentIds recent_;
};

}  // namespace townhall::api
