#include "files/blob_store_factory.h"

#include <optional>

#include "files/local_blob_store.h"

namespace townhall::files {
namespace {

constexpr std::string_view kScheme = "s3://";

bool is_true(const std::optional<std::string>& value) {
  if (!value || value->size() != 4) return false;
  std::string lower;
  for (char c : *value) lower.push_back(static_cast<char>(c | 0x20));
  return lower == "true";
}

// Another scheme ("gs://", "file://") is a mistake, not a directory name.
bool looks_like_url(const std::string& url) {
  size_t colon = url.find("://");
  if (colon == std::string::npos || colon == 0) return false;
  for (size_t i = 0; i < colon; ++i) {
    char c = url[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
          c == '-' || c == '.')) {
      return false;
    }
  }
  return true;
}

}  // namespace

chat::Result<S3Location> parse_s3_url(const std::string& url) {
  if (!url.starts_with(kScheme)) return chat::Error::InvalidArgument("not an s3:// URL: " + url);
  std::string_view rest = std::string_view(url).substr(kScheme.size());
  size_t slash = rest.find('/');
  S3Location location;
  location.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) location.prefix = std::string(rest.substr(slash + 1));
  if (location.bucket.empty())
    return chat::Error::InvalidArgument("no bucket in " + url + " (s3://BUCKET/PREFIX)");
  if (!location.prefix.empty() && location.prefix.back() != '/') location.prefix.push_back('/');
  return location;
}

chat::Result<S3Options> resolve_s3_options(const BlobStoreOptions& options, const client::Environment& env) {
  TH_ASSIGN_OR_RETURN(S3Location location, parse_s3_url(options.url));
  std::optional<std::string> endpoint;
  if (!options.s3_endpoint.empty()) {
    endpoint = options.s3_endpoint;
  } else if (!is_true(env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))) {
    endpoint = env("AWS_ENDPOINT_URL_S3");
    if (!endpoint) endpoint = env("AWS_ENDPOINT_URL");
  }
  // The DynamoDB client's resolution, for its region, keys and CA bundle.
  // Giving it our endpoint keeps AWS_ENDPOINT_URL_DYNAMODB out of the
  // decision, and makes a custom endpoint default to us-east-1 as it does there.
  client::ClientFlags flags;
  flags.endpoint_url = endpoint;
  if (!options.region.empty()) flags.region = options.region;
  auto resolved = client::resolve_client_options(flags, env);
  if (!resolved.ok()) return chat::Error::InvalidArgument("S3 settings: " + resolved.error().message);

  S3Options out;
  out.bucket = std::move(location.bucket);
  out.prefix = std::move(location.prefix);
  out.region = resolved->region;
  out.credentials = resolved->credentials;
  out.ca_bundle = resolved->ca_bundle;
  if (endpoint) {
    out.endpoint_url = *endpoint;
    out.path_style = true;  // MinIO, Ceph and s3rver serve buckets as paths by default
  } else {
    out.endpoint_url = "https://s3." + out.region + ".amazonaws.com";
    if (out.region.starts_with("cn-")) out.endpoint_url += ".cn";
    // Virtual-hosted, as AWS prefers, unless a dot in the bucket would break
    // the certificate's one-label wildcard.
    out.path_style = out.bucket.find('.') != std::string::npos;
  }
  return out;
}

chat::Result<std::unique_ptr<chat::BlobStore>> open_blob_store(const BlobStoreOptions& options,
                                                               const std::string& default_directory,
                                                               const client::Environment& environment) {
  if (options.url.starts_with(kScheme)) {
    TH_ASSIGN_OR_RETURN(S3Options s3, resolve_s3_options(options, environment));
    TH_ASSIGN_OR_RETURN(auto store, S3BlobStore::open(std::move(s3)));
    return std::unique_ptr<chat::BlobStore>(std::move(store));
  }
  if (looks_like_url(options.url)) {
    return chat::Error::InvalidArgument("files: " + options.url +
                                        " is neither a directory nor s3://BUCKET/PREFIX");
  }
  if (!options.s3_endpoint.empty()) {
    return chat::Error::InvalidArgument(
        "files: an S3 endpoint was given, but the files setting (" +
        (options.url.empty() ? std::string("the default directory") : options.url) +
        ") is not s3://BUCKET/PREFIX");
  }
  TH_ASSIGN_OR_RETURN(auto local,
                      LocalBlobStore::open(options.url.empty() ? default_directory : options.url));
  return std::unique_ptr<chat::BlobStore>(std::move(local));
}

}  // namespace townhall::files
