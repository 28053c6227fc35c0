// TimedDatabase: a ddb::Database decorator that records how long each call to
// the store takes (and whether it failed) in Metrics, per DynamoDB operation.
// serve wraps whichever store it opened (the embedded engine or a remote
// endpoint) in one, so /metrics shows store latency whatever is underneath.
//
// Thread-safe when the wrapped database is.
#pragma once

#include "api/metrics.h"
#include "ddb/database.h"

namespace townhall::api {

class TimedDatabase : public ddb::Database {
 public:
  // Both must outlive this object.
  TimedDatabase(ddb::Database& inner, Metrics& metrics) : inner_(inner), metrics_(metrics) {}

#define TOWNHALL_TIMED_OPERATION(Name, method, Request, Response) \
  ddb::Result<ddb::Response> method(const ddb::Request& request) override;
  TOWNHALL_DDB_ALL_OPERATIONS(TOWNHALL_TIMED_OPERATION)
#undef TOWNHALL_TIMED_OPERATION

 private:
  ddb::Database& inner_;
  Metrics& metrics_;
};

}  // namespace townhall::api
