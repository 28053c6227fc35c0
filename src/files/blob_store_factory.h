// open_blob_store: the BlobStore a --files setting names. Empty or a
// directory: LocalBlobStore there (empty: default_directory, normally
// DATA/files of the embedded store). "s3://bucket/prefix": S3BlobStore, with
// its endpoint, region and keys found as the AWS CLI finds them for S3:
//
//   endpoint:    options.s3_endpoint; AWS_ENDPOINT_URL_S3; AWS_ENDPOINT_URL
//                (both skipped with AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true);
//                https://s3.<region>.amazonaws.com (virtual-hosted buckets).
//                A custom endpoint (MinIO, Ceph, s3rver) gets path-style URLs.
//   region:      options.region; then as client/config.h resolves it (AWS_REGION,
//                AWS_DEFAULT_REGION, the profile); us-east-1 with a custom endpoint.
//   credentials: as client/config.h resolves them (AWS_ACCESS_KEY_ID +
//                AWS_SECRET_ACCESS_KEY [+ AWS_SESSION_TOKEN], AWS_PROFILE's
//                keys in ~/.aws/credentials or ~/.aws/config); AWS_CA_BUNDLE too.
//
// A prefix is a folder: "s3://b/files" and "s3://b/files/" both keep blobs
// under "files/".
//
// Thread-safety: reads the environment and files; the store it returns is thread-safe.
#pragma once

#include <memory>
#include <string>

#include "chat/blob_store.h"
#include "client/config.h"
#include "files/s3_blob_store.h"

namespace townhall::files {

struct BlobStoreOptions {
  std::string url;          // "" or a directory path → LocalBlobStore; "s3://bucket/prefix" → S3BlobStore
  std::string s3_endpoint;  // http(s)://host:port; empty: from the environment, or AWS's
  std::string region;       // empty: from the environment or the AWS config
};

// Where an "s3://" URL points; InvalidArgument unless it is one with a bucket.
struct S3Location {
  std::string bucket;
  std::string prefix;  // "" or ending in '/'
};
chat::Result<S3Location> parse_s3_url(const std::string& url);

// The S3Options an "s3://" setting resolves to (for open_blob_store, and to show in logs and tests).
chat::Result<S3Options> resolve_s3_options(const BlobStoreOptions& options,
                                           const client::Environment& environment);

chat::Result<std::unique_ptr<chat::BlobStore>> open_blob_store(
    const BlobStoreOptions& options, const std::string& default_directory,
    const client::Environment& environment = client::process_environment());

}  // namespace townhall::files
