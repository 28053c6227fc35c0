// FileService on the embedded engine with a blob store in memory and the
// fixture's clock: who may read a file, the quota in the upload's
// transaction, sharing once, a deleted message's files, and the sweep.
#include "chat/file_service.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "chat/chat_test_support.h"

namespace townhall::chat {
namespace {

using testing::ChatFixture;
using testing::code_of;
using testing::ok;

// Blobs in a map, stamped with the fixture's clock.
class MemoryBlobs : public BlobStore {
 public:
  explicit MemoryBlobs(std::atomic<int64_t>& now_ms) : now_ms_(now_ms) {}
  Status put(const std::string& key, std::string_view bytes) override {
    std::lock_guard lock(mutex_);
    blobs_.emplace(key, Stored{std::string(bytes), now_ms_.load()});
    return Status::Ok();
  }
  Result<std::string> get(const std::string& key) override {
    std::lock_guard lock(mutex_);
    auto it = blobs_.find(key);
    if (it == blobs_.end()) return Error::NotFound("no blob");
    return it->second.bytes;
  }
  Status remove(const std::string& key) override {
    std::lock_guard lock(mutex_);
    blobs_.erase(key);
    return Status::Ok();
  }
  Result<std::vector<Entry>> list() override {
    std::lock_guard lock(mutex_);
    std::vector<Entry> out;
    for (const auto& [key, stored] : blobs_) out.push_back({key, stored.at_ms});
    return out;
  }
  bool has(const std::string& key) {
    std::lock_guard lock(mutex_);
    return blobs_.count(key) > 0;
  }

 private:
  struct Stored {
    std::string bytes;
    int64_t at_ms;
  };
  std::atomic<int64_t>& now_ms_;
  std::mutex mutex_;
  std::map<std::string, Stored> blobs_;
};

struct FileServiceTest : ChatFixture, ::testing::Test {
  FileServiceTest() : blobs(now_ms) {
    FileOptions options;
    options.max_file_bytes = 100;
    options.quota_bytes = 10;
    options.orphan_after_ms = 60'000;
    options.blob_grace_ms = 1'000;
    chat->files().set_blobs(&blobs, options);
  }
  NewFile file(std::string_view bytes, std::string name = "notes.txt") {
    return NewFile{std::move(name), "text/plain; charset=utf-8", bytes, 0, 0, {}};
  }
  MemoryBlobs blobs;
};

TEST_F(FileServiceTest, MembersShareAndReadAnUnsentUploadIsItsOwners) {
  auto alice = user("Alice"), bob = user("Bob"), eve = user("Eve");
  auto room = channel(alice, "room", true);
  ok(chat->channels().add_member(alice, room.id, bob));
  auto& files = chat->files();
  auto stored = ok(files.upload(alice, room.id, file("hello")));
  EXPECT_EQ(ok(files.download(alice, room.id, stored.file.id, false)).bytes, "hello");
  EXPECT_EQ(code_of(files.download(bob, room.id, stored.file.id, false)), Code::kNotFound);  // not sent yet
  EXPECT_EQ(code_of(files.upload(eve, room.id, file("x"))), Code::kNotFound);  // private: as if absent

  std::vector<std::string> ids{stored.file.id};
  MessageService::SendOptions options;
  options.files = &ids;
  auto sent = ok(chat->messages().send(alice, room.id, "", options)).message;
  ASSERT_EQ(sent.files.size(), 1u);
  EXPECT_EQ(sent.files[0].name, "notes.txt");
  EXPECT_EQ(ok(files.download(bob, room.id, stored.file.id, false)).bytes, "hello");
  EXPECT_EQ(code_of(files.download(eve, room.id, stored.file.id, false)), Code::kNotFound);
  EXPECT_EQ(code_of(files.download(bob, room.id, stored.file.id, true)), Code::kNotFound);  // no thumbnail
  // Shared once; another's upload is not yours to share.
  EXPECT_EQ(code_of(chat->messages().send(alice, room.id, "again", options)), Code::kFailedPrecondition);
  auto bobs = ok(files.upload(bob, room.id, file("b")));
  std::vector<std::string> others{bobs.file.id};
  options.files = &others;
  EXPECT_EQ(code_of(chat->messages().send(alice, room.id, "mine?", options)), Code::kNotFound);
  // History carries the files.
  auto page = ok(chat->messages().history(bob, room.id, "", 10));
  ASSERT_FALSE(page.items.empty());
  EXPECT_EQ(page.items[0].files.size(), 1u);
}

TEST_F(FileServiceTest, TheQuotaHoldsAndASweptUploadGivesItBack) {
  auto alice = user("Alice");
  auto room = channel(alice, "room");
  auto& files = chat->files();
  EXPECT_EQ(code_of(files.upload(alice, room.id, file(std::string(101, 'x')))), Code::kTooLarge);
  EXPECT_EQ(code_of(files.upload(alice, room.id, file(""))), Code::kInvalidArgument);
  auto first = ok(files.upload(alice, room.id, file("123456")));
  auto over = files.upload(alice, room.id, file("abcdef"));
  ASSERT_EQ(code_of(over), Code::kTooLarge);
  EXPECT_NE(over.error().message.find("at most 10 bytes in all"), std::string::npos) << over.error().message;
  // Unsent for longer than orphan_after: collected, the quota back, the bytes once old enough.
  now_ms += 60'001;
  auto swept = ok(files.sweep());
  EXPECT_EQ(swept.orphans, 1);
  EXPECT_EQ(code_of(files.download(alice, room.id, first.file.id, false)), Code::kNotFound);
  EXPECT_FALSE(blobs.has(first.blob));
  ok(files.upload(alice, room.id, file("abcdef")));
}

TEST_F(FileServiceTest, ADeletedMessagesFilesGoAndTheirBytesAfterTheGrace) {
  auto alice = user("Alice");
  auto room = channel(alice, "room");
  auto& files = chat->files();
  auto stored = ok(files.upload(alice, room.id, file("12345")));
  std::vector<std::string> ids{stored.file.id};
  MessageService::SendOptions options;
  options.files = &ids;
  auto sent = ok(chat->messages().send(alice, room.id, "see", options)).message;
  auto deleted = ok(chat->messages().remove(alice, room.id, sent.id));
  EXPECT_TRUE(deleted.files.empty());
  EXPECT_EQ(code_of(files.download(alice, room.id, stored.file.id, false)), Code::kNotFound);
  EXPECT_EQ(ok(files.sweep()).blobs_removed, 0);  // younger than the grace: may be an upload in flight
  EXPECT_TRUE(blobs.has(stored.blob));
  now_ms += 1'001;
  EXPECT_EQ(ok(files.sweep()).blobs_removed, 1);
  EXPECT_FALSE(blobs.has(stored.blob));
  // Its size is back in the quota: 10 bytes fit again.
  ok(files.upload(alice, room.id, file("0123456789")));
}

}  // namespace
}  // namespace townhall::chat
