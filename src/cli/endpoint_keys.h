// The keys a DynamoDB endpoint (townhall dynamodb, townhall serve's endpoint)
// requires requests to be signed with, and the rules that keep an endpoint
// from being opened to the network by accident (docs/security.md).
//
// --credentials takes a file of "ACCESS_KEY_ID SECRET [SESSION_TOKEN]" lines
// (sigv4::KeyRing's format) or one inline "ACCESS_KEY_ID:SECRET" pair (the
// notebook's "dummy:dummy"); TOWNHALL_ACCESS_KEY_ID and
// TOWNHALL_SECRET_ACCESS_KEY add one more key.
#pragma once

#include <optional>
#include <string>

#include "ddb/result.h"
#include "sigv4/sigv4.h"

namespace townhall::cli {

// nullopt when neither source names a key; an error for an unreadable or
// malformed file, or one without keys.
ddb::Result<std::optional<sigv4::KeyRing>> load_endpoint_keys(const std::string& credentials);

// The keys of townhall serve's endpoint, which never accepts any key: those
// given, or else the key saved in `saved_file` (created 0600 on first start
// with a random key, which is printed once). saved_file empty (an in-memory
// store): a random key for this run, printed.
ddb::Result<sigv4::KeyRing> serve_endpoint_keys(const std::string& credentials,
                                                const std::string& saved_file);

// A secret anyone could guess ("dummy"): shorter than 16 characters.
bool has_weak_key(const sigv4::KeyRing& keys);

// Refuses to listen beyond loopback without real keys: an error unless the
// address is loopback, or keys are set and none is weak, or insecure is set
// (then it logs a warning). what: "--listen", "--dynamodb-listen".
ddb::Status check_exposure(const std::string& host, const std::optional<sigv4::KeyRing>& keys, bool insecure,
                           const std::string& what);

}  // namespace townhall::cli
