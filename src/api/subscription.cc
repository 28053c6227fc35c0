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

RecentIds RecentIds::newest(size_t capacity) const {
  RecentIds out(capacity);
  size_t skip = order_.size() > capacity ? order_.size() - capacity : 0;
  for (size_t i = skip; i < order_.size(); ++i) out.insert(order_[i]);
  return out;
}

ChannelSubscription::Action ChannelSubscription::on_live(const SharedEvent& event) {
  if (catching_up_) {
    if (held_.size() >= max_held_) return Action::kOverflow;
    held_.push_back(event);
    return Action::kHeld;
  }
  if (event->kind == chat::ChannelEvent::Kind::kMessageCreated && recent_.contains(event->message_id)) {
    return Action::kDuplicate;
  }
  return Action::kSend;
}

void ChannelSubscription::note_sent(const std::string& message_id) {
  if (message_id > last_message_id_) last_message_id_ = message_id;
}

void ChannelSubscription::restart_catch_up(uint64_t generation) {
  generation_ = generation;
  catching_up_ = true;
  recent_ = recent_.newest(SIZE_MAX);
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
  recent_ = recent_.newest(kRememberedAfterCatchUp);
  return release;
}

}  // namespace townhall::api
