#include "api/timed_database.h"

#include <chrono>

namespace townhall::api {

#define TOWNHALL_TIMED_OPERATION(Name, method, Request, Response)                     \
  ddb::Result<ddb::Response> TimedDatabase::method(const ddb::Request& request) {     \
    auto start = std::chrono::steady_clock::now();                                    \
    auto result = inner_.method(request);                                             \
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start; \
    metrics_.observe_store(#Name, elapsed.count(), result.ok());                      \
    return result;                                                                    \
  }
TOWNHALL_DDB_ALL_OPERATIONS(TOWNHALL_TIMED_OPERATION)
#undef TOWNHALL_TIMED_OPERATION

}  // namespace townhall::api
