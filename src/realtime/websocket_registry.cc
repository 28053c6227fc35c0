#include "realtime/websocket_registry.h"

namespace townhall::realtime {
namespace {

size_t count(const std::unordered_map<std::string, size_t>& counts, const std::string& key) {
  auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

void decrement(std::unordered_map<std::string, size_t>& counts, const std::string& key) {
  auto it = counts.find(key);
  if (it != counts.end() && --it->second == 0) counts.erase(it);
}

}  // namespace

bool WebSocketRegistry::admits(const std::string& address, const std::string& user_id) {
  std::lock_guard lock(mutex_);
  return count(per_address_, address) < max_per_address_ &&
         (user_id.empty() || count(per_user_, user_id) < max_per_user_);
}

bool WebSocketRegistry::add(const WebSocketSession* key, std::weak_ptr<WebSocketSession> session,
                            const std::string& address) {
  std::lock_guard lock(mutex_);
  if (count(per_address_, address) >= max_per_address_) return false;
  ++per_address_[address];
  entries_[key] = Entry{std::move(session), address, {}, {}};
  return true;
}

bool WebSocketRegistry::bind(const WebSocketSession* key, const std::string& user_id,
                             const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  if (count(per_user_, user_id) >= max_per_user_) return false;
  ++per_user_[user_id];
  it->second.user_id = user_id;
  it->second.token_hash = token_hash;
  return true;
}

void WebSocketRegistry::remove(const WebSocketSession* key) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  decrement(per_address_, it->second.address);
  if (!it->second.user_id.empty()) decrement(per_user_, it->second.user_id);
  entries_.erase(it);
}

std::vector<std::shared_ptr<WebSocketSession>> WebSocketRegistry::all() {
  std::vector<std::shared_ptr<WebSocketSession>> out;
  std::lock_guard lock(mutex_);
  out.reserve(entries_.size());
  for (auto& [key, entry] : entries_) {
    if (auto session = entry.session.lock()) out.push_back(std::move(session));
  }
  return out;
}

std::vector<std::shared_ptr<WebSocketSession>> WebSocketRegistry::with_token(const std::string& token_hash) {
  std::vector<std::shared_ptr<WebSocketSession>> out;
  std::lock_guard lock(mutex_);
  // A linear walk: logouts are rare next to the sockets' own traffic, and
  // an index by token would cost every socket a second map entry.
  for (auto& [key, entry] : entries_) {
    if (entry.token_hash != token_hash) continue;
    if (auto session = entry.session.lock()) out.push_back(std::move(session));
  }
  return out;
}

std::vector<std::shared_ptr<WebSocketSession>> WebSocketRegistry::with_user(const std::string& user_id) {
  std::vector<std::shared_ptr<WebSocketSession>> out;
  std::lock_guard lock(mutex_);
  for (auto& [key, entry] : entries_) {
    if (entry.user_id != user_id) continue;
    if (auto session = entry.session.lock()) out.push_back(std::move(session));
  }
  return out;
}

size_t WebSocketRegistry::size() {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace townhall::realtime
