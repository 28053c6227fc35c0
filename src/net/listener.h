// Listener: accepts connections on one address for one server, admits each
// through the server's ConnectionLimiter (closing the refused at once), and
// hands the admitted socket, created on the loop it will live on
// (IoPool::next()), to the server's on_accept.
//
//   Listener chat(pool, {"chat", limits, budget}, [&](tcp::socket s, ConnectionLimiter::Slot slot) {
//     start_session(std::move(s), std::move(slot));          // runs on pool.loop(0)
//   });
//   if (auto error = chat.open(endpoint)) ...;   chat.start();  ...  chat.close();
//
// Refusals are counted, passed to on_refused (metrics), and logged at most
// once a minute: a flood must not flood the log too. Accept errors (out of
// descriptors) back off for 50 ms instead of spinning.
//
// Thread-safety: open/start/close from one controlling thread; on_accept
// and on_refused run on loop 0.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "net/connection_limiter.h"
#include "net/io_pool.h"

namespace townhall::net {

struct ListenerOptions {
  std::string name;  // in log lines: "chat", "DynamoDB endpoint"
  ConnectionLimits limits;
  std::shared_ptr<Budget> budget;  // shared with the process's other listeners; nullptr: none
};

class Listener {
 public:
  using OnAccept = std::function<void(boost::asio::ip::tcp::socket, ConnectionLimiter::Slot)>;
  using OnRefused = std::function<void()>;

  Listener(IoPool& pool, ListenerOptions options, OnAccept on_accept, OnRefused on_refused = {});
  ~Listener();

  // Binds and listens; an error message on failure.
  std::optional<std::string> open(const boost::asio::ip::tcp::endpoint& endpoint);
  // Begins accepting. REQUIRES: open() succeeded, the pool runs.
  void start();
  // Stops accepting (connections already admitted go on). Idempotent.
  void close();

  boost::asio::ip::tcp::endpoint local_endpoint() const { return bound_; }
  // "127.0.0.1:8000", "[::1]:8080"
  std::string address() const;
  ConnectionLimiter& limiter() { return limiter_; }

 private:
  void accept();
  void note_refusal(const boost::asio::ip::address& peer, ConnectionLimiter::Refusal why);

  IoPool& pool_;
  const ListenerOptions options_;
  OnAccept on_accept_;
  OnRefused on_refused_;
  ConnectionLimiter limiter_;
  std::optional<boost::asio::ip::tcp::acceptor> acceptor_;
  boost::asio::steady_timer backoff_;
  boost::asio::ip::tcp::endpoint bound_;
  std::chrono::steady_clock::time_point last_refusal_log_{};  // loop 0 only
  // Shared with the accept handlers, which may run after the listener is gone.
  std::shared_ptr<std::atomic<bool>> closed_ = std::make_shared<std::atomic<bool>>(false);
};

// "127.0.0.1:8080", "[::1]:0", ":8080" (loopback), "0.0.0.0:80", "localhost:8000"
// -> an endpoint; an error message otherwise. The one rule for every listen
// flag: no address means loopback, never all interfaces.
std::optional<boost::asio::ip::tcp::endpoint> parse_listen_address(const std::string& text,
                                                                   std::string* error);
// "127.0.0.1:8000" or "[::1]:8000" for an endpoint.
std::string endpoint_text(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace townhall::net
