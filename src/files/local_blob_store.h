// LocalBlobStore: blobs as files in a directory of the embedded store's data
// (DATA/files/<first two hex digits>/<key>), written to a temporary name,
// fsynced, renamed and the directory fsynced: a blob that put() returned for
// survives a crash, and a half-written one is never seen under its key.
#pragma once

#include <memory>
#include <string>

#include "chat/blob_store.h"

namespace townhall::files {

class LocalBlobStore : public chat::BlobStore {
 public:
  // The directory is created if missing.
  static chat::Result<std::unique_ptr<LocalBlobStore>> open(const std::string& directory);

  chat::Status put(const std::string& key, std::string_view bytes) override;
  chat::Result<std::string> get(const std::string& key) override;
  chat::Status remove(const std::string& key) override;
  chat::Result<bool> remove_if_unchanged(const std::string& key, int64_t modified_ms) override;
  chat::Result<std::vector<Entry>> list() override;

  const std::string& directory() const { return directory_; }

 private:
  explicit LocalBlobStore(std::string directory) : directory_(std::move(directory)) {}
  // InvalidArgument unless key is 64 lower-case hex digits (never a path).
  chat::Result<std::string> path_of(const std::string& key) const;

  std::string directory_;
};

}  // namespace townhall::files
