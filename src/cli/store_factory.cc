#include "cli/store_factory.h"

#include "cli/dev_http_database.h"

namespace townhall::cli {

ddb::Result<std::unique_ptr<ddb::Database>> open_store(const StoreOptions& options) {
  if (!options.endpoint.empty()) {
    auto db = DevHttpDatabase::open(options.endpoint, options.region);
    if (!db.ok()) return std::move(db).error();
    return std::unique_ptr<ddb::Database>(std::move(db).value());
  }
  // TODO(lead): open the embedded engine in options.data_dir (branch engine).
  return ddb::Error::Validation("the embedded engine is not wired into serve yet (data dir " +
                                options.data_dir + "); pass --store-endpoint http://host:port");
}

}  // namespace townhall::cli
