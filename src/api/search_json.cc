// The JSON of a search's answer (GET /api/search, townhall chat search).
#include "api/json.h"
#include "search/search_service.h"

namespace townhall::api {
namespace {

void write_hit(ddb::JsonWriter& w, const search::SearchHit& hit) {
  w.begin_object();
  w.key("message");
  write_message(w, hit.message);
  w.key("channel");
  w.begin_object();
  w.key("id");
  w.string(hit.message.channel_id);
  w.key("name");
  w.string(hit.channel_name);
  w.key("conversation");
  w.boolean(hit.conversation);
  w.end_object();
  // The matched words as marked pieces of text: clients render them as
  // text (never as HTML), so a message cannot inject markup through a snippet.
  w.key("snippet");
  w.begin_array();
  for (const auto& part : hit.snippet) {
    w.begin_object();
    w.key("text");
    w.string(part.text);
    w.key("match");
    w.boolean(part.match);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace

void write_search_results(ddb::JsonWriter& w, const search::SearchResults& results) {
  w.begin_object();
  w.key("results");
  w.begin_array();
  for (const auto& hit : results.hits) write_hit(w, hit);
  w.end_array();
  w.key("next_cursor");
  if (results.next_cursor.empty()) {
    w.null();
  } else {
    w.string(results.next_cursor);
  }
  w.end_object();
}

}  // namespace townhall::api
