#include "api/access_log.h"

#include <gtest/gtest.h>

#include "api/json.h"

namespace townhall::api {
namespace {

std::string line(std::string_view message, bool members = false) {
  // 2024-05-01T12:00:00.123Z
  const auto time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1714564800123));
  std::string out;
  append_json_log_line(out, time, "info", message, members);
  return out;
}

TEST(JsonLogLine, HasTimeLevelAndMessage) {
  EXPECT_EQ(
      line("chat server on http://127.0.0.1:8080"),
      R"({"time":"2024-05-01T12:00:00.123Z","level":"info","msg":"chat server on http://127.0.0.1:8080"})");
}

TEST(JsonLogLine, EscapesWhatWouldBreakTheLine) {
  // Quotes, backslashes, newlines (a forged second line), control bytes and
  // invalid UTF-8 all stay inside one parsable string.
  std::string message = "a \"quoted\" \\ path\n{\"level\":\"error\"}\t\x01 \xff\xfe end";
  std::string out = line(message);
  EXPECT_EQ(out.find('\n'), std::string::npos);
  auto parsed = JsonObject::parse(out);
  ASSERT_TRUE(parsed.ok()) << out;
  auto msg = parsed->required_string("msg");
  ASSERT_TRUE(msg.ok());
  const std::string_view kept = "a \"quoted\" \\ path\n{\"level\":\"error\"}\t\x01 ";
  EXPECT_EQ(msg->substr(0, kept.size()), kept);
  EXPECT_NE(msg->find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD for the invalid bytes
  EXPECT_EQ(*parsed->required_string("level"), "info");
}

TEST(JsonLogLine, AccessEntryIsOneFlatObject) {
  AccessLogEntry entry{"req-1", "GET", "/api/channels/{id}", 200, 1.23456, 345, "10.0.0.7", "u1"};
  std::string out = line(access_log_json_members(entry), true);
  EXPECT_EQ(out,
            R"({"time":"2024-05-01T12:00:00.123Z","level":"info","request_id":"req-1","method":"GET",)"
            R"("route":"/api/channels/{id}","status":200,"duration_ms":1.235,"bytes":345,"ip":"10.0.0.7",)"
            R"("user":"u1"})");
  ASSERT_TRUE(JsonObject::parse(out).ok());
  entry.user_id = "";  // not signed in: no user member
  EXPECT_EQ(access_log_json_members(entry).find("user"), std::string::npos);
}

TEST(AccessLogText, NamesRouteStatusBytesUserAndId) {
  AccessLogEntry entry{"req-1", "POST", "/api/login", 401, 0.5, 80, "::1", ""};
  EXPECT_EQ(access_log_text(entry), "http POST /api/login 401 0.50ms 80B ip=::1 id=req-1");
  entry.user_id = "u1";
  EXPECT_EQ(access_log_text(entry), "http POST /api/login 401 0.50ms 80B ip=::1 user=u1 id=req-1");
}

TEST(RequestId, KeepsWellFormedClientIdsOnly) {
  EXPECT_EQ(request_id_for("abc-DEF_1.2"), "abc-DEF_1.2");
  EXPECT_EQ(request_id_for(std::string(64, 'a')), std::string(64, 'a'));
  for (const std::string& bad : {std::string(), std::string(65, 'a'), std::string("a b"), std::string("a\"b"),
                                 std::string("a\nb"), std::string("id/1"), std::string("\xc3\xa9")}) {
    EXPECT_FALSE(is_valid_request_id(bad)) << bad;
    std::string id = request_id_for(bad);
    EXPECT_EQ(id.size(), 24u);
    EXPECT_TRUE(is_valid_request_id(id));
  }
  EXPECT_NE(new_request_id(), new_request_id());
}

TEST(LogFormat, ParsesItsTwoNames) {
  EXPECT_EQ(parse_log_format("text"), LogFormat::kText);
  EXPECT_EQ(parse_log_format("json"), LogFormat::kJson);
  EXPECT_FALSE(parse_log_format("JSON").has_value());
}

}  // namespace
}  // namespace townhall::api
