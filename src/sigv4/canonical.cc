// The canonical request and the string to sign: the text both the signer and
// the verifier hash, built from the request exactly as AWS specifies.
#include <algorithm>
#include <utility>

#include "net/text.h"
#include "sigv4/sigv4.h"

namespace townhall::sigv4 {

using net::iequals;
namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

void uri_encode(std::string_view s, std::string& out) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (is_unreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0xf]);
    }
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Query parameters arrive percent-encoded (or raw); decoding first makes the
// encoding canonical either way.
std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

// Trims the value and collapses each run of spaces to one, as AWS requires.
void append_header_value(std::string_view value, std::string& out) {
  size_t begin = 0, end = value.size();
  auto is_space = [](char c) { return c == ' ' || c == '\t'; };
  while (begin < end && is_space(value[begin])) ++begin;
  while (end > begin && is_space(value[end - 1])) --end;
  bool in_space = false;
  for (size_t i = begin; i < end; ++i) {
    if (is_space(value[i])) {
      in_space = true;
      continue;
    }
    if (in_space) out.push_back(' ');
    in_space = false;
    out.push_back(value[i]);
  }
}

}  // namespace

std::string canonical_uri(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view segment = path.substr(pos, slash - pos);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    pos = slash + 1;
  }
  std::string out = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i) out.push_back('/');
    uri_encode(segments[i], out);
  }
  bool trailing_slash = path.size() > 1 && path.back() == '/';
  if (trailing_slash && !segments.empty()) out.push_back('/');
  return out;
}

std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t pos = 0;
  while (pos < query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view pair = query.substr(pos, amp - pos);
    pos = amp + 1;
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key, value;
    uri_encode(percent_decode(pair.substr(0, eq)), key);
    if (eq != std::string_view::npos) uri_encode(percent_decode(pair.substr(eq + 1)), value);
    params.emplace_back(std::move(key), std::move(value));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (size_t i = 0; i < params.size(); ++i) {
    if (i) out.push_back('&');
    out.append(params[i].first).push_back('=');
    out.append(params[i].second);
  }
  return out;
}

std::string canonical_request(const Request& request, std::span<const std::string> signed_headers,
                              std::string_view payload_hash, PathRule path_rule) {
  std::string_view path = request.target, query;
  if (size_t q = path.find('?'); q != std::string_view::npos) {
    query = path.substr(q + 1);
    path = path.substr(0, q);
  }
  std::string out;
  out.reserve(256 + request.target.size());
  out.append(request.method).push_back('\n');
  if (path_rule == PathRule::kAsSent) {
    out.append(path.empty() ? std::string_view("/") : path).push_back('\n');
  } else {
    out.append(canonical_uri(path)).push_back('\n');
  }
  out.append(canonical_query(query)).push_back('\n');
  for (const auto& name : signed_headers) {
    out.append(name).push_back(':');
    bool first = true;
    for (const auto& header : request.headers) {
      if (!iequals(header.name, name)) continue;
      if (!first) out.push_back(',');
      first = false;
      append_header_value(header.value, out);
    }
    out.push_back('\n');
  }
  out.push_back('\n');
  for (size_t i = 0; i < signed_headers.size(); ++i) {
    if (i) out.push_back(';');
    out.append(signed_headers[i]);
  }
  out.push_back('\n');
  out.append(payload_hash);
  return out;
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request) {
  std::string out;
  out.reserve(kAlgorithm.size() + amz_date.size() + scope.size() + 67);
  out.append(kAlgorithm).push_back('\n');
  out.append(amz_date).push_back('\n');
  out.append(scope).push_back('\n');
  out.append(sha256_hex(canonical_request));
  return out;
}

}  // namespace townhall::sigv4
