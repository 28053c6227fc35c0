// Hub: the realtime fan-out. It implements chat::ChannelEvents: chat calls
// publish() after a write commits; the hub serializes the event to JSON once
// and hands the same immutable buffer to every subscriber of the channel.
//
//   chat --publish--> Hub --deliver--> Subscriber (a WebSocket session) x N
//
// Subscribers are held by weak reference (a closing session needs no
// unsubscribe to be collected) and each channel's list is copy-on-write, so
// publish takes the lock only to copy one pointer and delivers outside it.
// Subscriber::deliver must not block (a session queues and returns), so a
// slow client never slows a sender or another client.
//
// Across nodes: publish() delivers to this node's clients, then hands the
// event to the Relay (outbound only, e.g. Redis pub/sub, `--pubsub
// redis://...`) exactly once. What other nodes published arrives from the
// relay's subscriber through deliver(), which reaches only this node's
// clients. Data flows one way: the hub never waits for the relay, and the
// relay's sending side never calls into the hub.
//
//   chat --publish--> Hub --deliver--> this node's subscribers
//                          --send----> Relay --> Redis --> other nodes' subscribers --deliver--> their Hubs
//
// Thread-safe.
#pragma once

#include <boost/asio/io_context.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "chat/events.h"
#include "realtime/presence_directory.h"

namespace townhall::realtime {

// One committed event, serialized once, shared by all recipients: a
// channel's event, or (access set) a change of access that ends connections.
struct HubEvent {
  chat::ChannelEvent::Kind kind = chat::ChannelEvent::Kind::kMessageCreated;
  std::string channel_id;
  std::string message_id;  // message events; what resume deduplicates on
  std::string member_id;   // member events: whose membership changed
  std::shared_ptr<const std::string> json;
  std::optional<chat::AccessEvent> access;  // set: not a channel event
  // Set: not a channel event but this node's presence report for the other
  // nodes (realtime/presence.h); only the relay carries it.
  std::shared_ptr<const PresenceReport> presence;
};
using SharedEvent = std::shared_ptr<const HubEvent>;

SharedEvent make_hub_event(const chat::ChannelEvent& event);
SharedEvent make_hub_event(const chat::AccessEvent& event);

class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // Called on the publishing thread. Must not block.
  virtual void deliver(const SharedEvent& event) = 0;

  // Batched delivery, for subscribers that live on an event loop run by one
  // thread: the hub then posts one task per loop per event (not one per
  // subscriber), and that task calls deliver_on_loop() for each of the loop's
  // subscribers, in publish order. nullptr: deliver() is called instead.
  virtual boost::asio::io_context* loop() { return nullptr; }
  // Called on loop()'s thread.
  virtual void deliver_on_loop(const SharedEvent& event) { deliver(event); }
};

// Receives access events (a logout: end that session's sockets). Called on
// the publishing or relaying thread; must not block.
class AccessSubscriber {
 public:
  virtual ~AccessSubscriber() = default;
  virtual void on_access(const chat::AccessEvent& event) = 0;
};

// Carries this node's events to the other nodes. send() must not block.
class Relay {
 public:
  virtual ~Relay() = default;
  virtual void send(const SharedEvent& event) = 0;
};

class Hub : public chat::ChannelEvents {
 public:
  // relay: nullptr delivers in process only; otherwise it must outlive the hub.
  explicit Hub(Relay* relay = nullptr) : relay_(relay) {}

  void publish(const chat::ChannelEvent& event) override;
  void publish_access(const chat::AccessEvent& event) override;
  // Fans one event out to this node's subscribers of its channel (an access
  // event: to the access subscriber). Returns how many.
  size_t deliver(const SharedEvent& event);
  // Who ends connections on access events; nullptr: nobody. Must outlive
  // the hub or be reset first.
  void set_access_subscriber(AccessSubscriber* subscriber);

  // A subscriber is registered at most once per channel (keyed by address).
  void subscribe(const std::string& channel_id, const std::shared_ptr<Subscriber>& subscriber);
  void unsubscribe(const std::string& channel_id, const Subscriber* subscriber);
  size_t subscriber_count(const std::string& channel_id);
  size_t channel_count();

 private:
  void publish_shared(const SharedEvent& event);

  // The raw address identifies a subscriber without locking its weak
  // reference (locking could make the hub's copy the last owner and run a
  // session's destructor under the hub's mutex).
  struct Entry {
    const Subscriber* address;
    std::weak_ptr<Subscriber> subscriber;
  };
  using List = std::vector<Entry>;
  Relay* relay_;
  std::mutex mutex_;
  AccessSubscriber* access_subscriber_ = nullptr;
  std::unordered_map<std::string, std::shared_ptr<const List>> channels_;
};

}  // namespace townhall::realtime
