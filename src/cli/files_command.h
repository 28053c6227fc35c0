// `townhall files check --files s3://BUCKET/PREFIX|DIR [--files-endpoint URL]
// [--region R]`: a round trip through the blob store a server would use
// (put, get, list, remove), to check a bucket, its keys and its endpoint
// before pointing the chat at them.
#pragma once

#include <CLI/CLI.hpp>

namespace townhall::cli {

// Adds the files subcommand; leaves the exit code in *exit_code (0 when the
// check passed, 1 otherwise, with a JSON error on stderr).
void register_files_command(CLI::App& app, int* exit_code);

}  // namespace townhall::cli
