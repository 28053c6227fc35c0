// The words of a text as the index's tokenizer (unicode61, remove_diacritics
// 2) stores them, near enough: runs of letters, digits and private-use
// characters, case-folded, accents stripped. The index keeps how many
// messages hold each word, so that a prefix ("depl") can be expanded into
// its most common words ("deploy OR deployed OR ...") that FTS5 reads
// lazily, newest first, instead of merging every matching word's postings.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace townhall::search {

// The distinct words of text, folded.
std::set<std::string> words_of(std::string_view text);

}  // namespace townhall::search
