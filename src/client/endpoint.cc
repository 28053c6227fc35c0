#include "client/endpoint.h"

#include "net/text.h"

#include <boost/asio/ip/address.hpp>

#include <charconv>

namespace townhall::client {
namespace {

ddb::Error invalid(std::string_view url, std::string_view why) {
  std::string message = "Invalid endpoint URL \"";
  message.append(url);
  message.append("\": ");
  message.append(why);
  return ddb::Error::Validation(std::move(message));
}

}  // namespace

bool Endpoint::host_is_ip_literal() const {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

std::string Endpoint::host_header() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls ? 443 : 80)) {
    out += ':';
    out += std::to_string(port);
  }
  return out;
}

std::string Endpoint::url() const { return (tls ? "https://" : "http://") + host_header() + path; }

ddb::Result<Endpoint> parse_endpoint_url(std::string_view url) {
  Endpoint endpoint;
  std::string_view rest;
  if (net::istarts_with(url, "https://")) {
    endpoint.tls = true;
    endpoint.port = 443;
    rest = url.substr(8);
  } else if (net::istarts_with(url, "http://")) {
    endpoint.tls = false;
    endpoint.port = 80;
    rest = url.substr(7);
  } else {
    return invalid(url, "the scheme must be http:// or https://");
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return invalid(url, "a query or fragment is not allowed");
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) endpoint.path = std::string(rest.substr(slash));
  if (authority.find('@') != std::string_view::npos) return invalid(url, "user information is not allowed");

  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return invalid(url, "unterminated IPv6 address");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return invalid(url, "unexpected text after the IPv6 address");
      port = after.substr(1);
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return invalid(url, "the host is missing");
  endpoint.host = std::string(host);
  if (!port.empty() || authority.ends_with(':')) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return invalid(url, "the port must be a number from 1 to 65535");
    }
    endpoint.port = static_cast<uint16_t>(value);
  }
  return endpoint;
}

std::string default_endpoint_url(std::string_view region) {
  std::string url = "https://dynamodb.";
  url.append(region);
  url.append(region.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com");
  return url;
}

}  // namespace townhall::client
