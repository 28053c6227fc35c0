#include "cli/endpoint_keys.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace townhall::cli {

ddb::Result<std::optional<sigv4::KeyRing>> load_endpoint_keys(const std::string& credentials_file) {
  std::optional<sigv4::KeyRing> keys;
  if (!credentials_file.empty()) {
    std::ifstream in(credentials_file);
    if (!in) return ddb::Error::Validation("cannot read credentials file " + credentials_file);
    std::stringstream text;
    text << in.rdbuf();
    std::string error;
    keys = sigv4::KeyRing::parse(text.str(), &error);
    if (!keys) return ddb::Error::Validation(credentials_file + ": " + error);
    if (keys->empty()) return ddb::Error::Validation(credentials_file + ": no keys");
  }
  const char* id = std::getenv("TOWNHALL_ACCESS_KEY_ID");
  const char* secret = std::getenv("TOWNHALL_SECRET_ACCESS_KEY");
  if (id && *id && secret && *secret) {
    if (!keys) keys.emplace();
    keys->add({id, secret, ""});
  }
  return keys;
}

}  // namespace townhall::cli
