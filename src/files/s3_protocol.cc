#include "files/s3_protocol.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace townhall::files {
namespace {

// --- A minimal reader for S3's XML answers: flat elements without CDATA,
// comments or nesting of one name in itself. Malformed input yields nullopt,
// never a crash.

struct Element {
  std::string_view inner;
  size_t end = 0;  // just past the closing tag
};

std::optional<Element> find_element(std::string_view xml, std::string_view name, size_t from = 0) {
  for (size_t pos = xml.find('<', from); pos != std::string_view::npos; pos = xml.find('<', pos + 1)) {
    if (xml.substr(pos + 1, name.size()) != name) continue;
    size_t after = pos + 1 + name.size();
    if (after >= xml.size()) return std::nullopt;
    char c = xml[after];
    if (c != '>' && c != '/' && c != ' ' && c != '\t' && c != '\r' && c != '\n') continue;  // <KeyCount>
    size_t open_end = xml.find('>', after);
    if (open_end == std::string_view::npos) return std::nullopt;
    if (xml[open_end - 1] == '/') return Element{{}, open_end + 1};  // <Name/>
    std::string closing = "</" + std::string(name) + ">";
    size_t close = xml.find(closing, open_end + 1);
    if (close == std::string_view::npos) return std::nullopt;
    return Element{xml.substr(open_end + 1, close - open_end - 1), close + closing.size()};
  }
  return std::nullopt;
}

void append_utf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Element text with XML's entities decoded; an unknown entity stays as written.
std::string xml_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    size_t semi = text[i] == '&' ? text.find(';', i) : std::string_view::npos;
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back(text[i]);
      continue;
    }
    std::string_view entity = text.substr(i + 1, semi - i - 1);
    static constexpr std::pair<std::string_view, char> kNamed[] = {
        {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
    auto named =
        std::find_if(std::begin(kNamed), std::end(kNamed), [&](auto& e) { return e.first == entity; });
    uint32_t cp = 0;
    if (named != std::end(kNamed)) {
      out.push_back(named->second);
    } else if (entity.size() > 1 && entity[0] == '#') {
      bool hex = entity[1] == 'x' || entity[1] == 'X';
      std::string_view digits = entity.substr(hex ? 2 : 1);
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (ec != std::errc() || end != digits.data() + digits.size() || cp == 0 || cp > 0x10FFFF ||
          (cp >= 0xD800 && cp <= 0xDFFF)) {  // not a character: left as written
        out.push_back(text[i]);
        continue;
      }
      append_utf8(cp, out);
    } else {
      out.push_back(text[i]);
      continue;
    }
    i = semi;
  }
  return out;
}

}  // namespace

// --- The protocol's pure parts -----------------------------------------------

std::string s3::uri_encode(std::string_view text, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~' || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0xF]);
    }
  }
  return out;
}

std::optional<int64_t> s3::parse_iso8601_ms(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)
  auto number = [&](size_t pos, size_t len) -> std::optional<int> {
    if (pos + len > text.size()) return std::nullopt;
    int value = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  auto y = number(0, 4), mo = number(5, 2), d = number(8, 2), h = number(11, 2), mi = number(14, 2),
       s = number(17, 2);
  if (!y || !mo || !d || !h || !mi || !s || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':' || *h > 23 || *mi > 59 ||
      *s > 60) {
    return std::nullopt;
  }
  std::chrono::year_month_day date{std::chrono::year(*y), std::chrono::month(static_cast<unsigned>(*mo)),
                                   std::chrono::day(static_cast<unsigned>(*d))};
  if (!date.ok()) return std::nullopt;
  size_t pos = 19;
  int64_t ms = 0;
  if (pos < text.size() && text[pos] == '.') {
    int scale = 100, digits = 0;
    for (++pos; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++digits) {
      ms += (text[pos] - '0') * scale;
      scale /= 10;
    }
    if (digits == 0) return std::nullopt;
  }
  int64_t offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    auto oh = number(pos + 1, 2), om = number(pos + 4, 2);
    if (!oh || !om || text[pos + 3] != ':' || *oh > 23 || *om > 59) return std::nullopt;
    offset_minutes = (text[pos] == '+' ? 1 : -1) * (*oh * 60 + *om);
    pos += 6;
  } else {
    return std::nullopt;  // no zone: ambiguous
  }
  if (pos != text.size()) return std::nullopt;
  int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  int64_t seconds = days * 86400 + *h * 3600 + *mi * 60 + *s - offset_minutes * 60;
  return seconds * 1000 + ms;
}

chat::Result<s3::ListPage> s3::parse_list_objects_v2(std::string_view xml) {
  auto root = find_element(xml, "ListBucketResult");
  if (!root) return chat::Error::Internal("S3 ListObjectsV2: the answer is not a ListBucketResult");
  ListPage page;
  for (auto contents = find_element(root->inner, "Contents"); contents;
       contents = find_element(root->inner, "Contents", contents->end)) {
    auto key = find_element(contents->inner, "Key");
    auto modified = find_element(contents->inner, "LastModified");
    if (!key) return chat::Error::Internal("S3 ListObjectsV2: an object without a Key");
    // A blob with an unknown age must not look old: collection would delete it.
    auto ms = modified ? parse_iso8601_ms(modified->inner) : std::nullopt;
    if (!ms) return chat::Error::Internal("S3 ListObjectsV2: a bad LastModified for " + xml_text(key->inner));
    page.objects.push_back({xml_text(key->inner), *ms});
  }
  if (auto truncated = find_element(root->inner, "IsTruncated")) page.truncated = truncated->inner == "true";
  if (auto token = find_element(root->inner, "NextContinuationToken")) {
    page.next_continuation_token = xml_text(token->inner);
  }
  if (page.truncated && page.next_continuation_token.empty()) {
    return chat::Error::Internal("S3 ListObjectsV2: a truncated page without a NextContinuationToken");
  }
  return page;
}

std::string s3::describe_error(int status, std::string_view body) {
  if (auto error = find_element(body, "Error")) {
    auto code = find_element(error->inner, "Code");
    auto message = find_element(error->inner, "Message");
    if (code) {
      std::string out = "HTTP " + std::to_string(status) + " " + xml_text(code->inner);
      if (message) out += ": " + xml_text(message->inner);
      return out;
    }
  }
  std::string out = "HTTP " + std::to_string(status);
  // Not S3's XML (a proxy's page?): its first printable bytes may say why.
  std::string snippet;
  for (char c : body.substr(0, 200)) snippet.push_back(std::isprint(static_cast<unsigned char>(c)) ? c : ' ');
  if (snippet.find_first_not_of(' ') != std::string::npos) out += ": " + snippet;
  return out;
}

std::string s3::error_code(std::string_view body) {
  auto error = find_element(body, "Error");
  auto code = error ? find_element(error->inner, "Code") : std::nullopt;
  return code ? xml_text(code->inner) : std::string();
}

}  // namespace townhall::files
