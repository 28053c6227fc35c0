// S3BlobStore: blobs as objects of an S3-compatible bucket (Amazon S3, MinIO,
// Ceph, s3rver) named <prefix><key>, over SigV4-signed HTTP(S): PutObject,
// GetObject, DeleteObject and ListObjectsV2. S3 acknowledges a PUT only once
// the object is stored durably, which is what BlobStore::put promises; the
// x-amz-content-sha256 header makes S3 check the bytes it stored.
//
// Requests are retried (transport failures and 5xx, with backoff), each
// attempt signed afresh. Thread-safe: connections come from a pool.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "chat/blob_store.h"
#include "client/connection_pool.h"
#include "client/http_connection.h"
#include "sigv4/sigv4.h"

namespace townhall::files {

struct S3Options {
  std::string endpoint_url;  // http(s)://host:port, no path
  std::string bucket;
  std::string prefix;  // prepended to every key, e.g. "files/"; may be empty
  std::string region = "us-east-1";
  sigv4::Credentials credentials;
  // true: http://host/bucket/key (MinIO, s3rver, most local stores).
  // false: http://bucket.host/key (virtual-hosted, Amazon S3's preferred).
  bool path_style = true;
  std::string ca_bundle;  // extra CA certificates (PEM) for https; empty: system store only
  int max_attempts = 4;   // the first attempt and up to 3 retries
};

class S3BlobStore : public chat::BlobStore {
 public:
  // One exchange with the endpoint; open() uses client's connection pool
  // (the DynamoDB client's keep-alive HTTP(S) connections), tests a fake.
  using Transport = std::function<client::TransportResult<client::HttpResponse>(const client::HttpRequest&)>;

  // InvalidArgument for a bad endpoint URL, an empty bucket or missing keys.
  // Nothing is sent until the first call.
  static chat::Result<std::unique_ptr<S3BlobStore>> open(S3Options options);
  // The time requests are signed at; system_clock::now but in tests.
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  // The same over a given transport that sends to host_header (for tests).
  static chat::Result<std::unique_ptr<S3BlobStore>> open(S3Options options, std::string host_header,
                                                         Transport transport, Clock clock = {});

  chat::Status put(const std::string& key, std::string_view bytes) override;
  chat::Result<std::string> get(const std::string& key) override;
  chat::Status remove(const std::string& key) override;
  chat::Result<std::vector<Entry>> list() override;

  const S3Options& options() const { return options_; }
  // The request-target of an object ("/bucket/files/<key>", encoded).
  std::string object_target(std::string_view key) const;
  // The request-target of one ListObjectsV2 page.
  std::string list_target(std::string_view continuation_token) const;

 private:
  S3BlobStore(S3Options options, std::string host_header, Transport transport, Clock clock);
  // Signs and sends, retrying transport failures and 5xx; the last answer
  // (any status) or an Unavailable error after the last attempt.
  chat::Result<client::HttpResponse> call(std::string_view method, std::string target, std::string body,
                                          std::string_view payload_hash);
  chat::Error failure(std::string_view what, const client::HttpResponse& response) const;

  const S3Options options_;
  const std::string host_header_;
  const std::string bucket_path_;  // "/bucket" (path style) or "" (virtual-hosted)
  // Owned here when open() made the transport (the pool uses the context).
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::unique_ptr<client::ConnectionPool> pool_;
  Transport transport_;
  Clock clock_;
};

}  // namespace townhall::files
