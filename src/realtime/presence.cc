#include "realtime/presence.h"

#include "ddb/json_writer.h"

namespace townhall::realtime {
namespace {

std::string presence_frame(const std::vector<std::pair<std::string, PresenceState>>& users) {
  std::string out;
  ddb::JsonWriter w(out);
  w.begin_object();
  w.key("type");
  w.string("presence");
  w.key("users");
  w.begin_object();
  for (const auto& [user_id, state] : users) {
    w.key(user_id);
    w.string(presence_name(state));
  }
  w.end_object();
  w.end_object();
  return out;
}

SharedEvent report_event(PresenceReport report) {
  auto event = std::make_shared<HubEvent>();
  event->presence = std::make_shared<const PresenceReport>(std::move(report));
  return event;
}

}  // namespace

Presence::Presence(Hub& hub, Relay* relay, PresenceOptions options)
    : hub_(hub), relay_(relay), options_(options) {}

Presence::~Presence() { stop(); }

void Presence::start() {
  if (!relay_ || thread_.joinable()) return;
  thread_ = std::thread([this] {
    auto next_report = std::chrono::steady_clock::now();
    std::unique_lock lock(stop_mutex_);
    while (!stopping_) {
      lock.unlock();
      auto now = std::chrono::steady_clock::now();
      {
        std::lock_guard order(order_);
        tell(directory_.expire(now));
      }
      if (now >= next_report) {
        send_full(false);
        next_report = now + options_.interval;
      }
      lock.lock();
      stop_wake_.wait_for(lock,
                          std::min<std::chrono::milliseconds>(options_.interval, std::chrono::seconds(1)),
                          [this] { return stopping_; });
    }
  });
}

void Presence::stop() {
  {
    std::lock_guard lock(stop_mutex_);
    stopping_ = true;
  }
  stop_wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Presence::open(const std::string& user_id, const void* socket) {
  std::lock_guard order(order_);
  local_change(directory_.open(user_id, socket), user_id);
}

void Presence::set_away(const std::string& user_id, const void* socket, bool away) {
  std::lock_guard order(order_);
  local_change(directory_.set_away(user_id, socket, away), user_id);
}

void Presence::close(const std::string& user_id, const void* socket) {
  std::lock_guard order(order_);
  local_change(directory_.close(user_id, socket), user_id);
}

void Presence::local_change(const PresenceDirectory::LocalChange& change, const std::string& user_id) {
  tell(change.changed);
  if (relay_ && change.on_node) {
    PresenceReport report;
    report.ttl_ms = 3 * options_.interval.count();
    report.users.emplace_back(user_id, *change.on_node);
    relay_->send(report_event(std::move(report)));
  }
}

void Presence::on_report(const std::string& node, const PresenceReport& report) {
  {
    std::lock_guard order(order_);
    tell(directory_.apply(node, report, std::chrono::steady_clock::now()));
  }
  if (report.ask) send_full(false);
}

void Presence::on_subscribed() { send_full(true); }

void Presence::send_full(bool ask) {
  if (!relay_) return;
  PresenceReport report;
  report.ttl_ms = 3 * options_.interval.count();
  report.full = true;
  report.ask = ask;
  report.users = directory_.local_users();
  relay_->send(report_event(std::move(report)));
}

void Presence::tell(const std::vector<PresenceDirectory::Change>& changes) {
  for (const auto& change : changes) {
    auto event = std::make_shared<HubEvent>();
    event->channel_id = presence_key(change.user_id);
    event->member_id = change.user_id;
    event->json = std::make_shared<const std::string>(presence_frame({{change.user_id, change.state}}));
    hub_.deliver(event);  // this node's watchers; the other nodes learn it from the report
  }
}

std::string Presence::snapshot_json(const std::vector<std::string>& user_ids) const {
  std::vector<PresenceState> states = directory_.states(user_ids);
  std::vector<std::pair<std::string, PresenceState>> users;
  users.reserve(user_ids.size());
  for (size_t i = 0; i < user_ids.size(); ++i) users.emplace_back(user_ids[i], states[i]);
  return presence_frame(users);
}

std::vector<bool> Presence::online(const std::vector<std::string>& user_ids) const {
  std::vector<bool> result;
  result.reserve(user_ids.size());
  for (PresenceState state : directory_.states(user_ids)) result.push_back(state == PresenceState::kOnline);
  return result;
}

}  // namespace townhall::realtime
