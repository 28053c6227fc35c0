// townhall admin <command>: see admin_command.h.
//
//   townhall admin team                                  (who may sign up)
//   townhall admin users                                 (the user directory, with roles)
//   townhall admin set-role alice@example.com owner      (owner | admin | member)
//   townhall admin deactivate bob        /   reactivate bob
//   townhall admin reset-password bob --url https://chat.example.com
//   townhall admin invite --uses 10 --expires-in 604800 --url https://chat.example.com
//   townhall admin invites   /   revoke-invite ID
//   townhall admin signup invite   |   signup domain --domain example.com   |   signup open
//   townhall admin audit --limit 20
//
// A user is named by id, e-mail address or name.
#include "cli/admin_command.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <sstream>

#include "api/json.h"
#include "chat/chat_service.h"
#include "cli/admin_socket.h"
#include "cli/store_factory.h"
#include "ddb/json_writer.h"

namespace townhall::cli {
namespace {

struct AdminArgs {
  std::string user, role, policy, id, cursor, url;
  std::vector<std::string> domains;
  int limit = 50;
  int64_t expires_in = 0;
  int64_t uses = 1;
};

using Writer = std::function<void(ddb::JsonWriter&)>;

std::string to_json(const Writer& write) {
  std::string out;
  ddb::JsonWriter w(out);
  write(w);
  return out;
}

std::string error_text(const chat::Error& error) {
  return api::error_json(chat::code_name(error.code), error.message);
}

chat::Result<chat::User> find_user(chat::ChatService& chat, const std::string& reference) {
  if (reference.find('@') != std::string::npos) return chat.accounts().find_user_by_email(reference);
  auto by_id = chat.accounts().find_user(reference);
  if (by_id.ok()) return by_id;
  if (by_id.error().code != chat::Code::kNotFound && by_id.error().code != chat::Code::kInvalidArgument) {
    return by_id.error();
  }
  auto by_name = chat.accounts().find_user_by_name(reference);
  if (by_name.ok()) return by_name;
  return chat::Error::NotFound("no user with id, e-mail address or name \"" + reference + "\"");
}

std::string link(const std::string& base, const std::string& fragment) {
  std::string url = base;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url + "/#" + fragment;
}

// The admin commands, parsed by CLI11 from args, each setting `result`.
class AdminCommands {
 public:
  explicit AdminCommands(chat::ChatService& chat) : chat_(chat), app_("townhall admin", "admin") {
    app_.require_subcommand(1);
    auto& a = args_;
    auto with_user = [&](CLI::App* cmd) {
      cmd->add_option("user", a.user, "User id, e-mail address or name")->required();
    };

    on("team", "Show who may sign up", [this] { return settings_result(chat_.team().settings()); });
    auto* users = on("users", "List the users with their roles", [this] {
      auto page = chat_.team().users(actor_, args_.cursor, args_.limit);
      if (!page.ok()) return fail(page.error());
      return ok(to_json([&](ddb::JsonWriter& w) { api::write_page(w, "users", *page, api::write_user); }));
    });
    users->add_option("--cursor", a.cursor, "Continue after a page");
    users->add_option("--limit", a.limit, "Users per page (1-100)");

    auto* set_role = on("set-role", "Make a user the owner, an admin or a member", [this] {
      auto role = chat::role_from_name(args_.role);
      if (!role) return fail(chat::Error::InvalidArgument("the role is owner, admin or member"));
      auto user = find_user(chat_, args_.user);
      if (!user.ok()) return fail(user.error());
      return user_result(chat_.team().set_role(actor_, user->id, *role));
    });
    with_user(set_role);
    set_role->add_option("role", a.role, "owner | admin | member")->required();

    with_user(on("deactivate", "Deactivate an account: its sessions end, it cannot sign in", [this] {
      auto user = find_user(chat_, args_.user);
      if (!user.ok()) return fail(user.error());
      return user_result(chat_.team().set_active(actor_, user->id, false));
    }));
    with_user(on("reactivate", "Let a deactivated account sign in again", [this] {
      auto user = find_user(chat_, args_.user);
      if (!user.ok()) return fail(user.error());
      return user_result(chat_.team().set_active(actor_, user->id, true));
    }));

    auto* reset = on("reset-password", "Make a one-time link with which a user sets a new password", [this] {
      auto user = find_user(chat_, args_.user);
      if (!user.ok()) return fail(user.error());
      auto made = chat_.team().create_reset_link(actor_, user->id, args_.expires_in);
      if (!made.ok()) return fail(made.error());
      return ok(to_json([&](ddb::JsonWriter& w) {
        w.begin_object();
        w.key("token");
        w.string(made->token);
        w.key("user_id");
        w.string(made->user_id);
        w.key("expires_at");
        w.integer(made->expires_at);
        if (!args_.url.empty()) {
          w.key("url");
          w.string(link(args_.url, "reset=" + made->token));
        }
        w.end_object();
      }));
    });
    with_user(reset);
    reset->add_option("--expires-in", a.expires_in, "Seconds the link works (default a day, at most 7 days)");
    reset->add_option("--url", a.url, "The server's address, to print the whole link");

    auto* invite = on("invite", "Make an invite link", [this] {
      auto made = chat_.team().create_invite(actor_, args_.expires_in, args_.uses);
      if (!made.ok()) return fail(made.error());
      return ok(to_json([&](ddb::JsonWriter& w) {
        w.begin_object();
        w.key("invite");
        api::write_invite(w, *made);
        if (!args_.url.empty()) {
          w.key("url");
          w.string(link(args_.url, "invite=" + made->token));
        }
        w.end_object();
      }));
    });
    invite->add_option("--uses", a.uses, "Sign-ups it allows (0: any number until it expires)");
    invite->add_option("--expires-in", a.expires_in, "Seconds it works (default 7 days, at most 90)");
    invite->add_option("--url", a.url, "The server's address, to print the whole link");

    auto* invites = on("invites", "List invite links (not their secrets)", [this] {
      auto page = chat_.team().invites(actor_, args_.cursor, args_.limit);
      if (!page.ok()) return fail(page.error());
      return ok(
          to_json([&](ddb::JsonWriter& w) { api::write_page(w, "invites", *page, api::write_invite); }));
    });
    invites->add_option("--cursor", a.cursor, "Continue after a page");

    on("revoke-invite", "Revoke an invite link",
       [this] {
         auto status = chat_.team().revoke_invite(actor_, args_.id);
         if (!status.ok()) return fail(status.error());
         return ok("{\"revoked\":true}");
       })
        ->add_option("id", a.id, "The invite's id")
        ->required();

    auto* signup = on("signup", "Choose who may sign up: open, invite or domain", [this] {
      auto policy = chat::signup_policy_from_name(args_.policy);
      if (!policy) return fail(chat::Error::InvalidArgument("the policy is open, invite or domain"));
      return settings_result(chat_.team().set_signup(actor_, *policy, args_.domains));
    });
    signup->add_option("policy", a.policy, "open | invite | domain")->required();
    signup->add_option("--domain", a.domains, "With domain: an e-mail domain that may sign up (repeat)");

    auto* audit = on("audit", "Show the audit trail of admin actions, newest first", [this] {
      auto page = chat_.team().audit(actor_, args_.cursor, args_.limit);
      if (!page.ok()) return fail(page.error());
      return ok(
          to_json([&](ddb::JsonWriter& w) { api::write_page(w, "entries", *page, api::write_audit_entry); }));
    });
    audit->add_option("--cursor", a.cursor, "Continue after a page");
    audit->add_option("--limit", a.limit, "Entries per page (1-100)");
  }

  int run(const std::vector<std::string>& args, std::string& out) {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
    try {
      app_.parse(reversed);
    } catch (const CLI::CallForHelp&) {
      out = app_.help();
      return 0;
    } catch (const CLI::ParseError& e) {
      out = api::error_json("invalid_argument", e.what());
      return 1;
    }
    out = std::move(output_);
    return code_;
  }

 private:
  CLI::App* on(const char* name, const char* help, std::function<int()> body) {
    CLI::App* cmd = app_.add_subcommand(name, help);
    cmd->callback([this, body = std::move(body)] { code_ = body(); });
    return cmd;
  }
  int ok(std::string json) {
    output_ = std::move(json);
    return 0;
  }
  int fail(const chat::Error& error) {
    output_ = error_text(error);
    return 1;
  }
  int user_result(const chat::Result<chat::User>& user) {
    if (!user.ok()) return fail(user.error());
    return ok(to_json([&](ddb::JsonWriter& w) {
      w.begin_object();
      w.key("user");
      api::write_user(w, *user);
      w.end_object();
    }));
  }
  int settings_result(const chat::Result<chat::TeamSettings>& settings) {
    if (!settings.ok()) return fail(settings.error());
    return ok(to_json([&](ddb::JsonWriter& w) { api::write_settings(w, *settings); }));
  }

  chat::ChatService& chat_;
  const chat::User actor_ = chat::TeamService::command_line();
  AdminArgs args_;
  CLI::App app_;
  std::string output_;
  int code_ = 1;
};

}  // namespace

int run_admin_command(chat::ChatService& chat, const std::vector<std::string>& args, std::string& out) {
  AdminCommands commands(chat);
  return commands.run(args, out);
}

void register_admin_command(CLI::App& app, int* exit_code) {
  struct Options {
    StoreOptions store;
    std::string table = "chat";
  };
  auto o = std::make_shared<Options>();
  CLI::App* admin = app.add_subcommand(
      "admin",
      "Administer the team: users, set-role, deactivate, reactivate, reset-password, invite, invites, "
      "revoke-invite, signup, audit, team (`townhall admin help` lists them)");
  add_store_options(admin, o->store);
  admin->add_option("--table", o->table, "Chat table name")->envname("TOWNHALL_TABLE")->capture_default_str();
  // Everything after the store options is the admin command, parsed where it runs.
  admin->prefix_command();
  admin->callback([o, admin, exit_code] {
    std::vector<std::string> args = admin->remaining();
    if (args.empty() || args[0] == "help") args = {"--help"};
    std::string out;
    int code = 1;
    // A server holding the embedded store runs the command itself, so its
    // changes reach live sessions at once.
    std::optional<ddb::Status> through_server;
    if (o->store.kind == "embedded" && !o->store.in_memory) {
      through_server = admin_through_socket(o->store.data_dir, args, out, code);
    }
    if (!through_server) {
      auto opened = open_chat(o->store, o->table);
      if (!opened.ok()) {
        std::fprintf(stderr, "%s\n", error_text(opened.error()).c_str());
        *exit_code = 1;
        return;
      }
      code = run_admin_command(*opened->chat, args, out);
    } else if (!through_server->ok()) {
      std::fprintf(stderr, "%s\n", api::error_json("unavailable", through_server->error().message).c_str());
      *exit_code = 1;
      return;
    }
    std::fprintf(code == 0 ? stdout : stderr, "%s\n", out.c_str());
    *exit_code = code;
  });
}

}  // namespace townhall::cli
