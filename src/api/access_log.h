// The chat port's access log, request ids, and the JSON shape of log lines
// (serve --log-format json; docs/configuration.md#logs).
//
// One answered request is one line. Text:
//   http GET /api/channels/{id} 200 1.52ms 345B ip=10.0.0.7 user=u1 id=5f0c...
// JSON (one object per line, for journald and log shippers):
//   {"time":"2024-05-01T12:00:00.123Z","level":"info","request_id":"5f0c...","method":"GET",
//    "route":"/api/channels/{id}","status":200,"duration_ms":1.52,"bytes":345,"ip":"10.0.0.7","user":"u1"}
// Every other line in JSON mode: {"time":...,"level":...,"msg":"..."}.
//
// Routes are templates, never paths (ids) or queries (cursors), and no
// header is logged but a well-formed X-Request-Id: tokens never reach a log.
//
// Thread-safety: free functions, safe from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace townhall::api {

enum class LogFormat { kText, kJson };

// "text" or "json"; nullopt otherwise.
std::optional<LogFormat> parse_log_format(std::string_view name);

// The spdlog logger HttpFrontend logs requests through. In JSON mode its
// messages are the JSON members access_log_json_members() makes, which the
// line formatter puts after time and level (cli/logging.cc).
inline constexpr char kAccessLoggerName[] = "access";

struct AccessLogEntry {
  std::string_view request_id;
  std::string_view method;
  std::string_view route;  // the template ("/api/channels/{id}", "(static)", "(unmatched)")
  int status = 0;
  double duration_ms = 0;
  size_t bytes = 0;  // the response body
  std::string_view ip;
  std::string_view user_id;  // empty: not authenticated
};

std::string access_log_text(const AccessLogEntry& entry);
// The entry as JSON members without braces: "request_id":"...","method":"GET",...
std::string access_log_json_members(const AccessLogEntry& entry);

// Appends one log line as a JSON object (no newline): "time" (UTC, ISO 8601
// with milliseconds), "level", then message: JSON members as they are when
// message_is_members, else one escaped "msg" (any bytes: control characters
// escaped, invalid UTF-8 replaced, so the line always parses).
void append_json_log_line(std::string& out, std::chrono::system_clock::time_point time,
                          std::string_view level, std::string_view message, bool message_is_members);

// A client's X-Request-Id is kept when it is 1 to 64 of [A-Za-z0-9._-] (it
// then ties the client's, a proxy's and our logs together); anything else
// could forge or break log lines, and gets a fresh id instead.
bool is_valid_request_id(std::string_view id);
// 24 random hex digits.
std::string new_request_id();
// The client's id when valid, else a new one.
std::string request_id_for(std::string_view client_value);

}  // namespace townhall::api
