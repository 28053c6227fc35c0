#include "cli/serve_command.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <memory>

#include "api/metrics.h"
#include "api/timed_database.h"
#include "chat/chat_service.h"
#include "cli/admin_command.h"
#include "cli/admin_socket.h"
#include "cli/data_dir.h"
#include "cli/endpoint_keys.h"
#include "cli/listen_address.h"
#include "cli/logging.h"
#include "cli/periodic_task.h"
#include "cli/search_setup.h"
#include "cli/serve_config.h"
#include "cli/serve_settings.h"
#include "cli/serve_tls.h"
#include "engine/engine.h"
#include "files/blob_store_factory.h"
#include "net/address.h"
#include "net/fd_budget.h"
#include "net/io_pool.h"
#include "realtime/hub.h"
#include "realtime/presence.h"
#include "realtime/redis_relay.h"
#include "server/chat_server.h"
#include "wire/server.h"

namespace townhall::cli {
namespace {

// Exit codes: 1 a start-up failure, 2 a TLS certificate or key that cannot
// be served (restarting will not help: fix the files or flags), 3 the store
// stopped accepting writes for good (the supervisor restarts the process; a
// fresh open recovers).
constexpr int kExitBadTls = 2;
constexpr int kExitStoreFailed = 3;

// The DynamoDB endpoint over the chat's store, when asked for
// (--dynamodb-listen): always with keys, given or generated, and never
// reachable from other machines with a guessable one (docs/security.md).
ddb::Result<std::unique_ptr<wire::DynamoDbServer>> start_endpoint(ServeSettings& settings,
                                                                  ddb::Database& store,
                                                                  std::shared_ptr<net::Budget> budget,
                                                                  net::IoPool& pool) {
  auto endpoint_options = parse_listen_address(settings.dynamodb_listen);
  if (!endpoint_options.ok()) {
    return ddb::Error::Validation("--dynamodb-listen: " + endpoint_options.error().message);
  }
  bool saved = settings.store.kind == "embedded" && !settings.store.in_memory;
  auto keys = serve_endpoint_keys(settings.dynamodb_credentials,
                                  saved ? settings.store.data_dir + "/dynamodb-credentials" : std::string());
  if (!keys.ok()) return ddb::Error::Validation("--dynamodb-credentials: " + keys.error().message);
  endpoint_options->keys = std::move(keys).value();
  TH_RETURN_IF_ERROR(check_exposure(endpoint_options->address, endpoint_options->keys,
                                    settings.insecure_public_dynamodb, "--dynamodb-listen"));
  endpoint_options->region = settings.dynamodb_region;
  endpoint_options->hosts.names = settings.dynamodb_allowed_hosts;
  endpoint_options->limits.max_per_address = settings.dynamodb_max_connections_per_ip;
  endpoint_options->budget = std::move(budget);
  auto server = std::make_unique<wire::DynamoDbServer>(store, endpoint_options.value(), &pool);
  if (auto status = server->start(); !status.ok()) {
    return ddb::Error::Validation("DynamoDB endpoint: " + status.error().message);
  }
  return server;
}

// Waits for SIGINT/SIGTERM; a SIGHUP (when in `signals`) runs on_hangup and
// waits on. Meanwhile, if the store refuses writes for longer than allowed,
// gives up (false). `healthy` is polled once a second.
bool wait_for_signal(const sigset_t& signals, const std::function<ddb::Status()>& healthy,
                     int64_t failure_limit, const std::function<void()>& on_hangup, int* signal_number) {
  // Since when the store refuses writes; min(): it does not. (Not an
  // optional: GCC 12 then warns, wrongly, that it may be used uninitialized.)
  constexpr auto kNotFailing = std::chrono::steady_clock::time_point::min();
  auto failing_since = kNotFailing;
  for (;;) {
    timespec second{1, 0};
    int received = sigtimedwait(&signals, nullptr, &second);
    if (received == SIGHUP) {
      if (on_hangup) on_hangup();
    } else if (received > 0) {
      *signal_number = received;
      return true;
    }
    if (!healthy) continue;
    ddb::Status status = healthy();
    if (status.ok()) {
      if (failing_since != kNotFailing) spdlog::info("the store accepts writes again");
      failing_since = kNotFailing;
      continue;
    }
    auto now = std::chrono::steady_clock::now();
    if (failing_since == kNotFailing) {
      failing_since = now;
      spdlog::error("the store refuses writes ({}); not ready; retrying", status.error().message);
    }
    if (failure_limit > 0 && now - failing_since > std::chrono::seconds(failure_limit)) {
      spdlog::critical("the store has refused writes for {}s: exiting for a restart", failure_limit);
      return false;
    }
  }
}

// The chat listens where other machines can reach it (":8080" is loopback).
bool listens_beyond_loopback(const ServeSettings& settings) {
  const std::string& listen = settings.server.listen;
  return !net::is_loopback_listen_address(listen.substr(0, listen.rfind(':')));
}

void warn_about_exposure(const ServeSettings& settings) {
  const auto& options = settings.server;
  if (listens_beyond_loopback(settings) && !options.api.cookies.secure) {
    spdlog::warn(
        "the chat listens on {} over plain HTTP without --secure-cookies: passwords and session "
        "cookies cross the network in the clear; give it --tls-cert and --tls-key, or serve it behind a "
        "TLS proxy and pass --secure-cookies",
        options.listen);
  }
}

// Who may sign up and who owns the team, at start: --signup if given; on
// an address others can reach, a new team starts invite-only and its first
// account needs an invite made on the machine. False (and said) when
// --signup cannot be applied.
bool set_up_team(chat::ChatService& chat, const ServeSettings& settings) {
  // --signup replaces what the owner last chose in the page; the team's
  // owner can change it again until the next start that names it.
  if (!settings.signup.empty()) {
    auto policy = chat::signup_policy_from_name(settings.signup);
    auto applied =
        chat.team().set_signup(chat::TeamService::command_line(), *policy, settings.signup_domains);
    if (!applied.ok()) {
      std::fprintf(stderr, "townhall serve: --signup: %s\n", applied.error().message.c_str());
      return false;
    }
  }
  auto team = chat.team().settings();
  if (team.ok() && team->claimable && listens_beyond_loopback(settings)) {
    // Secure by default: a new team that anyone on the network could reach
    // starts invite-only (unless --signup says otherwise; the owner may
    // open it later), and whoever reaches it first does not get to own it:
    // its first account brings an invite link made on this machine.
    if (settings.signup.empty() && team->signup == chat::SignupPolicy::kOpen) {
      team = chat.team().set_signup(chat::TeamService::command_line(), chat::SignupPolicy::kInvite, {});
    }
    if (team.ok()) team = chat.team().claim_by_invite_only();
  }
  if (team.ok()) {
    spdlog::info("sign-up: {}", chat::signup_policy_name(team->signup));
    if (team->claimable && team->claim_by_invite) {
      std::string store = settings.store.kind == "embedded" ? "--data " + settings.store.data_dir
                                                            : "--store dynamodb (and its endpoint)";
      spdlog::warn(
          "the team has no owner yet: its first account signs up with an invite link, made here with "
          "`townhall admin {} invite --url https://<this server>` (docs/admin.md)",
          store);
    } else if (team->claimable) {
      spdlog::info("the team has no owner yet: the first account to sign up owns it");
    }
  }
  return true;
}

int serve(ServeSettings& settings) {
  auto log_format = api::parse_log_format(settings.log_format).value_or(api::LogFormat::kText);
  setup_logging(settings.log_level, log_format);
  settings.server.frontend.log_format = log_format;
  // Sockets get what the store does not need: a flood of connections can
  // never take the descriptors a flush or compaction opens.
  net::FdBudget fds = net::raise_and_split_fd_limit();
  auto budget = std::make_shared<net::Budget>(fds.sockets);
  settings.store.max_open_files = static_cast<int>(fds.store_open_files);
  // HTTPS: the certificate and key are checked before anything opens or listens.
  if (std::string error; !setup_tls(settings, &error)) {
    std::fprintf(stderr, "townhall serve: %s\n", error.c_str());
    return kExitBadTls;
  }
  // SIGINT, SIGTERM and SIGHUP (reload: the TLS certificate, if any) are
  // taken with sigwait below; every thread started from here on inherits the
  // blocked mask. SIGHUP never ends the server: `systemctl reload` sends it
  // whatever the configuration.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  if (settings.store.kind == "embedded" && !settings.store.in_memory) warn_if_shared(settings.store.data_dir);
  auto store = open_store(settings.store);
  if (!store.ok()) {
    std::fprintf(stderr, "townhall serve: %s\n", store.error().to_string().c_str());
    return 1;
  }
  auto* engine = dynamic_cast<engine::Engine*>(store->get());
  // `townhall backup` asks this process for checkpoints: RocksDB lets only
  // the process that has the store open take a consistent one while it runs.
  std::unique_ptr<AdminSocket> admin;
  if (engine && settings.store.kind == "embedded" && !settings.store.in_memory) {
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
  std::unique_ptr<realtime::RedisRelay> relay;
  if (!settings.pubsub.empty()) {
    auto redis = realtime::parse_redis_url(settings.pubsub);
    if (!redis.ok()) {
      std::fprintf(stderr, "townhall serve: %s\n", redis.error().message.c_str());
      return 1;
    }
    realtime::RedisRelayOptions relay_options;
    relay_options.redis = std::move(redis).value();
    relay_options.channel = "townhall:" + settings.chat.table_name + ":events";
    relay_options.max_buffered = static_cast<size_t>(std::max<int64_t>(1, settings.pubsub_buffer));
    relay = std::make_unique<realtime::RedisRelay>(std::move(relay_options));
    metrics.extra = [relay = relay.get()] { return relay->render_metrics(); };
  }
  realtime::Hub hub(relay.get());
  // Online / away / offline across nodes (docs/websocket.md#presence).
  realtime::Presence presence(
      hub, relay.get(),
      {std::chrono::milliseconds(static_cast<int64_t>(settings.presence_interval_seconds * 1000))});
  if (relay) {
    relay->set_presence_handlers(
        {[&presence](const std::string& node, const realtime::PresenceReport& report) {
           presence.on_report(node, report);
         },
         [&presence] { presence.on_subscribed(); }});
  }
  settings.chat.password_cost = settings.password_cost == "minimum"
                                    ? chat::ChatOptions::PasswordCost::kMinimum
                                    : chat::ChatOptions::PasswordCost::kInteractive;
  if (!settings.chat.clock_ms) settings.chat.clock_ms = chat::wall_clock_ms;
  chat::ChatService chat(db, settings.chat, &hub);
  chat.set_presence(&presence);  // "@here"
  if (auto status = chat.ensure_table(); !status.ok()) {
    std::fprintf(stderr, "townhall serve: table %s: %s\n", settings.chat.table_name.c_str(),
                 status.error().message.c_str());
    return 1;
  }
  if (!set_up_team(chat, settings)) return 2;
  // `townhall admin` on this store runs here, through the admin socket.
  if (admin) {
    admin->set_admin_command([&chat](const std::vector<std::string>& args, std::string* out) {
      return run_admin_command(chat, args, *out);
    });
  }
  struct AdminDetach {  // before chat goes: no admin command may reach it after
    AdminSocket* socket;
    ~AdminDetach() {
      if (socket) socket->set_admin_command({});
    }
  } admin_detach{admin.get()};
  // Expired sessions and send guards leave the table (the embedded store's TTL sweeper, or DynamoDB's).
  if (auto expiry = chat.enable_expiry(); !expiry.ok()) {
    spdlog::warn("table {}: Time to Live not enabled ({}); expired sessions stay until overwritten",
                 settings.chat.table_name, expiry.error().message);
  } else if (!*expiry) {
    spdlog::info("table {}: Time to Live is on another attribute; expired sessions stay until overwritten",
                 settings.chat.table_name);
  }

  // Message search: an index fed from the table's stream (docs/search.md).
  SearchParts search;
  if (std::string path = search_index_path(settings.store, settings.search_index); !path.empty()) {
    auto started = [&]() -> chat::Status {
      search::IndexerOptions indexer_options;
      if (engine) indexer_options.stream_view = "KEYS_ONLY";
      TH_ASSIGN_OR_RETURN(search, open_search(**store, chat, path, indexer_options));
      return search.indexer->start();
    }();
    if (!started.ok()) {
      // Chat works without search; /api/search answers that it is off.
      spdlog::error("search is off: {}", started.error().message);
      search = {};
    }
  }

  // Shared files: bytes in a blob store, items in the table (docs/files.md).
  std::unique_ptr<chat::BlobStore> blobs;
  std::unique_ptr<PeriodicTask> file_sweeper;
  bool local_store = settings.store.kind == "embedded" && !settings.store.in_memory;
  if (settings.files != "off" && (!settings.files.empty() || local_store)) {
    auto opened = files::open_blob_store({settings.files, settings.files_endpoint, ""},
                                         settings.store.data_dir + "/files");
    if (!opened.ok()) {
      std::fprintf(stderr, "townhall serve: --files: %s\n", opened.error().message.c_str());
      return 1;
    }
    blobs = std::move(opened).value();
    chat::FileOptions file_options;
    file_options.max_file_bytes = settings.max_file_mb * 1024 * 1024;
    file_options.quota_bytes = settings.files_quota_mb * 1024 * 1024;
    file_options.orphan_after_ms = static_cast<int64_t>(settings.files_orphan_seconds * 1000);
    file_options.blob_grace_ms = static_cast<int64_t>(settings.files_grace_seconds * 1000);
    chat.files().set_blobs(blobs.get(), file_options);
    settings.server.api.max_upload_bytes = static_cast<size_t>(file_options.max_file_bytes);
    file_sweeper = std::make_unique<PeriodicTask>(
        std::chrono::milliseconds(static_cast<int64_t>(settings.files_sweep_seconds * 1000)), [&chat] {
          auto swept = chat.files().sweep();
          if (!swept.ok()) {
            spdlog::warn("files: sweep: {}", swept.error().message);
          } else if (swept->orphans || swept->blobs_removed) {
            spdlog::info("files: removed {} unsent uploads and {} unreferenced blobs", swept->orphans,
                         swept->blobs_removed);
          }
        });
  }

  server::ChatServerOptions& options = settings.server;
  options.api.search = search.service.get();
  options.api.session_cache_ttl =
      std::chrono::milliseconds(static_cast<int64_t>(settings.session_cache_seconds * 1000));
  options.drain_timeout = std::chrono::seconds(settings.drain_seconds);
  options.http.first_request_timeout =
      std::chrono::seconds(std::max<int64_t>(1, settings.first_request_seconds));
  options.websocket.ping_interval = std::chrono::seconds(settings.ping_seconds);
  options.websocket.recheck_interval = std::chrono::seconds(settings.ws_recheck_seconds);
  options.limits.max_total =
      settings.max_connections ? std::min(settings.max_connections, fds.sockets) : fds.sockets;
  options.budget = budget;
  std::string error;
  auto proxies = net::AddressRanges::parse(settings.trusted_proxies, &error);
  if (!proxies) {
    std::fprintf(stderr, "townhall serve: --trusted-proxy: %s\n", error.c_str());
    return 1;
  }
  options.trusted_proxies = *proxies;
  options.limits.exempt = *proxies;  // a proxy carries everyone's connections
  // Ready while the store answers and accepts writes.
  std::function<ddb::Status()> store_health;
  if (engine) store_health = [engine] { return engine->health(); };
  std::string table = settings.chat.table_name;
  ddb::Database* raw_store = store->get();
  options.frontend.readiness = [raw_store, table, store_health]() -> chat::Status {
    if (store_health) {
      if (auto health = store_health(); !health.ok()) return chat::Error::FromStore(health.error());
    }
    ddb::DescribeTableRequest request;
    request.table_name = table;
    auto described = raw_store->describe_table(request);
    if (!described.ok()) return chat::Error::FromStore(described.error());
    return chat::Status::Ok();
  };
  warn_about_exposure(settings);

  // One set of network loops for both listeners.
  net::IoPool pool(settings.threads);
  pool.start();
  server::ChatServer server(pool, chat, hub, presence, metrics, options);
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
  presence.start();
  if (auto status = server.start(); !status.ok()) {
    std::fprintf(stderr, "townhall serve: %s\n", status.error().message.c_str());
    if (relay) relay->stop();
    pool.stop();
    return 1;
  }

  // The notebook against the chat's live store: the same engine, also over
  // DynamoDB's protocol, when asked for. Its requests bypass the chat layer
  // (and its authorization), so it always wants keys.
  std::unique_ptr<wire::DynamoDbServer> dynamodb;
  if (settings.dynamodb_listen != "off") {
    auto started = start_endpoint(settings, **store, budget, pool);
    if (!started.ok()) {
      std::fprintf(stderr, "townhall serve: %s\n", started.error().message.c_str());
      server.stop();
      if (relay) relay->stop();
      pool.stop();
      return 1;
    }
    dynamodb = std::move(started).value();
  }
  announce("listening on " + server.address() + " (chat: REST, WebSocket, web page)");
  if (dynamodb) announce("listening on " + dynamodb->endpoint() + " (DynamoDB endpoint)");
  if (!server.redirect_address().empty()) {
    announce("listening on " + server.redirect_address() + " (HTTP redirect to HTTPS)");
  }
  spdlog::info("chat server on {}://{} (store: {})", server.scheme(), server.address(),
               settings.store.describe());

  int signal_number = 0;
  std::shared_ptr<net::TlsContext> tls = settings.server.tls;
  bool signalled = wait_for_signal(
      signals, store_health, settings.store_failure_seconds,
      [tls] {
        if (tls) {
          reload_tls(*tls);
        } else {
          spdlog::info("SIGHUP: nothing to reload (no TLS certificate)");
        }
      },
      &signal_number);
  if (signalled) {
    spdlog::info("{}: shutting down (draining for up to {}s)", signal_number == SIGINT ? "SIGINT" : "SIGTERM",
                 settings.drain_seconds);
  }
  if (dynamodb) dynamodb->stop();
  server.stop();
  presence.stop();
  if (relay) relay->stop();  // before the server and presence it calls back go away
  pool.stop();
  if (search.indexer) search.indexer->stop();
  if (file_sweeper) file_sweeper->stop();
  spdlog::info("stopped");
  return signalled ? 0 : kExitStoreFailed;
}

}  // namespace

void register_serve_command(CLI::App& app) {
  auto settings = std::make_shared<ServeSettings>();
  auto config = std::make_shared<ConfigFileSettings>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the chat server: REST API, WebSocket and web page");
  add_config_flags(cmd, *config);
  add_serve_flags(cmd, *settings);
  cmd->callback([settings, config, cmd] {
    apply_config_file(cmd, *config);  // flags and TOWNHALL_* are in; the file fills what they left
    if (config->print_config) {
      std::fputs(effective_config(cmd).c_str(), stdout);
      return;
    }
    int code = serve(*settings);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace townhall::cli
