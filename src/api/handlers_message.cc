// Handlers for message history, catch-up, sending, editing and deleting.
#include "api/handlers.h"

namespace townhall::api {
namespace {

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

// Newest first with ?cursor=, or oldest first after a message with ?after=.
ApiResponse handle_list_messages(Call& call) {
  auto limit = limit_param(call);
  if (!limit.ok()) return error_response(limit.error());
  auto& messages = call.chat.messages();
  auto after = call.query.find("after");
  auto page = after != call.query.end()
                  ? messages.after(call.actor(), call.param("id"), after->second, *limit)
                  : messages.history(call.actor(), call.param("id"), query_param(call, "cursor"), *limit);
  if (!page.ok()) return error_response(page.error());
  std::string body;
  ddb::JsonWriter w(body);
  write_page(w, "messages", *page, write_message);
  return json_response(200, std::move(body));
}

ApiResponse handle_send_message(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return error_response(body.error());
  auto text = body->required_string("text");
  auto client_message_id = body->optional_string("client_message_id");
  if (!text.ok()) return error_response(text.error());
  if (!client_message_id.ok()) return error_response(client_message_id.error());
  auto sent =
      call.chat.messages().send(call.actor(), call.param("id"), *text, client_message_id->value_or(""));
  if (!sent.ok()) return error_response(sent.error());
  if (!sent->duplicate) call.api.metrics().messages_sent.fetch_add(1, std::memory_order_relaxed);
  std::string out;
  ddb::JsonWriter w(out);
  w.begin_object();
  w.key("message");
  write_message(w, sent->message);
  w.key("duplicate");
  w.boolean(sent->duplicate);
  w.end_object();
  return json_response(201, std::move(out));
}

ApiResponse handle_edit_message(Call& call) {
  auto body = body_object(call);
  if (!body.ok()) return error_response(body.error());
  auto text = body->required_string("text");
  if (!text.ok()) return error_response(text.error());
  auto message = call.chat.messages().edit(call.actor(), call.param("id"), call.param("message_id"), *text);
  if (!message.ok()) return error_response(message.error());
  return message_response(200, *message);
}

ApiResponse handle_delete_message(Call& call) {
  auto message = call.chat.messages().remove(call.actor(), call.param("id"), call.param("message_id"));
  if (!message.ok()) return error_response(message.error());
  return message_response(200, *message);
}

}  // namespace townhall::api
