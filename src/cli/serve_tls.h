// HTTPS for `townhall serve` (--tls-cert, --tls-key, --redirect-http;
// docs/configuration.md#https): checks the flags and loads the certificate
// before anything listens, and reloads it on SIGHUP.
#pragma once

#include <string>

#include "cli/serve_settings.h"
#include "net/tls_context.h"

namespace townhall::cli {

// With --tls-cert and --tls-key: loads them into settings.server.tls, marks
// cookies Secure, passes --redirect-http on. Without: nothing, unless
// --redirect-http was given. False, with *error for the user, when only one
// of the pair is given, a file is missing, unreadable or not PEM, the key
// is not the certificate's, or --redirect-http has no TLS to redirect to.
bool setup_tls(ServeSettings& settings, std::string* error);

// SIGHUP: loads the same files again; new connections get the new
// certificate, open ones keep theirs. A failure is logged and the current
// certificate stays.
void reload_tls(net::TlsContext& tls);

}  // namespace townhall::cli
