#include "targets.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <thread>

#include "client/client.h"
#include "peer_process.h"

#if __has_include("engine/engine.h")
#include "engine/engine.h"
#define TOWNHALL_CONFORMANCE_HAS_ENGINE 1
#endif
#if __has_include("wire/server.h") && defined(TOWNHALL_CONFORMANCE_HAS_ENGINE)
#include "wire/server.h"
#define TOWNHALL_CONFORMANCE_HAS_WIRE 1
#endif

namespace townhall::conformance {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

struct Running {
  TargetState state;
  std::unique_ptr<PeerProcess> process;
  std::unique_ptr<ddb::Database> store;  // the engine behind an in-process server
  std::shared_ptr<void> server;          // an in-process server (type-erased: wire may not be built)
  std::unique_ptr<ddb::Database> db;
};

std::map<Target, Running>& running() {
  static std::map<Target, Running> targets;
  return targets;
}

bool selected(Target target) {
  const char* list = std::getenv("TOWNHALL_CONFORMANCE_TARGETS");
  if (list == nullptr || *list == '\0') return true;
  std::string all = std::string(",") + list + ",";
  return all.find("," + std::string(target_name(target)) + ",") != std::string::npos;
}

std::string log_path(Target target) {
  return std::string(TOWNHALL_CONFORMANCE_LOG_DIR) + "/conformance-" + std::string(target_name(target)) +
         ".log";
}

// A client for a peer on 127.0.0.1:port with dummy keys (every peer accepts any).
std::unique_ptr<client::Client> make_client(uint16_t port) {
  client::ClientOptions options;
  options.endpoint_url = "http://127.0.0.1:" + std::to_string(port);
  options.region = "us-east-1";
  options.credentials = {"conformance", "conformance-secret", ""};
  options.request_timeout = milliseconds(30'000);  // a JVM's first requests are slow
  options.retry.max_attempts = 3;
  auto created = client::Client::create(options);
  return created.ok() ? std::move(created).value() : nullptr;
}

std::string command_output(const std::string& command) {
  std::string output;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[4096];
    while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
    pclose(pipe);
  }
  return output;
}

// Starts argv_for(a free port), waits for the port and for a ListTables to
// succeed. A free port can be taken by a parallel test before the peer binds
// it: then the peer starts again on another (three tries).
void start_peer(Running& r, Target target, const std::function<std::vector<std::string>(uint16_t)>& argv_for,
                const std::string& cwd, milliseconds startup) {
  std::string error;
  auto path = log_path(target);
  uint16_t port = 0;
  bool listening = false;
  for (int attempt = 0; attempt < 3 && !listening; ++attempt) {
    fs::remove(path);
    port = pick_free_port();
    std::vector<std::string> argv = argv_for(port);
    r.process = PeerProcess::start(argv, cwd, path, &error);
    if (!r.process) {
      r.state.reason = "cannot start " + argv[0] + ": " + error;
      r.state.unavailable = Unavailable::kMissingSoftware;
      return;
    }
    listening = r.process->wait_for_port(port, startup, &error);
    if (!listening && !r.process->port_taken()) break;
  }
  if (!listening) {
    r.state.reason = std::string(target_name(target)) + " did not start: " + error;
    r.state.unavailable = Unavailable::kMissingSoftware;
    r.process.reset();
    return;
  }
  auto client = make_client(port);
  auto deadline = std::chrono::steady_clock::now() + startup;
  for (;;) {
    auto listed = client->list_tables({});
    if (listed.ok()) break;
    if (std::chrono::steady_clock::now() > deadline) {
      r.state.reason = std::string(target_name(target)) +
                       " does not answer ListTables: " + listed.error().to_string() + "\n" +
                       r.process->log_tail();
      r.state.unavailable = Unavailable::kMissingSoftware;
      r.process.reset();
      return;
    }
    std::this_thread::sleep_for(milliseconds(200));
  }
  r.db = std::move(client);
  r.state.db = r.db.get();
}

void start_engine(Running& r) {
#ifdef TOWNHALL_CONFORMANCE_HAS_ENGINE
  engine::EngineOptions options;
  options.in_memory = true;
  auto engine = engine::Engine::open(options);
  if (!engine.ok()) {
    r.state.reason = "Engine::open failed: " + engine.error().to_string();
    r.state.unavailable = Unavailable::kBroken;
    return;
  }
  r.db = std::move(engine).value();
  r.state.db = r.db.get();
#else
  r.state.reason = "the engine is not in this tree yet (src/engine/engine.h is missing)";
  r.state.unavailable = Unavailable::kNotBuilt;
#endif
}

void start_wire(Running& r) {
#ifdef TOWNHALL_CONFORMANCE_HAS_WIRE
  engine::EngineOptions engine_options;
  engine_options.in_memory = true;
  auto engine = engine::Engine::open(engine_options);
  if (!engine.ok()) {
    r.state.reason = "Engine::open failed: " + engine.error().to_string();
    r.state.unavailable = Unavailable::kBroken;
    return;
  }
  r.store = std::move(engine).value();
  wire::ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.io_threads = 1;
  options.store_threads = 2;
  auto server = std::make_shared<wire::DynamoDbServer>(*r.store, options);
  if (auto started = server->start(); !started.ok()) {
    r.state.reason = "DynamoDbServer::start failed: " + started.error().to_string();
    r.state.unavailable = Unavailable::kBroken;
    return;
  }
  r.db = make_client(server->port());
  r.server = std::move(server);
  r.state.db = r.db.get();
#else
  r.state.reason = "the engine or the wire endpoint is not in this tree yet";
  r.state.unavailable = Unavailable::kNotBuilt;
#endif
}

void start_townhall(Running& r) {
  std::string binary = TOWNHALL_BINARY;
  if (!fs::exists(binary)) {
    r.state.reason = "the townhall binary is not built (" + binary + ")";
    r.state.unavailable = Unavailable::kNotBuilt;
    return;
  }
  // Does this townhall have the subcommand yet? (Its --help lists the subcommands.)
  std::string help = command_output(binary + " --help 2>&1");
  if (help.find("dynamodb") == std::string::npos) {
    r.state.reason = "this townhall has no `dynamodb` subcommand yet";
    r.state.unavailable = Unavailable::kNotBuilt;
    return;
  }
  // Its flags, read from its help: listen on a free loopback port, keep the data in memory
  // (or in a fresh directory under the log directory).
  std::string flags = command_output(binary + " dynamodb --help 2>&1");
  auto argv_for = [&](uint16_t port) {
    std::vector<std::string> argv = {binary, "dynamodb"};
    if (flags.find("--listen") != std::string::npos) {
      argv.insert(argv.end(), {"--listen", "127.0.0.1:" + std::to_string(port)});
    } else {
      if (flags.find("--address") != std::string::npos) argv.insert(argv.end(), {"--address", "127.0.0.1"});
      argv.insert(argv.end(), {"--port", std::to_string(port)});
    }
    if (flags.find("--in-memory") != std::string::npos) {
      argv.push_back("--in-memory");
    } else if (flags.find("--data-dir") != std::string::npos) {
      std::string dir = std::string(TOWNHALL_CONFORMANCE_LOG_DIR) + "/conformance-townhall-data";
      fs::remove_all(dir);
      argv.insert(argv.end(), {"--data-dir", dir});
    }
    return argv;
  };
  start_peer(r, Target::kTownhall, argv_for, "", milliseconds(20'000));
  // Built from this tree: failing to start is a bug, not a setup problem.
  if (!r.state.db) r.state.unavailable = Unavailable::kBroken;
}

void start_dynalite(Running& r) {
  std::string cli = std::string(TOWNHALL_SOURCE_DIR) + "/node_modules/dynalite/cli.js";
  if (!fs::exists(cli)) {
    r.state.reason = "dynalite is not installed (" + cli + "); run `npm ci` in the repository root";
    r.state.unavailable = Unavailable::kMissingSoftware;
    return;
  }
  start_peer(
      r, Target::kDynalite,
      [&](uint16_t port) {
        return std::vector<std::string>{"node",
                                        cli,
                                        "--port",
                                        std::to_string(port),
                                        "--createTableMs",
                                        "0",
                                        "--deleteTableMs",
                                        "0",
                                        "--updateTableMs",
                                        "0"};
      },
      "", milliseconds(20'000));
}

void start_dynamodb_local(Running& r) {
  std::string dir = std::string(TOWNHALL_SOURCE_DIR) + "/node_modules/amplify-dynamodb-simulator/emulator";
  if (!fs::exists(dir + "/DynamoDBLocal.jar")) {
    r.state.reason = "DynamoDB Local is not installed (" + dir +
                     "/DynamoDBLocal.jar); run `npm ci` in the repository root";
    r.state.unavailable = Unavailable::kMissingSoftware;
    return;
  }
  start_peer(
      r, Target::kDynamoDbLocal,
      [](uint16_t port) {
        return std::vector<std::string>{"java",
                                        "-Djava.library.path=./DynamoDBLocal_lib",
                                        "-jar",
                                        "DynamoDBLocal.jar",
                                        "-inMemory",
                                        "-port",
                                        std::to_string(port)};
      },
      dir, milliseconds(60'000));
}

}  // namespace

std::string_view target_name(Target target) {
  switch (target) {
    case Target::kEngine:
      return "engine";
    case Target::kWire:
      return "wire";
    case Target::kTownhall:
      return "townhall";
    case Target::kDynalite:
      return "dynalite";
    case Target::kDynamoDbLocal:
      return "dynamodb-local";
  }
  return "?";
}

void PrintTo(Target target, std::ostream* out) { *out << target_name(target); }

std::vector<Target> all_targets() {
  return {Target::kEngine, Target::kWire, Target::kTownhall, Target::kDynalite, Target::kDynamoDbLocal};
}

bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && (std::string_view(ci) == "true" || std::string_view(ci) == "1");
}

TargetState& target_state(Target target) {
  auto [it, inserted] = running().try_emplace(target);
  Running& r = it->second;
  if (!inserted) return r.state;
  if (!selected(target)) {
    r.state.unavailable = Unavailable::kNotSelected;
    r.state.reason = "left out by TOWNHALL_CONFORMANCE_TARGETS";
    return r.state;
  }
  switch (target) {
    case Target::kEngine:
      start_engine(r);
      break;
    case Target::kWire:
      start_wire(r);
      break;
    case Target::kTownhall:
      start_townhall(r);
      break;
    case Target::kDynalite:
      start_dynalite(r);
      break;
    case Target::kDynamoDbLocal:
      start_dynamodb_local(r);
      break;
  }
  if (!r.state.db) {
    bool fails = r.state.unavailable == Unavailable::kBroken ||
                 (r.state.unavailable == Unavailable::kMissingSoftware && running_in_ci());
    fprintf(stderr, "\n*** conformance target %s is UNAVAILABLE: %s\n*** its cases are %s.\n\n",
            std::string(target_name(target)).c_str(), r.state.reason.c_str(), fails ? "FAILING" : "SKIPPED");
  }
  return r.state;
}

void stop_all_targets() {
  for (auto& [target, r] : running()) {
    r.state.db = nullptr;
    r.db.reset();  // clients before the servers and processes they talk to
    r.server.reset();
    r.store.reset();
    r.process.reset();
  }
  running().clear();
}

}  // namespace townhall::conformance
