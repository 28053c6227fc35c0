// Signing: what a client adds to a request so that a DynamoDB endpoint (or
// any AWS service) accepts it.
#include <algorithm>

#include "net/text.h"
#include "sigv4/sigv4.h"

namespace townhall::sigv4 {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = net::ascii_lower(c);
  return out;
}

// Headers a proxy or the HTTP stack may add, drop or rewrite on the way:
// signing them would make a correct request fail verification.
bool is_unsigned_header(std::string_view lower_name) {
  static constexpr std::string_view kUnsigned[] = {
      "authorization", "user-agent",        "expect",  "connection",          "keep-alive",      "te",
      "trailer",       "transfer-encoding", "upgrade", "proxy-authorization", "x-amzn-trace-id",
  };
  return std::find(std::begin(kUnsigned), std::end(kUnsigned), lower_name) != std::end(kUnsigned);
}

}  // namespace

SignedHeaders sign(const Request& request, const Credentials& credentials, const SigningOptions& options) {
  SignedHeaders out;
  out.amz_date = format_amz_date(options.time.value_or(std::chrono::system_clock::now()));
  out.security_token = credentials.session_token;

  Request signed_request = request;
  signed_request.headers.clear();
  std::vector<std::string> names;
  std::string payload_hash;
  bool has_date = false, has_token = false;
  for (const auto& header : request.headers) {
    std::string name = lower(header.name);
    if (is_unsigned_header(name)) continue;
    if (options.s3 && name == "x-amz-content-sha256") payload_hash = std::string(header.value);
    if (name == "x-amz-date") {
      has_date = true;
      out.amz_date = std::string(header.value);
    }
    if (name == "x-amz-security-token") has_token = true;
    signed_request.headers.push_back(header);
    names.push_back(std::move(name));
  }
  if (!has_date) {
    signed_request.headers.push_back({"x-amz-date", out.amz_date});
    names.emplace_back("x-amz-date");
  }
  if (!has_token && !out.security_token.empty()) {
    signed_request.headers.push_back({"x-amz-security-token", out.security_token});
    names.emplace_back("x-amz-security-token");
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());

  std::string date = out.amz_date.substr(0, 8);
  std::string scope = date + "/" + options.region + "/" + options.service + "/" + std::string(kTerminator);
  if (payload_hash.empty()) payload_hash = sha256_hex(request.payload);
  std::string canonical = canonical_request(signed_request, names, payload_hash,
                                            options.s3 ? PathRule::kAsSent : PathRule::kNormalized);
  std::string signature =
      signature_hex(signing_key(credentials.secret_access_key, date, options.region, options.service),
                    string_to_sign(out.amz_date, scope, canonical));

  out.authorization.append(kAlgorithm).append(" Credential=").append(credentials.access_key_id);
  out.authorization.append("/").append(scope).append(", SignedHeaders=");
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out.authorization.push_back(';');
    out.authorization.append(names[i]);
  }
  out.authorization.append(", Signature=").append(signature);
  return out;
}

}  // namespace townhall::sigv4
