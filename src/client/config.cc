#include "client/config.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "client/endpoint.h"
#include "client/ini_file.h"

namespace townhall::client {
namespace {

ddb::Error config_error(std::string message) { return ddb::Error::Validation(std::move(message)); }

bool is_true(std::string_view value) {
  return value.size() == 4 && (value[0] == 't' || value[0] == 'T') && (value[1] == 'r' || value[1] == 'R') &&
         (value[2] == 'u' || value[2] == 'U') && (value[3] == 'e' || value[3] == 'E');
}

// One of the two shared files, read and parsed; an absent file is empty.
struct SharedFile {
  std::string path;
  IniFile sections;
};

std::string expand_home(std::string path, const Environment& env) {
  if (path == "~" || path.starts_with("~/")) {
    auto home = env("HOME");
    if (home) path.replace(0, 1, *home);
  }
  return path;
}

ddb::Result<SharedFile> load_shared_file(const Environment& env, std::string_view variable,
                                         std::string_view default_name) {
  SharedFile file;
  if (auto path = env(variable)) {
    file.path = expand_home(*path, env);
  } else if (auto home = env("HOME")) {
    file.path = *home + "/.aws/" + std::string(default_name);
  } else {
    return file;  // no HOME and no explicit path: no file
  }
  std::ifstream in(file.path, std::ios::binary);
  if (!in) return file;
  std::ostringstream text;
  text << in.rdbuf();
  TH_ASSIGN_OR_RETURN(file.sections, parse_ini(text.str(), file.path));
  return file;
}

const IniSection* find_section(const SharedFile& file, const std::string& name) {
  auto it = file.sections.find(name);
  return it == file.sections.end() ? nullptr : &it->second;
}

// The config file names profiles "[profile name]"; the default profile may
// also be plain "[default]".
const IniSection* config_profile(const SharedFile& config, const std::string& profile) {
  if (const IniSection* s = find_section(config, "profile " + profile)) return s;
  return profile == "default" ? find_section(config, "default") : nullptr;
}

std::optional<std::string> lookup(const IniSection* section, std::string_view key) {
  if (section == nullptr) return std::nullopt;
  auto it = section->find(key);
  if (it == section->end() || it->second.empty()) return std::nullopt;
  return it->second;
}

struct Setting {
  std::string value;
  std::string source;
};

// Everything resolution reads, loaded once.
struct Sources {
  const ClientFlags& flags;
  const Environment& env;
  std::string profile;
  bool profile_from_flag = false;
  SharedFile config;
  SharedFile credentials;
  const IniSection* config_section = nullptr;       // [profile x] in the config file
  const IniSection* credentials_section = nullptr;  // [x] in the credentials file

  std::string in_config() const { return "profile \"" + profile + "\" in " + config.path; }
  std::string in_credentials() const { return "profile \"" + profile + "\" in " + credentials.path; }
};

ddb::Result<std::optional<Setting>> resolve_endpoint(const Sources& s) {
  if (s.flags.endpoint_url) return std::optional<Setting>(Setting{*s.flags.endpoint_url, "flag"});
  bool ignore = false;
  if (auto v = s.env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
    ignore = is_true(*v);
  } else if (auto c = lookup(s.config_section, "ignore_configured_endpoint_urls")) {
    ignore = is_true(*c);
  }
  if (ignore) return std::optional<Setting>();
  for (std::string_view name : {"AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL"}) {
    if (auto v = s.env(name)) return std::optional<Setting>(Setting{*v, std::string(name)});
  }
  if (auto services = lookup(s.config_section, "services")) {
    const IniSection* section = find_section(s.config, "services " + *services);
    if (section == nullptr) {
      return config_error("Profile \"" + s.profile + "\" in " + s.config.path + " names services section \"" +
                          *services + "\", which does not exist");
    }
    if (auto v = lookup(section, "dynamodb.endpoint_url")) {
      return std::optional<Setting>(Setting{*v, "services \"" + *services + "\" in " + s.config.path});
    }
  }
  if (auto v = lookup(s.config_section, "endpoint_url")) {
    return std::optional<Setting>(Setting{*v, s.in_config()});
  }
  return std::optional<Setting>();
}

std::optional<Setting> resolve_region(const Sources& s) {
  if (s.flags.region) return Setting{*s.flags.region, "flag"};
  for (std::string_view name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (auto v = s.env(name)) return Setting{*v, std::string(name)};
  }
  if (auto v = lookup(s.config_section, "region")) return Setting{*v, s.in_config()};
  return std::nullopt;
}

bool valid_region(std::string_view region) {
  if (region.empty() || region.size() > 63) return false;
  for (char c : region) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
  }
  return true;
}

// Static keys from one profile section; nullopt when it has none.
ddb::Result<std::optional<sigv4::Credentials>> profile_keys(const IniSection* section,
                                                            const std::string& where) {
  auto id = lookup(section, "aws_access_key_id");
  auto secret = lookup(section, "aws_secret_access_key");
  if (!id && !secret) return std::optional<sigv4::Credentials>();
  if (!id || !secret) {
    return config_error(where + " has " +
                        (id ? "aws_access_key_id but no aws_secret_access_key"
                            : "aws_secret_access_key but no aws_access_key_id"));
  }
  sigv4::Credentials credentials{*id, *secret, {}};
  if (auto token = lookup(section, "aws_session_token")) {
    credentials.session_token = *token;
  } else if (auto legacy = lookup(section, "aws_security_token")) {
    credentials.session_token = *legacy;
  }
  return std::optional<sigv4::Credentials>(std::move(credentials));
}

ddb::Result<std::pair<sigv4::Credentials, std::string>> resolve_credentials(const Sources& s) {
  using Found = std::pair<sigv4::Credentials, std::string>;
  if (s.flags.access_key_id || s.flags.secret_access_key) {
    if (!s.flags.access_key_id || !s.flags.secret_access_key) {
      return config_error("An access key id and a secret access key must be given together");
    }
    return Found{{*s.flags.access_key_id, *s.flags.secret_access_key, s.flags.session_token.value_or("")},
                 "flags"};
  }
  // A profile named on the command line wins over keys in the environment
  // (botocore does the same); AWS_PROFILE does not.
  if (!s.profile_from_flag) {
    auto id = s.env("AWS_ACCESS_KEY_ID");
    auto secret = s.env("AWS_SECRET_ACCESS_KEY");
    if (id && secret) {
      auto token = s.env("AWS_SESSION_TOKEN");
      if (!token) token = s.env("AWS_SECURITY_TOKEN");
      return Found{{*id, *secret, token.value_or("")}, "environment"};
    }
    if (id || secret) {
      return config_error(std::string("Partial credentials in the environment: ") +
                          (id ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"
                              : "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"));
    }
  }
  TH_ASSIGN_OR_RETURN(auto from_credentials, profile_keys(s.credentials_section, s.in_credentials()));
  if (from_credentials) return Found{std::move(*from_credentials), s.in_credentials()};
  TH_ASSIGN_OR_RETURN(auto from_config, profile_keys(s.config_section, s.in_config()));
  if (from_config) return Found{std::move(*from_config), s.in_config()};

  for (const IniSection* section : {s.credentials_section, s.config_section}) {
    for (std::string_view key :
         {"role_arn", "credential_process", "sso_session", "sso_start_url", "web_identity_token_file"}) {
      if (lookup(section, key)) {
        return config_error("Profile \"" + s.profile + "\" gets its credentials through " + std::string(key) +
                            ", which Townhall does not support; export static credentials instead (for "
                            "example `eval \"$(aws configure export-credentials --profile " +
                            s.profile + " --format env)\"`)");
      }
    }
  }
  return config_error(
      "Unable to locate AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
      "or put aws_access_key_id and aws_secret_access_key in profile \"" +
      s.profile + "\" of " + (s.credentials.path.empty() ? "~/.aws/credentials" : s.credentials.path) +
      " (local endpoints such as DynamoDB Local accept any keys)");
}

ddb::Result<int> parse_positive(std::string_view text, std::string_view what) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1) {
    return config_error(std::string(what) + " must be a positive integer, not \"" + std::string(text) + "\"");
  }
  return value;
}

}  // namespace

Environment process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
}

Environment fixed_environment(std::map<std::string, std::string> variables) {
  return [variables = std::move(variables)](std::string_view name) -> std::optional<std::string> {
    auto it = variables.find(std::string(name));
    if (it == variables.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

ddb::Result<ClientOptions> resolve_client_options(const ClientFlags& flags, const Environment& env,
                                                  ClientOptions options) {
  Sources s{flags, env};
  if (flags.profile) {
    s.profile = *flags.profile;
    s.profile_from_flag = true;
  } else if (auto p = env("AWS_PROFILE")) {
    s.profile = *p;
  } else if (auto legacy = env("AWS_DEFAULT_PROFILE")) {
    s.profile = *legacy;
  } else {
    s.profile = "default";
  }
  TH_ASSIGN_OR_RETURN(s.config, load_shared_file(env, "AWS_CONFIG_FILE", "config"));
  TH_ASSIGN_OR_RETURN(s.credentials, load_shared_file(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials"));
  s.config_section = config_profile(s.config, s.profile);
  s.credentials_section = find_section(s.credentials, s.profile);
  bool profile_named = s.profile_from_flag || env("AWS_PROFILE") || env("AWS_DEFAULT_PROFILE");
  if (profile_named && s.config_section == nullptr && s.credentials_section == nullptr) {
    return config_error("The config profile (" + s.profile + ") could not be found in " +
                        (s.config.path.empty() ? "~/.aws/config" : s.config.path) + " or " +
                        (s.credentials.path.empty() ? "~/.aws/credentials" : s.credentials.path));
  }

  TH_ASSIGN_OR_RETURN(std::optional<Setting> endpoint, resolve_endpoint(s));
  std::optional<Setting> region = resolve_region(s);
  if (!region) {
    if (!endpoint) {
      return config_error(
          "No AWS region configured: pass --region, set AWS_REGION, or add \"region = ...\" to "
          "profile \"" +
          s.profile + "\" in " + (s.config.path.empty() ? "~/.aws/config" : s.config.path) +
          " (or give an endpoint URL for a local DynamoDB)");
    }
    region = Setting{"us-east-1", "default for a custom endpoint"};
  }
  if (!valid_region(region->value)) {
    return config_error("Invalid AWS region \"" + region->value + "\" (from " + region->source + ")");
  }
  if (!endpoint) endpoint = Setting{default_endpoint_url(region->value), "the region's DynamoDB endpoint"};
  if (auto parsed = parse_endpoint_url(endpoint->value); !parsed.ok()) {
    return config_error(parsed.error().message + " (from " + endpoint->source + ")");
  }
  TH_ASSIGN_OR_RETURN(auto credentials, resolve_credentials(s));

  options.endpoint_url = endpoint->value;
  options.region = region->value;
  options.credentials = std::move(credentials.first);
  options.sources = "endpoint " + options.endpoint_url + " from " + endpoint->source + "; region " +
                    options.region + " from " + region->source + "; credentials from " + credentials.second;

  if (auto v = env("AWS_CA_BUNDLE")) {
    options.ca_bundle = expand_home(*v, env);
  } else if (auto c = lookup(s.config_section, "ca_bundle")) {
    options.ca_bundle = expand_home(*c, env);
  }
  if (!options.ca_bundle.empty()) options.sources += "; CA bundle " + options.ca_bundle;
  if (auto v = env("AWS_MAX_ATTEMPTS")) {
    TH_ASSIGN_OR_RETURN(options.retry.max_attempts, parse_positive(*v, "AWS_MAX_ATTEMPTS"));
  } else if (auto c = lookup(s.config_section, "max_attempts")) {
    TH_ASSIGN_OR_RETURN(options.retry.max_attempts, parse_positive(*c, "max_attempts in " + s.in_config()));
  }
  return options;
}

}  // namespace townhall::client
