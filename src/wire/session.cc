#include "wire/session.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include <array>

#include "wire/request_parser.h"

namespace townhall::wire {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

namespace {

// Runs fn on pool, then resumes the awaiting coroutine on its own executor.
template <class Fn, class Token>
auto run_on_pool(asio::thread_pool& pool, Fn fn, Token&& token) {
  return asio::async_initiate<Token, void()>(
      [&pool](auto handler, Fn fn) {
        asio::post(pool, [handler = std::move(handler), fn = std::move(fn)]() mutable {
          fn();
          auto executor = asio::get_associated_executor(handler);
          asio::post(executor, std::move(handler));
        });
      },
      token, std::move(fn));
}

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

class Session : public net::Connection {
 public:
  Session(asio::ip::tcp::socket socket, net::ConnectionLimiter::Slot slot, SharedState& shared)
      : stream_(std::move(socket)),
        slot_(std::move(slot)),
        shared_(shared),
        loop_(static_cast<asio::io_context&>(asio::query(stream_.get_executor(), asio::execution::context))) {
    shared_.connections.add(this, loop_);
  }
  ~Session() override { shared_.connections.remove(this, loop_); }

  asio::awaitable<void> run();

  // Closes the connection if it is waiting for a request (or always, when force).
  void close(bool force) override {
    if (force || reading_) {
      error_code ignored;
      stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
      stream_.socket().close(ignored);
    }
  }

 private:
  asio::awaitable<void> answer_read_error(error_code ec);
  asio::awaitable<error_code> write_response();
  asio::awaitable<void> drain_and_close();

  beast::tcp_stream stream_;
  net::ConnectionLimiter::Slot slot_;  // released when the session ends
  SharedState& shared_;
  asio::io_context& loop_;
  beast::flat_buffer buffer_;
  HttpRequest request_;
  HttpResponse response_;
  std::string head_;
  bool reading_ = false;
};

asio::awaitable<void> Session::run() {
  const ServerOptions& options = shared_.options;
  error_code ec;
  bool first_request = true;
  const auto header_timeout = std::min(options.header_timeout, options.read_timeout);
  while (!shared_.stopping.load(std::memory_order_relaxed)) {
    reading_ = true;
    RequestParser parser(request_, options.max_header_bytes, options.max_body_bytes);
    // A new connection must send its first head within header_timeout
    // (connections that never send anything are how a flood holds a
    // server); a kept-alive one has read_timeout for its next request.
    stream_.expires_after(first_request ? header_timeout : options.read_timeout);
    co_await http::async_read_header(stream_, buffer_, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec && !parser.is_done()) {
      if (first_request) stream_.expires_after(options.read_timeout);  // the body gets the usual time
      if (request_.expects_continue) {
        co_await asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                                   asio::redirect_error(asio::use_awaitable, ec));
      }
      if (!ec) {
        co_await http::async_read(stream_, buffer_, parser, asio::redirect_error(asio::use_awaitable, ec));
      }
    }
    reading_ = false;
    first_request = false;
    if (ec) {
      co_await answer_read_error(ec);
      co_return;
    }
    stream_.expires_never();

    if (shared_.store_pool != nullptr && (options.offload_all || may_run_long(request_))) {
      co_await run_on_pool(
          *shared_.store_pool, [this] { handle_request(shared_.handler, request_, response_); },
          asio::use_awaitable);
    } else {
      handle_request(shared_.handler, request_, response_);
    }
    if (!request_.keep_alive || shared_.stopping.load(std::memory_order_relaxed)) response_.close = true;
    ec = co_await write_response();
    if (ec || response_.close) break;
    // A large body does not pin its memory to an idle connection.
    if (request_.body.capacity() > (1u << 20)) std::string().swap(request_.body);
    if (response_.body.capacity() > (1u << 20)) std::string().swap(response_.body);
  }
  error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  stream_.socket().close(ignored);
}

asio::awaitable<error_code> Session::write_response() {
  head_.clear();
  write_response_head(response_, head_);
  std::array<asio::const_buffer, 2> buffers = {asio::buffer(head_), asio::buffer(response_.body)};
  if (response_.head_only) buffers[1] = asio::const_buffer();
  error_code ec;
  stream_.expires_after(shared_.options.read_timeout);
  co_await asio::async_write(stream_, buffers, asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

// A request we cannot read: say why when it is the client's fault (too large,
// malformed), then close; a closed or silent connection is simply closed.
asio::awaitable<void> Session::answer_read_error(error_code ec) {
  response_.clear();
  response_.close = true;
  response_.content_type = {};
  if (ec == http::error::body_limit) {
    response_.status = 413;  // DynamoDB's answer to a request over 16 MB, with an empty body
  } else if (ec == http::error::header_limit) {
    response_.status = 431;
  } else if (ec.category() == error_code(http::error::bad_target).category() &&
             ec != http::error::end_of_stream && ec != http::error::partial_message) {
    response_.status = 400;  // malformed HTTP
  } else {
    error_code ignored;
    stream_.socket().close(ignored);
    co_return;
  }
  error_code write_error = co_await write_response();
  if (!write_error) co_await drain_and_close();
  error_code ignored;
  stream_.socket().close(ignored);
}

// Closing a socket with unread input makes the kernel reset the connection,
// and a client still sending its (too large) body would see the reset
// instead of our answer. So stop sending, and read and drop what is still
// coming for a short while.
asio::awaitable<void> Session::drain_and_close() {
  error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  stream_.expires_after(
      std::min<std::chrono::milliseconds>(shared_.options.read_timeout, std::chrono::seconds(2)));
  std::array<char, 16384> scratch;
  size_t drained = 0;
  while (!ec && drained < 4 * shared_.options.max_body_bytes) {
    drained += co_await stream_.async_read_some(asio::buffer(scratch),
                                                asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> serve_connection(asio::ip::tcp::socket socket, net::ConnectionLimiter::Slot slot,
                                       SharedState& shared) {
  Session session(std::move(socket), std::move(slot), shared);
  try {
    co_await session.run();
  } catch (const std::exception&) {
    // Allocation failure or a bug in a handler: drop this connection, keep serving the others.
  }
}

}  // namespace townhall::wire
