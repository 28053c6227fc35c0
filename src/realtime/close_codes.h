// The WebSocket close codes Townhall sends beyond RFC 6455's (4000-4999 are
// the application's; docs/websocket.md).
#pragma once

#include <cstdint>

namespace townhall::realtime {

inline constexpr uint16_t kCloseAuthTimeout = 4001;   // no {"type":"auth"} in time
inline constexpr uint16_t kCloseSessionEnded = 4003;  // signed out (on any node) or expired
inline constexpr uint16_t kCloseSlowConsumer = 4008;  // let its outgoing queue fill
inline constexpr uint16_t kCloseTooMany = 4029;       // over the per-user or per-address cap

}  // namespace townhall::realtime
