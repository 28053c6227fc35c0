// townhall dynamodb --listen 127.0.0.1:8000 (--data DIR | --in-memory) [--credentials FILE]
//
// Serves the embedded engine over DynamoDB's HTTP protocol, a drop-in for
// DynamoDB Local. Like DynamoDB Local it accepts any key on loopback; beyond
// loopback it wants real credentials (or --insecure-public-dynamodb), and it
// answers only Host names that are IP literals, localhost or --allowed-host. Prints "listening on HOST:PORT"
// once it accepts connections (tests parse that line; --listen 127.0.0.1:0 picks a free port), stops
// gracefully on SIGINT or SIGTERM.
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli/data_dir.h"
#include "cli/dynamodb_command.h"
#include "cli/endpoint_keys.h"
#include "cli/listen_address.h"
#include "engine/engine.h"
#include "net/fd_budget.h"
#include "wire/server.h"

namespace townhall::cli {
namespace {

struct DynamoDbCommandOptions {
  std::string listen = "127.0.0.1:8000";
  std::string data_dir;
  bool in_memory = false;
  std::string credentials_file;
  unsigned io_threads = 0;
  unsigned store_threads = 2;
  double read_timeout_seconds = 30;
  double header_timeout_seconds = 10;
  size_t max_connections = 0;  // 0: what the descriptor budget allows
  size_t max_connections_per_ip = 512;
  std::vector<std::string> allowed_hosts;
  std::string region;
  bool insecure_public = false;
  std::string log_level = "info";
  double ttl_change_interval_seconds = 0;
};

int run_dynamodb(const DynamoDbCommandOptions& options) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("townhall"));
  spdlog::set_level(spdlog::level::from_str(options.log_level));

  auto listen = parse_listen_address(options.listen);
  if (!listen.ok()) {
    spdlog::error("--listen wants HOST:PORT: {}", listen.error().message);
    return 2;
  }
  wire::ServerOptions server_options = std::move(listen).value();
  auto keys = load_endpoint_keys(options.credentials_file);
  if (!keys.ok()) {
    spdlog::error("{}", keys.error().message);
    return 2;
  }
  server_options.keys = std::move(keys).value();
  if (auto exposed =
          check_exposure(server_options.address, server_options.keys, options.insecure_public, "--listen");
      !exposed.ok()) {
    spdlog::error("{}", exposed.error().message);
    return 2;
  }
  server_options.region = options.region;
  for (const auto& host : options.allowed_hosts) server_options.hosts.names.push_back(host);
  net::FdBudget fds = net::raise_and_split_fd_limit();
  server_options.limits.max_total =
      options.max_connections ? std::min(options.max_connections, fds.sockets) : fds.sockets;
  server_options.limits.max_per_address = options.max_connections_per_ip;
  server_options.header_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(options.header_timeout_seconds * 1000));
  server_options.io_threads = options.io_threads;
  server_options.store_threads = options.store_threads;
  server_options.read_timeout =
      std::chrono::milliseconds(static_cast<int64_t>(options.read_timeout_seconds * 1000));

  // Signals are taken by sigwait below; blocking them before any thread
  // starts keeps every thread from being interrupted by them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  engine::EngineOptions engine_options;
  engine_options.data_dir = options.data_dir;
  engine_options.in_memory = options.in_memory;
  engine_options.endpoint_address = options.listen;
  engine_options.max_open_files = static_cast<int>(fds.store_open_files);
  engine_options.ttl_change_interval =
      std::chrono::milliseconds(static_cast<int64_t>(options.ttl_change_interval_seconds * 1000));
  if (!options.in_memory) warn_if_shared(options.data_dir);
  auto engine = engine::Engine::open(engine_options);
  if (!engine.ok()) {
    spdlog::error("cannot open the store: {}", engine.error().to_string());
    return 1;
  }

  wire::DynamoDbServer server(**engine, std::move(server_options));
  if (auto status = server.start(); !status.ok()) {
    spdlog::error("{}", status.error().message);
    return 1;
  }
  std::printf("listening on %s\n", server.endpoint().c_str());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  spdlog::info("{}: stopping", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  server.stop();
  engine->reset();
  std::printf("stopped\n");
  std::fflush(stdout);
  return 0;
}

}  // namespace

void register_dynamodb_command(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<DynamoDbCommandOptions>();
  auto* command =
      app.add_subcommand("dynamodb", "Serve the embedded store as a DynamoDB endpoint (like DynamoDB Local)");
  command->add_option("--listen", options->listen, "HOST:PORT to listen on; port 0 picks a free one")
      ->capture_default_str();
  auto* data =
      command->add_option("--data", options->data_dir, "Directory of the store (created if missing)");
  auto* memory =
      command->add_flag("--in-memory", options->in_memory, "Keep everything in memory; lost on exit");
  data->excludes(memory);
  memory->excludes(data);
  command
      ->add_option(
          "--credentials", options->credentials_file,
          "File of 'ACCESS_KEY_ID SECRET [SESSION_TOKEN]' lines; requests must then be signed by one "
          "of them (default: any key, like DynamoDB Local)")
      ->envname("TOWNHALL_CREDENTIALS_FILE");
  command->add_option("--io-threads", options->io_threads, "Network threads (0: one per core)")
      ->capture_default_str();
  command
      ->add_option(
          "--store-threads", options->store_threads,
          "Threads for long store calls: Query, Scan, batches, transactions (0: on the network threads)")
      ->capture_default_str();
  command
      ->add_option("--read-timeout", options->read_timeout_seconds,
                   "Seconds a client has to send a request; idle connections close after it")
      ->capture_default_str();
  command
      ->add_option("--header-timeout", options->header_timeout_seconds,
                   "Seconds a new connection has to send its first request's head")
      ->capture_default_str();
  command
      ->add_option(
          "--max-connections", options->max_connections,
          "Connections at once (0: as many as the descriptor limit allows, less a reserve for the store)")
      ->capture_default_str();
  command
      ->add_option("--max-connections-per-ip", options->max_connections_per_ip,
                   "Connections at once per client address")
      ->capture_default_str();
  command
      ->add_option(
          "--allowed-host", options->allowed_hosts,
          "A Host name clients use besides IP literals and localhost (repeatable); others are refused")
      ->envname("TOWNHALL_ALLOWED_HOST");
  command->add_option(
      "--region", options->region,
      "Refuse signatures scoped to another region (default: any region, like DynamoDB Local)");
  command->add_flag(
      "--insecure-public-dynamodb", options->insecure_public,
      "Allow a non-loopback --listen without real credentials (anyone who reaches it owns the data)");
  command
      ->add_option("--ttl-change-interval", options->ttl_change_interval_seconds,
                   "Seconds after an UpdateTimeToLive during which another on the same table is refused, as "
                   "DynamoDB refuses it within an hour (3600); 0: no limit, like DynamoDB Local")
      ->capture_default_str();
  command->add_option("--log-level", options->log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  command->callback([options, exit_code] {
    if (options->data_dir.empty() && !options->in_memory) {
      throw CLI::RequiredError("--data DIR or --in-memory");
    }
    *exit_code = run_dynamodb(*options);
  });
}

}  // namespace townhall::cli
