#include "realtime/websocket_stream.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <type_traits>

namespace townhall::realtime {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using boost::system::error_code;

asio::ip::tcp::socket& socket_of(asio::ip::tcp::socket& socket) { return socket; }
asio::ip::tcp::socket& socket_of(beast::tcp_stream& stream) { return stream.socket(); }

// Next: asio::ip::tcp::socket (plain: no tcp_stream timers, which 10,000 idle
// sockets would pay 5 MB for) or net::TlsStream (over a tcp_stream, which the
// TLS handshake needed; its timers are turned off here).
template <class Next>
class BasicWebSocketStream final : public WebSocketStream {
 public:
  static constexpr bool kTls = std::is_same_v<Next, net::TlsStream>;

  explicit BasicWebSocketStream(Next next) : ws_(std::move(next)) {}

  asio::any_io_executor get_executor() override { return ws_.get_executor(); }

  void configure(const WebSocketOptions& options) override {
    websocket::stream_base::timeout timeouts;
    timeouts.handshake_timeout = std::chrono::seconds(10);
    timeouts.idle_timeout = options.ping_interval * 2;  // Beast pings at half of it
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.read_message_max(options.max_frame_bytes);
    ws_.auto_fragment(false);
    // The WebSocket's own timeouts apply from here on, not the HTTP session's deadline.
    if constexpr (kTls) beast::get_lowest_layer(ws_).expires_never();
    if (options.send_buffer_bytes > 0) {
      error_code ignored;
      socket().set_option(asio::socket_base::send_buffer_size(options.send_buffer_bytes), ignored);
    }
  }

  asio::awaitable<error_code> accept(const Request& upgrade) override {
    error_code ec;
    // The 101's headers; the request id is the one its log line has (websocket_upgrade.cc).
    std::string request_id(upgrade["X-Request-Id"]);
    ws_.set_option(websocket::stream_base::decorator([request_id](websocket::response_type& response) {
      response.set(http::field::server, "townhall");
      if constexpr (kTls) response.set(http::field::strict_transport_security, net::kStrictTransportSecurity);
      if (!request_id.empty()) response.set("X-Request-Id", request_id);
    }));
    co_await ws_.async_accept(upgrade, asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
  }

  void async_read(SteppedFlatBuffer& buffer, ReadHandler handler) override {
    ws_.async_read(buffer, std::move(handler));
  }

  bool got_text() const override { return ws_.got_text(); }

  void async_write_text(asio::const_buffer payload, WriteHandler handler) override {
    ws_.text(true);
    ws_.async_write(payload, std::move(handler));
  }

  void async_close(const websocket::close_reason& reason, CloseHandler handler) override {
    ws_.async_close(reason, std::move(handler));
  }

  void drop() override {
    error_code ignored;
    socket().close(ignored);
  }

 private:
  asio::ip::tcp::socket& socket() { return socket_of(beast::get_lowest_layer(ws_)); }

  websocket::stream<Next> ws_;
};

}  // namespace

std::unique_ptr<WebSocketStream> make_websocket_stream(asio::ip::tcp::socket socket) {
  return std::make_unique<BasicWebSocketStream<asio::ip::tcp::socket>>(std::move(socket));
}

std::unique_ptr<WebSocketStream> make_websocket_stream(net::TlsStream stream) {
  return std::make_unique<BasicWebSocketStream<net::TlsStream>>(std::move(stream));
}

}  // namespace townhall::realtime
