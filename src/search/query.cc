#include "search/query.h"

#include <cctype>

namespace townhall::search {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// A term the index can match has a letter or digit; "-", "..." and the like
// tokenize to nothing and would only make FTS5 complain.
bool searchable(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 || std::isalnum(u)) return true;
  }
  return false;
}

std::string hex_token(char kind, std::string_view id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string token;
  token.reserve(2 + id.size() * 2);
  token += kind;
  for (char c : id) {
    auto u = static_cast<unsigned char>(c);
    token += kDigits[u >> 4];
    token += kDigits[u & 15];
  }
  token += '0';
  return token;
}

// Reads a quoted run starting at text[i] == '"': its content, up to the
// closing quote or the end of the text.
std::string_view read_quoted(std::string_view text, size_t& i) {
  size_t start = ++i;
  while (i < text.size() && text[i] != '"') ++i;
  std::string_view content = text.substr(start, i - start);
  if (i < text.size()) ++i;  // the closing quote
  return content;
}

enum class Filter { kNone, kIn, kFrom, kBefore, kAfter, kHas };

Filter filter_named(std::string_view name) {
  if (iequals(name, "in")) return Filter::kIn;
  if (iequals(name, "from")) return Filter::kFrom;
  if (iequals(name, "before")) return Filter::kBefore;
  if (iequals(name, "after")) return Filter::kAfter;
  if (iequals(name, "has")) return Filter::kHas;
  return Filter::kNone;
}

constexpr int64_t kDayMs = 86'400'000;

chat::Status apply_filter(Filter filter, std::string_view value, ParsedQuery& query) {
  if (value.empty()) return chat::Error::InvalidArgument("a filter needs a value, as in in:#general");
  switch (filter) {
    case Filter::kIn:
      if (value.front() == '@') {
        if (value.size() == 1) return chat::Error::InvalidArgument("in:@ needs a person's name");
        query.in_people.emplace_back(value.substr(1));
      } else {
        if (value.front() == '#') value.remove_prefix(1);
        if (value.empty()) return chat::Error::InvalidArgument("in:# needs a channel's name");
        query.in_channels.emplace_back(value);
      }
      return chat::Status::Ok();
    case Filter::kFrom:
      if (value.front() == '@') value.remove_prefix(1);
      if (value.empty()) return chat::Error::InvalidArgument("from:@ needs a person's name");
      query.from.emplace_back(value);
      return chat::Status::Ok();
    case Filter::kBefore:
    case Filter::kAfter: {
      auto day = day_start_ms(value);
      if (!day) {
        return chat::Error::InvalidArgument("dates are written YYYY-MM-DD, not " +
                                            std::string(value.substr(0, 40)));
      }
      // Both exclusive of the day itself: before: ends where it starts, after: starts at the next.
      if (filter == Filter::kBefore) {
        query.before_ms = query.before_ms ? std::min(*query.before_ms, *day) : *day;
      } else {
        query.after_ms = query.after_ms ? std::max(*query.after_ms, *day + kDayMs) : *day + kDayMs;
      }
      return chat::Status::Ok();
    }
    case Filter::kHas:
      if (iequals(value, "link") || iequals(value, "links")) {
        query.has_link = true;
      } else if (iequals(value, "file") || iequals(value, "files")) {
        query.has_file = true;
      } else {
        return chat::Error::InvalidArgument("has: takes link or file");
      }
      return chat::Status::Ok();
    case Filter::kNone:
      break;
  }
  return chat::Status::Ok();
}

}  // namespace

chat::Result<ParsedQuery> parse_query(std::string_view text) {
  if (text.size() > kMaxQueryBytes) {
    return chat::Error::InvalidArgument("a search is at most " + std::to_string(kMaxQueryBytes) + " bytes");
  }
  ParsedQuery query;
  size_t filters = 0;
  bool last_was_bare_word = false;
  size_t i = 0;
  while (i < text.size()) {
    if (is_space(text[i])) {
      ++i;
      continue;
    }
    Term term;
    if (text[i] == '"') {
      term.text = std::string(read_quoted(text, i));
      term.phrase = true;
    } else {
      size_t start = i;
      // A quote inside a word (it"s) starts nothing: it is part of the word.
      while (i < text.size() && !is_space(text[i])) ++i;
      std::string_view word = text.substr(start, i - start);
      size_t colon = word.find(':');
      Filter filter = colon == std::string_view::npos ? Filter::kNone : filter_named(word.substr(0, colon));
      if (filter != Filter::kNone) {
        std::string_view value = word.substr(colon + 1);
        std::string quoted;
        // A name with spaces: in:"release crew", in:#"release crew", from:@"Ann Lee".
        size_t sigil = !value.empty() && (value.front() == '#' || value.front() == '@') ? 1 : 0;
        if (value.size() > sigil && value[sigil] == '"') {
          i = start + colon + 1 + sigil;
          quoted = std::string(value.substr(0, sigil)).append(read_quoted(text, i));
          value = quoted;
        }
        if (++filters > kMaxFilters) {
          return chat::Error::InvalidArgument("a search has at most " + std::to_string(kMaxFilters) +
                                              " filters");
        }
        TH_RETURN_IF_ERROR(apply_filter(filter, value, query));
        continue;  // filters do not end the last word: "depl in:#ops" still finds "deploy"
      }
      term.text = std::string(word);
    }
    if (!searchable(term.text)) continue;
    last_was_bare_word = !term.phrase;
    if (query.terms.size() == kMaxTerms) {
      return chat::Error::InvalidArgument("a search has at most " + std::to_string(kMaxTerms) + " words");
    }
    query.terms.push_back(std::move(term));
  }
  if (last_was_bare_word) query.terms.back().prefix = true;
  if (query.empty()) return chat::Error::InvalidArgument("type a word to search for");
  if (query.before_ms && query.after_ms && *query.after_ms >= *query.before_ms) {
    return chat::Error::InvalidArgument("after: must be a day earlier than before:");
  }
  return query;
}

namespace {

void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';  // FTS5 escapes a quote in a string by doubling it
    out += c;
  }
  out += '"';
}

}  // namespace

std::string text_expression(const std::vector<Term>& terms,
                            const std::optional<std::vector<std::string>>& completions) {
  if (terms.empty()) return {};
  std::string out = "{body} : (";
  bool first = true;
  for (const auto& term : terms) {
    if (!first) out += " AND ";  // explicit: FTS5 has no implicit AND before a parenthesis
    first = false;
    if (term.prefix && completions) {
      out += '(';
      append_quoted(out, term.text);  // the word itself, in case it has no completion listed
      for (const auto& word : *completions) {
        out += " OR ";
        append_quoted(out, word);
      }
      out += ')';
      continue;
    }
    append_quoted(out, term.text);
    if (term.prefix) out += '*';
  }
  out += ')';
  return out;
}

std::optional<std::string> plain_prefix(const Term& term) {
  if (!term.prefix || term.text.empty()) return std::nullopt;
  std::string out;
  for (char c : term.text) {
    auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) || u >= 0x80) return std::nullopt;
    out += static_cast<char>(std::tolower(u));
  }
  return out;
}

std::string channel_token(std::string_view channel_id) { return hex_token('c', channel_id); }
std::string author_token(std::string_view user_id) { return hex_token('u', user_id); }

std::optional<int64_t> day_start_ms(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return std::nullopt;
  auto number = [&date](size_t from, size_t length) -> int {
    int value = 0;
    for (size_t k = from; k < from + length; ++k) {
      if (!std::isdigit(static_cast<unsigned char>(date[k]))) return -1;
      value = value * 10 + (date[k] - '0');
    }
    return value;
  };
  int y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (y < 1970 || m < 1 || m > 12 || d < 1) return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
  // Days from the civil date (Howard Hinnant's algorithm).
  int yy = y - (m <= 2 ? 1 : 0);
  int era = yy / 400;
  int yoe = yy - era * 400;
  int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = static_cast<int64_t>(era) * 146097 + doe - 719468;
  return days * kDayMs;
}

bool has_link(std::string_view text) {
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    for (size_t at = 0; at + scheme.size() < text.size(); ++at) {
      if (iequals(text.substr(at, scheme.size()), scheme) && !is_space(text[at + scheme.size()])) return true;
    }
  }
  return false;
}

}  // namespace townhall::search
