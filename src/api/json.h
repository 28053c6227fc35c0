// JSON for the chat API: reading request bodies (simdjson) and writing the
// chat model as the API and the WebSocket events show it. One writer per
// model type so that REST responses and WebSocket events agree.
//
// Thread-safety: JsonObject is used by one thread; the writers are free functions.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/error.h"
#include "chat/events.h"
#include "chat/model.h"
#include "ddb/json_writer.h"

namespace townhall::search {
struct SearchResults;
}
namespace townhall::chat {
struct TeamSettings;
struct Invite;
struct AuditEntry;
}  // namespace townhall::chat

namespace townhall::api {

// A parsed JSON object (a request body or a WebSocket frame). Field readers
// fail with InvalidArgument naming the field when its type is wrong.
class JsonObject {
 public:
  // InvalidArgument when text is not JSON or not an object.
  static chat::Result<JsonObject> parse(std::string_view text);
  JsonObject(JsonObject&&) noexcept;
  JsonObject& operator=(JsonObject&&) noexcept;
  ~JsonObject();

  bool has(std::string_view key) const;
  // nullopt when absent or null.
  chat::Result<std::optional<std::string>> optional_string(std::string_view key) const;
  chat::Result<std::string> required_string(std::string_view key) const;
  chat::Result<bool> optional_bool(std::string_view key, bool fallback) const;
  // An integer in [min, max]; fallback when absent or null.
  chat::Result<int64_t> optional_int(std::string_view key, int64_t fallback, int64_t min, int64_t max) const;
  // An array of strings; empty when absent. InvalidArgument past max_items.
  chat::Result<std::vector<std::string>> string_array(std::string_view key, size_t max_items) const;

  // Elements of an array member that are objects, each with its string members
  // (for {"channels": [{"id": "..", "after": ".."}]}); strings become {"id": s}.
  struct Entry {
    std::string id;
    std::string after;
  };
  chat::Result<std::vector<Entry>> channel_list(std::string_view key) const;

 private:
  struct Impl;
  explicit JsonObject(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// {"user": ...} bodies and the like use these to write one value.
// {id, name, email, created_at, role, deactivated_at (when deactivated)}
void write_user(ddb::JsonWriter& w, const chat::User& user);
void write_channel(ddb::JsonWriter& w, const chat::Channel& channel);
// The team (api/team_json.cc): {signup, domains}; an invite (its token only
// when just made); an audit entry.
void write_settings(ddb::JsonWriter& w, const chat::TeamSettings& team);
void write_invite(ddb::JsonWriter& w, const chat::Invite& invite);
void write_audit_entry(ddb::JsonWriter& w, const chat::AuditEntry& entry);
// [{"user_id", "user_name"}, ...]: a conversation's people, a message's mentions.
void write_participants(ddb::JsonWriter& w, const std::vector<chat::Participant>& people);
void write_member(ddb::JsonWriter& w, const chat::Member& member);
// With the member's role (and deactivated_at), for member lists; user may be null.
void write_member_with_role(ddb::JsonWriter& w, const chat::Member& member, const chat::User* user);
void write_message(ddb::JsonWriter& w, const chat::Message& message);
// {"id", "name", "type", "size", "width"?, "height"?, "url", "thumbnail_url"?}
void write_file(ddb::JsonWriter& w, const std::string& channel_id, const chat::Attachment& file);
// {"root": message, "replies": [...], "next_cursor": "<opaque>" | null}
void write_thread(ddb::JsonWriter& w, const chat::Message& root, const chat::Page<chat::Message>& replies);

// {"results": [{"message", "channel": {"id", "name", "conversation"},
// "snippet": [{"text", "match"}]}], "next_cursor"} (search_json.cc).
void write_search_results(ddb::JsonWriter& w, const search::SearchResults& results);

// A page of a listing: {"<key>": [items...], "next_cursor": "<opaque>" | null}.
template <class T, class WriteItem>
void write_page(ddb::JsonWriter& w, std::string_view key, const chat::Page<T>& page, WriteItem write_item) {
  w.begin_object();
  w.key(key);
  w.begin_array();
  for (const auto& item : page.items) write_item(w, item);
  w.end_array();
  w.key("next_cursor");
  if (page.next_cursor.empty()) {
    w.null();
  } else {
    w.string(page.next_cursor);
  }
  w.end_object();
}

// {"type": "message.created", "channel": "<id>", "message": {...}} and the
// other event kinds ("member": {...} for member events, "info": {...} for
// channel.updated).
std::string event_json(const chat::ChannelEvent& event);
// A message replayed on resume: the same shape as a live message.created.
std::string replayed_message_json(const chat::Message& message);

// {"error": {"code": "...", "message": "..."}}
std::string error_json(std::string_view code, std::string_view message);

}  // namespace townhall::api
