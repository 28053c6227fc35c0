#include "api/subscription.h"

namespace townhall::api {

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

bool RecentIds::insert(const std::string& id) {
  if (!set_.insert(id).second) return false;
  order_.push_back(id);
  if (order_.size() > capacity_) {
    set_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

ChannelSubscription::Action ChannelSubscription::on_live(const SharedEvent& event) {
  if (catching_up_) {
    if (held_.size() >= max_held_) return Action::kOverflow;
    held_.push_back(event);
    return Action::kHeld;
  }
  return Action::kSend;
}

bool ChannelSubscription::on_replay(const std::string& message_id) { return recent_.insert(message_id); }

std::vector<SharedEvent> ChannelSubscription::finish_catch_up() {
  catching_up_ = false;
  std::vector<SharedEvent> release;
  for (auto& event : held_) {
    if (event->kind == chat::ChannelEvent::Kind::kMessageCreated && !event->message_id.empty() &&
        !recent_.insert(event->message_id)) {
      continue;  // the replay sent it already
    }
    release.push_back(std::move(event));
  }
  held_ = {};
  recent_ = RecentIds(0);
  return release;
}

}  // namespace townhall::api
