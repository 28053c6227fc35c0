// `townhall serve`: the chat server (REST, WebSocket, web page) on a store.
#pragma once

#include <CLI/CLI.hpp>

namespace townhall::cli {

// Adds the serve subcommand and its options (flags, TOWNHALL_* environment,
// --config file) to app; see docs/configuration.md.
void register_serve_command(CLI::App& app);

}  // namespace townhall::cli
