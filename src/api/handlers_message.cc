// Handlers for message history, catch-up, sending, editing and deleting.
#include "api/handlers.h"

#include "chat/keys.h"

namespace townhall::api {
namespace {

// More ids than a message may mention (chat::kMaxMentions) are refused by
// chat with a clear error; this only bounds what is parsed.
constexpr size_t kMaxMentionIds = 64;
constexpr size_t kMaxFileIds = 64;

ApiResponse message_response(int status, const chat::Message& message) {
  std::string body;
  ddb::JsonWriter w(body);
  w.begin_object();
  w.key("message");
  write_message(w, message);
  w.end_object();
  return json_response(status, std::move(body));
}

}  // namespace

// Newest first with ?cursor=, or oldest first after a message with ?after=,
// or newest first around a message with ?around= (with "newer_after": where
// ?after= goes on to the newer ones, or null).
HandlerResult handle_list_messages(Call& call) {
  TH_ASSIGN_OR_RETURN(int limit, limit_param(call));
  auto& messages = call.chat.messages();
  if (auto around = call.query.find("around"); around != call.query.end()) {
    TH_ASSIGN_OR_RETURN(auto found, messages.around(call.actor(), call.param("id"), around->second, limit));
    std::string body;
    ddb::JsonWriter w(body);
    w.begin_object();
    w.key("messages");
    w.begin_array();
    for (const auto& message : found.page.items) write_message(w, message);
    w.end_array();
    for (const auto& [key, value] :
         {std::pair<const char*, std::string>{"next_cursor", found.page.next_cursor},
          {"newer_after",
           found.newer_after.empty() ? std::string() : chat::keys::public_message_id(found.newer_after)}}) {
      w.key(key);
      if (value.empty()) {
        w.null();
      } else {
        w.string(value);
      }
    }
    w.end_object();
    return json_response(200, std::move(body));
  }
  auto after = call.query.find("after");
  TH_ASSIGN_OR_RETURN(
      auto page, after != call.query.end()
                     ? messages.after(call.actor(), call.param("id"), after->second, limit)
                     : messages.history(call.actor(), call.param("id"), query_param(call, "cursor"), limit));
  std::string body;
  ddb::JsonWriter w(body);
  write_page(w, "messages", page, write_message);
  return json_response(200, std::move(body));
}

HandlerResult handle_send_message(Call& call) {
  TH_ASSIGN_OR_RETURN(JsonObject body, body_object(call));
  TH_ASSIGN_OR_RETURN(auto maybe_text, body.optional_string("text"));  // may be empty with files
  std::string text = maybe_text.value_or("");
  TH_ASSIGN_OR_RETURN(auto client_message_id, body.optional_string("client_message_id"));
  TH_ASSIGN_OR_RETURN(auto thread_root, body.optional_string("thread_root"));
  TH_ASSIGN_OR_RETURN(bool also_in_channel, body.optional_bool("also_in_channel", false));
  if (also_in_channel && !thread_root)
    return chat::Error::InvalidArgument("also_in_channel needs a thread_root");
  TH_ASSIGN_OR_RETURN(auto mentions, body.string_array("mentions", kMaxMentionIds));
  TH_ASSIGN_OR_RETURN(bool mention_channel, body.optional_bool("mention_channel", false));
  TH_ASSIGN_OR_RETURN(bool mention_here, body.optional_bool("mention_here", false));
  // Files uploaded before (POST .../files), by id; chat bounds how many.
  TH_ASSIGN_OR_RETURN(auto files, body.string_array("files", kMaxFileIds));
  const std::string cmid = client_message_id.value_or(""), root = thread_root.value_or("");
  chat::MessageService::SendOptions options{cmid,         root,  also_in_channel, &mentions, mention_channel,
                                            mention_here, &files};  // views of the above
  TH_ASSIGN_OR_RETURN(auto sent, call.chat.messages().send(call.actor(), call.param("id"), text, options));
  if (!sent.duplicate) call.api.metrics().messages_sent.fetch_add(1, std::memory_order_relaxed);
  std::string out;
  ddb::JsonWriter w(out);
  w.begin_object();
  w.key("message");
  write_message(w, sent.message);
  w.key("duplicate");
  w.boolean(sent.duplicate);
  w.end_object();
  return json_response(201, std::move(out));
}

// AP30: the thread of a message (its root, if it is a reply): the root and
// a page of replies, oldest first.
HandlerResult handle_thread(Call& call) {
  TH_ASSIGN_OR_RETURN(int limit, limit_param(call));
  TH_ASSIGN_OR_RETURN(auto thread,
                      call.chat.messages().thread(call.actor(), call.param("id"), call.param("message_id"),
                                                  query_param(call, "cursor"), limit));
  std::string body;
  ddb::JsonWriter w(body);
  write_thread(w, thread.root, thread.replies);
  return json_response(200, std::move(body));
}

// AP32: the messages that mention me, newest first.
HandlerResult handle_my_mentions(Call& call) {
  TH_ASSIGN_OR_RETURN(int limit, limit_param(call));
  TH_ASSIGN_OR_RETURN(auto page,
                      call.chat.messages().mentions(call.actor(), query_param(call, "cursor"), limit));
  std::string body;
  ddb::JsonWriter w(body);
  write_page(w, "messages", page, write_message);
  return json_response(200, std::move(body));
}

HandlerResult handle_edit_message(Call& call) {
  TH_ASSIGN_OR_RETURN(JsonObject body, body_object(call));
  TH_ASSIGN_OR_RETURN(std::string text, body.required_string("text"));
  // "mentions" absent: the server keeps those whose "@name" is still in the text.
  TH_ASSIGN_OR_RETURN(auto mentions, body.string_array("mentions", kMaxMentionIds));
  TH_ASSIGN_OR_RETURN(chat::Message message,
                      call.chat.messages().edit(call.actor(), call.param("id"), call.param("message_id"),
                                                text, body.has("mentions") ? &mentions : nullptr));
  return message_response(200, message);
}

HandlerResult handle_delete_message(Call& call) {
  TH_ASSIGN_OR_RETURN(chat::Message message,
                      call.chat.messages().remove(call.actor(), call.param("id"), call.param("message_id")));
  return message_response(200, message);
}

// PUT and DELETE .../reactions/{emoji}: idempotent both ways; the answer is
// the message with all its reactions.
HandlerResult handle_add_reaction(Call& call) {
  TH_ASSIGN_OR_RETURN(chat::Message message,
                      call.chat.messages().react(call.actor(), call.param("id"), call.param("message_id"),
                                                 call.param("emoji"), true));
  return message_response(200, message);
}

HandlerResult handle_remove_reaction(Call& call) {
  TH_ASSIGN_OR_RETURN(chat::Message message,
                      call.chat.messages().react(call.actor(), call.param("id"), call.param("message_id"),
                                                 call.param("emoji"), false));
  return message_response(200, message);
}

}  // namespace townhall::api
