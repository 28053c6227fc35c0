// OutboundQueue: the frames waiting to be written to one WebSocket, bounded
// by count and bytes; overflowing it marks a slow consumer (closed with
// 4008 rather than slowing anyone else).
//
// Not thread-safe: each session uses its own from its network thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "realtime/ring_queue.h"

namespace townhall::realtime {

class OutboundQueue {
 public:
  OutboundQueue(size_t max_frames, size_t max_bytes) : max_frames_(max_frames), max_bytes_(max_bytes) {}

  // False, and nothing queued, when the frame would exceed a bound.
  bool push(std::shared_ptr<const std::string> frame);
  const std::string& front() const { return *frames_.front(); }
  const std::string& at(size_t i) const { return *frames_[i]; }
  void pop();
  bool empty() const { return frames_.empty(); }
  size_t size() const { return frames_.size(); }
  size_t bytes() const { return bytes_; }
  size_t max_frames() const { return max_frames_; }

 private:
  const size_t max_frames_;
  const size_t max_bytes_;
  RingQueue<std::shared_ptr<const std::string>> frames_;
  size_t bytes_ = 0;
};

}  // namespace townhall::realtime
