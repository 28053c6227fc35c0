// chat_load: a load generator for `townhall serve`. Opens N WebSocket
// clients over M channels, sends at a set rate, and measures end-to-end
// delivery latency (send -> receive, one clock: sender and receiver are in
// this process), deliveries per second, durable sends per second (acks) and
// the server's RSS. Start the server without rate limits and with the
// minimum password cost (see bench/chat_load/README.md).
//
//   chat_load --server 127.0.0.1:8080 --server-pid PID --mode fanout --clients 1000 --channels 1
//             --senders 10 --rate 100 --seconds 20
#include <utility>  // before Boost 1.74's Asio headers

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string server = "127.0.0.1:8080";
  int server_pid = 0;
  std::string mode = "fanout";  // idle | fanout | sends
  int clients = 100;
  int channels = 1;
  int users = 50;
  int senders = 10;
  double rate = 100;  // messages per second, all senders together (fanout)
  int seconds = 10;
  int threads = 1;
  int text_bytes = 64;
  int batch = 1;
  int typists = 0;  // clients that send a typing event every 3 s meanwhile
};

bool starts_with(const std::string& text, std::string_view prefix) { return text.rfind(prefix, 0) == 0; }

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// The value of "key":"..." after position from, or empty.
std::string json_string(const std::string& body, const std::string& key, size_t from = 0) {
  std::string needle = "\"" + key + "\":\"";
  size_t start = body.find(needle, from);
  if (start == std::string::npos) return {};
  start += needle.size();
  return body.substr(start, body.find('"', start) - start);
}

class Rest {
 public:
  Rest(std::string host, std::string port) : host_(std::move(host)), port_(std::move(port)) {}
  std::string call(http::verb verb, const std::string& target, const std::string& body,
                   const std::string& token, int* status = nullptr) {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(tcp::resolver(io).resolve(host_, port_));
    http::request<http::string_body> request{verb, target, 11};
    request.set(http::field::host, host_);
    request.set(http::field::content_type, "application/json");
    if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
    request.body() = body;
    request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    if (status) *status = response.result_int();
    return response.body();
  }

 private:
  std::string host_, port_;
};

struct Stats {
  std::atomic<uint64_t> connected{0}, subscribed{0}, delivered{0}, acks{0}, errors{0}, closed{0}, sent{0};
  std::atomic<uint64_t> typing{0};  // typing events received
  std::atomic<bool> measuring{false};
  bool batch = true;  // ask the server for several events per frame (/ws?batch=1)
};

class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(asio::io_context& io, Stats& stats, std::string token, std::string channel)
      : ws_(asio::make_strand(io)),
        timer_(ws_.get_executor()),
        typing_timer_(ws_.get_executor()),
        stats_(stats),
        token_(std::move(token)),
        channel_(std::move(channel)) {}

  void start(const tcp::endpoint& endpoint, std::string host) {
    host_ = std::move(host);
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(60));
    beast::get_lowest_layer(ws_).async_connect(endpoint, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->fail();
      beast::get_lowest_layer(self->ws_).expires_never();
      self->ws_.set_option(
          websocket::stream_base::decorator([token = self->token_](websocket::request_type& r) {
            r.set(http::field::authorization, "Bearer " + token);
          }));
      self->ws_.async_handshake(
          self->host_, self->stats_.batch ? "/ws?batch=1" : "/ws", [self](beast::error_code ec) {
            if (ec) return self->fail();
            self->stats_.connected++;
            self->write(R"({"type":"subscribe","channels":[")" + self->channel_ + R"("]})");
            self->read();
          });
    });
  }

  // Sends one message every interval (paced from the start so that slow acks do not lower the rate).
  void send_every(std::chrono::nanoseconds interval, std::string padding) {
    interval_ = interval;
    padding_ = std::move(padding);
    next_ = Clock::now() + interval;
    tick();
  }
  // Sends the next message as soon as the previous one is acknowledged.
  void send_back_to_back(std::string padding) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), padding = std::move(padding)] {
      self->padding_ = padding;
      self->back_to_back_ = true;
      self->send_one();
    });
  }
  // Sends a typing event every interval, as someone writing a message does.
  void type_every(std::chrono::nanoseconds interval) {
    asio::post(ws_.get_executor(), [self = shared_from_this(), interval] {
      self->typing_interval_ = interval;
      self->type_tick();
    });
  }
  void stop() {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      self->stopped_ = true;
      self->timer_.cancel();
      self->typing_timer_.cancel();
    });
  }

  // Latencies measured by this client (read once the run is over).
  const std::vector<uint32_t>& latencies_us() const { return latencies_us_; }

 private:
  void fail() { stats_.errors++; }

  void send_one() {
    stats_.sent++;
    write(R"({"type":"send","channel":")" + channel_ + R"(","text":"t=)" + std::to_string(now_ns()) + " " +
          padding_ + "\"}");
  }

  void type_tick() {
    if (stopped_) return;
    write(R"({"type":"typing","channel":")" + channel_ + "\"}");
    typing_timer_.expires_after(typing_interval_);
    typing_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->type_tick();
    });
  }

  void tick() {
    if (stopped_) return;
    timer_.expires_at(next_);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->stopped_) return;
      self->send_one();
      self->next_ += self->interval_;
      self->tick();
    });
  }

  void write(std::string frame) {
    queue_.push_back(std::move(frame));
    if (queue_.size() == 1) write_next();
  }
  void write_next() {
    ws_.async_write(asio::buffer(queue_.front()), [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->fail();
      self->queue_.pop_front();
      if (!self->queue_.empty()) self->write_next();
    });
  }

  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        self->stats_.closed++;
        return;
      }
      self->on_frame(beast::buffers_to_string(self->buffer_.data()));
      self->buffer_.consume(self->buffer_.size());
      self->read();
    });
  }

  // A frame carries one event, or several separated by newlines (batching).
  void on_frame(const std::string& frame) {
    size_t start = 0;
    while (start < frame.size()) {
      size_t end = frame.find('\n', start);
      if (end == std::string::npos) end = frame.size();
      on_event(frame.substr(start, end - start));
      start = end + 1;
    }
  }

  void on_event(const std::string& frame) {
    if (starts_with(frame, R"({"type":"message.created",)")) {
      stats_.delivered++;
      size_t at = frame.find("\"text\":\"t=");
      if (at != std::string::npos && stats_.measuring) {
        int64_t sent = std::stoll(frame.substr(at + 10, 20));
        latencies_us_.push_back(static_cast<uint32_t>((now_ns() - sent) / 1000));
      }
    } else if (starts_with(frame, R"({"type":"ack")")) {
      stats_.acks++;
      if (back_to_back_ && !stopped_) send_one();
    } else if (starts_with(frame, R"({"type":"typing")")) {
      stats_.typing++;
    } else if (starts_with(frame, R"({"type":"subscribed")")) {
      stats_.subscribed++;
    } else if (starts_with(frame, R"({"type":"error")")) {
      stats_.errors++;
      if (stats_.errors < 5) std::fprintf(stderr, "error frame: %s\n", frame.c_str());
      if (back_to_back_ && !stopped_) send_one();
    }
  }

  websocket::stream<beast::tcp_stream> ws_;
  asio::steady_timer timer_;
  asio::steady_timer typing_timer_;
  std::chrono::nanoseconds typing_interval_{0};
  Stats& stats_;
  std::string token_, channel_, host_, padding_;
  beast::flat_buffer buffer_;
  std::vector<uint32_t> latencies_us_;
  std::deque<std::string> queue_;
  std::chrono::nanoseconds interval_{0};
  Clock::time_point next_;
  bool back_to_back_ = false;
  bool stopped_ = false;
};

long rss_kb(int pid) {
  if (pid <= 0) return -1;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

uint32_t percentile(std::vector<uint32_t>& values, double p) {
  if (values.empty()) return 0;
  size_t k = static_cast<size_t>(p * (values.size() - 1));
  std::nth_element(values.begin(), values.begin() + k, values.end());
  return values[k];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"chat_load: WebSocket load for townhall serve"};
  app.add_option("--server", o.server, "host:port of townhall serve");
  app.add_option("--server-pid", o.server_pid, "pid of the server, to report its RSS");
  app.add_option("--mode", o.mode, "idle, fanout or sends")
      ->check(CLI::IsMember({"idle", "fanout", "sends"}));
  app.add_option("--clients", o.clients, "WebSocket clients (receivers)");
  app.add_option("--channels", o.channels, "channels the clients are spread over");
  app.add_option("--users", o.users, "distinct accounts the clients log in as");
  app.add_option("--senders", o.senders, "sending clients (extra connections)");
  app.add_option("--rate", o.rate, "fanout: messages per second in total");
  app.add_option("--typists", o.typists,
                 "clients that also send a typing event every 3 s (the server's limit)");
  app.add_option("--seconds", o.seconds, "measurement duration");
  app.add_option("--threads", o.threads, "client threads");
  app.add_option("--batch", o.batch, "1: several events per frame (/ws?batch=1); 0: one event per frame");
  app.add_option("--text-bytes", o.text_bytes, "message text size");
  CLI11_PARSE(app, argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);

  size_t colon = o.server.rfind(':');
  std::string host = o.server.substr(0, colon), port = o.server.substr(colon + 1);
  Rest rest(host, port);
  int64_t run_id = now_ns() / 1000000;

  // Accounts and channels (the first user creates them; the others join).
  std::vector<std::string> tokens, channel_ids;
  for (int u = 0; u < std::max(o.users, 1); ++u) {
    int status = 0;
    std::string body =
        rest.call(http::verb::post, "/api/signup",
                  R"({"name":"load)" + std::to_string(u) + R"(","email":"load)" + std::to_string(u) + "-" +
                      std::to_string(run_id) + R"(@bench.example","password":"benchmark"})",
                  "", &status);
    if (status != 201) {
      std::fprintf(
          stderr, "signup failed (%d): %s\n(start the server with --rate-auth 0 --rate-ip 0 --rate-user 0)\n",
          status, body.c_str());
      return 1;
    }
    tokens.push_back(json_string(body, "token"));
  }
  for (int c = 0; c < o.channels; ++c) {
    std::string body =
        rest.call(http::verb::post, "/api/channels",
                  R"({"name":"load-)" + std::to_string(run_id) + "-" + std::to_string(c) + "\"}", tokens[0]);
    channel_ids.push_back(json_string(body, "id"));
    for (size_t u = 1; u < tokens.size(); ++u) {
      rest.call(http::verb::post, "/api/channels/" + channel_ids.back() + "/join", "", tokens[u]);
    }
  }
  std::printf("setup: %zu users, %zu channels\n", tokens.size(), channel_ids.size());

  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  std::vector<std::thread> threads;
  for (int i = 0; i < o.threads; ++i) threads.emplace_back([&] { io.run(); });
  Stats stats;
  stats.batch = o.batch != 0;
  auto endpoint = *tcp::resolver(io).resolve(host, port).begin();

  long rss_before = rss_kb(o.server_pid);
  std::vector<std::shared_ptr<Client>> clients, senders;
  auto connect_started = Clock::now();
  for (int i = 0; i < o.clients; ++i) {
    auto client =
        std::make_shared<Client>(io, stats, tokens[i % tokens.size()], channel_ids[i % channel_ids.size()]);
    client->start(endpoint, host);
    clients.push_back(client);
    if (i % 500 == 499) {  // let the accept queue drain
      while (stats.connected + stats.errors < static_cast<uint64_t>(i + 1) - 200) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
  }
  int want_senders = o.mode == "idle" ? 0 : o.senders;
  for (int i = 0; i < want_senders; ++i) {
    auto sender =
        std::make_shared<Client>(io, stats, tokens[i % tokens.size()], channel_ids[i % channel_ids.size()]);
    sender->start(endpoint, host);
    senders.push_back(sender);
  }
  uint64_t total = static_cast<uint64_t>(o.clients + want_senders);
  while (stats.subscribed + stats.errors < total &&
         Clock::now() - connect_started < std::chrono::seconds(120)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  double connect_seconds = std::chrono::duration<double>(Clock::now() - connect_started).count();
  std::printf("connected %llu/%llu and subscribed %llu in %.1fs (errors %llu)\n",
              (unsigned long long)stats.connected.load(), (unsigned long long)total,
              (unsigned long long)stats.subscribed.load(), connect_seconds,
              (unsigned long long)stats.errors.load());

  std::string padding(std::max(0, o.text_bytes - 22), 'x');
  stats.measuring = true;
  auto started = Clock::now();
  uint64_t delivered_before = stats.delivered, acks_before = stats.acks;
  uint64_t typing_before = stats.typing;
  for (int i = 0; i < o.typists && i < static_cast<int>(clients.size()); ++i) {
    clients[i]->type_every(std::chrono::milliseconds(3000));
  }
  if (o.mode == "fanout") {
    auto interval = std::chrono::nanoseconds(static_cast<int64_t>(1e9 * senders.size() / o.rate));
    for (auto& sender : senders) sender->send_every(interval, padding);
  } else if (o.mode == "sends") {
    for (auto& sender : senders) sender->send_back_to_back(padding);
  }
  long rss_peak = rss_kb(o.server_pid);
  for (int s = 0; s < o.seconds; ++s) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    rss_peak = std::max(rss_peak, rss_kb(o.server_pid));
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  for (auto& sender : senders) sender->stop();
  uint64_t delivered = stats.delivered - delivered_before, acks = stats.acks - acks_before;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stats.measuring = false;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // frames being handled finish

  std::vector<uint32_t> latencies;
  for (const auto& client : clients) {
    latencies.insert(latencies.end(), client->latencies_us().begin(), client->latencies_us().end());
  }
  std::printf("mode %s: clients %d, channels %d, senders %d, %.1fs\n", o.mode.c_str(), o.clients, o.channels,
              want_senders, elapsed);
  std::printf("deliveries/s %.0f, acked sends/s %.0f, errors %llu, closed %llu\n", delivered / elapsed,
              acks / elapsed, (unsigned long long)stats.errors.load(),
              (unsigned long long)stats.closed.load());
  if (o.typists) {
    std::printf("typing events received/s %.0f (from %d typists)\n", (stats.typing - typing_before) / elapsed,
                o.typists);
  }
  if (!latencies.empty()) {
    std::printf("delivery latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu samples)\n",
                percentile(latencies, 0.5) / 1000.0, percentile(latencies, 0.99) / 1000.0,
                *std::max_element(latencies.begin(), latencies.end()) / 1000.0, latencies.size());
  }
  if (o.server_pid > 0) {
    std::printf("server RSS: before %ld KB, peak %ld KB (%.1f MB)\n", rss_before, rss_peak,
                rss_peak / 1024.0);
  }
  std::fflush(stdout);
  std::_Exit(0);  // skip closing thousands of sockets one by one
}
