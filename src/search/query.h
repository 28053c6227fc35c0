// A message search as a person types it, and what the index is asked.
//
//   deploy "staging box" in:#ops from:@ana after:2026-11-30 has:link
//
// Words match in any order (all of them must be there, case and accents
// folded: "cafe" finds "Café"); a quoted phrase matches its words in
// sequence; the last bare word also matches as a prefix ("depl" finds
// "deploy", "deploy" finds "deployed"), so a search box can search as one
// types. Filters narrow it down: in:#channel
// or in:@person (a direct conversation), from:@person, before:/after:
// dates (UTC; both exclusive of the day given), has:link, has:file.
//
// parse_query() only reads the text; resolving names to ids, and the
// reader's right to read each channel, is SearchService's job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/error.h"

namespace townhall::search {

inline constexpr size_t kMaxQueryBytes = 512;
inline constexpr size_t kMaxTerms = 16;
inline constexpr size_t kMaxFilters = 12;

struct Term {
  std::string text;
  bool phrase = false;  // quoted: its words in sequence
  bool prefix = false;  // the last bare word: also as a prefix
  bool operator==(const Term&) const = default;
};

struct ParsedQuery {
  std::vector<Term> terms;
  std::vector<std::string> in_channels;  // in:#name or in:name, without the '#'
  std::vector<std::string> in_people;    // in:@name: the direct conversation with them
  std::vector<std::string> from;         // from:@name, without the '@'
  std::optional<int64_t> before_ms;      // created strictly before (ms since the epoch)
  std::optional<int64_t> after_ms;       // created at or after
  bool has_link = false;
  bool has_file = false;

  bool empty() const {
    return terms.empty() && in_channels.empty() && in_people.empty() && from.empty() && !before_ms &&
           !after_ms && !has_link && !has_file;
  }
};

// InvalidArgument for what cannot be searched: too long, too many words or
// filters, a bad date, an unknown has: value, nothing to search for.
chat::Result<ParsedQuery> parse_query(std::string_view text);

// The FTS5 expression for the terms, on the index's `body` column; empty
// when there are none. Every term is a quoted FTS5 string, so nothing the
// user types is read as FTS5 syntax. A prefix term is `"x"*`, or, when
// completions are given (the index's words it begins), those words as
// alternatives: FTS5 reads an OR of words lazily, newest first, where a
// prefix query merges every matching word's whole list first.
std::string text_expression(const std::vector<Term>& terms,
                            const std::optional<std::vector<std::string>>& completions = std::nullopt);

// The lower-case ASCII form of a prefix term when it is one word of ASCII
// letters and digits (as the index's tokenizer stores it); nullopt otherwise.
std::optional<std::string> plain_prefix(const Term& term);

// The tokens the index keeps beside a message's words (its `scope` column):
// its channel, its author and what it has. Hex-encoded (and ending in a
// digit, should a stemmer ever be added), so that the tokenizer keeps each
// whole and no id can collide with another.
std::string channel_token(std::string_view channel_id);
std::string author_token(std::string_view user_id);
inline constexpr std::string_view kHasLinkToken = "xlink0";
inline constexpr std::string_view kHasFileToken = "xfile0";

// Midnight UTC starting the day "YYYY-MM-DD", in ms; nullopt if not a date.
std::optional<int64_t> day_start_ms(std::string_view date);

// Whether text has a web link (http:// or https:// followed by something).
bool has_link(std::string_view text);

}  // namespace townhall::search
