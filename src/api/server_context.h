// ServerContext: what every session of one Server shares: the API, the hub,
// the metrics, the worker pool, the options, the connection limiter, and
// the registries of open sessions. Internal to the server.
#pragma once

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "api/chat_api.h"
#include "api/hub.h"
#include "api/metrics.h"
#include "api/server_options.h"
#include "api/websocket_registry.h"
#include "net/connection_limiter.h"

namespace townhall::api {

class HttpSession;
class WebSocketSession;

struct ServerContext {
  ServerContext(ChatApi& api, Hub& hub, Metrics& metrics, boost::asio::thread_pool& workers,
                const ServerOptions& options)
      : api(api),
        hub(hub),
        metrics(metrics),
        workers(workers),
        options(options),
        limiter(options.limits, options.budget),
        websockets(options.websocket.max_per_user, options.websocket.max_per_address) {}

  ChatApi& api;
  Hub& hub;
  Metrics& metrics;
  boost::asio::thread_pool& workers;
  const ServerOptions& options;

  net::ConnectionLimiter limiter;  // admission at accept (connection caps)

  std::atomic<bool> stopping{false};
  std::atomic<int> open_sessions{0};  // HTTP and WebSocket, for the shutdown drain

  // Registries; sessions add themselves when they start and remove
  // themselves when they end. HTTP sessions for shutdown; WebSockets also
  // for their caps and for logouts.
  std::mutex mutex;
  std::unordered_map<const void*, std::weak_ptr<HttpSession>> http_sessions;
  WebSocketRegistry websockets;
};

}  // namespace townhall::api
