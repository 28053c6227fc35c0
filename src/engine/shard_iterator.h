// Shard iterators: the opaque strings GetShardIterator hands out and
// GetRecords takes. One names a stream, a position in its shard (records
// after a sequence number) and when it was issued; it expires 15 minutes
// later, as in DynamoDB. Text: "<stream arn>|1|<stream id>|<after>|<issued ms>|<check>",
// the check catching iterators that were cut or edited.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace townhall::engine {

constexpr int64_t kShardIteratorLifetimeMs = 15 * 60 * 1000;

struct ShardPosition {
  uint32_t stream_id = 0;
  uint64_t after = 0;  // the next record read is the first numbered above this
  int64_t issued_ms = 0;
};

std::string encode_shard_iterator(std::string_view stream_arn, const ShardPosition& position);
// The stream's ARN and the position, or nullopt when text is not an iterator.
std::optional<std::pair<std::string, ShardPosition>> decode_shard_iterator(std::string_view text);

}  // namespace townhall::engine
