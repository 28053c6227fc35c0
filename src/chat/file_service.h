// FileService: files shared in channels and conversations (docs/files.md).
//
// A file is an item in its channel's partition (AP35: `FILE#<id>`, its
// name, sniffed type, size, image size, the blob keys of its bytes and
// thumbnail, its owner) and bytes in a BlobStore (files/). Uploading writes
// the bytes (durably) first, then, in one transaction, the item, the owner's
// quota (FileBytes on the user item, conditional: over the quota nothing is
// written) and a check that the owner is a member. A send attaches its files
// in the message's own transaction (MessageService), so a message never
// names a file that is not there; a deleted message takes its files' items
// with it. What no item references any more (files of deleted messages,
// uploads never sent within a day) is collected by sweep().
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chat/blob_store.h"
#include "chat/channel_service.h"
#include "chat/model.h"
#include "chat/store.h"

namespace townhall::chat {

struct FileOptions {
  int64_t max_file_bytes = 25 * 1024 * 1024;
  int64_t quota_bytes = 1024LL * 1024 * 1024;  // per user, all their files
  size_t max_files_per_message = 10;
  // An upload no message took within this time is collected.
  int64_t orphan_after_ms = 24 * 3600 * 1000LL;
  // A blob no file references is removed once it is this old (an upload in
  // flight has its bytes stored before its item).
  int64_t blob_grace_ms = 3600 * 1000LL;
};

// What the caller (api, having sniffed the bytes and made the thumbnail with
// files/) hands over.
struct NewFile {
  std::string name;  // cleaned
  std::string type;  // sniffed
  std::string_view bytes;
  int width = 0;
  int height = 0;
  std::string_view thumbnail;  // WebP; empty when not an image
};

// A file as its item holds it.
struct StoredFile {
  Attachment file;
  std::string channel_id;
  std::string owner_id;
  std::string blob;        // blob key of the bytes
  std::string thumbnail;   // blob key of the thumbnail, or empty
  std::string message_id;  // empty until a send attaches it
  int64_t created_at_ms = 0;
};

class FileService {
 public:
  FileService(ChatStore& store, ChannelService& channels) : store_(store), channels_(channels) {}

  // Without a blob store (set_blobs never called) every call is Unavailable.
  void set_blobs(BlobStore* blobs, FileOptions options) {
    blobs_ = blobs;
    options_ = options;
  }
  bool enabled() const { return blobs_ != nullptr; }
  const FileOptions& options() const { return options_; }

  // Members only. InvalidArgument when empty or over max_file_bytes;
  // kResourceExhausted-like PermissionDenied... see error codes in the .cc.
  Result<StoredFile> upload(const User& actor, std::string_view channel, const NewFile& file);

  struct Content {
    StoredFile file;
    std::string bytes;
  };
  // Who may read the channel (and for a file not sent yet, only its owner);
  // NotFound for anyone else, as for a channel they may not read.
  Result<Content> download(const User& actor, std::string_view channel, std::string_view file_id,
                           bool thumbnail);

  // For a send: the files (ids) actor uploaded to channel_id and not yet
  // attached, as the message will carry them, and one transaction action
  // per file that attaches it to message_id (conditional: still there,
  // still actor's, still unattached).
  struct Claim {
    std::vector<Attachment> files;
    std::vector<ddb::TransactWriteItem> actions;
  };
  Result<Claim> claim(const User& actor, const std::string& channel_id, const std::vector<std::string>& ids,
                      const std::string& message_id);
  // For a delete: actions that remove a message's files' items and give
  // their bytes back to the owner's quota.
  std::vector<ddb::TransactWriteItem> release_actions(const std::string& channel_id,
                                                      const std::string& owner_id,
                                                      const std::vector<Attachment>& files);

  struct SweepStats {
    int64_t orphans = 0;        // unsent uploads removed
    int64_t blobs_removed = 0;  // bytes of files no item references
    int64_t files = 0;          // file items seen
  };
  // Removes unsent uploads older than orphan_after_ms (refunding the
  // quota), then blobs no file item references that are older than
  // blob_grace_ms. Safe on several nodes at once (conditional writes).
  Result<SweepStats> sweep();

 private:
  Result<StoredFile> read(const std::string& channel_id, const std::string& file_id);

  ChatStore& store_;
  ChannelService& channels_;
  BlobStore* blobs_ = nullptr;
  FileOptions options_;
};

StoredFile stored_file_from(const ddb::AttributeMap& item);

}  // namespace townhall::chat
