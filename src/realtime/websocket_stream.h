// WebSocketStream: one WebSocket connection's protocol (Beast's
// websocket::stream) over a plain socket (ws://) or TLS (wss://), behind the
// few operations a session uses. WebSocketSession and its five files are
// then one class, compiled once, whatever the transport; Beast's templates
// are instantiated for both transports in websocket_stream.cc only. A
// virtual call per message read or written costs nothing next to the
// system call (and, over TLS, the encryption) under it.
//
// Not thread-safe: used on the connection's loop only, one read and one
// write in flight at a time (the session's read loop, FrameWriter's queue).
#pragma once

#include <utility>  // Boost 1.74's awaitable.hpp uses std::exchange without including it

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <functional>
#include <memory>

#include "net/tls_stream.h"
#include "realtime/stepped_flat_buffer.h"
#include "realtime/websocket_options.h"

namespace townhall::realtime {

class WebSocketStream {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using ReadHandler = std::function<void(boost::system::error_code, std::size_t)>;
  using WriteHandler = std::function<void(boost::system::error_code, std::size_t)>;
  using CloseHandler = std::function<void(boost::system::error_code)>;

  virtual ~WebSocketStream() = default;

  virtual boost::asio::any_io_executor get_executor() = 0;
  // Heartbeats and timeouts (Beast pings after a ping interval of silence
  // and closes after two), the largest client frame, the kernel's send
  // buffer. Before accept().
  virtual void configure(const WebSocketOptions& options) = 0;
  // Answers the upgrade request (101) and completes the handshake.
  virtual boost::asio::awaitable<boost::system::error_code> accept(const Request& upgrade) = 0;
  // Reads one whole message into buffer. A callback, not a coroutine: an
  // idle socket waits here, and a pending callback holds a few bytes where
  // a suspended coroutine holds its frames (WebSocketSession::read_next).
  virtual void async_read(SteppedFlatBuffer& buffer, ReadHandler handler) = 0;
  // Whether the message read last was text.
  virtual bool got_text() const = 0;
  // Writes one text message. REQUIRES: no other write in flight.
  virtual void async_write_text(boost::asio::const_buffer payload, WriteHandler handler) = 0;
  // Sends a close frame and waits for the client's, then closes the connection.
  virtual void async_close(const boost::beast::websocket::close_reason& reason, CloseHandler handler) = 0;
  // Closes the socket now, without a handshake; operations in flight end with an error.
  virtual void drop() = 0;
};

// ws:// (the socket the HTTP session released) and wss:// (the HTTP
// session's TLS stream, moved, with the TLS context it holds).
std::unique_ptr<WebSocketStream> make_websocket_stream(boost::asio::ip::tcp::socket socket);
std::unique_ptr<WebSocketStream> make_websocket_stream(net::TlsStream stream);

}  // namespace townhall::realtime
