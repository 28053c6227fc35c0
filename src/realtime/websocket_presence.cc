// Presence on a socket (docs/websocket.md#presence): the socket counts for
// its user's state from sign-in to close, {"type":"status","away":..} marks
// it idle or back, and {"type":"watch_presence","users":[..]} chooses whose
// changes it hears (the hub's presence_key(user), one key per watched user).
// Anyone signed in may watch anyone: presence says nothing about channels.
#include <algorithm>
#include <set>

#include "realtime/websocket_session.h"

namespace townhall::realtime {
namespace {

constexpr size_t kMaxWatched = 500;

bool plausible_user_id(const std::string& id) {
  return !id.empty() && id.size() <= 128 &&
         std::none_of(id.begin(), id.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

}  // namespace

void WebSocketSession::watch_presence(const JsonObject& frame) {
  if (!frame.has("users")) {
    send_error("invalid_argument", "'users' is required: the ids whose presence to watch ([] for none)");
    return;
  }
  auto users = frame.string_array("users", kMaxWatched);
  if (!users.ok()) {
    send_error("invalid_argument", users.error().message);
    return;
  }
  for (const auto& id : *users) {
    if (!plausible_user_id(id)) {
      send_error("invalid_argument", "'users' holds an invalid user id");
      return;
    }
  }
  std::set<std::string> wanted(users->begin(), users->end());
  for (const auto& id : watched_) {
    if (!wanted.contains(id)) context_.hub.unsubscribe(presence_key(id), this);
  }
  // Subscribed before the states are read: a change from then on follows the snapshot.
  for (const auto& id : wanted) context_.hub.subscribe(presence_key(id), shared_from_this());
  watched_.assign(wanted.begin(), wanted.end());
  enqueue(context_.presence.snapshot_json(watched_));
}

void WebSocketSession::set_status(const JsonObject& frame) {
  auto away = frame.optional_bool("away", false);
  if (!frame.has("away") || !away.ok()) {
    send_error("invalid_argument", "'away' must be true or false");
    return;
  }
  context_.presence.set_away(user_->id, this, *away);
}

void WebSocketSession::leave_presence() {
  for (const auto& id : watched_) context_.hub.unsubscribe(presence_key(id), this);
  watched_.clear();
  if (user_) context_.presence.close(user_->id, this);
}

}  // namespace townhall::realtime
