#include "net/peer.h"

namespace townhall::net {

Peer peer_of(const IpAddress& remote, std::string_view forwarded_for, bool other_proxy_headers,
             const AddressRanges& trusted_proxies) {
  Peer peer;
  peer.client_ip = client_address(remote, forwarded_for, trusted_proxies);
  peer.local = is_loopback(remote) && forwarded_for.empty() && !other_proxy_headers;
  return peer;
}

}  // namespace townhall::net
