#include "realtime/presence.h"

#include <gtest/gtest.h>

#include "realtime/relay_codec.h"

namespace townhall::realtime {
namespace {

using Change = PresenceDirectory::Change;
using std::chrono::seconds;
constexpr auto kOnline = PresenceState::kOnline;
constexpr auto kAway = PresenceState::kAway;
constexpr auto kOffline = PresenceState::kOffline;

int a_socket, another_socket;
const void* const kTab1 = &a_socket;
const void* const kTab2 = &another_socket;

TEST(PresenceDirectory, OnlineWhileOneSocketIsActiveAwayWhenAllAreOfflineWhenNone) {
  PresenceDirectory d;
  auto opened = d.open("alice", kTab1);
  EXPECT_EQ(opened.changed, (std::vector<Change>{{"alice", kOnline}}));
  EXPECT_EQ(opened.on_node, kOnline);
  EXPECT_TRUE(d.open("alice", kTab2).changed.empty());  // a second tab changes nothing
  EXPECT_TRUE(d.set_away("alice", kTab1, true).changed.empty());
  auto away = d.set_away("alice", kTab2, true);
  EXPECT_EQ(away.changed, (std::vector<Change>{{"alice", kAway}}));
  EXPECT_EQ(d.state("alice"), kAway);
  EXPECT_EQ(d.set_away("alice", kTab2, false).changed, (std::vector<Change>{{"alice", kOnline}}));
  // The active tab closes; the one left is away.
  EXPECT_EQ(d.close("alice", kTab2).changed, (std::vector<Change>{{"alice", kAway}}));
  auto closed = d.close("alice", kTab1);
  EXPECT_EQ(closed.changed, (std::vector<Change>{{"alice", kOffline}}));
  EXPECT_EQ(closed.on_node, kOffline);
  EXPECT_EQ(d.state("nobody"), kOffline);
  EXPECT_TRUE(d.local_users().empty());
  // Closing twice, or a socket never opened, changes nothing.
  EXPECT_TRUE(d.close("alice", kTab1).changed.empty());
  EXPECT_FALSE(d.set_away("bob", kTab1, true).on_node.has_value());
}

TEST(PresenceDirectory, CombinesNodesAndForgetsASilentOne) {
  PresenceDirectory d;
  auto t0 = PresenceDirectory::Clock::now();
  PresenceReport from_b{3000, false, false, {{"alice", kAway}, {"bob", kOnline}}};
  auto changes = d.apply("node-b", from_b, t0);
  EXPECT_EQ(changes, (std::vector<Change>{{"alice", kAway}, {"bob", kOnline}}));
  // Alice is online here too: the best state wins; her away elsewhere no longer shows.
  EXPECT_EQ(d.open("alice", kTab1).changed, (std::vector<Change>{{"alice", kOnline}}));
  EXPECT_TRUE(d.expire(t0 + seconds(2)).empty());
  // Node b falls silent past its ttl: bob goes offline, alice stays online (here).
  EXPECT_EQ(d.expire(t0 + seconds(4)), (std::vector<Change>{{"bob", kOffline}}));
  EXPECT_EQ(d.remote_nodes(), 0u);
  EXPECT_EQ(d.state("alice"), kOnline);
}

TEST(PresenceDirectory, AFullReportReplacesTheNodesListAndADeltaRefreshesIt) {
  PresenceDirectory d;
  auto t0 = PresenceDirectory::Clock::now();
  d.apply("b", {3000, true, false, {{"alice", kOnline}, {"bob", kOnline}}}, t0);
  // A delta: carol arrives; it also keeps the node alive.
  EXPECT_EQ(d.apply("b", {3000, false, false, {{"carol", kAway}}}, t0 + seconds(2)),
            (std::vector<Change>{{"carol", kAway}}));
  EXPECT_TRUE(d.expire(t0 + seconds(4)).empty());
  // The whole list without bob: bob left that node.
  auto changes = d.apply("b", {3000, true, false, {{"alice", kOnline}, {"carol", kAway}}}, t0 + seconds(4));
  EXPECT_EQ(changes, (std::vector<Change>{{"bob", kOffline}}));
  // An explicit offline in a delta.
  EXPECT_EQ(d.apply("b", {3000, false, false, {{"alice", kOffline}}}, t0 + seconds(5)),
            (std::vector<Change>{{"alice", kOffline}}));
  // The same user on two nodes: offline only when both say so.
  d.apply("c", {3000, false, false, {{"carol", kOnline}}}, t0 + seconds(5));
  EXPECT_EQ(d.state("carol"), kOnline);
  EXPECT_EQ(d.expire(t0 + seconds(9)), (std::vector<Change>{{"carol", kOffline}}));
}

TEST(PresenceRelayCodec, ReportsRoundTripAndGarbageIsRefused) {
  HubEvent event;
  event.presence = std::make_shared<const PresenceReport>(
      PresenceReport{30000, true, true, {{"alice", kOnline}, {"bob", kAway}, {"c", kOffline}}});
  auto decoded = decode_relay_message(encode_event("n1", event));
  ASSERT_TRUE(decoded && decoded->presence);
  EXPECT_EQ(decoded->origin, "n1");
  EXPECT_FALSE(decoded->event.has_value());
  EXPECT_EQ(decoded->presence->ttl_ms, 30000);
  EXPECT_TRUE(decoded->presence->full && decoded->presence->ask);
  EXPECT_EQ(decoded->presence->users, event.presence->users);

  HubEvent empty;
  empty.presence = std::make_shared<const PresenceReport>(PresenceReport{1000, false, false, {}});
  decoded = decode_relay_message(encode_event("n1", empty));
  ASSERT_TRUE(decoded && decoded->presence);
  EXPECT_FALSE(decoded->presence->full);
  EXPECT_TRUE(decoded->presence->users.empty());

  for (const char* bad : {"P", "P\nn1", "P\nn1\n10", "P\nn1\nx\n-", "P\nn1\n10\nz", "P\nn1\n10\nf\nqalice",
                          "P\nn1\n10\nf\no", "P\n\n10\nf"}) {
    EXPECT_FALSE(decode_relay_message(bad)) << bad;
  }
}

class PresenceRecorder : public Subscriber {
 public:
  void deliver(const SharedEvent& event) override { events.push_back(event); }
  std::vector<SharedEvent> events;
};

class RecordingRelay : public Relay {
 public:
  void send(const SharedEvent& event) override { sent.push_back(event); }
  std::vector<SharedEvent> sent;
};

TEST(Presence, WatchersHearChangesAndTheOtherNodesGetReports) {
  RecordingRelay relay;
  Hub hub(&relay);
  Presence presence(hub, &relay, {std::chrono::milliseconds(1000)});
  auto watcher = std::make_shared<PresenceRecorder>();
  hub.subscribe(presence_key("alice"), watcher);

  presence.open("alice", kTab1);
  ASSERT_EQ(watcher->events.size(), 1u);
  EXPECT_EQ(*watcher->events[0]->json, R"({"type":"presence","users":{"alice":"online"}})");
  ASSERT_EQ(relay.sent.size(), 1u);  // this node's change, for the others
  ASSERT_TRUE(relay.sent[0]->presence);
  EXPECT_EQ(relay.sent[0]->presence->ttl_ms, 3000);
  EXPECT_EQ(relay.sent[0]->presence->users,
            (std::vector<std::pair<std::string, PresenceState>>{{"alice", kOnline}}));
  EXPECT_EQ(hub.deliver(relay.sent[0]), 0u);  // a report is not for subscribers

  presence.set_away("alice", kTab1, true);
  ASSERT_EQ(watcher->events.size(), 2u);
  EXPECT_EQ(*watcher->events[1]->json, R"({"type":"presence","users":{"alice":"away"}})");

  // Another node's report: bob online there. Nobody watches bob: nothing is delivered.
  presence.on_report("n2", {3000, false, false, {{"bob", kOnline}}});
  EXPECT_EQ(watcher->events.size(), 2u);
  EXPECT_EQ(presence.snapshot_json({"alice", "bob", "zed"}),
            R"({"type":"presence","users":{"alice":"away","bob":"online","zed":"offline"}})");
  EXPECT_EQ(presence.online({"alice", "bob", "zed"}), (std::vector<bool>{false, true, false}));

  // A node that asks gets this node's whole list at once.
  size_t before = relay.sent.size();
  presence.on_report("n3", {3000, true, true, {}});
  ASSERT_EQ(relay.sent.size(), before + 1);
  EXPECT_TRUE(relay.sent.back()->presence->full);
  EXPECT_FALSE(relay.sent.back()->presence->ask);
  EXPECT_EQ(relay.sent.back()->presence->users,
            (std::vector<std::pair<std::string, PresenceState>>{{"alice", kAway}}));
  presence.on_subscribed();
  EXPECT_TRUE(relay.sent.back()->presence->ask);

  presence.close("alice", kTab1);
  EXPECT_EQ(*watcher->events.back()->json, R"({"type":"presence","users":{"alice":"offline"}})");
}

TEST(Presence, TheTickForgetsASilentNodeWithinItsTtl) {
  RecordingRelay relay;
  Hub hub(&relay);
  Presence presence(hub, &relay, {std::chrono::milliseconds(100)});
  auto watcher = std::make_shared<PresenceRecorder>();
  hub.subscribe(presence_key("bob"), watcher);
  presence.on_report("n2", {300, false, false, {{"bob", kOnline}}});
  ASSERT_EQ(watcher->events.size(), 1u);
  presence.start();
  auto deadline = std::chrono::steady_clock::now() + seconds(5);
  while (presence.state("bob") != kOffline && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  presence.stop();
  EXPECT_EQ(presence.state("bob"), kOffline);
  ASSERT_EQ(watcher->events.size(), 2u);
  EXPECT_EQ(*watcher->events[1]->json, R"({"type":"presence","users":{"bob":"offline"}})");
  // The tick also sent this node's (empty) whole list.
  ASSERT_FALSE(relay.sent.empty());
  EXPECT_TRUE(relay.sent.front()->presence->full);
}

}  // namespace
}  // namespace townhall::realtime
