// ChatOptions: how a chat service instance is configured.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace townhall::chat {

struct ChatOptions {
  std::string table_name = "chat";
  // Distinguishes message ids minted by different server nodes (0..65535).
  uint16_t node_id = 0;
  // Milliseconds since the epoch; tests substitute a fake clock.
  std::function<int64_t()> clock_ms;
  // Argon2id cost. Interactive is libsodium's recommendation for logins;
  // tests use the minimum so they stay fast.
  enum class PasswordCost { kInteractive, kMinimum } password_cost = PasswordCost::kInteractive;
  int64_t session_lifetime_seconds = 30 * 24 * 3600;
  // A retried send with the same client message id within this window
  // returns the first message instead of creating a second.
  int64_t client_message_id_ttl_seconds = 24 * 3600;
};

// Milliseconds since the epoch by the system clock: ChatOptions::clock_ms
// when a test does not set it, and the time the realtime layer stamps.
int64_t wall_clock_ms();

}  // namespace townhall::chat
