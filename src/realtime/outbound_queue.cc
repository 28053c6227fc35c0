#include "realtime/outbound_queue.h"

namespace townhall::realtime {

bool OutboundQueue::push(std::shared_ptr<const std::string> frame) {
  if (frames_.size() >= max_frames_ || bytes_ + frame->size() > max_bytes_) return false;
  bytes_ += frame->size();
  frames_.push_back(std::move(frame));
  return true;
}

void OutboundQueue::pop() {
  bytes_ -= frames_.front()->size();
  frames_.pop_front();
}

}  // namespace townhall::realtime
