#include "realtime/presence_directory.h"

#include <algorithm>
#include <set>

namespace townhall::realtime {

const char* presence_name(PresenceState state) {
  switch (state) {
    case PresenceState::kOnline:
      return "online";
    case PresenceState::kAway:
      return "away";
    case PresenceState::kOffline:
      break;
  }
  return "offline";
}

PresenceState PresenceDirectory::local_state_locked(const std::string& user_id) const {
  auto it = local_.find(user_id);
  if (it == local_.end() || it->second.sockets.empty()) return PresenceState::kOffline;
  for (const auto& [socket, away] : it->second.sockets) {
    if (!away) return PresenceState::kOnline;
  }
  return PresenceState::kAway;
}

PresenceState PresenceDirectory::state_locked(const std::string& user_id) const {
  PresenceState best = local_state_locked(user_id);
  for (const auto& [node, remote] : remote_) {
    if (best == PresenceState::kOnline) break;
    auto it = remote.users.find(user_id);
    if (it != remote.users.end()) best = std::max(best, it->second);
  }
  return best;
}

template <typename F>
PresenceDirectory::LocalChange PresenceDirectory::change_local(const std::string& user_id, F&& change) {
  std::lock_guard lock(mutex_);
  const PresenceState here_before = local_state_locked(user_id), before = state_locked(user_id);
  auto& sockets = local_[user_id].sockets;
  change(sockets);
  if (sockets.empty()) local_.erase(user_id);
  LocalChange result;
  if (PresenceState here = local_state_locked(user_id); here != here_before) result.on_node = here;
  if (PresenceState after = state_locked(user_id); after != before)
    result.changed.push_back({user_id, after});
  return result;
}

PresenceDirectory::LocalChange PresenceDirectory::open(const std::string& user_id, const void* socket) {
  return change_local(user_id, [socket](auto& sockets) {
    auto it = std::find_if(sockets.begin(), sockets.end(), [&](const auto& s) { return s.first == socket; });
    if (it == sockets.end()) sockets.emplace_back(socket, false);
  });
}

PresenceDirectory::LocalChange PresenceDirectory::set_away(const std::string& user_id, const void* socket,
                                                           bool away) {
  return change_local(user_id, [socket, away](auto& sockets) {
    auto it = std::find_if(sockets.begin(), sockets.end(), [&](const auto& s) { return s.first == socket; });
    if (it != sockets.end()) it->second = away;
  });
}

PresenceDirectory::LocalChange PresenceDirectory::close(const std::string& user_id, const void* socket) {
  return change_local(user_id, [socket](auto& sockets) {
    std::erase_if(sockets, [&](const auto& s) { return s.first == socket; });
  });
}

std::vector<PresenceDirectory::Change> PresenceDirectory::apply(const std::string& node,
                                                                const PresenceReport& report,
                                                                Clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::set<std::string> touched;
  for (const auto& [user_id, state] : report.users) touched.insert(user_id);
  auto& remote = remote_[node];
  if (report.full) {
    for (const auto& [user_id, state] : remote.users) touched.insert(user_id);
  }
  std::vector<std::pair<std::string, PresenceState>> before;
  before.reserve(touched.size());
  for (const auto& user_id : touched) before.emplace_back(user_id, state_locked(user_id));

  if (report.full) remote.users.clear();
  for (const auto& [user_id, state] : report.users) {
    if (state == PresenceState::kOffline) {
      remote.users.erase(user_id);
    } else {
      remote.users[user_id] = state;
    }
  }
  remote.expires = now + std::chrono::milliseconds(std::max<int64_t>(0, report.ttl_ms));

  std::vector<Change> changed;
  for (const auto& [user_id, was] : before) {
    if (PresenceState now_state = state_locked(user_id); now_state != was)
      changed.push_back({user_id, now_state});
  }
  return changed;
}

std::vector<PresenceDirectory::Change> PresenceDirectory::expire(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  std::set<std::string> touched;
  for (const auto& [node, remote] : remote_) {
    if (remote.expires > now) continue;
    for (const auto& [user_id, state] : remote.users) touched.insert(user_id);
  }
  std::vector<std::pair<std::string, PresenceState>> before;
  before.reserve(touched.size());
  for (const auto& user_id : touched) before.emplace_back(user_id, state_locked(user_id));
  std::erase_if(remote_, [now](const auto& entry) { return entry.second.expires <= now; });
  // What the silent nodes said is gone; what the others (and this node) say stands.
  std::vector<Change> changed;
  for (const auto& [user_id, was] : before) {
    if (PresenceState after = state_locked(user_id); after != was) changed.push_back({user_id, after});
  }
  return changed;
}

PresenceState PresenceDirectory::state(const std::string& user_id) const {
  std::lock_guard lock(mutex_);
  return state_locked(user_id);
}

std::vector<PresenceState> PresenceDirectory::states(const std::vector<std::string>& user_ids) const {
  std::lock_guard lock(mutex_);
  std::vector<PresenceState> out;
  out.reserve(user_ids.size());
  for (const auto& user_id : user_ids) out.push_back(state_locked(user_id));
  return out;
}

std::vector<std::pair<std::string, PresenceState>> PresenceDirectory::local_users() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, PresenceState>> users;
  users.reserve(local_.size());
  for (const auto& [user_id, local] : local_) users.emplace_back(user_id, local_state_locked(user_id));
  return users;
}

size_t PresenceDirectory::remote_nodes() const {
  std::lock_guard lock(mutex_);
  return remote_.size();
}

}  // namespace townhall::realtime
