#include "server/chat_server.h"

#include <spdlog/spdlog.h>

#include "realtime/websocket_session.h"
#include "realtime/websocket_upgrade.h"

namespace townhall::server {

namespace {

ChatServerOptions with_body_limit(ChatServerOptions options) {
  options.http.max_body_bytes = options.api.max_body_bytes;
  return options;
}

}  // namespace

ChatServer::ChatServer(net::IoPool& pool, chat::ChatService& chat, realtime::Hub& hub,
                       realtime::Presence& presence, api::Metrics& metrics, ChatServerOptions options)
    : options_(with_body_limit(std::move(options))),
      pool_(pool),
      hub_(hub),
      metrics_(metrics),
      api_(chat, metrics, options_.api),
      workers_(std::max(1, options_.workers)),
      frontend_(api_, metrics, workers_, options_.frontend, stopping_),
      connections_(pool),
      registry_(options_.websocket.max_per_user, options_.websocket.max_per_address),
      sockets_{api_, hub, presence, metrics, workers_, options_.websocket, registry_, connections_},
      http_state_{*this, connections_, options_.http, options_.trusted_proxies, stopping_},
      listener_(
          pool, {"chat", options_.limits, options_.budget},
          [this](boost::asio::ip::tcp::socket socket, net::ConnectionLimiter::Slot slot) {
            net::start_http_session(std::move(socket), std::move(slot), http_state_);
          },
          [this] { metrics_.connections_refused.fetch_add(1, std::memory_order_relaxed); }) {
  http_state_.tls = options_.tls.get();  // before start(): no session has begun
}

ChatServer::~ChatServer() {
  if (running_) stop();
}

chat::Status ChatServer::start() {
  std::string error;
  auto endpoint = net::parse_listen_address(options_.listen, &error);
  if (!endpoint) return chat::Error::InvalidArgument(error);
  if (auto failed = listener_.open(*endpoint)) return chat::Error{chat::Code::kUnavailable, *failed};
  if (!options_.redirect_http.empty()) {
    auto redirect_endpoint = net::parse_listen_address(options_.redirect_http, &error);
    std::optional<std::string> failed;
    if (redirect_endpoint) {
      net::ListenerOptions listener{"HTTP redirect", options_.limits, options_.budget};
      redirect_ = std::make_unique<net::HttpsRedirect>(pool_, std::move(listener), options_.http, port());
      failed = redirect_->open(*redirect_endpoint);
    }
    if (!redirect_endpoint || failed) {
      redirect_.reset();
      listener_.close();
      if (!redirect_endpoint) return chat::Error::InvalidArgument("--redirect-http: " + error);
      return chat::Error{chat::Code::kUnavailable, "--redirect-http: " + *failed};
    }
  }
  running_ = true;
  hub_.set_access_subscriber(this);
  listener_.start();
  if (redirect_) redirect_->start();
  return chat::Status::Ok();
}

void ChatServer::stop() {
  if (!running_) return;
  running_ = false;
  stopping_ = true;
  hub_.set_access_subscriber(nullptr);
  if (redirect_) redirect_->stop(options_.drain_timeout);
  listener_.close();
  connections_.close_all(false);  // idle HTTP closes, WebSockets get 1001, requests finish
  if (!connections_.wait_empty(options_.drain_timeout)) {
    spdlog::warn("shutdown: {} connections still open after {}s; closing them", connections_.size(),
                 options_.drain_timeout.count());
    connections_.close_all(true);
  }
  // Store calls still running finish and resume their (closed) connections,
  // which then end: nothing of this server is left on the shared loops.
  workers_.join();
  connections_.wait_empty(std::chrono::seconds(5));
}

void ChatServer::resync(const std::vector<std::string>& channels, int64_t since_ms) {
  api_.forget_all_sessions();
  for (auto& session : registry_.all()) {
    session->resync(channels, since_ms, options_.websocket.resync_jitter);
    session->recheck_soon();
  }
}

void ChatServer::on_access(const chat::AccessEvent& event) {
  switch (event.kind) {
    case chat::AccessEvent::Kind::kSessionEnded:
      api_.forget_session_hash(event.subject);
      for (auto& session : registry_.with_token(event.subject)) session->end_session();
      return;
    case chat::AccessEvent::Kind::kUserChanged:
      // Requests read the user afresh; sockets recheck their session now,
      // which closes them if it is void and otherwise takes the new role.
      api_.forget_user(event.subject);
      for (auto& session : registry_.with_user(event.subject)) session->recheck_soon();
      return;
  }
}

size_t ChatServer::body_limit(const net::HttpRequest& head) const {
  // POST /api/channels/{id}/files: an upload, up to the file size limit.
  if (head.method() != boost::beast::http::verb::post) return 0;
  std::string_view target = head.target();
  std::string_view path = target.substr(0, target.find('?'));
  constexpr std::string_view kChannels = "/api/channels/", kFiles = "/files";
  if (!path.starts_with(kChannels) || !path.ends_with(kFiles) ||
      path.size() <= kChannels.size() + kFiles.size()) {
    return 0;
  }
  std::string_view id = path.substr(kChannels.size(), path.size() - kChannels.size() - kFiles.size());
  if (id.find('/') != std::string_view::npos) return 0;
  return options_.api.max_upload_bytes;
}

boost::asio::awaitable<net::HttpResponse> ChatServer::serve(net::HttpRequest& request,
                                                            const net::Peer& peer) {
  co_return co_await frontend_.serve(request, peer);
}

net::HttpResponse ChatServer::refuse_body(const net::HttpRequest& head, size_t limit) {
  if (body_limit(head) == 0) return frontend_.refuse(413, head.version());
  // An upload: the file limit, as the API says it.
  return frontend_.error(head, "/api/channels/{id}/files", 413, "payload_too_large",
                         "a file is at most " + std::to_string(limit / (1024 * 1024)) + " MB");
}

net::HttpResponse ChatServer::refuse(int status, unsigned version) {
  return frontend_.refuse(status, version);
}

boost::asio::awaitable<std::optional<net::HttpResponse>> ChatServer::upgrade(
    boost::beast::tcp_stream& stream, net::ConnectionLimiter::Slot& slot, net::HttpRequest& request,
    const net::Peer& peer) {
  std::string_view target = request.target();
  if (target.substr(0, target.find('?')) != "/ws") co_return co_await frontend_.serve(request, peer);
  co_return co_await realtime::accept_websocket(sockets_, frontend_, stream, slot, request, peer);
}

boost::asio::awaitable<std::optional<net::HttpResponse>> ChatServer::upgrade_tls(
    net::TlsStream& stream, net::ConnectionLimiter::Slot& slot, net::HttpRequest& request,
    const net::Peer& peer) {
  std::string_view target = request.target();
  if (target.substr(0, target.find('?')) != "/ws") co_return co_await frontend_.serve(request, peer);
  co_return co_await realtime::accept_websocket(sockets_, frontend_, stream, slot, request, peer);
}

}  // namespace townhall::server
