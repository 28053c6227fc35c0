// Client: ddb::Database over HTTP(S) to a remote DynamoDB-compatible endpoint
// (Amazon DynamoDB, ScyllaDB Alternator, DynamoDB Local, dynalite, `townhall
// dynamodb`). Every operation is one POST of DynamoDB's JSON 1.0 protocol,
// signed with SigV4; answers and errors come back as the same typed
// responses and ddb::Errors the embedded engine returns, so the layers above
// cannot tell the stores apart.
//
// Transport failures (cannot connect, connection dropped, timeouts) are
// ErrorCode::kRequestTimeout errors whose message says what happened. Failed
// attempts are retried as retry.h describes.
//
// Thread-safety: all methods may be called concurrently from any number of
// threads; calls block the calling thread. Connections are pooled
// (ClientOptions::max_connections) and reused across threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "client/endpoint.h"
#include "client/options.h"
#include "ddb/database.h"

namespace townhall::client {

class Client : public ddb::Database {
 public:
  // Checks the options (endpoint URL, region, credentials, CA bundle); does
  // not connect: the first call does.
  static ddb::Result<std::unique_ptr<Client>> create(ClientOptions options);
  ~Client() override;

#define TOWNHALL_CLIENT_OPERATION(Name, method, Request, Response) \
  ddb::Result<ddb::Response> method(const ddb::Request& request) override;
  TOWNHALL_DDB_ALL_OPERATIONS(TOWNHALL_CLIENT_OPERATION)
#undef TOWNHALL_CLIENT_OPERATION

  // One call with a JSON body already encoded: signs, sends, retries; returns
  // the response body of a 200 answer, or the decoded error.
  ddb::Result<std::string> call(std::string_view operation, const std::string& json_body);

  const ClientOptions& options() const;
  const Endpoint& endpoint() const;
  // Connections open to the endpoint now, busy or idle (tests, metrics).
  size_t open_connections() const;

 private:
  class Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace townhall::client
