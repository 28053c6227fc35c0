#include "engine/memory_store.h"

namespace townhall::engine {
namespace {

struct MemorySnapshot : KvSnapshot {
  std::shared_ptr<const MemoryStore::Map> map;
};

class MemoryIterator : public KvIterator {
 public:
  MemoryIterator(std::shared_ptr<const MemoryStore::Map> map, std::string lower, std::string upper)
      : map_(std::move(map)), lower_(std::move(lower)), upper_(std::move(upper)), it_(map_->end()) {}

  void seek(std::string_view target) override {
    it_ = map_->lower_bound(std::max(target, std::string_view(lower_)));
    clamp();
  }
  void seek_for_prev(std::string_view target) override {
    it_ = map_->upper_bound(target);
    step_back();
  }
  void seek_to_first() override { seek(lower_); }
  void seek_to_last() override {
    it_ = upper_.empty() ? map_->end() : map_->lower_bound(upper_);
    step_back();
  }
  bool valid() const override { return it_ != map_->end(); }
  void next() override {
    ++it_;
    clamp();
  }
  void prev() override { step_back(); }
  std::string_view key() const override { return it_->first; }
  std::string_view value() const override { return it_->second; }
  ddb::Status status() const override { return {}; }

 private:
  // Moves to the entry before it_, or end() when that is below lower_.
  void step_back() {
    if (it_ == map_->begin()) {
      it_ = map_->end();
      return;
    }
    --it_;
    if (it_->first < lower_) it_ = map_->end();
    clamp();
  }
  void clamp() {
    if (it_ != map_->end() && !upper_.empty() && it_->first >= upper_) it_ = map_->end();
  }

  std::shared_ptr<const MemoryStore::Map> map_;
  std::string lower_, upper_;
  MemoryStore::Map::const_iterator it_;
};

}  // namespace

MemoryStore::MemoryStore() : map_(std::make_shared<Map>()) {}

std::shared_ptr<const MemoryStore::Map> MemoryStore::current() const {
  std::lock_guard lock(mutex_);
  return map_;
}

MemoryStore::Map MemoryStore::contents() const { return *current(); }

ddb::Result<bool> MemoryStore::get(std::string_view key, std::string* value, const KvSnapshot* snapshot) {
  auto map = snapshot ? static_cast<const MemorySnapshot*>(snapshot)->map : current();
  auto it = map->find(key);
  if (it == map->end()) return false;
  *value = it->second;
  return true;
}

std::unique_ptr<KvIterator> MemoryStore::new_iterator(std::string lower, std::string upper,
                                                      const KvSnapshot* snapshot) {
  auto map = snapshot ? static_cast<const MemorySnapshot*>(snapshot)->map : current();
  return std::make_unique<MemoryIterator>(std::move(map), std::move(lower), std::move(upper));
}

std::shared_ptr<const KvSnapshot> MemoryStore::snapshot() {
  auto snap = std::make_shared<MemorySnapshot>();
  snap->map = current();
  return snap;
}

ddb::Status MemoryStore::write(const KvWriteBatch& batch) {
  if (fail_all_.load()) return ddb::Error::Internal("injected write failure");
  int countdown = fail_countdown_.load();
  while (countdown > 0 && !fail_countdown_.compare_exchange_weak(countdown, countdown - 1)) {
  }
  if (countdown == 1) return ddb::Error::Internal("injected write failure");

  std::lock_guard lock(mutex_);
  auto next = std::make_shared<Map>(*map_);
  for (const auto& op : batch.ops()) {
    switch (op.kind) {
      case KvWriteBatch::Kind::kPut:
        (*next)[op.key] = op.value;
        break;
      case KvWriteBatch::Kind::kDelete:
        next->erase(op.key);
        break;
      case KvWriteBatch::Kind::kDeleteRange:
        next->erase(next->lower_bound(op.key), next->lower_bound(op.value));
        break;
    }
  }
  map_ = std::move(next);
  successful_writes_.fetch_add(1);
  return {};
}

}  // namespace townhall::engine
