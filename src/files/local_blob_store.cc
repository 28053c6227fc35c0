#include "files/local_blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>

namespace townhall::files {
namespace {

namespace fs = std::filesystem;

// When a blob was stored (or touched by a put of the same bytes), in ms:
// what list() reports and remove_if_unchanged() compares.
int64_t modified_ms(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

chat::Error io_error(const std::string& what, const std::string& path) {
  return chat::Error::Internal(what + " " + path + ": " + std::strerror(errno));
}

chat::Status fsync_path(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return io_error("open", path);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return io_error("fsync", path);
  return chat::Status::Ok();
}

}  // namespace

chat::Result<std::unique_ptr<LocalBlobStore>> LocalBlobStore::open(const std::string& directory) {
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec) return chat::Error::Internal("files directory " + directory + ": " + ec.message());
  return std::unique_ptr<LocalBlobStore>(new LocalBlobStore(directory));
}

chat::Result<std::string> LocalBlobStore::path_of(const std::string& key) const {
  if (!chat::is_blob_key(key)) return chat::Error::InvalidArgument("not a blob key");
  return directory_ + "/" + key.substr(0, 2) + "/" + key;
}

chat::Status LocalBlobStore::put(const std::string& key, std::string_view bytes) {
  TH_ASSIGN_OR_RETURN(std::string path, path_of(key));
  std::error_code ec;
  // Content-addressed: the same bytes are there. Touch them, so that a sweep
  // running now (which may have found no item naming them before this
  // upload's item is written) sees them as new and keeps them.
  if (::utimensat(AT_FDCWD, path.c_str(), nullptr, 0) == 0) return chat::Status::Ok();
  std::string shard = directory_ + "/" + key.substr(0, 2);
  bool new_shard = !fs::exists(shard, ec);
  fs::create_directories(shard, ec);
  if (ec) return chat::Error::Internal("files directory " + shard + ": " + ec.message());
  std::string temporary = shard + "/." + key + ".tmp" + std::to_string(std::random_device{}());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return io_error("create", temporary);
  size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      auto error = io_error("write", temporary);
      ::close(fd);
      ::unlink(temporary.c_str());
      return error;
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    auto error = io_error("fsync", temporary);
    ::close(fd);
    ::unlink(temporary.c_str());
    return error;
  }
  ::close(fd);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    auto error = io_error("rename", temporary);
    ::unlink(temporary.c_str());
    return error;
  }
  // The rename is durable once its directory is (and a new shard once its parent is).
  TH_RETURN_IF_ERROR(fsync_path(shard, O_RDONLY | O_DIRECTORY));
  if (new_shard) TH_RETURN_IF_ERROR(fsync_path(directory_, O_RDONLY | O_DIRECTORY));
  return chat::Status::Ok();
}

chat::Result<std::string> LocalBlobStore::get(const std::string& key) {
  TH_ASSIGN_OR_RETURN(std::string path, path_of(key));
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return chat::Error::NotFound("no such file");
    return io_error("open", path);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    auto error = io_error("stat", path);
    ::close(fd);
    return error;
  }
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (done != bytes.size()) return chat::Error::Internal("short read of " + path);
  return bytes;
}

chat::Result<bool> LocalBlobStore::remove_if_unchanged(const std::string& key, int64_t listed_ms) {
  TH_ASSIGN_OR_RETURN(std::string path, path_of(key));
  struct stat current {};
  if (::stat(path.c_str(), &current) != 0) return false;  // gone already
  if (modified_ms(current) > listed_ms) return false;     // stored again since it was listed
  TH_RETURN_IF_ERROR(remove(key));
  return true;
}

chat::Status LocalBlobStore::remove(const std::string& key) {
  TH_ASSIGN_OR_RETURN(std::string path, path_of(key));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return io_error("remove", path);
  return chat::Status::Ok();
}

chat::Result<std::vector<chat::BlobStore::Entry>> LocalBlobStore::list() {
  std::vector<Entry> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(directory_, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string name = it->path().filename().string();
    if (!chat::is_blob_key(name)) continue;  // a temporary file of a put in progress (or left by a crash)
    struct stat st {};
    if (::stat(it->path().c_str(), &st) != 0) continue;
    out.push_back({name, modified_ms(st)});
  }
  if (ec) return chat::Error::Internal("listing " + directory_ + ": " + ec.message());
  return out;
}

}  // namespace townhall::files
