// ChatServerOptions: everything `townhall serve` can tune about the chat
// port, with the defaults documented in docs/configuration.md.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "api/chat_api.h"
#include "api/http_frontend.h"
#include "net/address.h"
#include "net/connection_limiter.h"
#include "net/http_session.h"
#include "net/tls_context.h"
#include "realtime/websocket_options.h"

namespace townhall::server {

struct ChatServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one; no host: loopback
  int workers = 8;                        // threads for blocking chat/store calls
  // Header size and deadlines (the body limit is api.max_body_bytes).
  net::HttpLimits http;
  // Connections at once, in all and per client address (limits.exempt: the
  // trusted proxies, which carry everyone's connections). budget: the
  // descriptors shared with the process's other listeners (nullptr: none).
  net::ConnectionLimits limits{50000, 1024, {}};
  std::shared_ptr<net::Budget> budget;
  // Peers whose X-Forwarded-For is believed (a reverse proxy); empty: nobody's.
  net::AddressRanges trusted_proxies;
  std::chrono::seconds drain_timeout{10};  // graceful shutdown deadline
  api::ApiOptions api;
  api::FrontendOptions frontend;  // access log, /metrics, /readyz
  realtime::WebSocketOptions websocket;
  // Set: the port speaks only TLS (HTTPS and WSS) with this certificate,
  // reloadable (docs/deploy.md#https). nullptr: plain HTTP.
  std::shared_ptr<net::TlsContext> tls;
  // With tls: also a plain-HTTP listener at this host:port answering every
  // request with a redirect to https:// (net/https_redirect.h). Empty: none.
  std::string redirect_http;
};

}  // namespace townhall::server
