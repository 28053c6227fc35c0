// SocketContext: what every WebSocket of one chat server shares: the API
// (authentication, per-user limits, the chat), the hub, presence, the metrics, the
// worker pool for store calls, the options, the registry (caps, logouts) and
// the server's connection set (its graceful stop). Owned by the server.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "api/chat_api.h"
#include "api/metrics.h"
#include "net/connection_set.h"
#include "realtime/hub.h"
#include "realtime/presence.h"
#include "realtime/websocket_options.h"
#include "realtime/websocket_registry.h"

namespace townhall::realtime {

struct SocketContext {
  api::ChatApi& api;
  Hub& hub;
  Presence& presence;
  api::Metrics& metrics;
  boost::asio::thread_pool& workers;
  const WebSocketOptions& options;
  WebSocketRegistry& registry;
  net::ConnectionSet& connections;
};

}  // namespace townhall::realtime
