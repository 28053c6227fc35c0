// Names people see (user names, channel names) as they are stored: Unicode
// NFC, trimmed, and free of the characters that make one name look like
// another or reorder the text around it (control characters, bidirectional
// overrides and isolates, line separators). User names are unique up to case
// and compatibility forms: name_key() is what the uniqueness guard is keyed
// by, so "Alice", "alice" and "ａｌｉｃｅ" (full-width) are one name.
#pragma once

#include <string>
#include <string_view>

#include "chat/error.h"

namespace townhall::chat {

// The stored form of a name, or InvalidArgument naming `what`: not UTF-8,
// empty after trimming, longer than max_bytes (after normalizing), or with a
// forbidden character.
Result<std::string> normalize_name(std::string_view name, std::string_view what, size_t max_bytes);

// NFKC case-folded: equal for names that differ only in case or compatibility form.
// REQUIRES: name came from normalize_name.
std::string name_key(std::string_view name);

}  // namespace townhall::chat
