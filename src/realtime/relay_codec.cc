#include "realtime/relay_codec.h"

#include <fmt/format.h>

namespace townhall::realtime {
namespace {

bool is_member_event(chat::ChannelEvent::Kind kind) {
  return kind == chat::ChannelEvent::Kind::kMemberJoined || kind == chat::ChannelEvent::Kind::kMemberLeft ||
         kind == chat::ChannelEvent::Kind::kTyping;
}

bool valid_kind(int kind) {
  return kind >= static_cast<int>(chat::ChannelEvent::Kind::kMessageCreated) &&
         kind <= static_cast<int>(chat::ChannelEvent::Kind::kTyping);
}

bool all_digits(std::string_view s, size_t max) {
  return !s.empty() && s.size() <= max && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::optional<RelayMessage> decode_presence(const std::string& payload, size_t pos) {
  // Fields after "P\n", then one line per user.
  std::vector<std::string_view> lines;
  std::string_view rest(payload);
  rest.remove_prefix(pos);
  while (!rest.empty() || lines.size() < 3) {
    size_t end = rest.find('\n');
    lines.push_back(rest.substr(0, end));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  if (lines.size() < 3 || lines[0].empty() || !all_digits(lines[1], 12)) return std::nullopt;
  const std::string_view flags = lines[2];
  if (flags.empty() || flags.find_first_not_of("-fa") != std::string_view::npos) return std::nullopt;
  PresenceReport report;
  report.ttl_ms = std::stoll(std::string(lines[1]));
  report.full = flags.find('f') != std::string_view::npos;
  report.ask = flags.find('a') != std::string_view::npos;
  for (size_t i = 3; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    if (line.size() < 2) return std::nullopt;
    PresenceState state;
    switch (line.front()) {
      case 'o':
        state = PresenceState::kOnline;
        break;
      case 'a':
        state = PresenceState::kAway;
        break;
      case 'x':
        state = PresenceState::kOffline;
        break;
      default:
        return std::nullopt;
    }
    report.users.emplace_back(std::string(line.substr(1)), state);
  }
  RelayMessage decoded;
  decoded.origin = std::string(lines[0]);
  decoded.presence = std::make_shared<const PresenceReport>(std::move(report));
  return decoded;
}

}  // namespace

std::string encode_event(const std::string& origin, const HubEvent& event) {
  if (event.presence) {
    const PresenceReport& report = *event.presence;
    std::string flags = std::string(report.full ? "f" : "") + (report.ask ? "a" : "");
    std::string out = fmt::format("P\n{}\n{}\n{}", origin, report.ttl_ms, flags.empty() ? "-" : flags);
    out.reserve(out.size() + report.users.size() * 32);
    for (const auto& [user_id, state] : report.users) {
      out += '\n';
      out += state == PresenceState::kOnline ? 'o' : state == PresenceState::kAway ? 'a' : 'x';
      out += user_id;
    }
    return out;
  }
  if (event.access) {
    return fmt::format("A\n{}\n{}\n{}", origin, static_cast<int>(event.access->kind), event.access->subject);
  }
  // The subject slot: the message id of a message event, the user id of a member event.
  const std::string& subject = is_member_event(event.kind) ? event.member_id : event.message_id;
  return fmt::format("E\n{}\n{}\n{}\n{}\n{}", origin, static_cast<int>(event.kind), event.channel_id, subject,
                     event.json ? *event.json : std::string());
}

std::string encode_gap(const std::string& origin, int64_t since_ms,
                       const std::vector<std::string>& channels) {
  std::string out = "G\n" + origin + "\n" + std::to_string(since_ms);
  for (const auto& channel : channels) out += "\n" + channel;
  return out;
}

std::optional<RelayMessage> decode_relay_message(const std::string& payload) {
  // Splits off the next '\n'-terminated field from position pos.
  size_t pos = 0;
  auto field = [&](std::string& out) {
    size_t end = payload.find('\n', pos);
    if (end == std::string::npos) return false;
    out = payload.substr(pos, end - pos);
    pos = end + 1;
    return true;
  };
  std::string type;
  RelayMessage decoded;
  if (!field(type)) return std::nullopt;
  if (type == "G") {
    std::string since;
    if (!field(decoded.origin) || decoded.origin.empty()) return std::nullopt;
    size_t end = payload.find('\n', pos);
    since = payload.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (!all_digits(since, 18)) return std::nullopt;
    decoded.since_ms = std::stoll(since);
    pos = end;
    while (pos != std::string::npos) {
      ++pos;
      end = payload.find('\n', pos);
      std::string channel = payload.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
      if (!channel.empty()) decoded.channels.push_back(std::move(channel));
      pos = end;
    }
    return decoded;
  }
  if (type == "P") return decode_presence(payload, pos);
  if (type == "A") {
    std::string kind;
    if (!field(decoded.origin) || decoded.origin.empty() || !field(kind)) return std::nullopt;
    chat::AccessEvent::Kind access_kind;
    if (kind == std::to_string(static_cast<int>(chat::AccessEvent::Kind::kSessionEnded))) {
      access_kind = chat::AccessEvent::Kind::kSessionEnded;
    } else if (kind == std::to_string(static_cast<int>(chat::AccessEvent::Kind::kUserChanged))) {
      access_kind = chat::AccessEvent::Kind::kUserChanged;
    } else {
      return std::nullopt;
    }
    std::string subject = payload.substr(pos);
    if (subject.empty() || subject.find('\n') != std::string::npos) return std::nullopt;
    decoded.event = make_hub_event(chat::AccessEvent{access_kind, std::move(subject)});
    return decoded;
  }
  if (type != "E") return std::nullopt;
  std::string kind, channel, message_id;
  if (!field(decoded.origin) || !field(kind) || !field(channel) || !field(message_id)) return std::nullopt;
  if (!all_digits(kind, 2) || !valid_kind(std::stoi(kind)) || channel.empty()) return std::nullopt;
  auto event = std::make_shared<HubEvent>();
  event->kind = static_cast<chat::ChannelEvent::Kind>(std::stoi(kind));
  event->channel_id = std::move(channel);
  (is_member_event(event->kind) ? event->member_id : event->message_id) = std::move(message_id);
  event->json = std::make_shared<const std::string>(payload.substr(pos));
  decoded.event = std::move(event);
  return decoded;
}

}  // namespace townhall::realtime
