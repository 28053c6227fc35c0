// Endpoint: where a DynamoDB-compatible service listens, parsed from the URL
// the AWS tools take ("https://dynamodb.us-east-1.amazonaws.com",
// "http://localhost:8000", "https://[::1]:8443/prefix").
//
// Thread-safety: plain values; parse_endpoint_url is safe to call concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ddb/result.h"

namespace townhall::client {

struct Endpoint {
  bool tls = true;         // https
  std::string host;        // "localhost", "10.0.0.1", "::1" (no brackets)
  uint16_t port = 443;     // explicit or the scheme's default
  std::string path = "/";  // the request-target every call is POSTed to
  // The Host header value: host, bracketed if IPv6, with ":port" unless the
  // scheme's default port.
  std::string host_header() const;
  // "https://host:port/path", for logs and error messages.
  std::string url() const;
  // True when host is an IPv4 or IPv6 literal (no SNI is sent for those, per RFC 6066).
  bool host_is_ip_literal() const;
};

// Accepts http and https URLs with an optional port and path; rejects
// anything else (user info, query, fragment, other schemes) with a
// ValidationException naming the URL.
ddb::Result<Endpoint> parse_endpoint_url(std::string_view url);

// DynamoDB's public endpoint for a region: https://dynamodb.<region>.amazonaws.com
// (amazonaws.com.cn for the China regions).
std::string default_endpoint_url(std::string_view region);

}  // namespace townhall::client
