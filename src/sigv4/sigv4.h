// AWS Signature Version 4 (AWS4-HMAC-SHA256), both halves of the exchange:
// sign() for clients that call a DynamoDB-compatible endpoint, verify() for
// the endpoint that receives the call. Both build the same canonical request
// and string to sign, so a request this module signs is one it verifies.
//
// Only header-based authentication is supported (the Authorization header, as
// every AWS SDK sends to DynamoDB); pre-signed query strings are not.
//
// Thread-safety: every function is safe to call concurrently. A KeyRing is
// immutable after it is built and may be shared between threads.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace townhall::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kTerminator = "aws4_request";

struct Header {
  std::string_view name;  // any case
  std::string_view value;
};

// One HTTP request as SigV4 reads it. Views only: the caller keeps the
// request's bytes alive while a function uses it.
struct Request {
  std::string_view method;      // "POST"
  std::string_view target;      // the request-target as sent: path, then optionally '?' and the query
  std::vector<Header> headers;  // in arrival order; a name may repeat
  std::string_view payload;     // the body
};

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: none
};

// ---------------------------------------------------------------------------
// The algorithm's steps, public for tests, diagnostics and the verifier.

using Digest = std::array<unsigned char, 32>;

std::string sha256_hex(std::string_view data);
// The path part of a request-target, normalized (dot segments and repeated
// slashes removed, as for every service but S3) and URI-encoded.
std::string canonical_uri(std::string_view path);
// The query, parameters URI-encoded and sorted by name, then value.
std::string canonical_query(std::string_view query);
// How the canonical request writes the path: normalized and encoded (every
// service but S3), or as sent (S3: already encoded once, dot segments and
// repeated slashes kept).
enum class PathRule { kNormalized, kAsSent };
// REQUIRES: signed_headers are lower case and sorted, as in an Authorization header.
std::string canonical_request(const Request& request, std::span<const std::string> signed_headers,
                              std::string_view payload_hash, PathRule path_rule = PathRule::kNormalized);
// amz_date is ISO-8601 basic ("20150830T123600Z"); scope is "20150830/us-east-1/service/aws4_request".
std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);
Digest signing_key(std::string_view secret_access_key, std::string_view date, std::string_view region,
                   std::string_view service);
// Lower-case hex HMAC-SHA256 of string_to_sign under key.
std::string signature_hex(const Digest& key, std::string_view string_to_sign);
// "20150830T123600Z" for t (UTC).
std::string format_amz_date(std::chrono::system_clock::time_point t);
// The inverse of format_amz_date; nullopt unless s is exactly that shape and a valid time.
std::optional<std::chrono::system_clock::time_point> parse_amz_date(std::string_view s);

// ---------------------------------------------------------------------------
// Signing.

struct SigningOptions {
  std::string region;   // "us-east-1"
  std::string service;  // "dynamodb"
  // The request time; unset: now. Used for X-Amz-Date and the scope.
  std::optional<std::chrono::system_clock::time_point> time;
  // S3's rules: the path as sent (PathRule::kAsSent), and the payload hash
  // the request's x-amz-content-sha256 header states (UNSIGNED-PAYLOAD, or
  // the hash of a body not in Request::payload) when it has one.
  bool s3 = false;
};

// The headers the caller adds to the request it sends.
struct SignedHeaders {
  std::string amz_date;        // X-Amz-Date (the caller must not send another)
  std::string security_token;  // X-Amz-Security-Token, when credentials carry one
  std::string authorization;   // Authorization
};

// Signs every header of request except hop-by-hop and client-local ones
// (Authorization, User-Agent, Expect, Connection, Content-Length...), plus
// X-Amz-Date and X-Amz-Security-Token, which are added when absent.
// REQUIRES: request carries a Host header.
SignedHeaders sign(const Request& request, const Credentials& credentials, const SigningOptions& options);

// ---------------------------------------------------------------------------
// Verifying.

// The parts of "AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request,
// SignedHeaders=a;b, Signature=hex". Views into the header value.
struct Authorization {
  std::string_view algorithm;
  std::string_view credential;  // the whole Credential value
  std::string_view access_key_id, date, region, service, terminator;
  std::vector<std::string> signed_headers;  // lower case, as listed
  std::string_view signature;
};

enum class ErrorKind {
  kMissingAuthenticationToken,  // no Authorization header, or not an AWS4 one
  kIncompleteSignature,         // a required part is missing or malformed
  kInvalidSignature,            // wrong scope, expired, or a signature that does not match
  kUnrecognizedClient,          // unknown access key or session token
};

// The failure, worded as DynamoDB words it.
struct Error {
  ErrorKind kind;
  std::string message;
};

// The keys an endpoint accepts, by access key id.
class KeyRing {
 public:
  void add(Credentials credentials);
  const Credentials* find(std::string_view access_key_id) const;
  bool empty() const { return keys_.empty(); }
  size_t size() const { return keys_.size(); }
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (const auto& [id, credentials] : keys_) fn(credentials);
  }

  // One key a line: "ACCESS_KEY_ID SECRET [SESSION_TOKEN]", separated by
  // spaces or tabs; blank lines and lines starting with '#' are skipped.
  // On a malformed line returns nullopt and says which in *error.
  static std::optional<KeyRing> parse(std::string_view text, std::string* error);

 private:
  std::unordered_map<std::string, Credentials> keys_;
};

// Splits an Authorization header; kMissingAuthenticationToken when it is not
// AWS4, kIncompleteSignature when Credential, SignedHeaders or Signature is missing.
std::optional<Authorization> parse_authorization(std::string_view header, Error* error);

struct VerifyOptions {
  // nullptr: accept any key without checking the signature (DynamoDB Local's
  // behaviour); the request must still carry a well-formed SigV4 Authorization
  // header and a date. Otherwise the key must be in the ring and the
  // signature, scope, session token and clock skew must check out.
  const KeyRing* keys = nullptr;
  std::string_view service = "dynamodb";
  // Non-empty: the credential scope must name this region (as a regional
  // DynamoDB endpoint requires). Empty: any region, as DynamoDB Local.
  std::string_view region;
  // Headers that must be among the signed ones, lower case, besides "host":
  // for DynamoDB, x-amz-target, or a captured signed GetItem could be
  // replayed with another operation in its place.
  std::vector<std::string_view> required_signed_headers = {"x-amz-target"};
  std::chrono::seconds max_skew{15 * 60};
};

// nullopt: the request may proceed. Otherwise the error to answer with.
std::optional<Error> verify(const Request& request, const VerifyOptions& options,
                            std::chrono::system_clock::time_point now);

}  // namespace townhall::sigv4
