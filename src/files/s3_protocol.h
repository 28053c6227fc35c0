// The S3 protocol's pure parts, apart from the network: object and query
// URI encoding, SigV4 as S3 computes it, and reading S3's XML answers
// (ListObjectsV2 pages, <Error> bodies). S3BlobStore is built on them.
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chat/error.h"
#include "sigv4/sigv4.h"

namespace townhall::files::s3 {

// URI-encodes every byte but A-Z a-z 0-9 - . _ ~ (and '/' when keep_slash),
// upper-case hex, as S3 wants object keys and query values.
std::string uri_encode(std::string_view text, bool keep_slash);

// Signing is sigv4::sign with SigningOptions::s3 (the path as sent, the
// payload hash from x-amz-content-sha256).

// "2009-10-12T17:50:30.000Z" (or with a numeric offset) as ms since the epoch.
std::optional<int64_t> parse_iso8601_ms(std::string_view text);

struct ListedObject {
  std::string key;  // the full object key, entities decoded
  int64_t modified_ms = 0;
};
struct ListPage {
  std::vector<ListedObject> objects;
  bool truncated = false;
  std::string next_continuation_token;
};
// A ListObjectsV2 answer (ListBucketResult). Internal on anything malformed:
// not XML of that shape, a Contents without Key, a bad LastModified, a
// truncated page without a NextContinuationToken.
chat::Result<ListPage> parse_list_objects_v2(std::string_view xml);

// "HTTP 404 NoSuchBucket: The specified bucket does not exist" from an S3
// <Error> body; "HTTP <status>" and the body's first printable bytes when it
// is not one.
std::string describe_error(int status, std::string_view body);

// The <Code> of an S3 <Error> body ("NoSuchKey"); empty when there is none.
std::string error_code(std::string_view body);

}  // namespace townhall::files::s3
