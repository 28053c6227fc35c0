// `townhall migrate --from A --to B`: copies tables between stores (the
// embedded engine and any DynamoDB endpoint) with a progress display,
// resumable with --state, verified by item counts (src/migrate).
// `townhall backup DIR`: a consistent online copy of the embedded store.
#pragma once

#include <CLI/CLI.hpp>

namespace townhall::cli {

// Adds the migrate and backup subcommands; each leaves the process exit code
// in *exit_code (0 on success, 1 on an error it printed, 130 when interrupted).
void register_migrate_command(CLI::App& app, int* exit_code);
void register_backup_command(CLI::App& app, int* exit_code);

}  // namespace townhall::cli
