// `townhall admin <command>`: the team's administration from the command
// line (users, roles, deactivation, password-reset links, invites, the
// sign-up policy, the audit trail), acting as the owner and recorded in the
// audit trail as the command line.
//
// On an embedded store that a running `townhall serve` holds, the command
// runs inside that server (through its admin socket, cli/admin_socket.h),
// so that its changes reach live sessions at once; otherwise it opens the
// store itself (a stopped embedded store, or DynamoDB).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace townhall::chat {
class ChatService;
}

namespace townhall::cli {

void register_admin_command(CLI::App& app, int* exit_code);

// Runs one admin command (its arguments after `admin` and the store
// options) on chat. Returns the exit code; out gets the JSON answer, or the
// JSON error on failure.
int run_admin_command(chat::ChatService& chat, const std::vector<std::string>& args, std::string& out);

}  // namespace townhall::cli
