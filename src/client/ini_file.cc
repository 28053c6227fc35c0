#include "client/ini_file.h"

#include <cctype>

namespace townhall::client {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// A value's comment starts at '#' or ';' preceded by whitespace.
std::string_view strip_inline_comment(std::string_view value) {
  for (size_t i = 1; i < value.size(); ++i) {
    if ((value[i] == '#' || value[i] == ';') && is_space(value[i - 1])) return trim(value.substr(0, i));
  }
  return value;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string collapse_spaces(std::string_view s) {
  std::string out;
  bool in_space = false;
  for (char c : trim(s)) {
    if (is_space(c)) {
      in_space = true;
      continue;
    }
    if (in_space && !out.empty()) out += ' ';
    in_space = false;
    out += c;
  }
  return out;
}

ddb::Error parse_error(std::string_view source, int line, std::string_view why) {
  std::string message(source);
  message += " line " + std::to_string(line) + ": ";
  message.append(why);
  return ddb::Error::Validation(std::move(message));
}

}  // namespace

ddb::Result<IniFile> parse_ini(std::string_view text, std::string_view source) {
  IniFile file;
  IniSection* section = nullptr;
  std::string parent_key;  // the last property whose value was empty: indented lines are its sub-properties
  std::string last_key;    // the last top-level property: other indented lines continue its value
  int line_number = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view raw = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_number;
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    bool indented = is_space(raw.front());

    if (line.front() == '[') {
      size_t close = line.find(']');
      if (close == std::string_view::npos)
        return parse_error(source, line_number, "unterminated section name");
      std::string name = collapse_spaces(line.substr(1, close - 1));
      if (name.empty()) return parse_error(source, line_number, "empty section name");
      section = &file[name];
      parent_key.clear();
      last_key.clear();
      continue;
    }
    if (section == nullptr) return parse_error(source, line_number, "a property before any [section]");

    size_t eq = line.find('=');
    if (indented && !last_key.empty()) {
      if (!parent_key.empty() && eq != std::string_view::npos) {
        std::string key = parent_key + "." + lower(trim(line.substr(0, eq)));
        (*section)[key] = std::string(strip_inline_comment(trim(line.substr(eq + 1))));
      } else {
        std::string& value = (*section)[last_key];
        value += '\n';
        value.append(strip_inline_comment(line));
      }
      continue;
    }
    if (eq == std::string_view::npos) return parse_error(source, line_number, "expected \"name = value\"");
    std::string key = lower(trim(line.substr(0, eq)));
    if (key.empty()) return parse_error(source, line_number, "a property with no name");
    std::string_view value = strip_inline_comment(trim(line.substr(eq + 1)));
    (*section)[key] = std::string(value);
    last_key = key;
    parent_key = value.empty() ? key : std::string();
  }
  return file;
}

}  // namespace townhall::client
