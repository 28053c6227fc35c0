// Client configuration resolved the way the AWS CLI and SDKs resolve it, so a
// machine already set up for `aws dynamodb ...` works with Townhall unchanged.
//
// Each setting takes the first source that has it:
//   endpoint:    flag; AWS_ENDPOINT_URL_DYNAMODB; AWS_ENDPOINT_URL; the
//                profile's `services` section (dynamodb.endpoint_url); the
//                profile's endpoint_url; https://dynamodb.<region>.amazonaws.com.
//                AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the profile's
//                ignore_configured_endpoint_urls) skips all but the flag.
//   region:      flag; AWS_REGION; AWS_DEFAULT_REGION; the profile's region
//                (config file). With a custom endpoint and no region anywhere,
//                us-east-1 (local endpoints accept any region).
//   credentials: flags; AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY
//                (+ AWS_SESSION_TOKEN), unless a profile was passed as a flag;
//                the profile in the credentials file; the profile in the
//                config file.
//   profile:     flag; AWS_PROFILE; AWS_DEFAULT_PROFILE; "default". Sections
//                are [name] in the credentials file and [profile name] (or
//                [default]) in the config file.
//   files:       AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials;
//                AWS_CONFIG_FILE or ~/.aws/config (~ is $HOME). Missing files are fine.
//   also:        AWS_CA_BUNDLE / ca_bundle; AWS_MAX_ATTEMPTS / max_attempts.
//
// Profiles that need a credential provider Townhall does not have (role_arn,
// sso_*, credential_process, web identity), like a missing region or missing
// credentials, are errors that say what to set.
//
// Thread-safety: resolve_client_options reads files and the environment;
// safe to call concurrently as long as nobody changes the environment.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "client/options.h"
#include "ddb/result.h"

namespace townhall::client {

// What the command line said (--endpoint-url, --region, --profile); unset
// members fall through to the environment and the files.
struct ClientFlags {
  std::optional<std::string> endpoint_url;
  std::optional<std::string> region;
  std::optional<std::string> profile;
  // Explicit keys (programs and tests; the CLI does not take secrets as flags).
  std::optional<std::string> access_key_id;
  std::optional<std::string> secret_access_key;
  std::optional<std::string> session_token;
};

// Looks up an environment variable; nullopt when unset. Empty values count as unset.
using Environment = std::function<std::optional<std::string>(std::string_view name)>;
// The process environment (getenv).
Environment process_environment();
// A fixed environment, for tests.
Environment fixed_environment(std::map<std::string, std::string> variables);

// Options for a Client: the resolved endpoint, region, credentials, CA bundle
// and attempt count on top of `defaults` (timeouts, pool size, ...).
// ValidationException with a message saying what to configure when a
// setting is missing, invalid, or a file cannot be parsed.
ddb::Result<ClientOptions> resolve_client_options(const ClientFlags& flags,
                                                  const Environment& environment = process_environment(),
                                                  ClientOptions defaults = {});

}  // namespace townhall::client
