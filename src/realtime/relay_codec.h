// The relay's messages on the Redis channel: text, a '\n'-separated header,
// the event's JSON last (it may hold newlines):
//   E\n<origin>\n<kind>\n<chat channel id>\n<message id, member's user id, or empty>\n<event JSON>
//   A\n<origin>\n<access kind>\n<subject>   (an access event: a logout's session hash)
//   G\n<origin>\n<since ms>\n<chat channel id>...   (a gap: events minted from
//                                            since ms on; no channel ids means all)
//   P\n<origin>\n<ttl ms>\n<flags>\n<state><user id>...   (a presence report;
//        flags: "-", or f (full list) and/or a (asks for the others' lists);
//        state: o online, a away, x offline)
// origin is a random per-process id: a node skips its own messages.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "realtime/hub.h"

namespace townhall::realtime {

std::string encode_event(const std::string& origin, const HubEvent& event);
std::string encode_gap(const std::string& origin, int64_t since_ms, const std::vector<std::string>& channels);

struct RelayMessage {
  std::string origin;
  std::optional<SharedEvent> event;                // an event
  std::vector<std::string> channels;               // a gap notice (empty: all channels)
  int64_t since_ms = 0;                            // a gap notice
  std::shared_ptr<const PresenceReport> presence;  // a presence report
};
// nullopt for anything malformed.
std::optional<RelayMessage> decode_relay_message(const std::string& payload);

}  // namespace townhall::realtime
