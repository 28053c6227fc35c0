#include "cli/serve_command.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "api/hub.h"
#include "api/metrics.h"
#include "api/redis_relay.h"
#include "api/server.h"
#include "api/timed_database.h"
#include "chat/chat_service.h"
#include "cli/admin_socket.h"
#include "cli/endpoint_keys.h"
#include "cli/listen_address.h"
#include "cli/store_factory.h"
#include "engine/engine.h"
#include "wire/server.h"

namespace townhall::cli {
namespace {

struct ServeSettings {
  StoreOptions store;
  api::ServerOptions server;
  chat::ChatOptions chat;
  std::string password_cost = "interactive";
  std::string log_level = "info";
  double session_cache_seconds = 30;
  int64_t drain_seconds = 10;
  int64_t ping_seconds = 20;
  std::string dynamodb_listen = "127.0.0.1:8000";
  std::string dynamodb_credentials;
  std::string pubsub;  // redis://host:port, or empty: in process only
  int64_t pubsub_buffer = 10000;
};

// Enough descriptors for tens of thousands of WebSockets, as far as the hard limit allows.
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

int serve(ServeSettings& settings) {
  spdlog::set_level(spdlog::level::from_str(settings.log_level));
  raise_open_file_limit();
  // SIGINT and SIGTERM are taken with sigwait below; every thread started from
  // here on inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto store = open_store(settings.store);
  if (!store.ok()) {
    std::fprintf(stderr, "townhall serve: %s\n", store.error().to_string().c_str());
    return 1;
  }
  // `townhall backup` asks this process for checkpoints: RocksDB lets only
  // the process that has the store open take a consistent one while it runs.
  std::unique_ptr<AdminSocket> admin;
  if (auto* engine = dynamic_cast<engine::Engine*>(store->get());
      engine && settings.store.kind == "embedded" && !settings.store.in_memory) {
    auto started = AdminSocket::start(admin_socket_path(settings.store.data_dir),
                                      [engine](const std::string& dir) { return engine->checkpoint(dir); });
    if (started.ok()) {
      admin = std::move(started).value();
    } else {
      spdlog::warn("no online backups: {}", started.error().message);
    }
  }
  api::Metrics metrics;
  api::TimedDatabase db(**store, metrics);
  // Across nodes: every committed event goes through Redis (docs/deploy.md).
  std::unique_ptr<api::RedisRelay> relay;
  if (!settings.pubsub.empty()) {
    auto relay_options = api::parse_redis_url(settings.pubsub);
    if (!relay_options.ok()) {
      std::fprintf(stderr, "townhall serve: %s\n", relay_options.error().message.c_str());
      return 1;
    }
    relay_options->channel = "townhall:" + settings.chat.table_name + ":events";
    relay_options->max_buffered = static_cast<size_t>(std::max<int64_t>(1, settings.pubsub_buffer));
    relay = std::make_unique<api::RedisRelay>(std::move(relay_options).value());
    metrics.extra = [relay = relay.get()] { return relay->render_metrics(); };
  }
  api::Hub hub(relay.get());
  settings.chat.password_cost = settings.password_cost == "minimum"
                                    ? chat::ChatOptions::PasswordCost::kMinimum
                                    : chat::ChatOptions::PasswordCost::kInteractive;
  if (!settings.chat.clock_ms) {
    settings.chat.clock_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  chat::ChatService chat(db, settings.chat, &hub);
  if (auto status = chat.ensure_table(); !status.ok()) {
    std::fprintf(stderr, "townhall serve: table %s: %s\n", settings.chat.table_name.c_str(),
                 status.error().message.c_str());
    return 1;
  }

  api::ServerOptions& options = settings.server;
  options.api.session_cache_ttl =
      std::chrono::milliseconds(static_cast<int64_t>(settings.session_cache_seconds * 1000));
  options.drain_timeout = std::chrono::seconds(settings.drain_seconds);
  options.websocket.ping_interval = std::chrono::seconds(settings.ping_seconds);
  std::string table = settings.chat.table_name;
  ddb::Database* raw_store = store->get();
  options.readiness = [raw_store, table]() -> chat::Status {
    ddb::DescribeTableRequest request;
    request.table_name = table;
    auto described = raw_store->describe_table(request);
    if (!described.ok()) return chat::Error::FromStore(described.error());
    return chat::Status::Ok();
  };

  api::Server server(chat, hub, metrics, options);
  if (relay) {
    relay->start(hub, [&server](const std::vector<std::string>& channels, int64_t since_ms) {
      server.resync(channels, since_ms);
    });
    // Not required: without Redis the node serves, stores every send and
    // delivers to its own clients; other nodes' events arrive once it connects.
    if (!relay->wait_connected(std::chrono::seconds(3))) {
      spdlog::warn("pubsub: {} is not answering yet; serving, and retrying in the background",
                   settings.pubsub);
    }
  }
  if (auto status = server.start(); !status.ok()) {
    std::fprintf(stderr, "townhall serve: %s\n", status.error().message.c_str());
    if (relay) relay->stop();
    return 1;
  }
  std::printf("listening on %s (chat: REST, WebSocket, web page)\n", server.address().c_str());
  std::fflush(stdout);
  spdlog::info("chat server on http://{} (store: {})", server.address(), settings.store.describe());

  // The notebook and the chat share one store: the same engine, also over
  // DynamoDB's protocol. Its requests bypass the chat layer on purpose.
  std::unique_ptr<wire::DynamoDbServer> dynamodb;
  if (settings.dynamodb_listen != "off") {
    auto endpoint_options = parse_listen_address(settings.dynamodb_listen);
    if (!endpoint_options.ok()) {
      std::fprintf(stderr, "townhall serve: --dynamodb-listen: %s\n",
                   endpoint_options.error().message.c_str());
      server.stop();
      if (relay) relay->stop();
      return 1;
    }
    auto keys = load_endpoint_keys(settings.dynamodb_credentials);
    if (!keys.ok()) {
      std::fprintf(stderr, "townhall serve: --dynamodb-credentials: %s\n", keys.error().message.c_str());
      server.stop();
      return 1;
    }
    endpoint_options->keys = std::move(keys).value();
    dynamodb = std::make_unique<wire::DynamoDbServer>(**store, endpoint_options.value());
    if (auto status = dynamodb->start(); !status.ok()) {
      std::fprintf(stderr, "townhall serve: DynamoDB endpoint: %s\n", status.error().message.c_str());
      server.stop();
      if (relay) relay->stop();
      return 1;
    }
    std::printf("listening on %s (DynamoDB endpoint)\n", dynamodb->endpoint().c_str());
    std::fflush(stdout);
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("{}: shutting down (draining for up to {}s)", signal_number == SIGINT ? "SIGINT" : "SIGTERM",
               settings.drain_seconds);
  if (dynamodb) dynamodb->stop();
  server.stop();
  if (relay) relay->stop();  // before the server it calls back goes away
  spdlog::info("stopped");
  return 0;
}

}  // namespace

void register_serve_command(CLI::App& app) {
  auto settings = std::make_shared<ServeSettings>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the chat server: REST API, WebSocket and web page");
  cmd->set_config("--config", "", "Read options from a TOML or INI file (keys are the long option names)");
  auto& s = *settings;
  auto& o = s.server;
  cmd->add_option("--listen", o.listen, "Chat address host:port (port 0 picks a free one)")
      ->envname("TOWNHALL_LISTEN")
      ->capture_default_str();
  add_store_options(cmd, s.store);
  cmd->add_option("--dynamodb-listen", s.dynamodb_listen,
                  "Also serve the store as a DynamoDB endpoint at host:port (off: don't)")
      ->envname("TOWNHALL_DYNAMODB_LISTEN")
      ->capture_default_str();
  cmd->add_option("--dynamodb-credentials", s.dynamodb_credentials,
                  "The endpoint accepts only requests signed by a key in this file (default: any key)")
      ->envname("TOWNHALL_DYNAMODB_CREDENTIALS");
  cmd->add_option("--table", s.chat.table_name, "Chat table name")
      ->envname("TOWNHALL_TABLE")
      ->capture_default_str();
  cmd->add_option("--node-id", s.chat.node_id, "This node's id in message ids (0-65535), unique per node")
      ->envname("TOWNHALL_NODE_ID")
      ->capture_default_str();
  cmd->add_option("--pubsub", s.pubsub,
                  "Relay live events between nodes through Redis: redis://[[user]:password@]host[:port]")
      ->envname("TOWNHALL_PUBSUB");
  cmd->add_option("--pubsub-buffer", s.pubsub_buffer,
                  "Events kept for Redis while it is slow or away (the oldest are dropped beyond)")
      ->envname("TOWNHALL_PUBSUB_BUFFER")
      ->capture_default_str();
  cmd->add_option("--password-cost", s.password_cost, "Argon2id cost: interactive, or minimum (tests only)")
      ->envname("TOWNHALL_PASSWORD_COST")
      ->check(CLI::IsMember({"interactive", "minimum"}))
      ->capture_default_str();
  cmd->add_option("--threads", o.threads, "Network threads")
      ->envname("TOWNHALL_THREADS")
      ->capture_default_str();
  cmd->add_option("--workers", o.workers, "Worker threads for store calls")
      ->envname("TOWNHALL_WORKERS")
      ->capture_default_str();
  cmd->add_option("--max-body-bytes", o.api.max_body_bytes, "Largest request body")
      ->envname("TOWNHALL_MAX_BODY_BYTES")
      ->capture_default_str();
  cmd->add_option("--max-header-bytes", o.max_header_bytes, "Largest request head")
      ->envname("TOWNHALL_MAX_HEADER_BYTES")
      ->capture_default_str();
  cmd->add_option("--rate-ip", o.api.per_ip.rate, "Requests per second per client address (0: no limit)")
      ->envname("TOWNHALL_RATE_IP")
      ->capture_default_str();
  cmd->add_option("--rate-ip-burst", o.api.per_ip.burst, "Burst per client address")
      ->envname("TOWNHALL_RATE_IP_BURST")
      ->capture_default_str();
  cmd->add_option("--rate-user", o.api.per_user.rate,
                  "Requests and WebSocket sends per second per user (0: no limit)")
      ->envname("TOWNHALL_RATE_USER")
      ->capture_default_str();
  cmd->add_option("--rate-user-burst", o.api.per_user.burst, "Burst per user")
      ->envname("TOWNHALL_RATE_USER_BURST")
      ->capture_default_str();
  cmd->add_option("--rate-auth", o.api.auth_per_ip.rate,
                  "Signups and logins per second per address (0: no limit)")
      ->envname("TOWNHALL_RATE_AUTH")
      ->capture_default_str();
  cmd->add_option("--rate-auth-burst", o.api.auth_per_ip.burst, "Burst of signups and logins per address")
      ->envname("TOWNHALL_RATE_AUTH_BURST")
      ->capture_default_str();
  cmd->add_option("--session-cache-seconds", s.session_cache_seconds, "How long a session lookup is cached")
      ->envname("TOWNHALL_SESSION_CACHE_SECONDS")
      ->capture_default_str();
  cmd->add_flag("--secure-cookies", o.api.cookies.secure, "Mark cookies Secure (serving behind TLS)")
      ->envname("TOWNHALL_SECURE_COOKIES");
  cmd->add_option("--ws-ping-seconds", s.ping_seconds,
                  "WebSocket ping interval; closed after two silent ones")
      ->envname("TOWNHALL_WS_PING_SECONDS")
      ->capture_default_str();
  cmd->add_option("--ws-queue-frames", o.websocket.max_queue_frames, "Outgoing frames queued per WebSocket")
      ->envname("TOWNHALL_WS_QUEUE_FRAMES")
      ->capture_default_str();
  cmd->add_option("--ws-queue-bytes", o.websocket.max_queue_bytes, "Outgoing bytes queued per WebSocket")
      ->envname("TOWNHALL_WS_QUEUE_BYTES")
      ->capture_default_str();
  cmd->add_option("--ws-send-buffer", o.websocket.send_buffer_bytes,
                  "Kernel send buffer per WebSocket in bytes (0: kernel autotuning)")
      ->envname("TOWNHALL_WS_SEND_BUFFER")
      ->capture_default_str();
  cmd->add_option("--drain-seconds", s.drain_seconds, "Graceful shutdown deadline")
      ->envname("TOWNHALL_DRAIN_SECONDS")
      ->capture_default_str();
  cmd->add_option("--log-level", s.log_level, "trace, debug, info, warn, error, off")
      ->envname("TOWNHALL_LOG_LEVEL")
      ->capture_default_str();
  cmd->add_flag("!--no-access-log", o.log_requests, "Do not log one line per HTTP request")
      ->envname("TOWNHALL_ACCESS_LOG");
  cmd->callback([settings] {
    int code = serve(*settings);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace townhall::cli
