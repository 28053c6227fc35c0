#include "cli/listen_address.h"

#include <charconv>

namespace townhall::cli {

ddb::Result<wire::ServerOptions> parse_listen_address(const std::string& address,
                                                      wire::ServerOptions defaults) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) return ddb::Error::Validation("expected host:port, got " + address);
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "127.0.0.1";
  unsigned port = 0;
  const char* begin = address.data() + colon + 1;
  const char* end = address.data() + address.size();
  auto [ptr, ec] = std::from_chars(begin, end, port);
  if (ec != std::errc() || ptr != end || begin == end || port > 65535) {
    return ddb::Error::Validation("bad port in " + address);
  }
  defaults.address = host;
  defaults.port = static_cast<uint16_t>(port);
  return defaults;
}

}  // namespace townhall::cli
