#include "cli/data_dir.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

namespace townhall::cli {

void restrict_new_files() { ::umask(077); }

void warn_if_shared(const std::string& dir) {
  struct stat info {};
  if (::stat(dir.c_str(), &info) != 0 || (info.st_mode & 077) == 0) return;
  spdlog::warn(
      "the store {} is open to other users (mode {:o}): anyone on this machine can read its messages "
      "and password hashes; chmod -R go= {}",
      dir, info.st_mode & 0777, dir);
}

}  // namespace townhall::cli
