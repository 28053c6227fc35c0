#include "realtime/hub.h"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <iterator>

#include "api/json.h"

namespace townhall::realtime {

SharedEvent make_hub_event(const chat::ChannelEvent& source) {
  auto event = std::make_shared<HubEvent>();
  event->kind = source.kind;
  // A user's own event goes to their inbox, not to the channel's subscribers.
  event->channel_id = source.recipient.empty() ? source.channel_id : chat::inbox_key(source.recipient);
  if (source.message) event->message_id = source.message->id;
  if (source.member) event->member_id = source.member->user_id;
  event->json = std::make_shared<const std::string>(api::event_json(source));
  return event;
}

SharedEvent make_hub_event(const chat::AccessEvent& source) {
  auto event = std::make_shared<HubEvent>();
  event->access = source;
  return event;
}

void Hub::publish(const chat::ChannelEvent& event) { publish_shared(make_hub_event(event)); }

void Hub::publish_access(const chat::AccessEvent& event) { publish_shared(make_hub_event(event)); }

void Hub::publish_shared(const SharedEvent& event) {
  // This node's clients first, and never waiting for other nodes.
  deliver(event);
  if (relay_) relay_->send(event);
}

void Hub::set_access_subscriber(AccessSubscriber* subscriber) {
  std::lock_guard lock(mutex_);
  access_subscriber_ = subscriber;
}

size_t Hub::deliver(const SharedEvent& event) {
  std::shared_ptr<const List> list;
  {
    std::lock_guard lock(mutex_);
    if (event->presence) return 0;  // for the other nodes' Presence, not for subscribers
    if (event->access) {
      if (!access_subscriber_) return 0;
      access_subscriber_->on_access(*event->access);  // under the lock: set_access_subscriber waits
      return 1;
    }
    auto it = channels_.find(event->channel_id);
    if (it == channels_.end()) return 0;
    list = it->second;
  }
  // One task per event loop: a post per subscriber cost more than the
  // delivery itself at 1,000 subscribers (bench/chat_load fan-out).
  struct LoopBatch {
    boost::asio::io_context* loop;
    std::vector<std::shared_ptr<Subscriber>> subscribers;
  };
  std::vector<LoopBatch> batches;  // a few: one per network thread
  size_t delivered = 0;
  for (const auto& entry : *list) {
    auto subscriber = entry.subscriber.lock();
    if (!subscriber) continue;
    ++delivered;
    boost::asio::io_context* loop = subscriber->loop();
    if (loop == nullptr) {
      subscriber->deliver(event);
      continue;
    }
    auto batch =
        std::find_if(batches.begin(), batches.end(), [loop](const LoopBatch& b) { return b.loop == loop; });
    if (batch == batches.end()) {
      batches.push_back({loop, {}});
      batches.back().subscribers.reserve(list->size());
      batch = std::prev(batches.end());
    }
    batch->subscribers.push_back(std::move(subscriber));
  }
  for (auto& batch : batches) {
    boost::asio::post(*batch.loop, [event, subscribers = std::move(batch.subscribers)] {
      for (const auto& subscriber : subscribers) subscriber->deliver_on_loop(event);
    });
  }
  return delivered;
}

void Hub::subscribe(const std::string& channel_id, const std::shared_ptr<Subscriber>& subscriber) {
  std::lock_guard lock(mutex_);
  auto& current = channels_[channel_id];
  auto next = std::make_shared<List>();
  if (current) {
    next->reserve(current->size() + 1);
    for (const auto& entry : *current) {
      if (entry.subscriber.expired()) continue;  // collect sessions that went away without unsubscribing
      if (entry.address == subscriber.get()) return;
      next->push_back(entry);
    }
  }
  next->push_back({subscriber.get(), subscriber});
  current = std::move(next);
}

void Hub::unsubscribe(const std::string& channel_id, const Subscriber* subscriber) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(channel_id);
  if (it == channels_.end()) return;
  auto next = std::make_shared<List>();
  next->reserve(it->second->size());
  for (const auto& entry : *it->second) {
    if (!entry.subscriber.expired() && entry.address != subscriber) next->push_back(entry);
  }
  if (next->empty()) {
    channels_.erase(it);
  } else {
    it->second = std::move(next);
  }
}

size_t Hub::subscriber_count(const std::string& channel_id) {
  std::lock_guard lock(mutex_);
  auto it = channels_.find(channel_id);
  return it == channels_.end() ? 0 : it->second->size();
}

size_t Hub::channel_count() {
  std::lock_guard lock(mutex_);
  return channels_.size();
}

}  // namespace townhall::realtime
