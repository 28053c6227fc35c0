// The hashing steps of SigV4: SHA-256, the HMAC chain that derives the
// signing key, hex encoding, and the AWS date formats.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <ctime>

#include "sigv4/sigv4.h"

namespace townhall::sigv4 {
namespace {

void hmac(std::string_view key, std::string_view data, Digest& out) {
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &length);
}

std::string_view as_view(const Digest& d) { return {reinterpret_cast<const char*>(d.data()), d.size()}; }

std::string hex(const unsigned char* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '\0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

int to_int(std::string_view s) {
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  Digest digest;
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return hex(digest.data(), digest.size());
}

Digest signing_key(std::string_view secret_access_key, std::string_view date, std::string_view region,
                   std::string_view service) {
  std::string secret = "AWS4";
  secret.append(secret_access_key);
  Digest k_date, k_region, k_service, k_signing;
  hmac(secret, date, k_date);
  hmac(as_view(k_date), region, k_region);
  hmac(as_view(k_region), service, k_service);
  hmac(as_view(k_service), kTerminator, k_signing);
  return k_signing;
}

std::string signature_hex(const Digest& key, std::string_view string_to_sign) {
  Digest mac;
  hmac(as_view(key), string_to_sign, mac);
  return hex(mac.data(), mac.size());
}

std::string format_amz_date(std::chrono::system_clock::time_point t) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

std::optional<std::chrono::system_clock::time_point> parse_amz_date(std::string_view s) {
  // YYYYMMDDTHHMMSSZ
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  if (!all_digits(s.substr(0, 8)) || !all_digits(s.substr(9, 6))) return std::nullopt;
  std::tm tm{};
  tm.tm_year = to_int(s.substr(0, 4)) - 1900;
  tm.tm_mon = to_int(s.substr(4, 2)) - 1;
  tm.tm_mday = to_int(s.substr(6, 2));
  tm.tm_hour = to_int(s.substr(9, 2));
  tm.tm_min = to_int(s.substr(11, 2));
  tm.tm_sec = to_int(s.substr(13, 2));
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60) {
    return std::nullopt;
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace townhall::sigv4
