#include "chat/secrets.h"

#include <sodium.h>

#include <vector>

#include "chat/keys.h"

namespace townhall::chat {

std::string sha256_hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string random_token(size_t bytes) {
  std::vector<unsigned char> random(bytes);
  randombytes_buf(random.data(), random.size());
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes, kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), random.data(), random.size(), kVariant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string random_hex(size_t bytes) {
  std::vector<unsigned char> random(bytes);
  randombytes_buf(random.data(), random.size());
  std::string out(bytes * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), random.data(), random.size());
  out.resize(bytes * 2);
  return out;
}

bool secrets_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::pair<std::string, std::string>> split_link_token(std::string_view token) {
  size_t dot = token.find('.');
  if (dot == std::string_view::npos || token.size() > 200) return std::nullopt;
  std::string id(token.substr(0, dot));
  std::string secret(token.substr(dot + 1));
  if (!keys::is_valid_id(id) || secret.size() < 16) return std::nullopt;
  for (char c : secret) {
    bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return std::nullopt;
  }
  return std::make_pair(std::move(id), std::move(secret));
}

}  // namespace townhall::chat
