// The configuration file of `townhall serve` (docs/configuration.md):
// /etc/townhall/townhall.conf when it exists, TOWNHALL_CONFIG or --config
// otherwise. Keys are serve's long option names; values are TOML scalars or
// arrays. Precedence: flags > TOWNHALL_* environment > file > defaults.
//
// CLI11 2.1 (Debian bookworm) reads a config file only for the top-level
// app, never for a subcommand's set_config, so serve reads its file here,
// after CLI11 has taken the flags and the environment: an option still unset
// then takes the file's value, which gives the precedence above.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace townhall::cli {

inline constexpr char kDefaultConfigPath[] = "/etc/townhall/townhall.conf";

struct ConfigFileSettings {
  std::string path;           // --config / TOWNHALL_CONFIG; empty: the default path, if it exists
  bool print_config = false;  // --print-config
};

// Adds --config (TOWNHALL_CONFIG) and --print-config to cmd.
void add_config_flags(CLI::App* cmd, ConfigFileSettings& settings);

// Reads the file and gives each option the flags and the environment left
// unset its value from the file (running the option's checks). A named file
// (--config, TOWNHALL_CONFIG) must exist; the default one may be absent.
// Throws CLI::FileError when the file cannot be read, CLI::ConfigError naming
// the file and the key for an unknown key, a key given twice, a [section], or
// a value the option refuses. Call it first thing in cmd's callback.
void apply_config_file(CLI::App* cmd, const ConfigFileSettings& settings);

// Every option of cmd (but --config, --print-config and --help) as
// `key = value` lines in the file's format, each after its help as a comment:
// what serve would run with. Options unset and without a default (addresses,
// paths) are commented-out template lines. Secrets (--metrics-token,
// --dynamodb-credentials) are not shown when set.
std::string effective_config(const CLI::App* cmd);

}  // namespace townhall::cli
