#include "files/local_blob_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace townhall::files {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the test's temporary directory, removed afterwards.
class LocalBlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "local_blob_store_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    auto store = LocalBlobStore::open(root_ + "/files");
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
  }
  void TearDown() override { fs::remove_all(root_); }

  // Every regular file under the store's directory, by name.
  std::vector<std::string> files_on_disk() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::recursive_directory_iterator(store_->directory())) {
      if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string root_;
  std::unique_ptr<LocalBlobStore> store_;
};

TEST_F(LocalBlobStoreTest, PutGetListRemove) {
  const std::string bytes = "hello, townhall";
  const std::string key = chat::blob_key(bytes);
  ASSERT_TRUE(store_->put(key, bytes).ok());
  EXPECT_TRUE(fs::exists(store_->directory() + "/" + key.substr(0, 2) + "/" + key));

  auto got = store_->get(key);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(*got, bytes);

  auto listed = store_->list();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].key, key);
  auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  EXPECT_NEAR(static_cast<double>((*listed)[0].modified_ms), static_cast<double>(now_ms), 60'000);

  ASSERT_TRUE(store_->remove(key).ok());
  auto gone = store_->get(key);
  ASSERT_FALSE(gone.ok());
  EXPECT_TRUE(gone.error().is(chat::Code::kNotFound));
  EXPECT_TRUE(store_->list()->empty());
  // Removing what is not there succeeds.
  EXPECT_TRUE(store_->remove(key).ok());
}

TEST_F(LocalBlobStoreTest, EmptyAndLargeBlobs) {
  std::string large(3 * 1024 * 1024 + 7, '\0');
  for (size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>(i * 131 + (i >> 9));
  for (const std::string& bytes : {std::string(), large}) {
    std::string key = chat::blob_key(bytes);
    ASSERT_TRUE(store_->put(key, bytes).ok());
    auto got = store_->get(key);
    ASSERT_TRUE(got.ok());
    EXPECT_TRUE(*got == bytes) << "size " << got->size() << " vs " << bytes.size();
  }
  EXPECT_EQ(store_->list()->size(), 2u);
}

TEST_F(LocalBlobStoreTest, PutIsIdempotent) {
  const std::string bytes = "same bytes, same key";
  const std::string key = chat::blob_key(bytes);
  ASSERT_TRUE(store_->put(key, bytes).ok());
  ASSERT_TRUE(store_->put(key, bytes).ok());
  EXPECT_EQ(*store_->get(key), bytes);
  EXPECT_EQ(store_->list()->size(), 1u);
  EXPECT_EQ(files_on_disk(), std::vector<std::string>{key});
}

// A sweep lists a blob no item names, then the same bytes are uploaded again
// (put touches them) before the sweep removes it: they stay.
TEST_F(LocalBlobStoreTest, AnUploadOfTheSameBytesDuringASweepKeepsThem) {
  const std::string bytes = "uploaded, deleted, uploaded again";
  const std::string key = chat::blob_key(bytes);
  ASSERT_TRUE(store_->put(key, bytes).ok());
  auto listed = store_->list();
  ASSERT_TRUE(listed.ok() && listed->size() == 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(store_->put(key, bytes).ok());
  auto removed = store_->remove_if_unchanged(key, (*listed)[0].modified_ms);
  ASSERT_TRUE(removed.ok());
  EXPECT_FALSE(*removed);
  EXPECT_EQ(*store_->get(key), bytes);
  // Listed again and unchanged since: removed.
  listed = store_->list();
  removed = store_->remove_if_unchanged(key, (*listed)[0].modified_ms);
  ASSERT_TRUE(removed.ok());
  EXPECT_TRUE(*removed);
  EXPECT_TRUE(files_on_disk().empty());
}

TEST_F(LocalBlobStoreTest, RefusesWhatIsNotAKey) {
  const std::string good = chat::blob_key("x");
  std::string upper = good;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](char c) { return static_cast<char>(std::toupper(c)); });
  for (const std::string& bad :
       {std::string(), good.substr(1), good + "0", upper, "../" + good.substr(3), std::string(64, 'g'),
        std::string("/etc/passwd"), good.substr(0, 62) + "/a"}) {
    auto put = store_->put(bad, "x");
    ASSERT_FALSE(put.ok()) << bad;
    EXPECT_TRUE(put.error().is(chat::Code::kInvalidArgument)) << bad;
    auto get = store_->get(bad);
    ASSERT_FALSE(get.ok()) << bad;
    EXPECT_TRUE(get.error().is(chat::Code::kInvalidArgument)) << bad;
    auto remove = store_->remove(bad);
    ASSERT_FALSE(remove.ok()) << bad;
    EXPECT_TRUE(remove.error().is(chat::Code::kInvalidArgument)) << bad;
  }
  EXPECT_TRUE(files_on_disk().empty());
}

TEST_F(LocalBlobStoreTest, LeavesNoTemporaryFiles) {
  std::vector<std::string> keys;
  // Concurrent puts, several of the same blob: each is renamed into place or
  // finds it there; no temporary name survives.
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 20; ++i) {
        std::string bytes = "blob " + std::to_string(i % 10) + (t % 2 ? "" : " ") + std::string(1000, 'x');
        EXPECT_TRUE(store_->put(chat::blob_key(bytes), bytes).ok());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto names = files_on_disk();
  EXPECT_EQ(names.size(), 20u);
  for (const auto& name : names) {
    EXPECT_EQ(name.size(), 64u) << name;
    EXPECT_EQ(name.find(".tmp"), std::string::npos) << name;
  }
  EXPECT_EQ(store_->list()->size(), 20u);
}

TEST_F(LocalBlobStoreTest, ListSkipsLeftoversOfACrash) {
  const std::string bytes = "kept";
  const std::string key = chat::blob_key(bytes);
  ASSERT_TRUE(store_->put(key, bytes).ok());
  // A put interrupted before its rename leaves a temporary file behind.
  std::string shard = store_->directory() + "/" + key.substr(0, 2);
  {
    std::FILE* f = std::fopen((shard + "/." + key + ".tmp123").c_str(), "w");
    std::fclose(f);
  }
  auto listed = store_->list();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].key, key);
}

TEST_F(LocalBlobStoreTest, OpensAgainWithItsBlobs) {
  const std::string bytes = "survives a reopen";
  ASSERT_TRUE(store_->put(chat::blob_key(bytes), bytes).ok());
  auto again = LocalBlobStore::open(store_->directory());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*(*again)->get(chat::blob_key(bytes)), bytes);
}

}  // namespace
}  // namespace townhall::files
