// The townhall subcommands: each file registers one with the CLI11 app.
// A subcommand's callback runs the job and leaves the process exit code in
// *exit_code (0 on success).
#pragma once

#include <CLI/CLI.hpp>

namespace townhall::cli {

// townhall dynamodb: the DynamoDB endpoint alone, over the embedded engine.
void add_dynamodb_command(CLI::App& app, int* exit_code);

// townhall chat <command>: the notebook's functions against the configured store.
void add_chat_command(CLI::App& app, int* exit_code);

}  // namespace townhall::cli
