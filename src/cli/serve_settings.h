// ServeSettings: everything `townhall serve` is told (flags, TOWNHALL_*
// environment, --config file; docs/configuration.md). serve_flags.cc fills
// it, serve_command.cc runs it.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "chat/options.h"
#include "cli/store_factory.h"
#include "server/chat_server_options.h"

namespace townhall::cli {

struct ServeSettings {
  StoreOptions store;
  server::ChatServerOptions server;
  // Network threads (an event loop each) for both listeners. Fan-out is
  // bound by them (one WebSocket write per subscriber per event): 1 thread
  // delivered 82-88k frames/s on 2 cores, 2 threads the whole 100k/s offered
  // (bench/chat_load).
  unsigned threads = 0;  // 0: one per core
  chat::ChatOptions chat;
  std::string password_cost = "interactive";
  // Who may sign up (chat/team_service.h); empty: as the team's owner last chose.
  std::string signup;
  std::vector<std::string> signup_domains;
  std::string log_level = "info";
  std::string log_format = "text";  // or "json": one JSON object per line (api/access_log.h)
  double session_cache_seconds = 30;
  int64_t drain_seconds = 10;
  int64_t ping_seconds = 20;
  int64_t first_request_seconds = 10;
  int64_t ws_recheck_seconds = 60;
  // With --pubsub: how often a node sends its users' presence to the others
  // (a dead node's users turn offline within three of these, plus a second).
  double presence_interval_seconds = 10;
  size_t max_connections = 0;   // 0: what the descriptor budget allows
  std::string trusted_proxies;  // CIDR list
  // HTTPS on the chat port (cli/serve_tls.h): the certificate chain and key
  // files, both or neither; with them, optionally a plain-HTTP listener
  // that redirects to https://.
  std::string tls_cert;
  std::string tls_key;
  std::string redirect_http;
  // How long the store may refuse writes before the process gives up and
  // exits (non-zero) for its supervisor to restart it.
  int64_t store_failure_seconds = 60;
  // The DynamoDB endpoint over the chat's store: off unless asked.
  std::string dynamodb_listen = "off";
  std::string dynamodb_credentials;
  std::vector<std::string> dynamodb_allowed_hosts;
  std::string dynamodb_region;
  size_t dynamodb_max_connections_per_ip = 512;
  bool insecure_public_dynamodb = false;
  std::string pubsub;  // redis://host:port, or empty: in process only
  // Message search: the index file, "memory" or "off" (cli/search_setup.h).
  std::string search_index;
  // Shared files (docs/files.md): a directory or s3://bucket/prefix; empty:
  // DATA/files on an embedded store on disk, off otherwise. "off": off.
  std::string files;
  std::string files_endpoint;  // s3: the endpoint (MinIO, Ceph, ...); empty: AWS's
  int64_t max_file_mb = 25;
  int64_t files_quota_mb = 1024;
  double files_sweep_seconds = 3600;
  double files_orphan_seconds = 86400;  // an upload no message took is collected after this
  double files_grace_seconds = 3600;    // an unreferenced blob is removed once this old
  int64_t pubsub_buffer = 10000;
};

// Adds every option of `townhall serve` to cmd, bound to settings.
void add_serve_flags(CLI::App* cmd, ServeSettings& settings);

}  // namespace townhall::cli
