// `townhall chat <command>`: the notebook's functions against the configured store.
#pragma once

#include <CLI/CLI.hpp>

namespace townhall::cli {

// Adds the chat subcommand and its commands to app; a command leaves the
// process exit code in *exit_code (0 on success, 1 on an error it printed).
void register_chat_command(CLI::App& app, int* exit_code);

}  // namespace townhall::cli
