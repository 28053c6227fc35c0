#include "cli/endpoint_keys.h"

#include <fcntl.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "net/address.h"

namespace townhall::cli {
namespace {

// "ID:SECRET" with no slash (a path) and exactly one colon.
bool looks_inline(const std::string& text) {
  auto colon = text.find(':');
  return colon != std::string::npos && colon > 0 && colon + 1 < text.size() &&
         text.find(':', colon + 1) == std::string::npos && text.find('/') == std::string::npos;
}

std::string random_text(size_t length, std::string_view alphabet) {
  std::string out;
  for (size_t i = 0; i < length; ++i) out.push_back(alphabet[randombytes_uniform(alphabet.size())]);
  return out;
}

ddb::Result<sigv4::KeyRing> read_key_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return ddb::Error::Validation("cannot read credentials file " + path);
  std::stringstream text;
  text << in.rdbuf();
  std::string error;
  auto keys = sigv4::KeyRing::parse(text.str(), &error);
  if (!keys) return ddb::Error::Validation(path + ": " + error);
  if (keys->empty()) return ddb::Error::Validation(path + ": no keys");
  return std::move(*keys);
}

void print_key(const sigv4::Credentials& key, const std::string& where) {
  std::printf("DynamoDB endpoint credentials (%s):\n  aws_access_key_id = %s\n  aws_secret_access_key = %s\n",
              where.c_str(), key.access_key_id.c_str(), key.secret_access_key.c_str());
  std::fflush(stdout);
}

}  // namespace

ddb::Result<std::optional<sigv4::KeyRing>> load_endpoint_keys(const std::string& credentials) {
  std::optional<sigv4::KeyRing> keys;
  if (!credentials.empty()) {
    if (looks_inline(credentials) && access(credentials.c_str(), F_OK) != 0) {
      auto colon = credentials.find(':');
      keys.emplace();
      keys->add({credentials.substr(0, colon), credentials.substr(colon + 1), ""});
    } else {
      TH_ASSIGN_OR_RETURN(auto file_keys, read_key_file(credentials));
      keys = std::move(file_keys);
    }
  }
  const char* id = std::getenv("TOWNHALL_ACCESS_KEY_ID");
  const char* secret = std::getenv("TOWNHALL_SECRET_ACCESS_KEY");
  if (id && *id && secret && *secret) {
    if (!keys) keys.emplace();
    keys->add({id, secret, ""});
  }
  return keys;
}

ddb::Result<sigv4::KeyRing> serve_endpoint_keys(const std::string& credentials,
                                                const std::string& saved_file) {
  TH_ASSIGN_OR_RETURN(auto given, load_endpoint_keys(credentials));
  if (given) return std::move(*given);
  if (!saved_file.empty() && access(saved_file.c_str(), F_OK) == 0) {
    struct stat info {};
    if (stat(saved_file.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
      spdlog::warn("{} is readable by other users (mode {:o}); chmod 600 it", saved_file,
                   info.st_mode & 0777);
    }
    TH_ASSIGN_OR_RETURN(auto saved, read_key_file(saved_file));
    spdlog::info("DynamoDB endpoint: requests must be signed with the key in {}", saved_file);
    return saved;
  }
  if (sodium_init() < 0) return ddb::Error::Internal("libsodium failed to initialize");
  sigv4::Credentials key{"TH" + random_text(18, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
                         random_text(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
                         ""};
  sigv4::KeyRing ring;
  ring.add(key);
  if (saved_file.empty()) {
    print_key(key, "generated for this run; the store is in memory");
    return ring;
  }
  // O_EXCL: two processes starting at once do not both write; 0600 whatever the umask.
  int fd = ::open(saved_file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return ddb::Error::Validation("cannot create " + saved_file + ": " + std::strerror(errno));
  std::string text = "# townhall serve's DynamoDB endpoint key (ACCESS_KEY_ID SECRET)\n" + key.access_key_id +
                     " " + key.secret_access_key + "\n";
  bool written =
      ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    ::unlink(saved_file.c_str());
    return ddb::Error::Validation("cannot write " + saved_file);
  }
  print_key(key, "generated once and saved in " + saved_file + "; shown only now");
  return ring;
}

bool has_weak_key(const sigv4::KeyRing& keys) {
  bool weak = false;
  keys.for_each([&](const sigv4::Credentials& key) { weak |= key.secret_access_key.size() < 16; });
  return weak;
}

ddb::Status check_exposure(const std::string& host, const std::optional<sigv4::KeyRing>& keys, bool insecure,
                           const std::string& what) {
  if (net::is_loopback_listen_address(host)) return ddb::Status::Ok();
  std::string problem = !keys                 ? "accepts requests signed with any key"
                        : has_weak_key(*keys) ? "has a key with a guessable secret (under 16 characters)"
                                              : "";
  if (problem.empty()) return ddb::Status::Ok();
  if (!insecure) {
    return ddb::Error::Validation(what + " " + host + " is reachable from other machines and the endpoint " +
                                  problem +
                                  "; give real credentials (--credentials FILE), listen on "
                                  "127.0.0.1, or pass --insecure-public-dynamodb if you mean it");
  }
  spdlog::warn(
      "!!! INSECURE: the DynamoDB endpoint on {} {}: anyone who reaches it can read and change "
      "every table (--insecure-public-dynamodb) !!!",
      host, problem);
  return ddb::Status::Ok();
}

}  // namespace townhall::cli
