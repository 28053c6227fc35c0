#include "net/address.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "net/text.h"

namespace townhall::net {
namespace {

std::optional<IpAddress> parse_ip(std::string_view text) {
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return canonical(address);
}

// The host part of a Host header value: "[::1]:8000" -> "::1", "a.b:80" -> "a.b", "a.b" -> "a.b".
std::string_view host_part(std::string_view value) {
  if (!value.empty() && value.front() == '[') {
    size_t close = value.find(']');
    return close == std::string_view::npos ? std::string_view() : value.substr(1, close - 1);
  }
  size_t colon = value.find(':');
  if (colon != std::string_view::npos && value.find(':', colon + 1) != std::string_view::npos) {
    return value;  // a bare IPv6 literal, which is not valid in Host but is not a name either
  }
  return value.substr(0, colon);
}

using Bytes = std::array<unsigned char, 16>;

// The address's bytes, network order, in the first 4 (IPv4) or 16 (IPv6).
Bytes bytes_of(const IpAddress& address) {
  Bytes out{};
  if (address.is_v4()) {
    auto v4 = address.to_v4().to_bytes();
    std::copy(v4.begin(), v4.end(), out.begin());
  } else {
    out = address.to_v6().to_bytes();
  }
  return out;
}

}  // namespace

IpAddress canonical(const IpAddress& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  return address;
}

bool is_loopback(const IpAddress& address) { return canonical(address).is_loopback(); }

bool is_loopback_listen_address(std::string_view host) {
  if (host.empty()) return true;  // ":8080": loopback
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (iequals(host, "localhost")) return true;
  auto address = parse_ip(host);
  return address && address->is_loopback();
}

std::optional<AddressRanges> AddressRanges::parse(std::string_view text, std::string* error) {
  AddressRanges out;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (item.empty()) continue;
    size_t slash = item.find('/');
    auto network = parse_ip(item.substr(0, slash));
    if (!network) {
      if (error) *error = "not an IP address or CIDR range: '" + std::string(item) + "'";
      return std::nullopt;
    }
    unsigned max_prefix = network->is_v4() ? 32 : 128;
    unsigned prefix = max_prefix;
    if (slash != std::string_view::npos) {
      std::string_view digits = item.substr(slash + 1);
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
      if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
          prefix > max_prefix) {
        if (error) *error = "bad prefix length in '" + std::string(item) + "'";
        return std::nullopt;
      }
    }
    out.ranges_.push_back({*network, prefix});
  }
  return out;
}

bool AddressRanges::contains(const IpAddress& raw) const {
  IpAddress address = canonical(raw);
  for (const auto& range : ranges_) {
    if (range.network.is_v4() != address.is_v4()) continue;
    Bytes a = bytes_of(address), n = bytes_of(range.network);
    unsigned bits = range.prefix;
    bool match = true;
    for (size_t i = 0; bits > 0 && match; ++i) {
      unsigned take = bits >= 8 ? 8 : bits;
      auto mask = static_cast<unsigned char>(0xff << (8 - take));
      match = (a[i] & mask) == (n[i] & mask);
      bits -= take;
    }
    if (match) return true;
  }
  return false;
}

std::string client_address(const IpAddress& peer, std::string_view forwarded_for,
                           const AddressRanges& trusted) {
  IpAddress current = canonical(peer);
  if (trusted.empty() || !trusted.contains(current)) return current.to_string();
  // Walk right to left: each hop appended the address it received from.
  while (!forwarded_for.empty()) {
    size_t comma = forwarded_for.rfind(',');
    std::string_view item =
        trim(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    forwarded_for = comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    auto hop = parse_ip(item);
    if (!hop) break;  // malformed: stop at the last hop we could read
    current = *hop;
    if (!trusted.contains(current)) break;
  }
  return current.to_string();
}

bool host_allowed(std::string_view value, const HostPolicy& policy) {
  if (!policy.enforce) return true;
  value = trim(value);
  if (value.empty()) return true;  // HTTP/1.0 without Host: not a browser
  std::string_view host = host_part(value);
  if (host.empty()) return false;
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);  // "localhost." is "localhost"
  if (parse_ip(host)) return true;
  if (iequals(host, "localhost")) return true;
  constexpr std::string_view kLocalhostSuffix = ".localhost";
  if (host.size() > kLocalhostSuffix.size() &&
      iequals(host.substr(host.size() - kLocalhostSuffix.size()), kLocalhostSuffix)) {
    return true;
  }
  for (const auto& name : policy.names) {
    if (iequals(host, name)) return true;
  }
  return false;
}

}  // namespace townhall::net
