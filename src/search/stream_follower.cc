#include "search/stream_follower.h"

#include <set>

namespace townhall::search {
namespace {

constexpr int64_t kRecordsPerPage = 1000;  // GetRecords' maximum

}  // namespace

chat::Result<std::string> StreamFollower::ensure_stream(const std::string& view) {
  ddb::DescribeTableRequest describe;
  describe.table_name = table_;
  for (int attempt = 0;; ++attempt) {
    auto described = db_.describe_table(describe);
    if (!described.ok()) return chat::Error::FromStore(described.error());
    const auto& spec = described->table.stream_specification;
    if (spec && spec->stream_enabled) return spec->stream_view_type.value_or("KEYS_ONLY");
    if (attempt > 0) return chat::Error::Internal("table " + table_ + ": its stream did not turn on");
    ddb::UpdateTableRequest update;
    update.table_name = table_;
    update.stream_specification = ddb::StreamSpecification{true, view};
    auto updated = db_.update_table(update);
    // Another node may have turned it on meanwhile ("already has an enabled
    // stream"): the second look decides.
    if (!updated.ok() && updated.error().code != ddb::ErrorCode::kValidation &&
        updated.error().code != ddb::ErrorCode::kResourceInUse) {
      return chat::Error::FromStore(updated.error());
    }
  }
}

chat::Result<std::string> StreamFollower::latest_stream_arn() {
  ddb::DescribeTableRequest describe;
  describe.table_name = table_;
  auto described = db_.describe_table(describe);
  if (!described.ok()) return chat::Error::FromStore(described.error());
  const auto& table = described->table;
  if (!table.stream_specification || !table.stream_specification->stream_enabled) return std::string();
  return table.latest_stream_arn.value_or("");
}

ddb::Result<std::map<std::string, StreamFollower::ShardState>> StreamFollower::shards(
    const std::string& stream_arn) {
  std::map<std::string, ShardState> out;
  ddb::DescribeStreamRequest request;
  request.stream_arn = stream_arn;
  for (;;) {
    TH_ASSIGN_OR_RETURN(auto described, db_.describe_stream(request));
    for (const auto& shard : described.stream_description.shards.value_or(std::vector<ddb::Shard>{})) {
      if (!shard.shard_id) continue;
      ShardState state;
      state.parent = shard.parent_shard_id.value_or("");
      state.closed = shard.sequence_number_range && shard.sequence_number_range->ending_sequence_number;
      out.emplace(*shard.shard_id, std::move(state));
    }
    const auto& last = described.stream_description.last_evaluated_shard_id;
    if (!last) break;
    request.exclusive_start_shard_id = *last;
  }
  return out;
}

ddb::Result<std::string> StreamFollower::iterator_for(const std::string& stream_arn, const std::string& shard,
                                                      const std::string& after_sequence) {
  ddb::GetShardIteratorRequest request;
  request.stream_arn = stream_arn;
  request.shard_id = shard;
  if (after_sequence.empty()) {
    request.shard_iterator_type = "TRIM_HORIZON";
  } else {
    request.shard_iterator_type = "AFTER_SEQUENCE_NUMBER";
    request.sequence_number = after_sequence;
  }
  TH_ASSIGN_OR_RETURN(auto got, db_.get_shard_iterator(request));
  return got.shard_iterator.value_or("");
}

chat::Result<StreamFollower::Outcome> StreamFollower::poll(StreamPosition& position, const Apply& apply,
                                                           int max_pages) {
  // The table's stream and its shards change rarely (a new stream, a shard
  // split or closed): they are described again every few seconds, or at once
  // when a shard ended, not on every poll (a search's catch-up is then one
  // GetRecords per shard).
  const auto now = std::chrono::steady_clock::now();
  if (described_arn_.empty() || now - described_at_ > kDescribeEvery) {
    TH_ASSIGN_OR_RETURN(described_arn_, latest_stream_arn());
    described_shards_.clear();
    if (!described_arn_.empty()) {
      auto listed = shards(described_arn_);
      if (!listed.ok()) {
        described_arn_.clear();
        if (listed.error().code == ddb::ErrorCode::kResourceNotFound) return Outcome::kLost;
        return chat::Error::FromStore(listed.error());
      }
      described_shards_ = std::move(listed).value();
    }
    described_at_ = now;
  }
  const std::string arn = described_arn_;
  if (arn.empty() || arn != position.stream_arn) {
    iterators_.clear();
    described_arn_.clear();
    return Outcome::kLost;
  }
  const auto& all = described_shards_;  // not changed during this poll
  // Shards the stream no longer lists have aged out: forget them.
  for (auto it = position.shards.begin(); it != position.shards.end();) {
    it = all.count(it->first) ? std::next(it) : position.shards.erase(it);
  }
  int pages = 0;
  bool more = false;
  // Parents before children: a shard is read once its parent (if still
  // listed) has been read to its end.
  std::set<std::string> pending;
  for (const auto& [id, state] : all) pending.insert(id);
  bool progressed = true;
  while (progressed && !pending.empty()) {
    progressed = false;
    for (auto it = pending.begin(); it != pending.end();) {
      const std::string shard = *it;
      const ShardState& state = all.at(shard);
      if (!state.parent.empty() && all.count(state.parent)) {
        auto parent = position.shards.find(state.parent);
        if (parent == position.shards.end() || parent->second != StreamPosition::kShardDone) {
          ++it;
          continue;
        }
      }
      it = pending.erase(it);
      progressed = true;
      if (position.shards[shard] == StreamPosition::kShardDone) continue;
      for (;;) {
        if (pages >= max_pages) {
          more = true;
          break;
        }
        auto iterator = iterators_.find(shard);
        if (iterator == iterators_.end()) {
          auto fresh = iterator_for(arn, shard, position.shards[shard]);
          if (!fresh.ok()) {
            // Our last record is older than the stream keeps: what came after it is gone.
            if (fresh.error().code == ddb::ErrorCode::kTrimmedDataAccess ||
                fresh.error().code == ddb::ErrorCode::kResourceNotFound) {
              return Outcome::kLost;
            }
            return chat::Error::FromStore(fresh.error());
          }
          iterator = iterators_.emplace(shard, std::move(fresh).value()).first;
        }
        ddb::GetRecordsRequest request;
        request.shard_iterator = iterator->second;
        request.limit = kRecordsPerPage;
        auto page = db_.get_records(request);
        ++pages;
        if (!page.ok()) {
          iterators_.erase(iterator);
          if (page.error().code == ddb::ErrorCode::kExpiredIterator) continue;  // renewed from the position
          if (page.error().code == ddb::ErrorCode::kTrimmedDataAccess) return Outcome::kLost;
          described_arn_.clear();
          return chat::Error::FromStore(page.error());
        }
        StreamPosition next = position;
        std::string& next_applied = next.shards[shard];
        if (!page->records.empty()) {
          const auto& last = page->records.back().dynamodb;
          if (last && last->sequence_number) next_applied = *last->sequence_number;
        }
        bool finished = !page->next_shard_iterator;
        if (finished) next_applied = StreamPosition::kShardDone;
        if (!page->records.empty() || finished) {
          TH_RETURN_IF_ERROR(apply(page->records, next));
          position = std::move(next);
        }
        if (finished) {
          described_arn_.clear();  // a shard ended: its children (or a new stream) may be there
          iterators_.erase(iterator);
          break;
        }
        iterator->second = *page->next_shard_iterator;
        if (page->records.empty()) break;  // caught up with this shard
      }
      if (more) break;
    }
    if (more) break;
  }
  return more ? Outcome::kMore : Outcome::kCaughtUp;
}

}  // namespace townhall::search
