#include "ddb/expression/tree_cache.h"

#include <array>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "ddb/expression/parser.h"

namespace townhall::ddb::expr {
namespace {

constexpr size_t kShards = 16;
constexpr size_t kTreesPerShard = 256;  // 4096 trees in all

// Transparent hashing, so a lookup does not copy the text into a key.
struct KeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
};

// Evicts in insertion order (FIFO): simpler than LRU and as good for a
// working set of expressions that fits, which is what the bound is sized for.
struct Shard {
  std::mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<const Tree>, KeyHash, std::equal_to<>> trees;
  std::deque<std::string> insertion_order;
};

std::array<Shard, kShards>& shards() {
  static std::array<Shard, kShards> instance;
  return instance;
}

}  // namespace

Result<std::shared_ptr<const Tree>> parse_cached(Clause clause, std::string_view text) {
  // The key is the clause (one byte) and the text.
  std::string key;
  key.reserve(text.size() + 1);
  key.push_back(static_cast<char>('0' + static_cast<int>(clause)));
  key.append(text);
  Shard& shard = shards()[KeyHash{}(key) % kShards];
  {
    std::lock_guard lock(shard.mutex);
    auto it = shard.trees.find(key);
    if (it != shard.trees.end()) return it->second;
  }
  auto parsed = parse(clause, text);
  if (!parsed.ok()) return parsed;
  std::lock_guard lock(shard.mutex);
  auto [it, inserted] = shard.trees.try_emplace(key, parsed.value());
  if (inserted) {
    shard.insertion_order.push_back(std::move(key));
    if (shard.insertion_order.size() > kTreesPerShard) {
      shard.trees.erase(shard.insertion_order.front());
      shard.insertion_order.pop_front();
    }
  }
  return it->second;
}

size_t TEST_cached_tree_count() {
  size_t n = 0;
  for (auto& shard : shards()) {
    std::lock_guard lock(shard.mutex);
    n += shard.trees.size();
  }
  return n;
}

void TEST_clear_tree_cache() {
  for (auto& shard : shards()) {
    std::lock_guard lock(shard.mutex);
    shard.trees.clear();
    shard.insertion_order.clear();
  }
}

}  // namespace townhall::ddb::expr
