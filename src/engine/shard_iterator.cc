#include "engine/shard_iterator.h"

#include <fmt/format.h>

#include <charconv>
#include <vector>

#include "engine/hashing.h"

namespace townhall::engine {
namespace {

constexpr std::string_view kVersion = "1";

// Not a secret, only a guard against iterators that were truncated or edited by hand.
std::string check_of(std::string_view payload) { return fmt::format("{:016x}", mix64(stable_hash(payload))); }

template <class T>
bool parse_number(std::string_view text, T& out) {
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string encode_shard_iterator(std::string_view stream_arn, const ShardPosition& position) {
  std::string payload = fmt::format("{}|{}|{}|{}|{}", stream_arn, kVersion, position.stream_id,
                                    position.after, position.issued_ms);
  return payload + "|" + check_of(payload);
}

std::optional<std::pair<std::string, ShardPosition>> decode_shard_iterator(std::string_view text) {
  // Five '|' from the right: the ARN itself has none.
  std::vector<std::string_view> fields;
  std::string_view rest = text;
  for (int i = 0; i < 5; ++i) {
    size_t bar = rest.rfind('|');
    if (bar == std::string_view::npos) return std::nullopt;
    fields.push_back(rest.substr(bar + 1));
    rest = rest.substr(0, bar);
  }
  // fields: check, issued, after, stream id, version; rest: the ARN.
  const std::string_view payload = text.substr(0, text.size() - fields[0].size() - 1);
  if (rest.empty() || fields[4] != kVersion || fields[0] != check_of(payload)) return std::nullopt;
  ShardPosition position;
  if (!parse_number(fields[3], position.stream_id) || !parse_number(fields[2], position.after) ||
      !parse_number(fields[1], position.issued_ms)) {
    return std::nullopt;
  }
  return std::make_pair(std::string(rest), position);
}

}  // namespace townhall::engine
