// PresenceDirectory: who is online, away or offline, as this node knows it.
// Pure state, no I/O: the node's own sockets (open, away, closed) and what
// the other nodes last reported about theirs, each report forgotten when its
// node falls silent. Every call that changes something returns the users
// whose combined state changed, for the caller to tell their watchers.
//
// A user's state on one node: online if one of their sockets there is not
// away, away if every one is, offline if none. Across nodes: the best of
// them (online > away > offline).
//
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace townhall::realtime {

enum class PresenceState { kOffline = 0, kAway = 1, kOnline = 2 };
const char* presence_name(PresenceState state);  // "offline", "away", "online"

// One node's users as it sends them to the others (relay_codec.h encodes it).
struct PresenceReport {
  int64_t ttl_ms = 30000;  // forget these when the node says nothing for this long
  bool full = false;       // the node's whole list: users not listed are offline there
  bool ask = false;        // the sender just (re)connected: answer with a full report
  std::vector<std::pair<std::string, PresenceState>> users;
};

class PresenceDirectory {
 public:
  using Clock = std::chrono::steady_clock;
  struct Change {
    std::string user_id;
    PresenceState state;  // the combined state, after the change
    bool operator==(const Change&) const = default;
  };
  struct LocalChange {
    std::vector<Change> changed;           // combined states that changed (0 or 1 entries)
    std::optional<PresenceState> on_node;  // set: the user's state on this node changed to it
  };

  // This node's sockets; a socket is any unique address.
  LocalChange open(const std::string& user_id, const void* socket);
  LocalChange set_away(const std::string& user_id, const void* socket, bool away);
  LocalChange close(const std::string& user_id, const void* socket);

  // A report from node (the relay's origin id), received at now.
  std::vector<Change> apply(const std::string& node, const PresenceReport& report, Clock::time_point now);
  // Forgets the nodes silent past their report's ttl.
  std::vector<Change> expire(Clock::time_point now);

  PresenceState state(const std::string& user_id) const;
  std::vector<PresenceState> states(const std::vector<std::string>& user_ids) const;  // under one lock
  // This node's users and their states here (a full report's list).
  std::vector<std::pair<std::string, PresenceState>> local_users() const;
  size_t remote_nodes() const;

 private:
  struct LocalUser {
    std::vector<std::pair<const void*, bool>> sockets;  // socket, away; a handful per user
  };
  struct RemoteNode {
    Clock::time_point expires;
    std::unordered_map<std::string, PresenceState> users;
  };
  PresenceState state_locked(const std::string& user_id) const;
  PresenceState local_state_locked(const std::string& user_id) const;
  // Runs change on user_id's local sockets and reports what changed.
  template <typename F>
  LocalChange change_local(const std::string& user_id, F&& change);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, LocalUser> local_;
  std::unordered_map<std::string, RemoteNode> remote_;
};

}  // namespace townhall::realtime
