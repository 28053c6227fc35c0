#include "net/https_redirect.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

#include "net/text.h"

namespace townhall::net {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return false;
  for (char c : text) {
    if (!is_digit(c)) return false;
  }
  return true;
}

// A DNS name as browsers send it: labels of letters, digits, '-' and '_'
// (internal names have them), one trailing dot allowed.
bool is_dns_name(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return false;
  size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    bool allowed = is_digit(c) || (ascii_lower(c) >= 'a' && ascii_lower(c) <= 'z') || c == '-' || c == '_';
    if (!allowed || ++label > 63) return false;
  }
  return label > 0;
}

HttpResponse plain_answer(http::status status, unsigned version, std::string body) {
  HttpResponse response{status, version};
  response.set(http::field::server, "townhall");
  response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

}  // namespace

std::optional<std::string> https_location(std::string_view host, std::string_view target,
                                          uint16_t https_port) {
  host = trim(host);
  std::string name;
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view rest = host.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !is_port(rest.substr(1)))) return std::nullopt;
    boost::system::error_code ec;
    auto address = asio::ip::make_address_v6(std::string(host.substr(1, close - 1)), ec);
    if (ec) return std::nullopt;
    name = "[" + address.to_string() + "]";
  } else {
    size_t colon = host.find(':');
    std::string_view hostname = host.substr(0, colon);
    if (colon != std::string_view::npos && !is_port(host.substr(colon + 1))) return std::nullopt;
    // Dotted digits are a DNS name by these rules too; an IPv4 literal needs nothing more.
    if (!is_dns_name(hostname)) return std::nullopt;
    for (char c : hostname) name += ascii_lower(c);
  }
  std::string location = "https://" + name;
  if (https_port != 443) location += ":" + std::to_string(https_port);
  if (target.empty() || target.front() != '/') target = "/";
  location += target;
  return location;
}

class HttpsRedirect::Service : public HttpService {
 public:
  explicit Service(uint16_t https_port) : https_port_(https_port) {}

  asio::awaitable<HttpResponse> serve(HttpRequest& request, const Peer&) override {
    co_return answer(request);
  }
  HttpResponse refuse(int status, unsigned version) override {
    return plain_answer(static_cast<http::status>(status), version, "");
  }
  asio::awaitable<std::optional<HttpResponse>> upgrade(boost::beast::tcp_stream&, ConnectionLimiter::Slot&,
                                                       HttpRequest& request, const Peer&) override {
    co_return answer(request);
  }

 private:
  HttpResponse answer(const HttpRequest& request) const {
    auto host = request.find(http::field::host);
    auto location =
        host == request.end() ? std::nullopt : https_location(host->value(), request.target(), https_port_);
    if (!location) {
      return plain_answer(http::status::bad_request, request.version(),
                          "This address speaks HTTPS only, and the request's Host header does not name a "
                          "server to send you to.\n");
    }
    HttpResponse response =
        plain_answer(http::status::permanent_redirect, request.version(), "Moved to " + *location + "\n");
    response.set(http::field::location, *location);
    response.keep_alive(request.keep_alive());
    return response;
  }

  const uint16_t https_port_;
};

HttpsRedirect::HttpsRedirect(IoPool& pool, ListenerOptions listener, const HttpLimits& limits,
                             uint16_t https_port)
    : service_(std::make_unique<Service>(https_port)),
      limits_(limits),
      connections_(pool),
      state_{*service_, connections_, limits_, no_proxies_, stopping_},
      listener_(pool, std::move(listener),
                [this](asio::ip::tcp::socket socket, ConnectionLimiter::Slot slot) {
                  start_http_session(std::move(socket), std::move(slot), state_);
                }) {}

HttpsRedirect::~HttpsRedirect() {
  if (running_) stop(std::chrono::seconds(1));
}

std::optional<std::string> HttpsRedirect::open(const asio::ip::tcp::endpoint& endpoint) {
  return listener_.open(endpoint);
}

void HttpsRedirect::start() {
  running_ = true;
  listener_.start();
}

void HttpsRedirect::stop(std::chrono::milliseconds drain) {
  if (!running_) return;
  running_ = false;
  stopping_ = true;
  listener_.close();
  connections_.close_all(false);
  if (!connections_.wait_empty(drain)) connections_.close_all(true);
  connections_.wait_empty(std::chrono::seconds(5));
}

}  // namespace townhall::net
