// How `townhall serve` logs (--log-level, --log-format; docs/configuration.md#logs):
// spdlog's level and line format, and the "access" logger the chat port's
// request lines go through (api/access_log.h).
#pragma once

#include <string>

#include "api/access_log.h"

namespace townhall::cli {

// Sets every logger's level ("info", ...) and line format. Text: the usual
// "[time] [level] message". JSON: one object per line, {"time","level","msg"},
// and the access logger's request lines as flat objects. Call once, before
// anything logs from another thread.
void setup_logging(const std::string& level, api::LogFormat format);

// A line for whoever started the process ("listening on ADDR (chat ...)"),
// on stdout whatever the level: plain in text mode, a JSON log line in JSON
// mode (so every stdout line parses). Tests and scripts wait for it.
void announce(const std::string& text);

}  // namespace townhall::cli
