// ServerOptions: everything `townhall serve` can tune about the chat server,
// with the defaults documented in docs/configuration.md.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <thread>

#include "api/chat_api.h"
#include "chat/error.h"
#include "net/address.h"
#include "net/connection_limiter.h"

namespace townhall::api {

struct WebSocketOptions {
  std::chrono::seconds ping_interval{20};  // closed after two intervals without hearing from the client
  std::chrono::seconds auth_timeout{10};   // for {"type":"auth"} when the upgrade carried no credentials
  size_t max_frame_bytes = 16 * 1024;      // client frames
  size_t max_queue_frames = 1024;          // outgoing, per connection, before "slow consumer"
  size_t max_queue_bytes = 4 * 1024 * 1024;
  // The kernel's send buffer per WebSocket (SO_SNDBUF; 0 leaves Linux's
  // autotuning, which lets each socket grow to megabytes). Small and fixed,
  // it bounds kernel memory across many connections and lets the bounded
  // queue above notice a slow consumer quickly.
  int send_buffer_bytes = 64 * 1024;
  size_t max_subscriptions = 500;
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
  size_t max_replay = 10000;  // messages replayed per channel on resume
  // A resync (events lost between nodes) starts each subscription's catch-up
  // within this random delay, so a node's sessions do not hit the store at once.
  std::chrono::milliseconds resync_jitter{500};
};

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  // Network threads: one per core. Fan-out is bound by them (one WebSocket
  // write per subscriber per event): 1 thread delivered 82-88k frames/s on 2
  // cores, 2 threads the whole 100k/s offered (bench/chat_load).
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int workers = 8;  // threads for blocking chat/store calls
  size_t max_header_bytes = 16 * 1024;
  std::chrono::seconds read_timeout{30};  // one request's headers and body
  std::chrono::seconds idle_timeout{75};  // a keep-alive connection between requests
  // A new connection's first request must arrive within this time: idle
  // connections are how one client holds a server's descriptors.
  std::chrono::seconds first_request_timeout{10};
  // Connections at once, in all and per client address (limits.exempt: the
  // trusted proxies, which carry everyone's connections). budget: the
  // descriptors shared with the process's other listeners (nullptr: none).
  net::ConnectionLimits limits{50000, 1024, {}};
  std::shared_ptr<net::Budget> budget;
  // Peers whose X-Forwarded-For is believed (a reverse proxy); empty: nobody's.
  net::AddressRanges trusted_proxies;
  // /metrics: with a token, only to "Authorization: Bearer <token>"; without,
  // only to loopback clients that did not come through a proxy.
  std::string metrics_token;
  std::chrono::seconds drain_timeout{10};  // graceful shutdown deadline
  bool log_requests = true;
  ApiOptions api;
  WebSocketOptions websocket;
  // Answers /readyz: OK when the store answers. Unset means always ready.
  std::function<chat::Status()> readiness;
};

}  // namespace townhall::api
