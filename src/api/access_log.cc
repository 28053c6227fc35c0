#include "api/access_log.h"

#include <cmath>
#include <ctime>

#include "chat/secrets.h"
#include "ddb/json_writer.h"

namespace townhall::api {
namespace {

// Microseconds are the resolution worth reading; more digits are noise.
double rounded_ms(double ms) { return std::round(ms * 1000) / 1000; }

}  // namespace

std::optional<LogFormat> parse_log_format(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return std::nullopt;
}

std::string access_log_text(const AccessLogEntry& e) {
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.2fms", e.duration_ms);
  std::string line = "http ";
  line.append(e.method).append(" ").append(e.route).append(" ").append(std::to_string(e.status));
  line.append(" ").append(duration).append(" ").append(std::to_string(e.bytes)).append("B ip=").append(e.ip);
  if (!e.user_id.empty()) line.append(" user=").append(e.user_id);
  line.append(" id=").append(e.request_id);
  return line;
}

std::string access_log_json_members(const AccessLogEntry& e) {
  std::string out;
  ddb::JsonWriter w(out);
  w.key_literal("request_id");
  w.string(e.request_id);
  w.key_literal("method");
  w.string(e.method);
  w.key_literal("route");
  w.string(e.route);
  w.key_literal("status");
  w.integer(e.status);
  w.key_literal("duration_ms");
  w.number(rounded_ms(e.duration_ms));
  w.key_literal("bytes");
  w.integer(static_cast<int64_t>(e.bytes));
  w.key_literal("ip");
  w.string(e.ip);
  if (!e.user_id.empty()) {
    w.key_literal("user");
    w.string(e.user_id);
  }
  return out;
}

void append_json_log_line(std::string& out, std::chrono::system_clock::time_point time,
                          std::string_view level, std::string_view message, bool message_is_members) {
  const auto since_epoch = time.time_since_epoch();
  const std::time_t seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[64];  // room for any int the compiler imagines in the fields
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  out.push_back('{');
  ddb::JsonWriter w(out);
  w.key_literal("time");
  w.string(stamp);
  w.key_literal("level");
  w.string(level);
  if (message_is_members) {
    if (!message.empty()) out.append(",").append(message);
  } else {
    w.key_literal("msg");
    w.string(message);
  }
  out.push_back('}');
}

bool is_valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string new_request_id() { return chat::random_hex(12); }

std::string request_id_for(std::string_view client_value) {
  return is_valid_request_id(client_value) ? std::string(client_value) : new_request_id();
}

}  // namespace townhall::api
