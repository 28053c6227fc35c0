// `townhall dynamodb`: the DynamoDB endpoint alone, over the embedded engine
// (a drop-in for DynamoDB Local).
#pragma once

#include <CLI/CLI.hpp>

namespace townhall::cli {

// Adds the dynamodb subcommand to app. Its callback serves until SIGINT or
// SIGTERM and leaves the process exit code in *exit_code (0 on a clean stop).
void register_dynamodb_command(CLI::App& app, int* exit_code);

}  // namespace townhall::cli
