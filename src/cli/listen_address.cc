#include "cli/listen_address.h"

#include "net/listener.h"

namespace townhall::cli {

ddb::Result<wire::ServerOptions> parse_listen_address(const std::string& address,
                                                      wire::ServerOptions defaults) {
  std::string error;
  auto endpoint = net::parse_listen_address(address, &error);
  if (!endpoint) return ddb::Error::Validation(error);
  defaults.address = endpoint->address().to_string();
  defaults.port = endpoint->port();
  return defaults;
}

}  // namespace townhall::cli
