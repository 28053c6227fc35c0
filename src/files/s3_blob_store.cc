#include "files/s3_blob_store.h"

#include <algorithm>
#include <thread>

#include "client/endpoint.h"
#include "client/retry.h"
#include "files/s3_protocol.h"

namespace townhall::files {
namespace {

constexpr std::string_view kUserAgent = "townhall/0.1";
// One exchange of a whole blob (25 MB by default).
constexpr std::chrono::milliseconds kRequestTimeout{60'000};
// Blobs are at most the server's file limit (up to 4 GB by --max-file-mb).
constexpr size_t kMaxResponseBytes = size_t{4} * 1024 * 1024 * 1024;

chat::Error unavailable(std::string message) { return {chat::Code::kUnavailable, std::move(message)}; }

}  // namespace

chat::Result<std::unique_ptr<S3BlobStore>> S3BlobStore::open(S3Options options) {
  auto endpoint = client::parse_endpoint_url(options.endpoint_url);
  if (!endpoint.ok()) return chat::Error::InvalidArgument("S3 endpoint: " + endpoint.error().message);
  if (endpoint->path != "/") {
    return chat::Error::InvalidArgument("S3 endpoint " + options.endpoint_url +
                                        ": give the endpoint without a path (the bucket is separate)");
  }
  if (!options.path_style) {
    if (endpoint->host_is_ip_literal()) {
      return chat::Error::InvalidArgument("S3 endpoint " + options.endpoint_url +
                                          ": virtual-hosted buckets need a host name, not an address");
    }
    endpoint->host = options.bucket + "." + endpoint->host;
  }
  std::unique_ptr<boost::asio::ssl::context> tls;
  if (endpoint->tls) {
    auto made = client::make_tls_context(options.ca_bundle);
    if (!made.ok()) return chat::Error::InvalidArgument("S3 endpoint: " + made.error().message);
    tls = std::move(made).value();
  }
  std::string host = endpoint->host_header();
  auto pool =
      std::make_unique<client::ConnectionPool>(std::move(*endpoint), tls.get(), client::PoolOptions{});
  Transport transport = [raw = pool.get()](const client::HttpRequest& request) {
    return raw->exchange(request, kRequestTimeout);
  };
  TH_ASSIGN_OR_RETURN(auto store, open(std::move(options), std::move(host), std::move(transport)));
  store->tls_ = std::move(tls);
  store->pool_ = std::move(pool);
  return store;
}

chat::Result<std::unique_ptr<S3BlobStore>> S3BlobStore::open(S3Options options, std::string host_header,
                                                             Transport transport, Clock clock) {
  // A bucket name is one path segment or DNS label: never a path.
  if (options.bucket.empty() || options.bucket.find('/') != std::string::npos) {
    return chat::Error::InvalidArgument("S3 bucket name \"" + options.bucket + "\" is not valid");
  }
  if (options.region.empty()) return chat::Error::InvalidArgument("S3 region is empty");
  if (options.credentials.access_key_id.empty() || options.credentials.secret_access_key.empty()) {
    return chat::Error::InvalidArgument("S3 needs an access key id and a secret access key");
  }
  options.max_attempts = std::max(1, options.max_attempts);
  if (!clock) clock = [] { return std::chrono::system_clock::now(); };
  return std::unique_ptr<S3BlobStore>(
      new S3BlobStore(std::move(options), std::move(host_header), std::move(transport), std::move(clock)));
}

S3BlobStore::S3BlobStore(S3Options options, std::string host_header, Transport transport, Clock clock)
    : options_(std::move(options)),
      host_header_(std::move(host_header)),
      bucket_path_(options_.path_style ? "/" + s3::uri_encode(options_.bucket, false) : std::string()),
      transport_(std::move(transport)),
      clock_(std::move(clock)) {}

std::string S3BlobStore::object_target(std::string_view key) const {
  return bucket_path_ + "/" + s3::uri_encode(options_.prefix + std::string(key), /*keep_slash=*/true);
}

std::string S3BlobStore::list_target(std::string_view continuation_token) const {
  std::string target = (bucket_path_.empty() ? std::string("/") : bucket_path_) + "?list-type=2";
  if (!options_.prefix.empty()) target += "&prefix=" + s3::uri_encode(options_.prefix, false);
  if (!continuation_token.empty()) {
    target += "&continuation-token=" + s3::uri_encode(continuation_token, false);
  }
  return target;
}

chat::Result<client::HttpResponse> S3BlobStore::call(std::string_view method, std::string target,
                                                     std::string body, std::string_view payload_hash) {
  client::HttpRequest request;
  request.method = std::string(method);
  request.target = std::move(target);
  request.body = std::move(body);
  request.max_response_bytes = kMaxResponseBytes;
  client::RetryOptions backoff{options_.max_attempts, std::chrono::milliseconds(50), std::chrono::seconds(1)};
  for (int attempt = 1;; ++attempt) {
    // Signed per attempt: a retry after a backoff needs a current X-Amz-Date.
    request.headers = {{"x-amz-content-sha256", std::string(payload_hash)}};
    if (method == "PUT") request.headers.emplace_back("Content-Type", "application/octet-stream");
    sigv4::Request to_sign{request.method, request.target, {{"host", host_header_}}, {}};
    for (const auto& [name, value] : request.headers) to_sign.headers.push_back({name, value});
    sigv4::SignedHeaders signature = sigv4::sign(
        to_sign, options_.credentials, sigv4::SigningOptions{options_.region, "s3", clock_(), true});
    request.headers.emplace_back("X-Amz-Date", std::move(signature.amz_date));
    if (!signature.security_token.empty()) {
      request.headers.emplace_back("X-Amz-Security-Token", std::move(signature.security_token));
    }
    request.headers.emplace_back("Authorization", std::move(signature.authorization));
    request.headers.emplace_back("User-Agent", std::string(kUserAgent));

    auto response = transport_(request);
    if (response.ok() && response->status < 500) return std::move(response).value();
    // A certificate or protocol failure repeats itself; anything else may pass next time.
    bool final = !response.ok() && (response.error().kind == client::TransportError::Kind::kTls ||
                                    response.error().kind == client::TransportError::Kind::kProtocol);
    if (final || attempt >= options_.max_attempts) {
      if (response.ok()) return std::move(response).value();  // a 5xx: the caller reports it
      std::string message = "S3 " + request.method + " " + request.target + ": " + response.error().message;
      if (attempt > 1) message += " (gave up after " + std::to_string(attempt) + " attempts)";
      return unavailable(std::move(message));
    }
    std::this_thread::sleep_for(client::backoff_delay(backoff, attempt));
  }
}

chat::Error S3BlobStore::failure(std::string_view what, const client::HttpResponse& response) const {
  return chat::Error::Internal("S3 " + std::string(what) + " in bucket " + options_.bucket + ": " +
                               s3::describe_error(response.status, response.body));
}

chat::Status S3BlobStore::put(const std::string& key, std::string_view bytes) {
  if (!chat::is_blob_key(key)) return chat::Error::InvalidArgument("not a blob key");
  // S3 checks the body against this hash before it stores anything.
  std::string hash = sigv4::sha256_hex(bytes);
  TH_ASSIGN_OR_RETURN(auto response, call("PUT", object_target(key), std::string(bytes), hash));
  if (response.status != 200) return failure("PutObject " + key, response);
  return chat::Status::Ok();
}

chat::Result<std::string> S3BlobStore::get(const std::string& key) {
  if (!chat::is_blob_key(key)) return chat::Error::InvalidArgument("not a blob key");
  TH_ASSIGN_OR_RETURN(auto response, call("GET", object_target(key), {}, sigv4::sha256_hex({})));
  if (response.status == 200) return std::move(response.body);
  // NoSuchBucket is a 404 too, and a misconfiguration rather than a missing blob.
  if (response.status == 404 && s3::error_code(response.body) != "NoSuchBucket") {
    return chat::Error::NotFound("no such file");
  }
  return failure("GetObject " + key, response);
}

chat::Status S3BlobStore::remove(const std::string& key) {
  if (!chat::is_blob_key(key)) return chat::Error::InvalidArgument("not a blob key");
  TH_ASSIGN_OR_RETURN(auto response, call("DELETE", object_target(key), {}, sigv4::sha256_hex({})));
  if (response.status == 204 || response.status == 200) return chat::Status::Ok();
  if (response.status == 404 && s3::error_code(response.body) != "NoSuchBucket") return chat::Status::Ok();
  return failure("DeleteObject " + key, response);
}

chat::Result<std::vector<chat::BlobStore::Entry>> S3BlobStore::list() {
  std::vector<Entry> out;
  std::string token;
  for (;;) {
    TH_ASSIGN_OR_RETURN(auto response, call("GET", list_target(token), {}, sigv4::sha256_hex({})));
    if (response.status != 200) return failure("ListObjectsV2", response);
    TH_ASSIGN_OR_RETURN(s3::ListPage page, s3::parse_list_objects_v2(response.body));
    for (auto& object : page.objects) {
      if (!object.key.starts_with(options_.prefix)) continue;
      std::string key = object.key.substr(options_.prefix.size());
      // Objects that are not blobs (a "folder", someone else's file) are not ours to collect.
      if (chat::is_blob_key(key)) out.push_back({std::move(key), object.modified_ms});
    }
    if (!page.truncated) return out;
    // A store that hands back the same token would page forever.
    if (page.next_continuation_token == token) {
      return chat::Error::Internal("S3 ListObjectsV2 in bucket " + options_.bucket +
                                   " repeated its continuation token");
    }
    token = std::move(page.next_continuation_token);
  }
}

}  // namespace townhall::files
