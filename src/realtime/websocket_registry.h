// WebSocketRegistry: the node's open WebSockets, by client address, by user
// and by session, for the caps on each (WebSocketOptions::max_per_user,
// max_per_address) and to find the sockets a logout ends.
//
// Thread-safe. Holds sessions by weak reference: a session removes itself
// when it ends, and one that went away early is skipped.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace townhall::realtime {

class WebSocketSession;

class WebSocketRegistry {
 public:
  WebSocketRegistry(size_t max_per_user, size_t max_per_address)
      : max_per_user_(max_per_user), max_per_address_(max_per_address) {}

  // Whether a new socket from address (for user_id, when known) would be admitted.
  bool admits(const std::string& address, const std::string& user_id);
  // Registers a new socket; false (nothing registered) when its address is at its cap.
  bool add(const WebSocketSession* key, std::weak_ptr<WebSocketSession> session, const std::string& address);
  // The socket signed in as user_id with the session token whose hash is
  // token_hash; false (left unbound) when the user is at its cap.
  bool bind(const WebSocketSession* key, const std::string& user_id, const std::string& token_hash);
  void remove(const WebSocketSession* key);

  std::vector<std::shared_ptr<WebSocketSession>> all();
  std::vector<std::shared_ptr<WebSocketSession>> with_token(const std::string& token_hash);
  // The sockets signed in as user_id (a user's role or standing changed).
  std::vector<std::shared_ptr<WebSocketSession>> with_user(const std::string& user_id);
  size_t size();

 private:
  struct Entry {
    std::weak_ptr<WebSocketSession> session;
    std::string address;
    std::string user_id;
    std::string token_hash;
  };
  const size_t max_per_user_;
  const size_t max_per_address_;
  std::mutex mutex_;
  std::unordered_map<const WebSocketSession*, Entry> entries_;
  std::unordered_map<std::string, size_t> per_address_;
  std::unordered_map<std::string, size_t> per_user_;
};

}  // namespace townhall::realtime
