// Verifying: what a DynamoDB endpoint checks before it runs a request, in
// the order DynamoDB checks it, with DynamoDB's words for each failure.
#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>

#include "net/text.h"
#include "sigv4/sigv4.h"

namespace townhall::sigv4 {

using net::iequals;
using net::trim;
namespace {

using std::chrono::system_clock;

const Header* find_header(const Request& request, std::string_view name) {
  for (const auto& header : request.headers)
    if (iequals(header.name, name)) return &header;
  return nullptr;
}

// "x-amz-target" -> "X-Amz-Target", as DynamoDB names headers in its messages.
std::string display_name(std::string_view lower) {
  std::string out(lower);
  bool start = true;
  for (char& c : out) {
    if (start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    start = c == '-';
  }
  return out;
}

Error make_error(ErrorKind kind, std::string message) { return Error{kind, std::move(message)}; }

std::string skew_text(system_clock::time_point t) { return format_amz_date(t); }

// The request time: X-Amz-Date, else an RFC 1123 Date header.
std::optional<system_clock::time_point> request_time(const Request& request, std::string_view* shown) {
  if (const Header* h = find_header(request, "x-amz-date")) {
    *shown = h->value;
    return parse_amz_date(trim(h->value));
  }
  if (const Header* h = find_header(request, "date")) {
    *shown = h->value;
    std::string text(trim(h->value));
    std::tm tm{};
    const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (end == nullptr || *end != '\0') return std::nullopt;
    return system_clock::from_time_t(timegm(&tm));
  }
  return std::nullopt;
}

// Deriving the key is four HMACs; a thread keeps the last one it derived,
// since one client signs every request of a day with the same scope.
Digest cached_signing_key(std::string_view secret, std::string_view date, std::string_view region,
                          std::string_view service) {
  struct Entry {
    std::string secret, date, region, service;
    Digest key{};
  };
  thread_local Entry last;
  if (last.secret != secret || last.date != date || last.region != region || last.service != service) {
    last.key = signing_key(secret, date, region, service);
    last.secret.assign(secret);
    last.date.assign(date);
    last.region.assign(region);
    last.service.assign(service);
  }
  return last.key;
}

}  // namespace

void KeyRing::add(Credentials credentials) {
  std::string id = credentials.access_key_id;
  keys_.insert_or_assign(std::move(id), std::move(credentials));
}

const Credentials* KeyRing::find(std::string_view access_key_id) const {
  auto it = keys_.find(std::string(access_key_id));
  return it == keys_.end() ? nullptr : &it->second;
}

std::optional<KeyRing> KeyRing::parse(std::string_view text, std::string* error) {
  KeyRing ring;
  int line_number = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> fields;
    while (!line.empty()) {
      size_t end = line.find_first_of(" \t");
      fields.push_back(line.substr(0, end));
      line = end == std::string_view::npos ? std::string_view() : trim(line.substr(end));
    }
    if (fields.size() < 2 || fields.size() > 3) {
      if (error) {
        *error = "line " + std::to_string(line_number) + ": expected ACCESS_KEY_ID SECRET [SESSION_TOKEN]";
      }
      return std::nullopt;
    }
    ring.add(
        {std::string(fields[0]), std::string(fields[1]), fields.size() == 3 ? std::string(fields[2]) : ""});
  }
  return ring;
}

std::optional<Authorization> parse_authorization(std::string_view header, Error* error) {
  std::string_view value = trim(header);
  if (value.substr(0, 5) != "AWS4-") {
    *error = make_error(ErrorKind::kMissingAuthenticationToken, "Request is missing Authentication Token");
    return std::nullopt;
  }
  Authorization auth;
  size_t space = value.find(' ');
  auth.algorithm = value.substr(0, space);
  std::string_view rest = space == std::string_view::npos ? std::string_view() : value.substr(space + 1);
  std::string_view signed_headers;
  bool has_credential = false, has_signed_headers = false, has_signature = false;
  while (!rest.empty()) {
    // Not find_first_of(", "): libstdc++ runs a memchr over the two
    // characters for every character of the header (5% of a GetItem's CPU).
    size_t end = 0;
    while (end < rest.size() && rest[end] != ',' && rest[end] != ' ') ++end;
    if (end == rest.size()) end = std::string_view::npos;
    std::string_view pair = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = pair.substr(0, eq), v = pair.substr(eq + 1);
    if (key == "Credential" && !v.empty()) {
      auth.credential = v;
      has_credential = true;
    } else if (key == "SignedHeaders") {
      signed_headers = v;
      has_signed_headers = !v.empty();
    } else if (key == "Signature" && !v.empty()) {
      auth.signature = v;
      has_signature = true;
    }
  }
  std::string message;
  if (!has_credential) message += "Authorization header requires 'Credential' parameter. ";
  if (!has_signature) message += "Authorization header requires 'Signature' parameter. ";
  if (!has_signed_headers) message += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!message.empty()) {
    message += "Authorization=";
    message += value;
    *error = make_error(ErrorKind::kIncompleteSignature, std::move(message));
    return std::nullopt;
  }
  while (!signed_headers.empty()) {
    size_t end = signed_headers.find(';');
    std::string name(signed_headers.substr(0, end));
    for (char& c : name) c = net::ascii_lower(c);
    if (!name.empty()) auth.signed_headers.push_back(std::move(name));
    signed_headers = end == std::string_view::npos ? std::string_view() : signed_headers.substr(end + 1);
  }
  // KEY/DATE/REGION/SERVICE/TERMINATOR; trailing slashes do not count.
  std::string_view credential = auth.credential;
  while (!credential.empty() && credential.back() == '/') credential.remove_suffix(1);
  std::array<std::string_view, 5> parts;
  size_t part_count = 0;
  while (part_count <= parts.size()) {
    size_t slash = credential.find('/');
    if (part_count < parts.size()) parts[part_count] = credential.substr(0, slash);
    ++part_count;
    if (slash == std::string_view::npos) break;
    credential = credential.substr(slash + 1);
  }
  if (part_count == 5) {
    auth.access_key_id = parts[0];
    auth.date = parts[1];
    auth.region = parts[2];
    auth.service = parts[3];
    auth.terminator = parts[4];
  }
  return auth;
}

std::optional<Error> verify(const Request& request, const VerifyOptions& options,
                            system_clock::time_point now) {
  const Header* header = find_header(request, "authorization");
  if (header == nullptr) {
    return make_error(ErrorKind::kMissingAuthenticationToken, "Request is missing Authentication Token");
  }
  Error error;
  auto auth = parse_authorization(header->value, &error);
  if (!auth) return error;
  if (!find_header(request, "x-amz-date") && !find_header(request, "date")) {
    return make_error(ErrorKind::kIncompleteSignature,
                      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
                      "Authorization=" +
                          std::string(trim(header->value)));
  }
  if (options.keys == nullptr) return std::nullopt;  // any key, as DynamoDB Local

  std::string_view shown_date;
  auto time = request_time(request, &shown_date);
  if (!time) {
    return make_error(ErrorKind::kIncompleteSignature, "Date must be in ISO-8601 'basic format'. Got '" +
                                                           std::string(shown_date) +
                                                           "'. See http://en.wikipedia.org/wiki/ISO_8601");
  }
  auto skew = options.max_skew;
  std::string minutes = std::to_string(skew.count() / 60);
  if (*time < now - skew) {
    return make_error(ErrorKind::kInvalidSignature, "Signature expired: " + skew_text(*time) +
                                                        " is now earlier than " + skew_text(now - skew) +
                                                        " (" + skew_text(now) + " - " + minutes + " min.)");
  }
  if (*time > now + skew) {
    return make_error(ErrorKind::kInvalidSignature, "Signature not yet current: " + skew_text(*time) +
                                                        " is still later than " + skew_text(now + skew) +
                                                        " (" + skew_text(now) + " + " + minutes + " min.)");
  }
  if (std::find(auth->signed_headers.begin(), auth->signed_headers.end(), "host") ==
      auth->signed_headers.end()) {
    return make_error(ErrorKind::kInvalidSignature,
                      "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (auth->algorithm != kAlgorithm) {
    return make_error(ErrorKind::kIncompleteSignature, "Unsupported AWS 'algorithm': '" +
                                                           std::string(auth->algorithm) +
                                                           "' (only AWS4-HMAC-SHA256 for now). ");
  }
  if (auth->terminator.empty()) {  // not five elements
    return make_error(
        ErrorKind::kIncompleteSignature,
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, "
        "got '" +
            std::string(auth->credential) + "'");
  }
  std::string amz_date = format_amz_date(*time);
  std::string message;
  if (auth->service != options.service) {
    message += "Credential should be scoped to correct service: '" + std::string(options.service) + "'. ";
  }
  if (!options.region.empty() && auth->region != options.region) {
    message += "Credential should be scoped to a valid region, not '" + std::string(auth->region) + "'. ";
  }
  if (auth->terminator != kTerminator) {
    message += "Credential should be scoped with a valid terminator: 'aws4_request', not '" +
               std::string(auth->terminator) + "'. ";
  }
  if (auth->date != std::string_view(amz_date).substr(0, 8)) {
    message += "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '" +
               std::string(auth->date) + "' != '" + amz_date.substr(0, 8) + "', from '" + amz_date + "'.";
  }
  if (!message.empty()) return make_error(ErrorKind::kInvalidSignature, std::move(message));
  for (std::string_view required : options.required_signed_headers) {
    if (std::find(auth->signed_headers.begin(), auth->signed_headers.end(), required) ==
            auth->signed_headers.end() &&
        find_header(request, required) != nullptr) {
      return make_error(
          ErrorKind::kInvalidSignature,
          "'" + display_name(required) + "' must be a 'SignedHeader' in the AWS Authorization.");
    }
  }

  const Credentials* key = options.keys->find(auth->access_key_id);
  if (key == nullptr) {
    return make_error(ErrorKind::kUnrecognizedClient,
                      "The security token included in the request is invalid.");
  }
  const Header* token = find_header(request, "x-amz-security-token");
  std::string_view token_value = token ? trim(token->value) : std::string_view();
  if (token_value != key->session_token) {
    return make_error(ErrorKind::kUnrecognizedClient,
                      "The security token included in the request is invalid");
  }

  std::string scope = std::string(auth->date) + "/" + std::string(auth->region) + "/" +
                      std::string(auth->service) + "/" + std::string(kTerminator);
  std::string canonical = canonical_request(request, auth->signed_headers, sha256_hex(request.payload));
  std::string expected =
      signature_hex(cached_signing_key(key->secret_access_key, auth->date, auth->region, auth->service),
                    string_to_sign(amz_date, scope, canonical));
  if (expected.size() != auth->signature.size() ||
      CRYPTO_memcmp(expected.data(), auth->signature.data(), expected.size()) != 0) {
    return make_error(
        ErrorKind::kInvalidSignature,
        "The request signature we calculated does not match the signature you provided. Check your "
        "AWS Secret Access Key and signing method. Consult the service documentation for details.");
  }
  return std::nullopt;
}

}  // namespace townhall::sigv4
