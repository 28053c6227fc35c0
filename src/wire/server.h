// DynamoDbServer: serves any ddb::Database over DynamoDB's HTTP protocol
// (JSON 1.0: POST / with X-Amz-Target: DynamoDB_20120810.<Operation>), so
// boto3, the AWS CLI and the AWS SDKs talk to it as to DynamoDB or DynamoDB
// Local.
//
// Threads: the network threads of a net::IoPool (given, shared with the
// chat server in `townhall serve`; or its own, io_threads of them), each
// running its own event loop; a connection lives on one of them. Store calls
// that may take long (Query, Scan, batches, transactions, table creation and
// deletion) run on a small pool of store_threads, so they never hold up a
// network thread. Point reads and writes (GetItem, PutItem, UpdateItem,
// DeleteItem, DescribeTable...) run on the network thread: they take
// microseconds in the embedded engine, and handing each to a pool measured
// 2.5 times slower (bench/peers/threading.md). A store whose every call may
// block (a remote endpoint) sets offload_all.
//
// Thread-safety: start(), stop() and the accessors may be called from any
// thread, but not concurrently with each other. The Database must outlive the
// server and accept concurrent calls (ddb::Database promises that).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "ddb/database.h"
#include "ddb/result.h"
#include "net/address.h"
#include "net/connection_limiter.h"
#include "net/io_pool.h"
#include "sigv4/sigv4.h"

namespace townhall::wire {

struct ServerOptions {
  std::string address = "127.0.0.1";  // an IPv4 or IPv6 literal
  uint16_t port = 8000;               // 0: the system picks a free port (see DynamoDbServer::port())
  // Unset: any SigV4-shaped request is accepted, whatever its key (DynamoDB
  // Local's behaviour). Set: requests must be signed by one of these keys.
  std::optional<sigv4::KeyRing> keys;
  // Non-empty: signatures must be scoped to this region.
  std::string region;
  // Host headers answered (others get AccessDeniedException): IP literals,
  // localhost and these names. A browser page that rebinds its own name to
  // 127.0.0.1 sends its own name, and is refused.
  net::HostPolicy hosts;
  unsigned io_threads = 0;     // without a shared pool: 0 is one per core
  unsigned store_threads = 2;  // 0: every store call runs on the network threads
  bool offload_all = false;    // every store call on the store pool, not only the long ones
  // A request (headers and body) must arrive within this time, and an idle
  // keep-alive connection is closed after it: a slow client cannot hold the server.
  std::chrono::milliseconds read_timeout{30'000};
  // A new connection must send its first request's head within this time
  // (later requests on a kept-alive connection have read_timeout).
  std::chrono::milliseconds header_timeout{10'000};
  // How long stop() lets requests in flight finish before closing their connections.
  std::chrono::milliseconds stop_grace{5'000};
  size_t max_body_bytes = 16 * 1024 * 1024;  // DynamoDB's request size limit; larger gets 413
  size_t max_header_bytes = 16 * 1024;
  // Connections at once, in all and per client address; more are accepted
  // and closed at once. budget: descriptors shared with the process's other
  // listeners (nullptr: none).
  net::ConnectionLimits limits{16384, 512, {}};
  std::shared_ptr<net::Budget> budget;
};

class DynamoDbServer {
 public:
  // REQUIRES: database (and pool, when given) outlive the server. pool:
  // the process's network loops; nullptr: the server runs its own.
  DynamoDbServer(ddb::Database& database, ServerOptions options, net::IoPool* pool = nullptr);
  ~DynamoDbServer();  // stop()s
  DynamoDbServer(const DynamoDbServer&) = delete;
  DynamoDbServer& operator=(const DynamoDbServer&) = delete;

  // Binds, listens and starts the threads; returns once the port accepts
  // connections. An error if the address cannot be bound or the server already runs.
  ddb::Status start();
  // Stops accepting, closes idle connections, lets requests in flight finish
  // (up to stop_grace), then closes the rest and joins the threads. Idempotent.
  void stop();

  // The bound port (the chosen one when ServerOptions::port was 0). REQUIRES: start() succeeded.
  uint16_t port() const;
  // "127.0.0.1:8000", "[::1]:8000": where clients connect. REQUIRES: start() succeeded.
  std::string endpoint() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace townhall::wire
