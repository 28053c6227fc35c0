// Presence: online / away / offline for the whole deployment, ephemeral
// (never written to the table). The protocol and its guarantees:
// docs/websocket.md#presence.
//
//   WebSocketSession --open/away/close--> Presence --> PresenceDirectory
//                                                  --deliver--> Hub (key ~<user>) --> watching sockets
//                                                  --send-----> Relay (a report)  --> other nodes
//   RelaySubscriber --on_report--> Presence --> PresenceDirectory --> Hub --> watching sockets
//
// Each node reports its users' states on every change and its whole list
// every interval; the others forget a node that says nothing for three
// intervals, so a user whose node died turns offline within 3 x interval
// plus the one-second expiry tick. A node that (re)subscribes asks for
// everyone's whole list (on_subscribed). Watchers are sockets subscribed in
// the hub to presence_key(user): one frame per changed user reaches only
// those watching them.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "chat/presence_view.h"
#include "realtime/hub.h"
#include "realtime/presence_directory.h"

namespace townhall::realtime {

// The hub key of a user's presence: '~' never occurs in a channel id (nor '@', the inbox's).
inline std::string presence_key(std::string_view user_id) { return "~" + std::string(user_id); }
inline bool is_presence_key(std::string_view key) { return !key.empty() && key.front() == '~'; }

struct PresenceOptions {
  std::chrono::milliseconds interval{10000};  // a node's whole list goes out this often
};

class Presence : public chat::PresenceView {
 public:
  // relay: nullptr on a single node; otherwise it must outlive this object.
  Presence(Hub& hub, Relay* relay, PresenceOptions options = {});
  ~Presence() override;  // stop()

  // The thread that forgets silent nodes (every second) and sends the
  // node's whole list (every interval). Without a relay there is nothing to do.
  void start();
  void stop();

  // This node's sockets (any unique address per socket).
  void open(const std::string& user_id, const void* socket);
  void set_away(const std::string& user_id, const void* socket, bool away);
  void close(const std::string& user_id, const void* socket);

  // From the relay's subscriber: another node's report; the subscription is (re)made.
  void on_report(const std::string& node, const PresenceReport& report);
  void on_subscribed();

  PresenceState state(const std::string& user_id) const { return directory_.state(user_id); }
  // {"type":"presence","users":{"<id>":"<state>",...}} for these users.
  std::string snapshot_json(const std::vector<std::string>& user_ids) const;
  std::vector<bool> online(const std::vector<std::string>& user_ids) const override;

 private:
  void local_change(const PresenceDirectory::LocalChange& change, const std::string& user_id);
  void tell(const std::vector<PresenceDirectory::Change>& changes);  // REQUIRES: order_
  void send_full(bool ask);

  Hub& hub_;
  Relay* relay_;
  const PresenceOptions options_;
  PresenceDirectory directory_;
  // Held from a change in the directory until its frames are handed to the
  // hub, so that watchers see a user's changes in the order they happened.
  std::mutex order_;
  std::mutex stop_mutex_;
  std::condition_variable stop_wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace townhall::realtime
