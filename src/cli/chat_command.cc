// townhall chat <command>: the notebook's functions from the command line,
// against the configured store (embedded by default, or --store dynamodb).
// Every command prints one JSON document; errors go to stderr as
// {"error": {"code", "message"}} with exit code 1.
//
//   townhall chat create-user --name Alice --email alice@mail.com --id 12   (save_user)
//   townhall chat find-user USER#12                                           (AP6)
//   townhall chat create-channel --name "Town Hall" --description "General News" --as 12
//   townhall chat find-channel CHAN#7                                         (AP2, AP4, AP7)
//   townhall chat join --user 18 --channel 7                                  (join_channel)
//   townhall chat users-in-channel 7                                          (AP5)
//   townhall chat channels-for-user 12                                        (AP1)
//   townhall chat send --user 18 --channel 7 --text "Hey there!"              (send_message)
//   townhall chat messages 7 --limit 50                                       (AP3, newest first)
//   townhall chat react --user 18 --channel 7 --message ID --emoji 👍 [--remove] (AP26)
//   townhall chat dm --user 12 --with 18 --with 23                            (open a conversation)
//   townhall chat send --user 18 --channel 7 --thread ID --text "+1" [--also-in-channel]  (a reply)
//   townhall chat thread 7 ID --as 18                                         (AP30)
//   townhall chat search "deploy in:#ops" --as 18                             (message search)
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

#include "api/json.h"
#include "chat/chat_service.h"
#include "cli/chat_command.h"
#include "cli/search_setup.h"
#include "cli/store_factory.h"
#include "ddb/json_writer.h"

namespace townhall::cli {
namespace {

struct ChatCommandOptions {
  StoreOptions store;
  std::string table = "chat";
  // Per-command arguments; each subcommand uses some of them.
  std::string name, email, id, description, user, channel, text, client_id, as, cursor, after, reference;
  std::string message, emoji;
  std::vector<std::string> with;
  bool is_private = false;
  bool remove = false;
  std::string thread;
  bool also_in_channel = false;
  int limit = 50;
  std::string search_index, order;
  ddb::Database* db = nullptr;  // the opened store, while a command runs
};

using Writer = std::function<void(ddb::JsonWriter&)>;

int fail(const chat::Error& error) {
  std::fprintf(stderr, "%s\n", api::error_json(chat::code_name(error.code), error.message).c_str());
  return 1;
}

void print(const Writer& write) {
  std::string out;
  ddb::JsonWriter w(out);
  write(w);
  std::printf("%s\n", out.c_str());
}

template <class T, class WriteItem>
Writer page_writer(const char* key, const chat::Page<T>& page, WriteItem write_item) {
  return [&page, key, write_item](ddb::JsonWriter& w) { api::write_page(w, key, page, write_item); };
}

void write_membership(ddb::JsonWriter& w, const chat::Membership& membership) {
  w.begin_object();
  w.key("channel_id");
  w.string(membership.channel_id);
  w.key("channel_name");
  w.string(membership.channel_name);
  w.key("joined_at");
  w.string(membership.joined_at);
  w.end_object();
}

// Runs one chat command on an opened store; returns the exit code.
int run(ChatCommandOptions& o, const std::function<int(chat::ChatService&)>& command) {
  auto opened = open_chat(o.store, o.table);
  if (!opened.ok()) return fail(opened.error());
  o.db = opened->store.get();
  return command(*opened->chat);
}

// The acting user: --as when given (needed for private channels), otherwise
// an anonymous reader that sees what any signed-in user sees.
chat::Result<chat::User> actor(chat::ChatService& chat, const std::string& as) {
  if (as.empty()) return chat::User{"-", "townhall chat", "", 0};
  return chat.accounts().find_user(as);
}

template <class T>
int print_or_fail(chat::Result<T> result, const std::function<void(ddb::JsonWriter&, const T&)>& write) {
  if (!result.ok()) return fail(result.error());
  print([&](ddb::JsonWriter& w) { write(w, result.value()); });
  return 0;
}

}  // namespace

void register_chat_command(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<ChatCommandOptions>();
  CLI::App* chat_cmd =
      app.add_subcommand("chat", "The notebook's chat functions against the configured store");
  chat_cmd->require_subcommand(1);
  add_store_options(chat_cmd, o->store);
  chat_cmd->add_option("--table", o->table, "Chat table name")
      ->envname("TOWNHALL_TABLE")
      ->capture_default_str();

  auto sub = [&](const char* name, const char* help, const std::function<int(chat::ChatService&)>& body) {
    CLI::App* cmd = chat_cmd->add_subcommand(name, help);
    cmd->callback([o, exit_code, body] { *exit_code = run(*o, body); });
    return cmd;
  };
  auto& x = *o;

  auto* create_user = sub(
      "create-user", "save_user: create a user (no password; see the web page to sign up)",
      [&x](chat::ChatService& chat) {
        return print_or_fail<chat::User>(chat.accounts().create_user(x.name, x.email, x.id), api::write_user);
      });
  create_user->add_option("--name", x.name, "Display name")->required();
  create_user->add_option("--email", x.email, "E-mail address (unique)");
  create_user->add_option("--id", x.id, "User id (default: a new random one)");

  sub("find-user", "AP6: find a user by id or USER# key",
      [&x](chat::ChatService& chat) {
        return print_or_fail<chat::User>(chat.accounts().find_user(x.reference), api::write_user);
      })
      ->add_option("user", x.reference, "User id or USER#<id>")
      ->required();

  auto* create_channel =
      sub("create-channel", "save_channel: create a channel (the creator joins it)",
          [&x](chat::ChatService& chat) {
            auto owner = chat.accounts().find_user(x.as);
            if (!owner.ok()) return fail(owner.error());
            return print_or_fail<chat::Channel>(
                chat.channels().create(*owner, x.name, x.description, x.is_private), api::write_channel);
          });
  create_channel->add_option("--name", x.name, "Channel name")->required();
  create_channel->add_option("--description", x.description, "Description");
  create_channel->add_flag("--private", x.is_private, "Only members see it");
  create_channel->add_option("--as", x.as, "The creating user")->required();

  sub("find-channel", "AP2: a channel with its user count (AP7) and message count (AP4)",
      [&x](chat::ChatService& chat) {
        return print_or_fail<chat::Channel>(chat.channels().find(x.reference), api::write_channel);
      })
      ->add_option("channel", x.reference, "Channel id or CHAN#<id>")
      ->required();

  for (const char* verb : {"join", "leave"}) {
    bool joining = std::string_view(verb) == "join";
    auto* cmd =
        sub(verb,
            joining ? "join_channel: add a user to a channel (idempotent)"
                    : "remove a user from a channel (idempotent)",
            [&x, joining](chat::ChatService& chat) {
              auto user = chat.accounts().find_user(x.user);
              if (!user.ok()) return fail(user.error());
              auto changed =
                  joining ? chat.channels().join(*user, x.channel) : chat.channels().leave(*user, x.channel);
              return print_or_fail<bool>(std::move(changed), [joining](ddb::JsonWriter& w, const bool& c) {
                w.begin_object();
                w.key(joining ? "joined" : "left");
                w.boolean(c);
                w.end_object();
              });
            });
    cmd->add_option("--user", x.user, "User id")->required();
    cmd->add_option("--channel", x.channel, "Channel id")->required();
  }

  auto* remove_member =
      sub("remove-member", "Take a user out of a channel (as its creator)", [&x](chat::ChatService& chat) {
        auto who = chat.accounts().find_user(x.as);
        if (!who.ok()) return fail(who.error());
        auto user = chat.accounts().find_user(x.user);
        if (!user.ok()) return fail(user.error());
        return print_or_fail<bool>(chat.channels().remove_member(*who, x.channel, *user),
                                   [](ddb::JsonWriter& w, const bool& removed) {
                                     w.begin_object();
                                     w.key("removed");
                                     w.boolean(removed);
                                     w.end_object();
                                   });
      });
  remove_member->add_option("--as", x.as, "Who removes (the channel's creator)")->required();
  remove_member->add_option("--user", x.user, "Whom to remove (user id)")->required();
  remove_member->add_option("--channel", x.channel, "Channel id")->required();

  auto* members = sub("users-in-channel", "AP5: the channel's members, paged", [&x](chat::ChatService& chat) {
    auto who = actor(chat, x.as);
    if (!who.ok()) return fail(who.error());
    auto page = chat.channels().members(*who, x.reference, x.cursor, x.limit);
    if (!page.ok()) return fail(page.error());
    print(page_writer("members", *page, api::write_member));
    return 0;
  });
  members->add_option("channel", x.reference, "Channel id")->required();

  auto* channels =
      sub("channels-for-user", "AP1: the user's channels (GSI1), paged", [&x](chat::ChatService& chat) {
        auto user = chat.accounts().find_user(x.reference);
        if (!user.ok()) return fail(user.error());
        auto page = chat.channels().channels_of(*user, x.cursor, x.limit);
        if (!page.ok()) return fail(page.error());
        print(page_writer("channels", *page, write_membership));
        return 0;
      });
  channels->add_option("user", x.reference, "User id")->required();

  auto* send = sub("send", "send_message: post a message (atomic with the channel's count)",
                   [&x](chat::ChatService& chat) {
                     auto user = chat.accounts().find_user(x.user);
                     if (!user.ok()) return fail(user.error());
                     auto sent = chat.messages().send(
                         *user, x.channel, x.text,
                         chat::MessageService::SendOptions{x.client_id, x.thread, x.also_in_channel});
                     if (!sent.ok()) return fail(sent.error());
                     print([&](ddb::JsonWriter& w) {
                       w.begin_object();
                       w.key("message");
                       api::write_message(w, sent->message);
                       w.key("duplicate");
                       w.boolean(sent->duplicate);
                       w.end_object();
                     });
                     return 0;
                   });
  send->add_option("--user", x.user, "Sender's user id")->required();
  send->add_option("--channel", x.channel, "Channel id")->required();
  send->add_option("--text", x.text, "Message text")->required();
  send->add_option("--client-id", x.client_id, "Client message id: a retry with the same id is not doubled");
  send->add_option("--thread", x.thread, "Reply in the thread of this message (either id form)");
  send->add_flag("--also-in-channel", x.also_in_channel, "A reply also shown in the channel")
      ->needs("--thread");

  auto* thread = sub("thread", "AP30: a message's thread: the root and its replies, oldest first",
                     [&x](chat::ChatService& chat) {
                       auto who = actor(chat, x.as);
                       if (!who.ok()) return fail(who.error());
                       auto found = chat.messages().thread(*who, x.reference, x.message, x.cursor, x.limit);
                       if (!found.ok()) return fail(found.error());
                       print([&](ddb::JsonWriter& w) { api::write_thread(w, found->root, found->replies); });
                       return 0;
                     });
  thread->add_option("channel", x.reference, "Channel id")->required();
  thread->add_option("message", x.message, "Message id (the root, or any reply)")->required();

  auto* messages = sub("messages", "AP3: messages, newest first (or oldest first after --after ID)",
                       [&x](chat::ChatService& chat) {
                         auto who = actor(chat, x.as);
                         if (!who.ok()) return fail(who.error());
                         auto page = x.after.empty()
                                         ? chat.messages().history(*who, x.reference, x.cursor, x.limit)
                                         : chat.messages().after(*who, x.reference, x.after, x.limit);
                         if (!page.ok()) return fail(page.error());
                         print(page_writer("messages", *page, api::write_message));
                         return 0;
                       });
  messages->add_option("channel", x.reference, "Channel id")->required();
  messages->add_option("--after", x.after, "Only messages after this message id, oldest first");

  auto* react =
      sub("react", "AP26: add (or with --remove, take back) a reaction to a message",
          [&x](chat::ChatService& chat) {
            auto user = chat.accounts().find_user(x.user);
            if (!user.ok()) return fail(user.error());
            return print_or_fail<chat::Message>(
                chat.messages().react(*user, x.channel, x.message, x.emoji, !x.remove), api::write_message);
          });
  react->add_option("--user", x.user, "Who reacts (user id)")->required();
  react->add_option("--channel", x.channel, "Channel id")->required();
  react->add_option("--message", x.message, "Message id (either form)")->required();
  react->add_option("--emoji", x.emoji, "One emoji, or a short name like :shipit:")->required();
  react->add_flag("--remove", x.remove, "Take the reaction back");

  auto* dm = sub("dm", "Open (make on first use) the direct or group conversation of --user and --with users",
                 [&x](chat::ChatService& chat) {
                   auto user = chat.accounts().find_user(x.user);
                   if (!user.ok()) return fail(user.error());
                   std::vector<chat::User> others;
                   for (const auto& id : x.with) {
                     auto other = chat.accounts().find_user(id);
                     if (!other.ok()) return fail(other.error());
                     others.push_back(std::move(other).value());
                   }
                   auto opened = chat.channels().open_conversation(*user, others);
                   if (!opened.ok()) return fail(opened.error());
                   print([&](ddb::JsonWriter& w) {
                     w.begin_object();
                     w.key("created");
                     w.boolean(opened->created);
                     w.key("channel");
                     api::write_channel(w, opened->channel);
                     w.end_object();
                   });
                   return 0;
                 });
  dm->add_option("--user", x.user, "Who opens it (user id)")->required();
  dm->add_option("--with", x.with,
                 "Another participant's user id (repeat; none: a conversation with oneself)");

  auto* search =
      sub("search", "Search the messages --as may read (words, \"phrases\", in:#channel, from:@name, ...)",
          [&x](chat::ChatService& chat) {
            auto who = chat.accounts().find_user(x.as);
            if (!who.ok()) return fail(who.error());
            auto parts = open_search(*x.db, chat, search_index_path(x.store, x.search_index));
            if (!parts.ok()) return fail(parts.error());
            if (auto status = parts->indexer->update(); !status.ok()) return fail(status.error());
            search::SearchRequest request;
            request.query = x.reference;
            request.cursor = x.cursor;
            request.channel_id = x.channel;
            request.limit = std::min(x.limit, search::kMaxHits);
            request.by_relevance = x.order == "relevance";
            auto results = parts->service->search(*who, request);
            if (!results.ok()) return fail(results.error());
            print([&](ddb::JsonWriter& w) { api::write_search_results(w, *results); });
            return 0;
          });
  search->add_option("query", x.reference, "What to look for")->required();
  search->add_option("--as", x.as, "The reader: only what they may read is searched")->required();
  search->add_option("--channel", x.channel, "Only this channel or conversation (id)");
  search->add_option("--order", x.order, "newest (default) or relevance")
      ->check(CLI::IsMember({"newest", "relevance"}));
  search
      ->add_option("--search-index", x.search_index,
                   "The index file (default: DATA/search.sqlite on an embedded store, else built in memory)")
      ->envname("TOWNHALL_SEARCH_INDEX");

  for (CLI::App* cmd : {members, messages, channels, thread, search}) {
    cmd->add_option("--limit", x.limit, "Page size (1-100)")->capture_default_str();
    cmd->add_option("--cursor", x.cursor, "next_cursor of the previous page");
  }
  for (CLI::App* cmd : {members, messages, thread})
    cmd->add_option("--as", x.as, "Read as this user (private channels)");
}

}  // namespace townhall::cli
