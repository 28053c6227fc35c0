#include "realtime/frames.h"

#include "api/json.h"

namespace townhall::realtime {

namespace {

// {"type": type, "user": {...}}
std::string user_frame(std::string_view type, const chat::User& user) {
  std::string out;
  ddb::JsonWriter w(out);
  w.begin_object();
  w.key("type");
  w.string(type);
  w.key("user");
  api::write_user(w, user);
  w.end_object();
  return out;
}

}  // namespace

std::string ready_frame(const chat::User& user) { return user_frame("ready", user); }

std::string user_updated_frame(const chat::User& user) { return user_frame("user.updated", user); }

std::string unsubscribed_frame(const std::vector<std::string>& channels, std::string_view reason) {
  std::string out;
  ddb::JsonWriter w(out);
  w.begin_object();
  w.key("type");
  w.string("unsubscribed");
  w.key("channels");
  w.begin_array();
  for (const auto& channel : channels) w.string(channel);
  w.end_array();
  if (!reason.empty()) {
    w.key("reason");
    w.string(reason);
  }
  w.end_object();
  return out;
}

}  // namespace townhall::realtime
