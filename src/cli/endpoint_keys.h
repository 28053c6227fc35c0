// The keys a DynamoDB endpoint (townhall dynamodb, townhall serve's endpoint)
// requires requests to be signed with: a credentials file (sigv4::KeyRing's
// format) and/or TOWNHALL_ACCESS_KEY_ID / TOWNHALL_SECRET_ACCESS_KEY. Neither:
// any key is accepted, as DynamoDB Local does.
#pragma once

#include <optional>
#include <string>

#include "ddb/result.h"
#include "sigv4/sigv4.h"

namespace townhall::cli {

// nullopt when neither source names a key; an error for an unreadable or
// malformed file, or one without keys.
ddb::Result<std::optional<sigv4::KeyRing>> load_endpoint_keys(const std::string& credentials_file);

}  // namespace townhall::cli
