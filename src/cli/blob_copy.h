// Copying shared files' bytes between blob stores (townhall migrate): every
// blob of `from` that `to` lacks, then a check that `to` has them all.
// Blobs are named by their content, so a rerun copies only what is missing.
#pragma once

#include <cstdint>

#include "chat/blob_store.h"

namespace townhall::cli {

struct BlobCopyReport {
  int64_t source = 0;  // blobs in from
  int64_t copied = 0;  // of those, written to to (the rest were there)
};

chat::Result<BlobCopyReport> copy_blobs(chat::BlobStore& from, chat::BlobStore& to);

}  // namespace townhall::cli
