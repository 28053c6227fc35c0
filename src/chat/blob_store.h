// BlobStore: where the bytes of shared files live, named by their content
// (the SHA-256 of the bytes, in hex). chat keeps what a file is (its item in
// the table) and asks a BlobStore for the bytes; the stores themselves (a
// directory of the embedded store's data, or an S3 bucket) are in files/.
//
// Every method is thread-safe. put() returns only once the bytes are durable
// (fsynced, or acknowledged by S3): a message that references a file is
// written after it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chat/error.h"

namespace townhall::chat {

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Stores bytes under key (idempotent: the same key holds the same bytes).
  virtual Status put(const std::string& key, std::string_view bytes) = 0;
  // NotFound when there is no such blob.
  virtual Result<std::string> get(const std::string& key) = 0;
  // Removing what is not there succeeds.
  virtual Status remove(const std::string& key) = 0;
  // The sweep's removal of a blob it listed as modified at modified_ms: kept
  // (false) when it was stored again since (the same bytes uploaded anew
  // while the sweep ran). Stores that cannot tell remove it (S3: a PUT and
  // a DELETE racing within the sweep's last step).
  virtual Result<bool> remove_if_unchanged(const std::string& key, int64_t modified_ms) {
    (void)modified_ms;
    TH_RETURN_IF_ERROR(remove(key));
    return true;
  }

  struct Entry {
    std::string key;
    int64_t modified_ms = 0;  // when it was stored (ms since the epoch)
  };
  // Every blob, for collecting the ones no file references any more.
  virtual Result<std::vector<Entry>> list() = 0;
};

// The blob key of bytes: lower-case hex SHA-256.
std::string blob_key(std::string_view bytes);
// Whether text is a blob key (64 lower-case hex digits): never a path, and
// never a store's temporary or foreign object.
bool is_blob_key(std::string_view text);

}  // namespace townhall::chat
