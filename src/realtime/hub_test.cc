#include "realtime/hub.h"

#include <gtest/gtest.h>

#include "realtime/event_test_support.h"

#include <atomic>
#include <thread>

#include "realtime/channel_subscription.h"
#include "realtime/outbound_queue.h"

#include <fmt/format.h>

namespace townhall::realtime {
namespace {

class Recorder : public Subscriber {
 public:
  void deliver(const SharedEvent& event) override { events.push_back(event); }
  std::vector<SharedEvent> events;
};

TEST(Hub, FansOutToSubscribersOfTheChannelOnly) {
  Hub hub;
  auto a = std::make_shared<Recorder>(), b = std::make_shared<Recorder>(), c = std::make_shared<Recorder>();
  hub.subscribe("7", a);
  hub.subscribe("7", b);
  hub.subscribe("8", c);
  hub.subscribe("7", a);  // once per channel
  EXPECT_EQ(hub.subscriber_count("7"), 2u);
  hub.publish(message_event("7", "1#a"));
  ASSERT_EQ(a->events.size(), 1u);
  ASSERT_EQ(b->events.size(), 1u);
  EXPECT_TRUE(c->events.empty());
  // Serialized once: every recipient shares the same buffer.
  EXPECT_EQ(a->events[0]->json.get(), b->events[0]->json.get());
  EXPECT_EQ(a->events[0]->message_id, "1#a");
  EXPECT_NE(a->events[0]->json->find("\"type\":\"message.created\""), std::string::npos);
}

// Lives on an event loop: the hub batches its deliveries per loop.
class LoopRecorder : public Recorder {
 public:
  explicit LoopRecorder(boost::asio::io_context& loop) : loop_(loop) {}
  boost::asio::io_context* loop() override { return &loop_; }
  void deliver(const SharedEvent&) override { ADD_FAILURE() << "a loop subscriber gets deliver_on_loop"; }
  void deliver_on_loop(const SharedEvent& event) override { events.push_back(event); }

 private:
  boost::asio::io_context& loop_;
};

TEST(Hub, SubscribersOnALoopGetEventsInOrderFromOneTaskPerLoop) {
  boost::asio::io_context first, second;
  Hub hub;
  auto a = std::make_shared<LoopRecorder>(first), b = std::make_shared<LoopRecorder>(first);
  auto c = std::make_shared<LoopRecorder>(second);
  auto plain = std::make_shared<Recorder>();
  for (const auto& s : std::vector<std::shared_ptr<Subscriber>>{a, b, c, plain}) hub.subscribe("7", s);
  EXPECT_EQ(hub.deliver(make_hub_event(message_event("7", "1#a"))), 4u);
  EXPECT_EQ(hub.deliver(make_hub_event(message_event("7", "1#b"))), 4u);
  EXPECT_EQ(plain->events.size(), 2u);  // no loop: delivered on the publishing thread
  EXPECT_TRUE(a->events.empty());       // loops: nothing until they run
  EXPECT_EQ(first.run(), 2u);           // one task per event for both of its subscribers
  EXPECT_EQ(second.run(), 2u);
  for (const auto& r : {a, b, c}) {
    ASSERT_EQ(r->events.size(), 2u);
    EXPECT_EQ(r->events[0]->message_id, "1#a");
    EXPECT_EQ(r->events[1]->message_id, "1#b");
  }
}

TEST(Hub, UnsubscribeAndExpiredSubscribers) {
  Hub hub;
  auto a = std::make_shared<Recorder>(), b = std::make_shared<Recorder>();
  hub.subscribe("7", a);
  hub.subscribe("7", b);
  hub.unsubscribe("7", a.get());
  EXPECT_EQ(hub.deliver(make_hub_event(message_event("7", "1#a"))), 1u);
  EXPECT_TRUE(a->events.empty());
  EXPECT_EQ(b->events.size(), 1u);
  // A subscriber that went away without unsubscribing is skipped, then collected.
  b.reset();
  EXPECT_EQ(hub.deliver(make_hub_event(message_event("7", "1#b"))), 0u);
  hub.unsubscribe("7", nullptr);
  EXPECT_EQ(hub.channel_count(), 0u);
}

TEST(Hub, PublishDeliversLocallyAndHandsTheRelayEachEventOnce) {
  struct CountingRelay : Relay {
    std::vector<SharedEvent> sent;
    void send(const SharedEvent& event) override { sent.push_back(event); }  // never calls back
  } relay;
  Hub hub(&relay);
  auto a = std::make_shared<Recorder>();
  hub.subscribe("7", a);
  hub.publish(message_event("7", "1#a"));
  ASSERT_EQ(relay.sent.size(), 1u);
  ASSERT_EQ(a->events.size(), 1u);
  EXPECT_EQ(relay.sent[0], a->events[0]);  // the same serialized event
  // An access event goes out too, and to the local access subscriber.
  struct Access : AccessSubscriber {
    std::vector<std::string> ended;
    void on_access(const chat::AccessEvent& event) override { ended.push_back(event.subject); }
  } access;
  hub.set_access_subscriber(&access);
  hub.publish_access({chat::AccessEvent::Kind::kSessionEnded, "abc"});
  EXPECT_EQ(access.ended, std::vector<std::string>{"abc"});
  EXPECT_EQ(relay.sent.size(), 2u);
  hub.set_access_subscriber(nullptr);
}

TEST(Hub, ConcurrentPublishAndSubscribe) {
  Hub hub;
  struct Counter : Subscriber {
    std::atomic<int> count{0};
    void deliver(const SharedEvent&) override { count.fetch_add(1); }
  };
  auto steady = std::make_shared<Counter>();
  hub.subscribe("7", steady);
  std::atomic<bool> done{false};
  std::thread churn([&] {
    while (!done) {
      auto transient = std::make_shared<Counter>();
      hub.subscribe("7", transient);
      hub.unsubscribe("7", transient.get());
    }
  });
  for (int i = 0; i < 20000; ++i) hub.publish(message_event("7", std::to_string(i)));
  done = true;
  churn.join();
  EXPECT_EQ(steady->count.load(), 20000);
}

std::shared_ptr<const HubEvent> live(
    std::string id, chat::ChannelEvent::Kind kind = chat::ChannelEvent::Kind::kMessageCreated) {
  auto event = std::make_shared<HubEvent>();
  event->kind = kind;
  event->channel_id = "7";
  event->message_id = std::move(id);
  event->json = std::make_shared<const std::string>("{}");
  return event;
}

TEST(ChannelSubscription, ResumeHasNoGapAndNoDuplicate) {
  ChannelSubscription subscription;
  // Registered with the hub, then live events arrive while the table is read:
  EXPECT_EQ(subscription.on_live(live("3")), ChannelSubscription::Action::kHeld);
  EXPECT_EQ(subscription.on_live(live("4")), ChannelSubscription::Action::kHeld);
  // The table read returns 1..3 (3 committed before the read, also published).
  EXPECT_TRUE(subscription.on_replay("1"));
  EXPECT_TRUE(subscription.on_replay("2"));
  EXPECT_TRUE(subscription.on_replay("3"));
  EXPECT_FALSE(subscription.on_replay("3"));  // a page overlap never repeats
  auto edited = live("2", chat::ChannelEvent::Kind::kMessageEdited);
  EXPECT_EQ(subscription.on_live(edited), ChannelSubscription::Action::kHeld);
  auto released = subscription.finish_catch_up();
  // 3 was replayed: only 4 and the edit of 2 remain, in arrival order.
  ASSERT_EQ(released.size(), 2u);
  EXPECT_EQ(released[0]->message_id, "4");
  EXPECT_EQ(released[1], edited);
  EXPECT_FALSE(subscription.catching_up());
  EXPECT_EQ(subscription.on_live(live("5")), ChannelSubscription::Action::kSend);
}

TEST(ChannelSubscription, OutOfOrderCommitIsNotLost) {
  // Ids are minted before commit: 5 may commit (and be replayed) before 4,
  // whose live event then arrives held. Deduplication is by id, not by order.
  ChannelSubscription subscription;
  EXPECT_TRUE(subscription.on_replay("5"));
  subscription.on_live(live("4"));
  auto released = subscription.finish_catch_up();
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0]->message_id, "4");
}

TEST(ChannelSubscription, TooManyHeldEventsOverflow) {
  ChannelSubscription subscription(2);
  EXPECT_EQ(subscription.on_live(live("1")), ChannelSubscription::Action::kHeld);
  EXPECT_EQ(subscription.on_live(live("2")), ChannelSubscription::Action::kHeld);
  EXPECT_EQ(subscription.on_live(live("3")), ChannelSubscription::Action::kOverflow);
}

TEST(ChannelSubscription, LiveEventTrailingItsReplayIsNotSentTwice) {
  // Published after the table read returned it (or relayed late by Redis):
  // the live event comes after catch-up ended.
  ChannelSubscription subscription;
  EXPECT_TRUE(subscription.on_replay("3"));
  EXPECT_TRUE(subscription.finish_catch_up().empty());
  EXPECT_EQ(subscription.on_live(live("3")), ChannelSubscription::Action::kDuplicate);
  EXPECT_EQ(subscription.on_live(live("4")), ChannelSubscription::Action::kSend);
  // Only the newest replayed ids are kept.
  ChannelSubscription big;
  for (size_t i = 0; i < ChannelSubscription::kRememberedAfterCatchUp + 10; ++i) {
    big.on_replay(std::to_string(100000 + i));
  }
  big.finish_catch_up();
  EXPECT_EQ(big.on_live(live("100000")), ChannelSubscription::Action::kSend);
  EXPECT_EQ(big.on_live(live(std::to_string(100009 + ChannelSubscription::kRememberedAfterCatchUp))),
            ChannelSubscription::Action::kDuplicate);
}

TEST(ChannelSubscription, ResyncReplaysOnlyWhatEachNodeHasNotDelivered) {
  // Ids as chat mints them: "<s>#<ms><seq>-<node>". This node is 1.
  constexpr int64_t kBase = 100000;  // ms
  auto id = [](int64_t ms, int node) {
    return fmt::format("{:010d}#{:013d}000000-{:04x}", (kBase + ms) / 1000, kBase + ms, node);
  };
  ChannelSubscription subscription;
  subscription.set_generation(1);
  subscription.set_baseline(id(0, 2));  // where the client stood when it subscribed
  EXPECT_TRUE(subscription.on_replay(id(5, 2)));
  subscription.note_replayed(id(5, 2));
  subscription.finish_catch_up();
  // Live: node 3's message arrives through Redis; then Redis goes away and
  // node 2's messages at 10 and 12 are lost while this node's own at 11 and 13
  // (delivered in process) keep coming.
  EXPECT_EQ(subscription.on_live(live(id(9, 3))), ChannelSubscription::Action::kSend);
  subscription.note_live(id(9, 3));
  subscription.note_live(id(11, 1));
  subscription.note_live(id(13, 1));

  // Resync for events minted from 8 ms on, under a new generation.
  subscription.restart_catch_up(2);
  EXPECT_TRUE(subscription.catching_up());
  EXPECT_EQ(subscription.generation(), 2u);
  std::string start = subscription.resync_start(kBase + 8);
  EXPECT_LT(start, id(8, 0));
  EXPECT_GT(start, id(5, 2));
  EXPECT_EQ(subscription.resync_start(0), id(5, 2));      // never before what table reads covered
  EXPECT_TRUE(subscription.resync_needs(id(10, 2), 1));   // lost
  EXPECT_FALSE(subscription.resync_needs(id(11, 1), 1));  // this node's own
  EXPECT_TRUE(subscription.resync_needs(id(12, 2), 1));   // lost
  EXPECT_TRUE(subscription.resync_needs(id(14, 4), 1));   // a node never heard from
  // Node 3 may have committed its message at 8 after the one at 9 (sends
  // racing on that node): within the reorder window it is read again, and
  // what the client already has is skipped by on_replay.
  EXPECT_TRUE(subscription.resync_needs(id(8, 3), 1));
  EXPECT_FALSE(subscription.resync_needs(id(9 - ChannelSubscription::kReorderWindowMs - 1, 3), 1));
  EXPECT_TRUE(subscription.resync_needs(id(9, 3), 1));
  EXPECT_FALSE(subscription.on_replay(id(9, 3)));  // sent live already
  // Node 2's message at 12 also arrives late through Redis while the resync reads:
  EXPECT_EQ(subscription.on_live(live(id(12, 2))), ChannelSubscription::Action::kHeld);
  EXPECT_TRUE(subscription.on_replay(id(10, 2)));
  EXPECT_TRUE(subscription.on_replay(id(12, 2)));
  EXPECT_TRUE(subscription.finish_catch_up().empty());  // sent once, by the replay

  // A resync that arrives during a catch-up asks it for one more pass, from the earliest time.
  subscription.restart_catch_up(3);
  EXPECT_FALSE(subscription.take_resync_request());
  subscription.request_resync(2000);
  subscription.request_resync(1500);
  EXPECT_EQ(subscription.take_resync_request(), 1500);
  EXPECT_FALSE(subscription.take_resync_request());
}

TEST(OutboundQueue, BoundedByFramesAndBytes) {
  OutboundQueue by_count(2, 1000);
  EXPECT_TRUE(by_count.push(std::make_shared<const std::string>("a")));
  EXPECT_TRUE(by_count.push(std::make_shared<const std::string>("b")));
  EXPECT_FALSE(by_count.push(std::make_shared<const std::string>("c")));  // the slow-consumer cut-off
  by_count.pop();
  EXPECT_TRUE(by_count.push(std::make_shared<const std::string>("c")));
  EXPECT_EQ(by_count.front(), "b");

  OutboundQueue by_bytes(100, 10);
  EXPECT_TRUE(by_bytes.push(std::make_shared<const std::string>("12345")));
  EXPECT_FALSE(by_bytes.push(std::make_shared<const std::string>("123456")));
  EXPECT_TRUE(by_bytes.push(std::make_shared<const std::string>("12345")));
  EXPECT_EQ(by_bytes.bytes(), 10u);
  by_bytes.pop();
  EXPECT_EQ(by_bytes.bytes(), 5u);
}

}  // namespace
}  // namespace townhall::realtime
