// ServerContext: what every session of one Server shares: the API, the hub,
// the metrics, the worker pool, the options, and the registry of open
// sessions that graceful shutdown walks. Internal to the server.
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

namespace townhall::api {

class HttpSession;
class WebSocketSession;

struct ServerContext {
  ServerContext(ChatApi& api, Hub& hub, Metrics& metrics, boost::asio::thread_pool& workers,
                const ServerOptions& options)
      : api(api), hub(hub), metrics(metrics), workers(workers), options(options) {}

  ChatApi& api;
  Hub& hub;
  Metrics& metrics;
  boost::asio::thread_pool& workers;
  const ServerOptions& options;

  std::atomic<bool> stopping{false};
  std::atomic<int> open_sessions{0};  // HTTP and WebSocket, for the shutdown drain

  // Registries for shutdown; sessions add themselves when they start and
  // remove themselves when they end.
  std::mutex mutex;
  std::unordered_map<const void*, std::weak_ptr<HttpSession>> http_sessions;
  std::unordered_map<const void*, std::weak_ptr<WebSocketSession>> websocket_sessions;
};

}  // namespace townhall::api
