// JsonWriter: appends JSON to a string without building a document first.
// Commas are placed automatically; callers pair begin_*/end_* calls.
//
// Strings are written as valid JSON whatever their bytes: control characters
// are escaped, and bytes that are not valid UTF-8 are replaced by U+FFFD (a
// string decoded from JSON is always valid UTF-8; only a value built in
// process can carry invalid bytes, and the output must stay parsable).
//
// Thread-safety: a JsonWriter is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace townhall::ddb {

class JsonWriter {
 public:
  // Appends to out, after what out already holds.
  explicit JsonWriter(std::string& out) : out_(out), start_(out.size()) {}

  void begin_object() { put_value("{", 1); }
  void end_object() { out_.push_back('}'); }
  void begin_array() { put_value("[", 1); }
  void end_array() { out_.push_back(']'); }

  // Inside an object: the member name; the next value call writes its value.
  void key(std::string_view name) {
    separate();
    append_quoted(out_, name);
    out_.push_back(':');
  }
  // The same for a name known to need no escaping (the API's member names).
  void key_literal(std::string_view name);

  void string(std::string_view s) {
    separate();
    append_quoted(out_, s);
  }
  void boolean(bool b) { b ? put_value("true", 4) : put_value("false", 5); }
  void null() { put_value("null", 4); }
  void integer(int64_t n);
  void number(double d);
  // Pre-encoded JSON, written as one value.
  void raw(std::string_view json) { put_value(json.data(), json.size()); }
  // Places a separator if one is due and returns the buffer, to which the
  // caller appends exactly one complete JSON value (numbers and base64 are
  // written this way, without temporaries).
  std::string& raw_value_buffer() {
    separate();
    return out_;
  }

  std::string& buffer() { return out_; }

  // Appends s as a JSON string literal (quotes included) to out.
  static void append_quoted(std::string& out, std::string_view s);
  // The length of s's longest prefix that goes between the quotes as it is
  // (printable ASCII other than '"' and '\\'): s.size() for most strings, which
  // then need no escaping at all.
  static size_t plain_length(std::string_view s);

 private:
  // A comma is due unless this value opens the output, an object or an
  // array, or follows a member name: exactly when the last character written
  // is not one of '{', '[' or ':'. (Every value ends in '"', '}', ']', a digit
  // or a letter of true/false/null, so the last character tells.)
  bool comma_due() const {
    if (out_.size() == start_) return false;
    char last = out_.back();
    return last != '{' && last != '[' && last != ':';
  }
  void separate() {
    if (comma_due()) out_.push_back(',');
  }
  // A separator if due and the value's text, in one append.
  void put_value(const char* text, size_t length);

  std::string& out_;
  size_t start_;
};

}  // namespace townhall::ddb
