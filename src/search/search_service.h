// SearchService: message search for one reader. It decides what the reader
// may see (the channels and conversations they are in, AP1, and a public
// channel they name with in:#), resolves the query's names, asks the index
// with those channels as part of the match, so that nothing else is ever
// read out of it: no hit, snippet or count from a conversation the reader
// is not in (docs/search.md).
//
//   SearchService search(chat, index, &indexer);
//   auto results = search.search(user, {.query = "deploy in:#ops"});
//
// Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "chat/chat_service.h"
#include "search/indexer.h"
#include "search/message_index.h"

namespace townhall::search {

inline constexpr int kDefaultHits = 20;
inline constexpr int kMaxHits = 100;

struct SearchRequest {
  std::string query;       // as typed (search/query.h)
  std::string channel_id;  // optional: only this channel or conversation
  std::string cursor;      // from the previous page's next_cursor
  int limit = kDefaultHits;
  bool by_relevance = false;  // best match first instead of newest first
};

// A piece of a snippet: the matched words have match set. Text, never HTML.
struct SnippetPart {
  std::string text;
  bool match = false;
  bool operator==(const SnippetPart&) const = default;
};

struct SearchHit {
  chat::Message message;     // id, channel_id, user, text, created_at_ms, thread_root
  std::string channel_name;  // as the reader sees it: a conversation is named by the others in it
  bool conversation = false;
  std::vector<SnippetPart> snippet;
};

struct SearchResults {
  std::vector<SearchHit> hits;
  std::string next_cursor;  // empty on the last page
};

class SearchService {
 public:
  // indexer may be null (tests that fill the index themselves).
  SearchService(chat::ChatService& chat, MessageIndex& index, Indexer* indexer)
      : chat_(chat), index_(index), indexer_(indexer) {}

  // InvalidArgument for a query that cannot be searched or a name that names
  // nothing the reader can read; NotFound for a channel_id the reader may
  // not read (as every other route); Unavailable while the index is built.
  chat::Result<SearchResults> search(const chat::User& actor, const SearchRequest& request);

 private:
  chat::ChatService& chat_;
  MessageIndex& index_;
  Indexer* indexer_;
};

// "…a \x01word\x02 here…" -> [{"…a "}, {"word", match}, {" here…"}].
std::vector<SnippetPart> split_snippet(std::string_view snippet);

}  // namespace townhall::search
