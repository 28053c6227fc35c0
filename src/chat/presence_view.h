// PresenceView: who is online now, as the realtime layer knows it (on every
// node). chat asks it when a message says "@here"; the realtime layer
// implements it, so chat depends on this interface only.
#pragma once

#include <string>
#include <vector>

namespace townhall::chat {

class PresenceView {
 public:
  virtual ~PresenceView() = default;
  // For each id, whether that user is online (not away, not offline). Thread-safe.
  virtual std::vector<bool> online(const std::vector<std::string>& user_ids) const = 0;
};

}  // namespace townhall::chat
