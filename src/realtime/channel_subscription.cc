#include "realtime/channel_subscription.h"

#include <fmt/format.h>

#include <algorithm>

#include "chat/message_id.h"

namespace townhall::realtime {

bool RecentIds::insert(std::string_view id) { return insert_hash(hash(id)); }

bool RecentIds::insert_hash(uint64_t h) {
  if (!set_.insert(h).second) return false;
  order_.push_back(h);
  if (order_.size() > capacity_) {
    set_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

RecentIds RecentIds::newest(size_t capacity) const {
  RecentIds out(capacity);
  size_t skip = order_.size() > capacity ? order_.size() - capacity : 0;
  for (size_t i = skip; i < order_.size(); ++i) out.insert_hash(order_[i]);
  return out;
}

ChannelSubscription::Action ChannelSubscription::on_live(const SharedEvent& event) {
  if (catching_up_ && event->kind == chat::ChannelEvent::Kind::kTyping) {
    return Action::kDropped;  // ephemeral: stale by the time the catch-up ends, never held
  }
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

namespace {

int node_key(const std::string& message_id) {
  auto node = chat::MessageIdGenerator::node_of(message_id);
  return node ? *node : -1;
}

}  // namespace

void ChannelSubscription::set_baseline(const std::string& message_id) {
  if (message_id > baseline_) baseline_ = message_id;
}

void ChannelSubscription::note_replayed(const std::string& message_id) {
  set_baseline(message_id);
  note_live(message_id);
}

void ChannelSubscription::note_live(const std::string& message_id) {
  recent_.insert(message_id);  // a resync's replay skips it
  std::string& cursor = node_cursors_[node_key(message_id)];
  if (message_id > cursor) cursor = message_id;
}

std::string ChannelSubscription::resync_start(int64_t since_ms) const {
  // Shaped like a message id: it sorts before every id minted from since_ms on.
  std::string since = fmt::format("{:010d}#{:013d}", since_ms / 1000, since_ms);
  return std::max(baseline_, since);
}

bool ChannelSubscription::resync_needs(const std::string& message_id, uint16_t this_node) const {
  int node = node_key(message_id);
  if (node == this_node) return false;
  auto it = node_cursors_.find(node);
  if (it == node_cursors_.end() || message_id > it->second) return true;
  // One node's sends to a channel can commit (and be published) out of mint
  // order: a message minted shortly before that node's cursor may still be
  // missing. Those within kReorderWindowMs of it are read again; the ones the
  // client has are among the remembered ids (on_replay skips them).
  auto cursor_ms = chat::MessageIdGenerator::time_of(it->second);
  if (node < 0 || !cursor_ms) return false;
  int64_t from = *cursor_ms - kReorderWindowMs;
  return message_id >= fmt::format("{:010d}#{:013d}", from / 1000, from);
}

void ChannelSubscription::request_resync(int64_t since_ms) {
  resync_since_ms_ = resync_since_ms_ ? std::min(*resync_since_ms_, since_ms) : since_ms;
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

}  // namespace townhall::realtime
