#include "realtime/redis_connection.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>

namespace townhall::realtime {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  return {static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

}  // namespace

chat::Result<RedisOptions> parse_redis_url(const std::string& url) {
  auto bad = [&](const std::string& why) {
    return chat::Error::InvalidArgument("--pubsub must be redis://[[user]:password@]host[:port]: " + why);
  };
  const std::string scheme = "redis://";
  if (url.rfind(scheme, 0) != 0) return bad("'" + url + "' does not start with redis://");
  RedisOptions options;
  std::string rest = url.substr(scheme.size());
  rest = rest.substr(0, rest.find('/'));  // a database number means nothing to pub/sub
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = credentials.find(':');
    if (colon == std::string::npos) {
      options.password = credentials;
    } else {
      options.username = credentials.substr(0, colon);
      options.password = credentials.substr(colon + 1);
    }
  }
  std::string port_text;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string::npos) return bad("unclosed [");
    options.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return bad("expected :port after ]");
      port_text = rest.substr(close + 2);
    }
  } else if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    options.host = rest.substr(0, colon);
    port_text = rest.substr(colon + 1);
  } else {
    options.host = rest;
  }
  if (options.host.empty()) return bad("no host");
  if (!port_text.empty()) {
    if (port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos)
      return bad("bad port '" + port_text + "'");
    options.port = std::stoi(port_text);
    if (options.port < 1 || options.port > 65535) return bad("bad port '" + port_text + "'");
  }
  return options;
}

std::string redis_error(redisContext* c, redisReply* reply) {
  if (reply && reply->type == REDIS_REPLY_ERROR) return std::string(reply->str, reply->len);
  return c->errstr[0] ? std::string(c->errstr) : std::string("no reply");
}

RedisContext connect_redis(const RedisOptions& options, const char* role) {
  RedisContext c(redisConnectWithTimeout(options.host.c_str(), options.port, to_timeval(options.io_timeout)));
  if (!c || c->err) {
    spdlog::debug("pubsub {}: cannot connect to redis {}:{}: {}", role, options.host, options.port,
                  c ? c->errstr : "out of memory");
    return nullptr;
  }
  redisSetTimeout(c.get(), to_timeval(options.io_timeout));
  if (!options.password.empty()) {
    RedisReply reply(static_cast<redisReply*>(
        options.username.empty()
            ? redisCommand(c.get(), "AUTH %b", options.password.data(), options.password.size())
            : redisCommand(c.get(), "AUTH %b %b", options.username.data(), options.username.size(),
                           options.password.data(), options.password.size())));
    if (!reply || reply->type == REDIS_REPLY_ERROR) {
      spdlog::warn("pubsub {}: redis AUTH failed: {}", role, redis_error(c.get(), reply.get()));
      return nullptr;
    }
  }
  return c;
}

void StopSignal::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  wake_.notify_all();
}

bool StopSignal::stopped() const {
  std::lock_guard lock(mutex_);
  return stopped_;
}

bool StopSignal::backoff(const RedisOptions& options, int attempt) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  int64_t ceiling =
      std::min<int64_t>(options.max_backoff.count(), options.min_backoff.count() << std::min(attempt, 16));
  std::uniform_int_distribution<int64_t> wait(ceiling / 2, ceiling);
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, std::chrono::milliseconds(wait(random)), [this] { return stopped_; });
  return !stopped_;
}

}  // namespace townhall::realtime
