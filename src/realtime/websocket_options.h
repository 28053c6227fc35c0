// WebSocketOptions: what `townhall serve` can tune about /ws, with the
// defaults documented in docs/configuration.md.
#pragma once

#include <chrono>
#include <cstddef>

namespace townhall::realtime {

struct WebSocketOptions {
  std::chrono::seconds ping_interval{20};  // closed after two intervals without hearing from the client
  std::chrono::seconds auth_timeout{10};   // for {"type":"auth"} when the upgrade carried no credentials
  size_t max_frame_bytes = 16 * 1024;      // client frames
  size_t max_queue_frames = 1024;          // outgoing, per connection, before "slow consumer"
  size_t max_queue_bytes = 4 * 1024 * 1024;
  // The kernel's send buffer per WebSocket (SO_SNDBUF; 0 leaves Linux's
  // autotuning, which lets each socket grow to megabytes). Small and fixed,
  // it bounds kernel memory across many connections and lets the bounded
  // queue notice a slow consumer quickly.
  int send_buffer_bytes = 64 * 1024;
  size_t max_subscriptions = 500;
  size_t max_replay = 10000;  // messages replayed per channel on resume
  // A resync (events lost between nodes) starts each subscription's catch-up
  // within this random delay, so a node's sessions do not hit the store at once.
  std::chrono::milliseconds resync_jitter{500};
  // Open WebSockets per user (tabs and devices) and per client address (an
  // office behind one NAT). More are refused: 429 at the upgrade, or close
  // code 4029 once the user is known.
  size_t max_per_user = 32;
  size_t max_per_address = 512;
  // How often a socket rechecks that its session is still valid and that
  // its user is still a member of its private channels. Logouts and leaves
  // end sockets at once through events; this bounds the time when an event
  // was lost between nodes.
  std::chrono::seconds recheck_interval{60};
};

}  // namespace townhall::realtime
