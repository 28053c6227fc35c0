#include "search/search_service.h"

#include <map>
#include <set>

#include "chat/keys.h"
#include "chat/names.h"
#include "search/query.h"

namespace townhall::search {
namespace {

// A reader in more channels than this is searched in the first ones AP1
// lists (a bound on the index query's size, far above a team's needs).
constexpr int kMaxReadableChannels = 5000;
constexpr int kChannelsPage = 100;

struct Readable {
  std::string name;
  bool conversation = false;
};

bool is_conversation_id(std::string_view id) { return id.starts_with("dm-"); }

// Every channel and conversation actor is in (AP1, all pages).
chat::Result<std::map<std::string, Readable>> readable_channels(chat::ChatService& chat,
                                                                const chat::User& actor) {
  std::map<std::string, Readable> out;
  std::string cursor;
  do {
    TH_ASSIGN_OR_RETURN(auto page, chat.channels().channels_of(actor, cursor, kChannelsPage));
    for (auto& membership : page.items) {
      bool conversation = is_conversation_id(membership.channel_id);
      out.emplace(std::move(membership.channel_id),
                  Readable{std::move(membership.channel_name), conversation});
    }
    cursor = std::move(page.next_cursor);
  } while (!cursor.empty() && out.size() < static_cast<size_t>(kMaxReadableChannels));
  return out;
}

std::string any_of(std::string_view column, const std::vector<std::string>& tokens) {
  std::string out = "{";
  out.append(column).append("} : (");
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i) out += " OR ";
    out += tokens[i];
  }
  out += ')';
  return out;
}

chat::Result<std::optional<int64_t>> decode_cursor(std::string_view cursor, char kind) {
  if (cursor.empty()) return std::optional<int64_t>();
  if (cursor.size() < 2 || cursor.size() > 20 || cursor[0] != kind) {
    return chat::Error::InvalidArgument("cursor: pass next_cursor from the previous page of the same search");
  }
  int64_t value = 0;
  for (char c : cursor.substr(1)) {
    if (c < '0' || c > '9') return chat::Error::InvalidArgument("cursor: not one of ours");
    value = value * 10 + (c - '0');
  }
  return std::optional<int64_t>(value);
}

}  // namespace

std::vector<SnippetPart> split_snippet(std::string_view snippet) {
  std::vector<SnippetPart> parts;
  bool match = false;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) parts.push_back({std::move(current), match});
    current.clear();
  };
  for (char c : snippet) {
    if (c == '\x01' || c == '\x02') {
      flush();
      match = c == '\x01';
      continue;
    }
    current += c;
  }
  flush();
  return parts;
}

chat::Result<SearchResults> SearchService::search(const chat::User& actor, const SearchRequest& request) {
  TH_ASSIGN_OR_RETURN(ParsedQuery query, parse_query(request.query));
  if (request.limit < 1 || request.limit > kMaxHits) {
    return chat::Error::InvalidArgument("limit must be 1 to " + std::to_string(kMaxHits));
  }
  TH_ASSIGN_OR_RETURN(auto cursor, decode_cursor(request.cursor, request.by_relevance ? 'r' : 'n'));
  TH_ASSIGN_OR_RETURN(auto readable, readable_channels(chat_, actor));

  // Where to look: what the reader is in, narrowed by in: and channel_id.
  // A public channel they are not in is readable too when they name it.
  std::set<std::string> scope;
  bool narrowed = false;
  auto narrow_to = [&](const std::string& id) {
    if (!narrowed) scope.clear();
    narrowed = true;
    scope.insert(id);
  };
  std::map<std::string, Readable> named_public;
  if (!request.channel_id.empty()) {
    TH_ASSIGN_OR_RETURN(std::string channel_id, chat::keys::channel_id_from(request.channel_id));
    if (!readable.count(channel_id)) {
      // NotFound for a private channel the reader is not in, as on every route.
      TH_ASSIGN_OR_RETURN(chat::Channel channel, chat_.channels().get(actor, channel_id));
      named_public.emplace(channel_id, Readable{channel.name, false});
    }
    narrow_to(channel_id);
  }
  std::vector<std::string> in_scope;
  for (const auto& name : query.in_channels) {
    std::string key = chat::name_key(name);
    std::string found;
    for (const auto& [id, channel] : readable) {
      if (!channel.conversation && chat::name_key(channel.name) == key) found = id;
    }
    if (found.empty()) {
      TH_ASSIGN_OR_RETURN(auto listed, chat_.channels().list_public(name, "", 20));
      for (const auto& channel : listed.items) {
        if (!channel.is_private && chat::name_key(channel.name) == key) {
          found = channel.id;
          named_public.emplace(channel.id, Readable{channel.name, false});
        }
      }
    }
    if (found.empty())
      return chat::Error::InvalidArgument("in:#" + name + ": no such channel that you can read");
    in_scope.push_back(found);
  }
  for (const auto& name : query.in_people) {
    std::string key = chat::name_key(name);
    std::string found;
    for (const auto& [id, channel] : readable) {
      if (channel.conversation && chat::name_key(channel.name) == key) found = id;
    }
    if (found.empty())
      return chat::Error::InvalidArgument("in:@" + name + ": you have no conversation with them");
    in_scope.push_back(found);
  }
  if (!in_scope.empty()) {
    // in: filters are alternatives; with channel_id too, both must hold.
    std::set<std::string> wanted(in_scope.begin(), in_scope.end());
    if (narrowed) {
      std::set<std::string> both;
      for (const auto& id : scope) {
        if (wanted.count(id)) both.insert(id);
      }
      scope = std::move(both);
    } else {
      scope = std::move(wanted);
      narrowed = true;
    }
  }
  if (!narrowed) {
    for (const auto& [id, channel] : readable) scope.insert(id);
  }
  SearchResults results;
  if (scope.empty()) return results;

  std::vector<std::string> authors;
  for (const auto& name : query.from) {
    auto user = chat_.accounts().find_user_by_name(name);
    if (!user.ok()) {
      if (user.error().is(chat::Code::kNotFound)) {
        return chat::Error::InvalidArgument("from:@" + name + ": no one has that name");
      }
      return user.error();
    }
    authors.push_back(author_token(user->id));
  }

  std::vector<std::string> parts;
  if (!authors.empty()) parts.push_back(any_of("scope", authors));
  if (query.has_link) parts.push_back(any_of("scope", {std::string(kHasLinkToken)}));
  if (query.has_file) parts.push_back(any_of("scope", {std::string(kHasFileToken)}));
  IndexQuery index_query;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) index_query.filters += " AND ";
    index_query.filters += parts[i];
  }
  index_query.terms = query.terms;
  index_query.channels.assign(scope.begin(), scope.end());
  index_query.before_ms = query.before_ms;
  index_query.after_ms = query.after_ms;
  index_query.by_relevance = request.by_relevance;
  index_query.limit = request.limit + 1;  // one more tells whether a next page exists
  if (request.by_relevance) {
    index_query.offset = cursor.value_or(0);
  } else {
    index_query.below = cursor;
  }

  // Nothing acknowledged before this search may be missing from its answer.
  if (indexer_) TH_RETURN_IF_ERROR(indexer_->catch_up());
  TH_ASSIGN_OR_RETURN(auto hits, index_.search(index_query));
  bool more = hits.size() > static_cast<size_t>(request.limit);
  if (more) hits.resize(static_cast<size_t>(request.limit));
  for (auto& hit : hits) {
    // The match already named the channels; this is the second lock on the door.
    if (!scope.count(hit.message.channel_id)) continue;
    SearchHit out;
    const Readable* channel = nullptr;
    if (auto found = readable.find(hit.message.channel_id); found != readable.end()) channel = &found->second;
    if (auto found = named_public.find(hit.message.channel_id); !channel && found != named_public.end()) {
      channel = &found->second;
    }
    if (channel) {
      out.channel_name = channel->name;
      out.conversation = channel->conversation;
    }
    out.message.id = std::move(hit.message.id);
    out.message.channel_id = std::move(hit.message.channel_id);
    out.message.user_id = std::move(hit.message.user_id);
    out.message.user_name = std::move(hit.message.user_name);
    out.message.text = std::move(hit.message.text);
    out.message.created_at_ms = hit.message.created_at_ms;
    out.message.created_at = hit.message.created_at_ms / 1000;
    out.message.thread_root = std::move(hit.message.thread_root);
    out.snippet = split_snippet(hit.snippet);
    results.hits.push_back(std::move(out));
  }
  if (more && !hits.empty()) {
    results.next_cursor = request.by_relevance ? "r" + std::to_string(index_query.offset + request.limit)
                                               : "n" + std::to_string(hits.back().order_key);
  }
  return results;
}

}  // namespace townhall::search
