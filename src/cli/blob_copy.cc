#include "cli/blob_copy.h"

#include <cstdio>
#include <set>

namespace townhall::cli {

chat::Result<BlobCopyReport> copy_blobs(chat::BlobStore& from, chat::BlobStore& to) {
  TH_ASSIGN_OR_RETURN(auto source, from.list());
  TH_ASSIGN_OR_RETURN(auto target, to.list());
  std::set<std::string> present;
  for (const auto& blob : target) present.insert(blob.key);
  BlobCopyReport report;
  report.source = static_cast<int64_t>(source.size());
  for (const auto& blob : source) {
    if (present.count(blob.key)) continue;
    TH_ASSIGN_OR_RETURN(std::string bytes, from.get(blob.key));
    // A blob whose bytes do not hash to its name is not copied as if it were good.
    if (chat::blob_key(bytes) != blob.key) {
      return chat::Error::Internal("blob " + blob.key + " does not match its content");
    }
    TH_RETURN_IF_ERROR(to.put(blob.key, bytes));
    ++report.copied;
    if (report.copied % 100 == 0) {
      std::fprintf(stderr, "\rfiles: %lld copied", static_cast<long long>(report.copied));
    }
  }
  TH_ASSIGN_OR_RETURN(auto after, to.list());
  present.clear();
  for (const auto& blob : after) present.insert(blob.key);
  for (const auto& blob : source) {
    if (!present.count(blob.key))
      return chat::Error::Internal("blob " + blob.key + " is missing after the copy");
  }
  return report;
}

}  // namespace townhall::cli
