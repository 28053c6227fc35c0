// handle_request: one HTTP request in, one DynamoDB answer out, with no
// knowledge of the connection that carries it (Beast's advanced-server
// shape). Checks the Host header first (DNS rebinding), then in DynamoDB's
// order: method and content type, X-Amz-Target, SigV4, then the operation.
//
// Thread-safety: safe to call concurrently with distinct requests and responses.
#pragma once

#include <chrono>

#include "ddb/database.h"
#include "ddb/error.h"
#include "net/address.h"
#include "sigv4/sigv4.h"
#include "wire/http_message.h"

namespace townhall::wire {

struct HandlerContext {
  ddb::Database& database;
  const sigv4::KeyRing* keys = nullptr;    // nullptr: any key (DynamoDB Local's behaviour)
  std::string_view region;                 // non-empty: signatures must be scoped to it
  const net::HostPolicy* hosts = nullptr;  // nullptr: any Host
};

// Fills response (status, body, content type) for request. Never throws: a
// store that throws becomes a 500 InternalServerError.
void handle_request(const HandlerContext& context, const HttpRequest& request, HttpResponse& response,
                    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// True when request names an operation that may take long
// (Operation::long_running), except a Query with a Limit of at most
// kInlineQueryLimit, whose work is bounded like a point read's.
bool may_run_long(const HttpRequest& request);
inline constexpr long kInlineQueryLimit = 100;

// The answer for error, as DynamoDB sends it.
void set_error(const ddb::Error& error, HttpResponse& response);

}  // namespace townhall::wire
