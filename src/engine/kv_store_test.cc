#include "engine/kv_store.h"

#include <gtest/gtest.h>

#include "engine/memory_store.h"
#include "engine/rocksdb_store.h"

namespace townhall::engine {
namespace {

enum class StoreKind { kMemory, kRocksDbInMemory };

class KvStoreTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    if (GetParam() == StoreKind::kMemory) {
      store_ = std::make_unique<MemoryStore>();
    } else {
      auto opened = open_rocksdb_store({.in_memory = true});
      ASSERT_TRUE(opened.ok()) << opened.error().to_string();
      store_ = std::move(opened).value();
    }
  }
  std::vector<std::string> keys_in(std::string lower, std::string upper, bool reverse = false,
                                   const KvSnapshot* snapshot = nullptr) {
    std::vector<std::string> out;
    auto it = store_->new_iterator(std::move(lower), std::move(upper), snapshot);
    if (reverse) {
      for (it->seek_to_last(); it->valid(); it->prev()) out.emplace_back(it->key());
    } else {
      for (it->seek_to_first(); it->valid(); it->next()) out.emplace_back(it->key());
    }
    EXPECT_TRUE(it->status().ok());
    return out;
  }
  std::unique_ptr<KvStore> store_;
};

TEST_P(KvStoreTest, PutGetDeleteAndRanges) {
  KvWriteBatch batch;
  for (const char* k : {"a", "b", "c", "d", "e"}) batch.put(k, std::string("v") + k);
  ASSERT_TRUE(store_->write(batch).ok());
  std::string value;
  ASSERT_TRUE(*store_->get("c", &value));
  EXPECT_EQ(value, "vc");
  EXPECT_FALSE(*store_->get("z", &value));

  EXPECT_EQ(keys_in("b", "e"), (std::vector<std::string>{"b", "c", "d"}));
  EXPECT_EQ(keys_in("b", "e", true), (std::vector<std::string>{"d", "c", "b"}));

  auto it = store_->new_iterator("b", "e");
  it->seek("bb");
  ASSERT_TRUE(it->valid());
  EXPECT_EQ(it->key(), "c");
  it->seek_for_prev("cc");
  ASSERT_TRUE(it->valid());
  EXPECT_EQ(it->key(), "c");
  it->seek_for_prev("a");
  EXPECT_FALSE(it->valid());

  KvWriteBatch removal;
  removal.del("a");
  removal.delete_range("c", "e");
  ASSERT_TRUE(store_->write(removal).ok());
  EXPECT_EQ(keys_in("a", "z"), (std::vector<std::string>{"b", "e"}));
}

TEST_P(KvStoreTest, SnapshotsDoNotSeeLaterWrites) {
  KvWriteBatch batch;
  batch.put("k", "1");
  ASSERT_TRUE(store_->write(batch).ok());
  auto snapshot = store_->snapshot();
  KvWriteBatch later;
  later.put("k", "2");
  later.put("l", "x");
  ASSERT_TRUE(store_->write(later).ok());
  std::string value;
  ASSERT_TRUE(*store_->get("k", &value, snapshot.get()));
  EXPECT_EQ(value, "1");
  EXPECT_EQ(keys_in("a", "z", false, snapshot.get()), (std::vector<std::string>{"k"}));
  EXPECT_EQ(keys_in("a", "z"), (std::vector<std::string>{"k", "l"}));
}

INSTANTIATE_TEST_SUITE_P(Stores, KvStoreTest,
                         ::testing::Values(StoreKind::kMemory, StoreKind::kRocksDbInMemory));

TEST(MemoryStoreTest, InjectedFailureAppliesNothing) {
  MemoryStore store;
  store.fail_nth_write(2);
  KvWriteBatch first;
  first.put("a", "1");
  ASSERT_TRUE(store.write(first).ok());
  KvWriteBatch second;
  second.put("b", "1");
  second.del("a");
  EXPECT_FALSE(store.write(second).ok());
  EXPECT_EQ(store.contents(), (MemoryStore::Map{{"a", "1"}}));
  ASSERT_TRUE(store.write(second).ok());  // only the 2nd write failed
  EXPECT_EQ(store.contents(), (MemoryStore::Map{{"b", "1"}}));
}

}  // namespace
}  // namespace townhall::engine
