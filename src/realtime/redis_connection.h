// A Redis connection for the relay (hiredis, blocking, with timeouts): the
// options from a redis:// URL, connecting and authenticating, and the
// backoff between attempts that stop() can interrupt.
//
// Thread-safety: a connection belongs to one thread; a StopSignal is shared.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "chat/error.h"

namespace townhall::realtime {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string username;  // AUTH username password (Redis 6 ACLs), or AUTH password
  std::string password;
  std::chrono::milliseconds io_timeout{2000};  // connect, and each round trip
  std::chrono::milliseconds min_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
};

// "redis://[[user]:password@]host[:port][/db]" -> options (db is ignored:
// pub/sub is not scoped to a database). InvalidArgument otherwise.
chat::Result<RedisOptions> parse_redis_url(const std::string& url);

struct RedisContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using RedisContext = std::unique_ptr<redisContext, RedisContextDeleter>;
struct RedisReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using RedisReply = std::unique_ptr<redisReply, RedisReplyDeleter>;

// Connects and authenticates; nullptr (with a log line) on failure. role
// ("publisher", "subscriber") names the connection in the log.
RedisContext connect_redis(const RedisOptions& options, const char* role);
// The error text of a failed command.
std::string redis_error(redisContext* c, redisReply* reply);

// Set once by stop(); a thread that backs off wakes at once.
class StopSignal {
 public:
  void stop();
  bool stopped() const;
  // Sleeps for the attempt's backoff (exponential, "equal jitter": never
  // hammer a Redis that is coming back); false when stopped meanwhile.
  bool backoff(const RedisOptions& options, int attempt);

 private:
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopped_ = false;
};

}  // namespace townhall::realtime
