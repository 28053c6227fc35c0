// JsonWriter: appends JSON to a string without building a document first.
// Commas are placed automatically; callers pair begin_*/end_* calls.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace townhall::ddb {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() {
    separate();
    out_.push_back('{');
    first_.push_back(true);
  }
  void end_object() {
    out_.push_back('}');
    first_.pop_back();
  }
  void begin_array() {
    separate();
    out_.push_back('[');
    first_.push_back(true);
  }
  void end_array() {
    out_.push_back(']');
    first_.pop_back();
  }

  // Inside an object: the member name; the next value call writes its value.
  void key(std::string_view name) {
    separate();
    append_quoted(name);
    out_.push_back(':');
    after_key_ = true;
  }

  void string(std::string_view s) {
    separate();
    append_quoted(s);
  }
  void boolean(bool b) {
    separate();
    out_.append(b ? "true" : "false");
  }
  void null() {
    separate();
    out_.append("null");
  }
  void integer(int64_t n);
  void number(double d);
  // Pre-encoded JSON, written as one value.
  void raw(std::string_view json) {
    separate();
    out_.append(json);
  }

  std::string& buffer() { return out_; }

  // Appends s as a JSON string literal (quotes included) to out.
  static void append_quoted(std::string& out, std::string_view s);

 private:
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_.empty()) {
      if (!first_.back()) out_.push_back(',');
      first_.back() = false;
    }
  }
  void append_quoted(std::string_view s) { append_quoted(out_, s); }

  std::string& out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace townhall::ddb
