#include "cli/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <memory>

namespace townhall::cli {
namespace {

api::LogFormat g_format = api::LogFormat::kText;

std::string_view view(spdlog::string_view_t s) { return {s.data(), s.size()}; }

// spdlog's pattern flags cannot escape a message for JSON; this formatter does.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line;
    line.reserve(msg.payload.size() + 64);
    // The access logger's messages are already JSON members (api/access_log.h).
    bool members = view(msg.logger_name) == api::kAccessLoggerName;
    api::append_json_log_line(line, msg.time, view(spdlog::level::to_string_view(msg.level)),
                              view(msg.payload), members);
    line.push_back('\n');
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

}  // namespace

void setup_logging(const std::string& level, api::LogFormat format) {
  g_format = format;
  // The access logger writes to the default logger's sinks, so both kinds of
  // line share one stream and one lock.
  if (!spdlog::get(api::kAccessLoggerName)) {
    spdlog::register_logger(spdlog::default_logger()->clone(api::kAccessLoggerName));
  }
  if (format == api::LogFormat::kJson) {
    spdlog::set_formatter(std::make_unique<JsonFormatter>());
  } else {
    // spdlog's default without the logger's name: request lines look as they always did.
    spdlog::set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] %v");
  }
  spdlog::set_level(spdlog::level::from_str(level));
}

void announce(const std::string& text) {
  if (g_format == api::LogFormat::kJson) {
    std::string line;
    api::append_json_log_line(line, std::chrono::system_clock::now(), "info", text, false);
    std::puts(line.c_str());
  } else {
    std::puts(text.c_str());
  }
  std::fflush(stdout);
}

}  // namespace townhall::cli
