#include "cli/serve_settings.h"

namespace townhall::cli {

void add_serve_flags(CLI::App* cmd, ServeSettings& s) {
  auto& o = s.server;
  cmd->add_option("--listen", o.listen, "Chat address host:port (port 0 picks a free one)")
      ->envname("TOWNHALL_LISTEN")
      ->capture_default_str();
  add_store_options(cmd, s.store);
  cmd->add_option("--dynamodb-listen", s.dynamodb_listen,
                  "Also serve the chat's store as a DynamoDB endpoint at host:port (off: don't)")
      ->envname("TOWNHALL_DYNAMODB_LISTEN")
      ->capture_default_str();
  cmd->add_option("--dynamodb-credentials", s.dynamodb_credentials,
                  "Keys the endpoint requires: a file of 'ACCESS_KEY_ID SECRET' lines, or ID:SECRET "
                  "(default: a key generated on first start into DATA/dynamodb-credentials, printed once)")
      ->envname("TOWNHALL_DYNAMODB_CREDENTIALS");
  cmd->add_option("--dynamodb-allowed-host", s.dynamodb_allowed_hosts,
                  "A Host name the endpoint's clients use besides IP literals and localhost (repeatable)")
      ->envname("TOWNHALL_DYNAMODB_ALLOWED_HOST");
  cmd->add_option("--dynamodb-region", s.dynamodb_region,
                  "The endpoint refuses signatures scoped to another region (default: any)")
      ->envname("TOWNHALL_DYNAMODB_REGION");
  cmd->add_option("--dynamodb-max-connections-per-ip", s.dynamodb_max_connections_per_ip,
                  "Endpoint connections at once per client address")
      ->envname("TOWNHALL_DYNAMODB_MAX_CONNECTIONS_PER_IP")
      ->capture_default_str();
  cmd->add_flag("--insecure-public-dynamodb", s.insecure_public_dynamodb,
                "Allow a non-loopback --dynamodb-listen with a guessable key such as dummy:dummy")
      ->envname("TOWNHALL_INSECURE_PUBLIC_DYNAMODB");
  cmd->add_option("--table", s.chat.table_name, "Chat table name")
      ->envname("TOWNHALL_TABLE")
      ->capture_default_str();
  cmd->add_option("--node-id", s.chat.node_id, "This node's id in message ids (0-65535), unique per node")
      ->envname("TOWNHALL_NODE_ID")
      ->capture_default_str();
  cmd->add_option("--pubsub", s.pubsub,
                  "Relay live events between nodes through Redis: redis://[[user]:password@]host[:port]")
      ->envname("TOWNHALL_PUBSUB");
  cmd->add_option("--search-index", s.search_index,
                  "Message search index: a file, memory (rebuilt from the table at start) or off "
                  "(default: DATA/search.sqlite on an embedded store, memory on a remote one)")
      ->envname("TOWNHALL_SEARCH_INDEX");
  cmd->add_option("--files", s.files,
                  "Where shared files' bytes go: a directory, s3://bucket/prefix, or off "
                  "(default: DATA/files on an embedded store; off on a remote one)")
      ->envname("TOWNHALL_FILES");
  cmd->add_option(
         "--files-endpoint", s.files_endpoint,
         "S3-compatible endpoint for --files s3://... (MinIO, Ceph; default: AWS_ENDPOINT_URL_S3, AWS's)")
      ->envname("TOWNHALL_FILES_ENDPOINT");
  cmd->add_option("--max-file-mb", s.max_file_mb, "Largest file one can share (MB)")
      ->envname("TOWNHALL_MAX_FILE_MB")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  cmd->add_option("--files-quota-mb", s.files_quota_mb, "All of one user's files together (MB)")
      ->envname("TOWNHALL_FILES_QUOTA_MB")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 30))
      ->capture_default_str();
  cmd->add_option("--files-sweep-seconds", s.files_sweep_seconds,
                  "How often unsent uploads (after a day) and the bytes of deleted files are collected")
      ->envname("TOWNHALL_FILES_SWEEP_SECONDS")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--files-orphan-seconds", s.files_orphan_seconds,
                  "An upload no message took is collected after this (its bytes back in the quota)")
      ->envname("TOWNHALL_FILES_ORPHAN_SECONDS")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option(
         "--files-grace-seconds", s.files_grace_seconds,
         "Bytes no file references any more are removed once this old (uploads in flight are younger)")
      ->envname("TOWNHALL_FILES_GRACE_SECONDS")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--pubsub-buffer", s.pubsub_buffer,
                  "Events kept for Redis while it is slow or away (the oldest are dropped beyond)")
      ->envname("TOWNHALL_PUBSUB_BUFFER")
      ->capture_default_str();
  cmd->add_option(
         "--signup", s.signup,
         "Who may sign up: open, invite (invite links only) or domain (addresses at --signup-domain); "
         "unset: as the owner last chose in the page (a new team: open on a loopback address, "
         "invite on any other)")
      ->envname("TOWNHALL_SIGNUP")
      ->check(CLI::IsMember({"open", "invite", "domain"}));
  cmd->add_option("--signup-domain", s.signup_domains,
                  "With --signup domain: an e-mail domain that may sign up")
      ->envname("TOWNHALL_SIGNUP_DOMAINS")
      ->delimiter(',');
  cmd->add_option("--password-cost", s.password_cost, "Argon2id cost: interactive, or minimum (tests only)")
      ->envname("TOWNHALL_PASSWORD_COST")
      ->check(CLI::IsMember({"interactive", "minimum"}))
      ->capture_default_str();
  cmd->add_option("--threads", s.threads, "Network threads")
      ->envname("TOWNHALL_THREADS")
      ->capture_default_str();
  cmd->add_option("--workers", o.workers, "Worker threads for store calls")
      ->envname("TOWNHALL_WORKERS")
      ->capture_default_str();
  cmd->add_option("--max-body-bytes", o.api.max_body_bytes, "Largest request body")
      ->envname("TOWNHALL_MAX_BODY_BYTES")
      ->capture_default_str();
  cmd->add_option("--max-header-bytes", o.http.max_header_bytes, "Largest request head")
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
  cmd->add_option("--rate-login-account", o.api.failed_logins_per_account.rate,
                  "Failed logins per second per account, whatever the address (0: no limit)")
      ->envname("TOWNHALL_RATE_LOGIN_ACCOUNT")
      ->capture_default_str();
  cmd->add_option("--rate-login-account-burst", o.api.failed_logins_per_account.burst,
                  "Failed logins per account before the rate applies")
      ->envname("TOWNHALL_RATE_LOGIN_ACCOUNT_BURST")
      ->capture_default_str();
  cmd->add_flag("--secure-cookies", o.api.cookies.secure,
                "Mark cookies Secure (serving behind a TLS proxy; implied by --tls-cert)")
      ->envname("TOWNHALL_SECURE_COOKIES");
  cmd->add_option("--tls-cert", s.tls_cert,
                  "Serve only HTTPS and WSS, with this PEM certificate chain (fullchain.pem); SIGHUP reloads")
      ->envname("TOWNHALL_TLS_CERT");
  cmd->add_option("--tls-key", s.tls_key, "The private key of --tls-cert (PEM, unencrypted); SIGHUP reloads")
      ->envname("TOWNHALL_TLS_KEY");
  cmd->add_option("--redirect-http", s.redirect_http,
                  "With --tls-cert: also answer plain HTTP at host:port, redirecting all to https://")
      ->envname("TOWNHALL_REDIRECT_HTTP");
  cmd->add_option(
         "--trusted-proxy", s.trusted_proxies,
         "Reverse proxies (CIDR list) whose X-Forwarded-For names the client; nobody else's is believed")
      ->envname("TOWNHALL_TRUSTED_PROXY");
  cmd->add_option("--metrics-token", o.frontend.metrics_token,
                  "Serve /metrics to 'Authorization: Bearer TOKEN' (default: to local clients only)")
      ->envname("TOWNHALL_METRICS_TOKEN");
  cmd->add_option(
         "--max-connections", s.max_connections,
         "Chat connections at once (0: as many as the descriptor limit allows, less the store's reserve)")
      ->envname("TOWNHALL_MAX_CONNECTIONS")
      ->capture_default_str();
  cmd->add_option("--max-connections-per-ip", o.limits.max_per_address,
                  "Chat connections at once per client address (trusted proxies are exempt)")
      ->envname("TOWNHALL_MAX_CONNECTIONS_PER_IP")
      ->capture_default_str();
  cmd->add_option("--first-request-seconds", s.first_request_seconds,
                  "A new connection's first request must arrive within this time")
      ->envname("TOWNHALL_FIRST_REQUEST_SECONDS")
      ->capture_default_str();
  cmd->add_option("--ws-per-user", o.websocket.max_per_user, "Open WebSockets per user")
      ->envname("TOWNHALL_WS_PER_USER")
      ->capture_default_str();
  cmd->add_option("--ws-per-ip", o.websocket.max_per_address, "Open WebSockets per client address")
      ->envname("TOWNHALL_WS_PER_IP")
      ->capture_default_str();
  cmd->add_option("--ws-recheck-seconds", s.ws_recheck_seconds,
                  "How often a WebSocket rechecks its session and private channels in the store (0: never)")
      ->envname("TOWNHALL_WS_RECHECK_SECONDS")
      ->capture_default_str();
  cmd->add_option("--presence-interval", s.presence_interval_seconds,
                  "With --pubsub: seconds between a node's presence reports; a killed node's users turn "
                  "offline within 3 of these plus 1 s")
      ->envname("TOWNHALL_PRESENCE_INTERVAL")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  cmd->add_option("--store-failure-seconds", s.store_failure_seconds,
                  "Exit (for a supervisor to restart) when the store has refused writes this long")
      ->envname("TOWNHALL_STORE_FAILURE_SECONDS")
      ->capture_default_str();
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
  cmd->add_option("--log-format", s.log_format, "Log lines as text, or json: one JSON object per line")
      ->envname("TOWNHALL_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_flag("!--no-access-log", o.frontend.log_requests, "Do not log one line per HTTP request")
      ->envname("TOWNHALL_ACCESS_LOG");
}

}  // namespace townhall::cli
