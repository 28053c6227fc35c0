#include "ddb/json_writer.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace townhall::ddb {
namespace {

std::string json_quote(std::string_view s) {
  std::string out;
  JsonWriter::append_quoted(out, s);
  return out;
}

// The string a JSON parser reads back from a quoted literal.
std::string parse_back(const std::string& json) {
  simdjson::dom::parser parser;
  std::string_view s;
  auto error = parser.parse(json).get_string().get(s);
  EXPECT_FALSE(error) << json << ": " << simdjson::error_message(error);
  return std::string(s);
}

TEST(JsonWriterTest, EscapesWhatJsonRequires) {
  EXPECT_EQ(json_quote("plain"), "\"plain\"");
  EXPECT_EQ(json_quote(""), "\"\"");
  EXPECT_EQ(json_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json_quote("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(json_quote(std::string("\x00\x01\x1f\x7f", 4)), "\"\\u0000\\u0001\\u001f\x7f\"");
  EXPECT_EQ(json_quote("/ stays"), "\"/ stays\"");
  // Long plain runs take the 8-bytes-at-a-time path; specials at every offset.
  std::string long_text(40, 'x');
  for (size_t i = 0; i < long_text.size(); ++i) {
    std::string s = long_text;
    s[i] = '"';
    EXPECT_EQ(parse_back(json_quote(s)), s) << i;
    s[i] = '\x01';
    EXPECT_EQ(parse_back(json_quote(s)), s) << i;
  }
}

TEST(JsonWriterTest, EveryControlCharacterRoundTrips) {
  std::string all;
  for (int c = 0; c < 0x80; ++c) all.push_back(static_cast<char>(c));
  EXPECT_EQ(parse_back(json_quote(all)), all);
}

TEST(JsonWriterTest, KeepsValidUtf8) {
  for (std::string s :
       {"\u00e9t\u00e9", "\u65e5\u672c\u8a9e", "\U0001F600 emoji", "\u0800\uffff\U00010000\U0010FFFF",
        "mixed ascii \u00e9 and more ascii to cross 8-byte blocks \U0001F44D!"}) {
    EXPECT_EQ(json_quote(s), "\"" + s + "\"");
    EXPECT_EQ(parse_back(json_quote(s)), s);
  }
}

TEST(JsonWriterTest, ReplacesInvalidUtf8SoOutputStaysValid) {
  const std::string kReplacement = "\xEF\xBF\xBD";
  struct Case {
    std::string in, out;
  };
  for (const auto& [in, out] : std::initializer_list<Case>{
           {"\xff", kReplacement},
           {"a\x80z", "a" + kReplacement + "z"},                          // lone continuation byte
           {"\xc3", kReplacement},                                        // truncated at the end
           {"\xc3(", kReplacement + "("},                                 // bad continuation
           {"\xc0\xaf", kReplacement + kReplacement},                     // overlong '/'
           {"\xe0\x80\xaf", kReplacement + kReplacement + kReplacement},  // overlong
           {"\xed\xa0\x80", kReplacement + kReplacement + kReplacement},  // UTF-16 surrogate
           {"\xf4\x90\x80\x80", std::string(4, 'R')},                     // above U+10FFFF
           {"\xf8\x88\x80\x80\x80", std::string(5, 'R')},                 // 5-byte form
       }) {
    std::string expected = out;
    if (expected.find('R') != std::string::npos) {  // one replacement per byte
      expected.clear();
      for (size_t i = 0; i < out.size(); ++i) expected += kReplacement;
    }
    EXPECT_EQ(json_quote(in), "\"" + expected + "\"") << in;
    parse_back(json_quote(in));  // valid JSON
  }
}

TEST(JsonWriterTest, PlacesCommasAndAppendsAfterExistingContent) {
  std::string out = "HTTP body follows:";
  JsonWriter w(out);
  w.begin_object();
  w.key("a");
  w.begin_array();
  w.integer(1);
  w.string("x");
  w.boolean(false);
  w.null();
  w.begin_object();
  w.end_object();
  w.begin_array();
  w.end_array();
  w.number(1.5);
  w.raw("{\"r\":1}");
  w.raw_value_buffer().append("\"direct\"");
  w.end_array();
  w.key_literal("b");
  w.integer(-9223372036854775807 - 1);
  w.key("c\"");
  w.number(1e300 * 1e300);  // not finite: written as 0
  w.key("d");
  w.number(-0.0);
  w.end_object();
  EXPECT_EQ(out,
            "HTTP body follows:{\"a\":[1,\"x\",false,null,{},[],1.5,{\"r\":1},\"direct\"],"
            "\"b\":-9223372036854775808,\"c\\\"\":0,\"d\":0}");
}

}  // namespace
}  // namespace townhall::ddb
