// A DynamoDB endpoint's listen address ("127.0.0.1:8000", "[::1]:0",
// ":8000") into the wire server's options, by net's one rule: no address
// means loopback, never all interfaces.
#pragma once

#include <string>

#include "ddb/result.h"
#include "wire/server.h"

namespace townhall::cli {

ddb::Result<wire::ServerOptions> parse_listen_address(const std::string& address,
                                                      wire::ServerOptions defaults = {});

}  // namespace townhall::cli
