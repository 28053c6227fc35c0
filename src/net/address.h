// Client addresses as the servers see them: loopback, address ranges (the
// trusted reverse proxies whose X-Forwarded-For is believed), and the Host
// header policy that keeps a DNS-rebinding page from talking to a server on
// loopback.
//
// Thread-safety: AddressRanges and HostPolicy are immutable once built.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace townhall::net {

using IpAddress = boost::asio::ip::address;

// 127.0.0.0/8, ::1, and IPv4-mapped loopback (::ffff:127.x.y.z).
bool is_loopback(const IpAddress& address);
// A listen address a remote machine cannot reach: a loopback address, or
// none (":8080" binds loopback, parse_listen_address's one rule).
// "0.0.0.0", "::" and every other address are reachable from outside.
bool is_loopback_listen_address(std::string_view host);
// IPv4-mapped IPv6 (::ffff:a.b.c.d) as the IPv4 address; others unchanged.
IpAddress canonical(const IpAddress& address);

// A set of CIDR ranges ("10.0.0.0/8", "::1/128", "192.168.1.7").
class AddressRanges {
 public:
  // Comma-separated ranges; an error message for a malformed one.
  static std::optional<AddressRanges> parse(std::string_view text, std::string* error);
  bool contains(const IpAddress& address) const;
  bool empty() const { return ranges_.empty(); }

 private:
  struct Range {
    IpAddress network;
    unsigned prefix = 0;
  };
  std::vector<Range> ranges_;
};

// The client a request speaks for. Behind a trusted proxy (the peer is in
// `trusted`), the rightmost X-Forwarded-For entry that is not itself a
// trusted proxy; otherwise, and whenever the header is absent or malformed,
// the peer. An untrusted peer's X-Forwarded-For is never believed: it is
// whatever the client wrote.
std::string client_address(const IpAddress& peer, std::string_view forwarded_for,
                           const AddressRanges& trusted);

// Which Host header values a server answers. A name is what a DNS-rebinding
// page sends (its own name, now resolving to us); an IP literal or
// "localhost" is what a client addressing this machine sends.
struct HostPolicy {
  std::vector<std::string> names;  // extra names clients use (lower case), e.g. "db.example.com"
  bool enforce = true;
};
// True when `host` (the Host header: name or IP literal, optional port) is
// acceptable: a missing Host (HTTP/1.0), an IP literal, "localhost" or
// "*.localhost", or one of the policy's names.
bool host_allowed(std::string_view host, const HostPolicy& policy);

}  // namespace townhall::net
