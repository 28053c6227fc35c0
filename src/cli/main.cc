// townhall: one binary, several jobs, chosen by subcommand. Each subcommand
// registers itself from its own file (serve_command.cc, dynamodb_command.cc, ...).
#include <CLI/CLI.hpp>

#include <cstdio>

#include "cli/admin_command.h"
#include "cli/chat_command.h"
#include "cli/data_dir.h"
#include "cli/dynamodb_command.h"
#include "cli/files_command.h"
#include "cli/migrate_command.h"
#include "cli/search_setup.h"
#include "cli/serve_command.h"

int main(int argc, char** argv) {
  // Stores, credentials and backups hold private messages and password
  // hashes: nothing this process creates is readable by other users.
  townhall::cli::restrict_new_files();
  CLI::App app{"Townhall: a chat server on a DynamoDB single-table design, with its own DynamoDB engine"};
  app.require_subcommand(1);
  int exit_code = 0;
  auto* version = app.add_subcommand("version", "Print the version");
  version->callback([] { std::puts("townhall 0.1.0"); });
  townhall::cli::register_serve_command(app);
  townhall::cli::register_dynamodb_command(app, &exit_code);
  townhall::cli::register_chat_command(app, &exit_code);
  townhall::cli::register_admin_command(app, &exit_code);
  townhall::cli::register_migrate_command(app, &exit_code);
  townhall::cli::register_backup_command(app, &exit_code);
  townhall::cli::register_search_command(app, &exit_code);
  townhall::cli::register_files_command(app, &exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
