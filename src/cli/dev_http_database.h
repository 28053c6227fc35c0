// DevHttpDatabase: a deliberately small ddb::Database over DynamoDB's JSON
// protocol (plain HTTP, keep-alive connections, a placeholder signature that
// DynamoDB Local accepts). Temporary: it lets serve and the integration tests
// run against DynamoDB Local until the client layer (real SigV4, TLS,
// retries) lands and replaces it in open_store.
//
// Thread-safe: each call borrows a connection from a small pool.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ddb/database.h"

namespace townhall::cli {

class DevHttpDatabase : public ddb::Database {
 public:
  // endpoint: "http://host:port".
  static ddb::Result<std::unique_ptr<DevHttpDatabase>> open(const std::string& endpoint, std::string region);
  ~DevHttpDatabase() override;

#define TOWNHALL_DEV_OPERATION(Name, method, Request, Response) \
  ddb::Result<ddb::Response> method(const ddb::Request& request) override;
  TOWNHALL_DDB_OPERATIONS(TOWNHALL_DEV_OPERATION)
#undef TOWNHALL_DEV_OPERATION

 private:
  struct Connection;
  DevHttpDatabase(std::string host, std::string port, std::string region);
  // The response body of one operation, or the error the endpoint answered with.
  ddb::Result<std::string> call(const char* operation, std::string body);

  std::string host_, port_, region_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace townhall::cli
