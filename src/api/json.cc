#include "api/json.h"

#include "api/markdown.h"

#include "chat/keys.h"

#include <simdjson.h>

namespace townhall::api {

namespace dom = simdjson::dom;

struct JsonObject::Impl {
  dom::parser parser;
  dom::object object;
};

JsonObject::JsonObject(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsonObject::JsonObject(JsonObject&&) noexcept = default;
JsonObject& JsonObject::operator=(JsonObject&&) noexcept = default;
JsonObject::~JsonObject() = default;

chat::Result<JsonObject> JsonObject::parse(std::string_view text) {
  auto impl = std::make_unique<Impl>();
  simdjson::padded_string padded(text);
  dom::element root;
  if (auto error = impl->parser.parse(padded).get(root)) {
    return chat::Error::InvalidArgument(std::string("malformed JSON: ") + simdjson::error_message(error));
  }
  if (root.get(impl->object)) return chat::Error::InvalidArgument("the JSON body must be an object");
  return JsonObject(std::move(impl));
}

bool JsonObject::has(std::string_view key) const {
  dom::element value;
  return !impl_->object.at_key(key).get(value);
}

chat::Result<std::optional<std::string>> JsonObject::optional_string(std::string_view key) const {
  dom::element value;
  if (impl_->object.at_key(key).get(value) || value.is_null()) return std::optional<std::string>();
  std::string_view text;
  if (value.get(text)) return chat::Error::InvalidArgument("'" + std::string(key) + "' must be a string");
  return std::optional<std::string>(std::string(text));
}

chat::Result<std::string> JsonObject::required_string(std::string_view key) const {
  TH_ASSIGN_OR_RETURN(auto text, optional_string(key));
  if (!text) return chat::Error::InvalidArgument("'" + std::string(key) + "' is required");
  return std::move(*text);
}

chat::Result<bool> JsonObject::optional_bool(std::string_view key, bool fallback) const {
  dom::element value;
  if (impl_->object.at_key(key).get(value) || value.is_null()) return fallback;
  bool flag = false;
  if (value.get(flag))
    return chat::Error::InvalidArgument("'" + std::string(key) + "' must be true or false");
  return flag;
}

chat::Result<int64_t> JsonObject::optional_int(std::string_view key, int64_t fallback, int64_t min,
                                               int64_t max) const {
  dom::element value;
  if (impl_->object.at_key(key).get(value) || value.is_null()) return fallback;
  int64_t number = 0;
  if (value.get(number) || number < min || number > max) {
    return chat::Error::InvalidArgument("'" + std::string(key) + "' must be an integer from " +
                                        std::to_string(min) + " to " + std::to_string(max));
  }
  return number;
}

chat::Result<std::vector<std::string>> JsonObject::string_array(std::string_view key,
                                                                size_t max_items) const {
  dom::element value;
  if (impl_->object.at_key(key).get(value) || value.is_null()) return std::vector<std::string>{};
  auto wrong = chat::Error::InvalidArgument("'" + std::string(key) + "' must be an array of strings");
  dom::array array;
  if (value.get(array)) return wrong;
  if (array.size() > max_items) {
    return chat::Error::InvalidArgument("'" + std::string(key) + "' has more than " +
                                        std::to_string(max_items) + " entries");
  }
  std::vector<std::string> strings;
  for (dom::element element : array) {
    std::string_view text;
    if (element.get(text)) return wrong;
    strings.emplace_back(text);
  }
  return strings;
}

chat::Result<std::vector<JsonObject::Entry>> JsonObject::channel_list(std::string_view key) const {
  dom::element value;
  if (impl_->object.at_key(key).get(value)) return std::vector<Entry>{};
  dom::array array;
  auto wrong = chat::Error::InvalidArgument(
      "'" + std::string(key) + "' must be an array of channel ids or {\"id\", \"after\"} objects");
  if (value.get(array)) return wrong;
  std::vector<Entry> entries;
  for (dom::element element : array) {
    Entry entry;
    std::string_view text;
    dom::object object;
    if (!element.get(text)) {
      entry.id = std::string(text);
    } else if (!element.get(object)) {
      if (object["id"].get(text)) return wrong;
      entry.id = std::string(text);
      dom::element after;
      if (!object.at_key("after").get(after) && !after.is_null()) {
        if (after.get(text)) return wrong;
        entry.after = std::string(text);
      }
    } else {
      return wrong;
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

void write_user(ddb::JsonWriter& w, const chat::User& user) {
  w.begin_object();
  w.key("id");
  w.string(user.id);
  w.key("name");
  w.string(user.name);
  w.key("email");
  w.string(user.email);
  w.key("created_at");
  w.integer(user.created_at);
  w.key("role");
  w.string(chat::role_name(user.role));
  if (!user.active()) {
    w.key("deactivated_at");
    w.integer(user.deactivated_at);
  }
  w.end_object();
}

void write_participants(ddb::JsonWriter& w, const std::vector<chat::Participant>& people) {
  w.begin_array();
  for (const auto& person : people) {
    w.begin_object();
    w.key("user_id");
    w.string(person.user_id);
    w.key("user_name");
    w.string(person.user_name);
    w.end_object();
  }
  w.end_array();
}

void write_channel(ddb::JsonWriter& w, const chat::Channel& channel) {
  w.begin_object();
  w.key("id");
  w.string(channel.id);
  w.key("name");
  w.string(channel.name);
  w.key("description");
  w.string(channel.description);
  w.key("private");
  w.boolean(channel.is_private);
  w.key("user_count");
  w.integer(channel.user_count);
  w.key("message_count");
  w.integer(channel.message_count);
  w.key("created_by");
  w.string(channel.created_by);
  w.key("created_at");
  w.integer(channel.created_at);
  w.key("kind");
  w.string(chat::kind_name(channel.kind));
  w.key("last_message_at_ms");
  w.integer(channel.last_message_at_ms);
  if (channel.archived_at) {
    w.key("archived_at");
    w.integer(channel.archived_at);
  }
  if (channel.kind != chat::ChannelKind::kChannel) {
    w.key("participants");
    write_participants(w, channel.participants);
  }
  w.end_object();
}

void write_member(ddb::JsonWriter& w, const chat::Member& member) {
  write_member_with_role(w, member, nullptr);
}

void write_member_with_role(ddb::JsonWriter& w, const chat::Member& member, const chat::User* user) {
  w.begin_object();
  w.key("user_id");
  w.string(member.user_id);
  w.key("user_name");
  w.string(member.user_name);
  w.key("joined_at");
  w.string(member.joined_at);
  if (user) {
    w.key("role");
    w.string(chat::role_name(user->role));
    if (!user->active()) {
      w.key("deactivated_at");
      w.integer(user->deactivated_at);
    }
  }
  w.end_object();
}

void write_message(ddb::JsonWriter& w, const chat::Message& message) {
  w.begin_object();
  w.key("id");
  w.string(chat::keys::public_message_id(message.id));
  w.key("channel_id");
  w.string(message.channel_id);
  w.key("user_id");
  w.string(message.user_id);
  w.key("user_name");
  w.string(message.user_name);
  w.key("text");
  w.string(message.text);
  if (!message.deleted) {
    w.key("html");  // the text's Markdown, rendered safely (api/markdown.h): a view of it
    w.string(render_markdown(message.text));
  }
  w.key("created_at_ms");
  w.integer(message.created_at_ms);
  w.key("edited_at_ms");
  w.integer(message.edited_at_ms);
  w.key("deleted");
  w.boolean(message.deleted);
  if (!message.client_message_id.empty()) {
    w.key("client_message_id");
    w.string(message.client_message_id);
  }
  if (!message.reactions.empty()) {
    w.key("reactions");
    w.begin_array();
    for (const auto& reaction : message.reactions) {
      w.begin_object();
      w.key("emoji");
      w.string(reaction.emoji);
      w.key("count");
      w.integer(static_cast<int64_t>(reaction.user_ids.size()));
      w.key("user_ids");
      w.begin_array();
      for (const auto& id : reaction.user_ids) w.string(id);
      w.end_array();
      w.end_object();
    }
    w.end_array();
  }
  if (!message.mentions.empty()) {
    w.key("mentions");
    write_participants(w, message.mentions);
  }
  if (message.mentions_channel) {
    w.key("mention_channel");
    w.boolean(true);
  }
  if (!message.mentions_here.empty()) {  // who was online stays with the server
    w.key("mention_here");
    w.boolean(true);
  }
  if (!message.thread_root.empty()) {
    w.key("thread_root");
    w.string(chat::keys::public_message_id(message.thread_root));
    w.key("also_in_channel");
    w.boolean(message.also_in_channel);
  }
  if (!message.files.empty()) {
    w.key("files");
    w.begin_array();
    for (const auto& file : message.files) write_file(w, message.channel_id, file);
    w.end_array();
  }
  if (message.reply_count > 0 || message.last_reply_at_ms > 0) {
    w.key("reply_count");
    w.integer(message.reply_count);
    w.key("last_reply_at_ms");
    w.integer(message.last_reply_at_ms);
    w.key("last_reply_id");
    w.string(chat::keys::public_message_id(message.last_reply_id));
  }
  w.end_object();
}

void write_file(ddb::JsonWriter& w, const std::string& channel_id, const chat::Attachment& file) {
  std::string url = "/api/channels/" + channel_id + "/files/" + file.id;
  w.begin_object();
  w.key("id");
  w.string(file.id);
  w.key("name");
  w.string(file.name);
  w.key("type");
  w.string(file.type);
  w.key("size");
  w.integer(file.size);
  if (file.width > 0 && file.height > 0) {
    w.key("width");
    w.integer(file.width);
    w.key("height");
    w.integer(file.height);
  }
  w.key("url");
  w.string(url);
  if (file.thumbnail) {
    w.key("thumbnail_url");
    w.string(url + "?thumbnail=1");
  }
  w.end_object();
}

void write_thread(ddb::JsonWriter& w, const chat::Message& root, const chat::Page<chat::Message>& replies) {
  w.begin_object();
  w.key("root");
  write_message(w, root);
  w.key("replies");
  w.begin_array();
  for (const auto& reply : replies.items) write_message(w, reply);
  w.end_array();
  w.key("next_cursor");
  if (replies.next_cursor.empty()) {
    w.null();
  } else {
    w.string(replies.next_cursor);
  }
  w.end_object();
}

std::string event_json(const chat::ChannelEvent& event) {
  std::string out;
  ddb::JsonWriter w(out);
  w.begin_object();
  w.key("type");
  w.string(chat::kind_name(event.kind));
  w.key("channel");
  w.string(event.channel_id);
  if (event.message) {
    w.key("message");
    write_message(w, *event.message);
  }
  if (event.member) {
    w.key("member");
    write_member(w, *event.member);
  }
  if (event.channel) {
    w.key("info");
    write_channel(w, *event.channel);
  }
  w.end_object();
  return out;
}

std::string replayed_message_json(const chat::Message& message) {
  chat::ChannelEvent event;
  event.kind = chat::ChannelEvent::Kind::kMessageCreated;
  event.channel_id = message.channel_id;
  event.message = message;
  return event_json(event);
}

std::string error_json(std::string_view code, std::string_view message) {
  std::string out;
  ddb::JsonWriter w(out);
  w.begin_object();
  w.key("error");
  w.begin_object();
  w.key("code");
  w.string(code);
  w.key("message");
  w.string(message);
  w.end_object();
  w.end_object();
  return out;
}

}  // namespace townhall::api
