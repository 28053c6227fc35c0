// Small helpers the engine shares: stable hashes (the same across builds and
// restarts, so what they decide can outlive the process) and the wall clock.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace townhall::engine {

// FNV-1a.
inline uint64_t stable_hash(std::string_view bytes) {
  uint64_t h = 1469598103934665603ull;
  for (char c : bytes) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
  return h;
}

// SplitMix64's finalizer: spreads the bits of x, so that neighbouring inputs
// give unrelated outputs (ids and checks; not a secret).
inline uint64_t mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Milliseconds since the epoch.
inline int64_t now_epoch_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace townhall::engine
