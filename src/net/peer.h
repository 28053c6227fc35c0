// Peer: who sent a request. The client address that limits and logs use is
// the connection's remote address, or, behind a trusted reverse proxy, the
// address the proxy says it forwarded for (X-Forwarded-For; never believed
// from anyone else). `local` is true for a request straight from this
// machine: loopback, and no proxy header (a reverse proxy on the same
// machine forwards everyone's requests from loopback, but names them).
#pragma once

#include <string>
#include <string_view>

#include "net/address.h"

namespace townhall::net {

struct Peer {
  std::string client_ip;
  bool local = false;
};

// forwarded_for: the X-Forwarded-For header ("" when absent); other_proxy_headers:
// Forwarded or X-Real-IP present.
Peer peer_of(const IpAddress& remote, std::string_view forwarded_for, bool other_proxy_headers,
             const AddressRanges& trusted_proxies);

}  // namespace townhall::net
