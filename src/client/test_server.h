// Test-only: a small HTTP/1.1 (optionally TLS) server on 127.0.0.1 whose
// answers a test scripts request by request, to drive the client through
// throttling, 5xx answers, dropped and reset connections, corrupted CRCs,
// hangs and TLS failures. Header-only, included by *_test.cc files.
//
// One thread accepts; each connection gets its own thread. The destructor
// shuts every socket down and joins the threads.
#pragma once

#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/crc32.h"

namespace townhall::client::testing {

struct ReceivedRequest {
  int connection = 0;  // 1, 2, ...: which connection carried it
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct Reply {
  enum class Kind {
    kRespond,   // answer with status and body
    kDrop,      // close the connection without answering
    kReset,     // reset the connection (RST) without answering
    kTruncate,  // send the headers and half the body, then close
    kHang,      // never answer (until the server stops)
  };
  Kind kind = Kind::kRespond;
  int status = 200;
  std::string body = "{}";
  bool send_crc = true;
  bool corrupt_crc = false;  // send a CRC that does not match the body
  bool close = false;        // Connection: close after this answer

  static Reply ok(std::string body) { return Reply{Kind::kRespond, 200, std::move(body)}; }
  static Reply error(int status, std::string_view type, std::string_view message) {
    std::string body = R"({"__type":"com.amazonaws.dynamodb.v20120810#)" + std::string(type) +
                       R"(","message":")" + std::string(message) + R"("})";
    return Reply{Kind::kRespond, status, std::move(body)};
  }
  static Reply of(Kind kind) { return Reply{kind}; }
};

using Handler = std::function<Reply(const ReceivedRequest&)>;

class TestServer {
 public:
  // tls: when set, connections are TLS with this (server) context.
  explicit TestServer(Handler handler, boost::asio::ssl::context* tls = nullptr)
      : handler_(std::move(handler)), tls_(tls), acceptor_(ioc_) {
    namespace ip = boost::asio::ip;
    ip::tcp::endpoint endpoint(ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(ip::tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { accept_loop(); });
  }

  ~TestServer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    stop_cv_.notify_all();
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    accept_thread_.join();
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      threads.swap(connection_threads_);
    }
    for (auto& t : threads) t.join();
  }

  uint16_t port() const { return port_; }
  // host: "127.0.0.1" or "localhost" (TLS tests need the name the certificate carries).
  std::string url(std::string_view host = "127.0.0.1") const {
    return std::string(tls_ ? "https://" : "http://") + std::string(host) + ":" + std::to_string(port_);
  }

  std::vector<ReceivedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  int connections_accepted() const { return connections_accepted_.load(); }
  int max_concurrent_connections() const { return max_concurrent_.load(); }
  std::vector<std::string> server_names() const {  // SNI of each TLS handshake ("" when none)
    std::lock_guard lock(mutex_);
    return server_names_;
  }

 private:
  void accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(ioc_);
      acceptor_.accept(socket, ec);
      std::lock_guard lock(mutex_);
      if (ec || stopping_) return;
      int id = ++connections_accepted_;
      open_fds_.push_back(socket.native_handle());
      connection_threads_.emplace_back(
          [this, id, s = std::move(socket)]() mutable { serve_connection(id, std::move(s)); });
    }
  }

  void serve_connection(int id, boost::asio::ip::tcp::socket socket) {
    int concurrent = ++concurrent_;
    int seen = max_concurrent_.load();
    while (concurrent > seen && !max_concurrent_.compare_exchange_weak(seen, concurrent)) {
    }
    int fd = socket.native_handle();
    if (tls_) {
      boost::beast::ssl_stream<boost::asio::ip::tcp::socket&> stream(socket, *tls_);
      boost::system::error_code ec;
      stream.handshake(boost::asio::ssl::stream_base::server, ec);
      {
        std::lock_guard lock(mutex_);
        const char* name = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
        server_names_.push_back(name ? name : "");
      }
      if (!ec) exchange_loop(id, stream, socket);
    } else {
      exchange_loop(id, socket, socket);
    }
    {
      std::lock_guard lock(mutex_);
      std::erase(open_fds_, fd);
    }
    boost::system::error_code ignored;
    socket.close(ignored);
    --concurrent_;
  }

  template <class Stream>
  void exchange_loop(int id, Stream& stream, boost::asio::ip::tcp::socket& socket) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      boost::system::error_code ec;
      http::read(stream, buffer, request, ec);
      if (ec) return;
      ReceivedRequest received{id, std::string(request.method_string()), std::string(request.target())};
      for (const auto& field : request) {
        std::string name(field.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        received.headers[name] = std::string(field.value());
      }
      received.body = request.body();
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(received);
      }
      Reply reply = handler_(received);
      switch (reply.kind) {
        case Reply::Kind::kDrop:
          return;
        case Reply::Kind::kReset:
          socket.set_option(boost::asio::socket_base::linger(true, 0), ec);
          return;
        case Reply::Kind::kHang: {
          std::unique_lock lock(mutex_);
          stop_cv_.wait(lock, [this] { return stopping_; });
          return;
        }
        case Reply::Kind::kRespond:
        case Reply::Kind::kTruncate:
          break;
      }
      http::response<http::string_body> response{static_cast<http::status>(reply.status), 11};
      response.set(http::field::content_type, "application/x-amz-json-1.0");
      response.set("x-amzn-RequestId", "test-" + std::to_string(received.connection));
      if (reply.send_crc) {
        uint32_t crc = net::crc32(reply.body) + (reply.corrupt_crc ? 1 : 0);
        response.set("x-amz-crc32", std::to_string(crc));
      }
      response.keep_alive(!reply.close);
      response.body() = reply.body;
      response.prepare_payload();
      if (reply.kind == Reply::Kind::kTruncate) {
        http::response_serializer<http::string_body> serializer(response);
        http::write_header(stream, serializer, ec);
        boost::asio::write(stream, boost::asio::buffer(reply.body.data(), reply.body.size() / 2), ec);
        return;
      }
      http::write(stream, response, ec);
      if (ec || reply.close) return;
    }
  }

  Handler handler_;
  boost::asio::ssl::context* tls_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::thread accept_thread_;

  mutable std::mutex mutex_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::vector<int> open_fds_;
  std::vector<std::thread> connection_threads_;
  std::vector<ReceivedRequest> requests_;
  std::vector<std::string> server_names_;
  std::atomic<int> connections_accepted_{0};
  std::atomic<int> concurrent_{0};
  std::atomic<int> max_concurrent_{0};
};

}  // namespace townhall::client::testing
