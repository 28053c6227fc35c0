// The embedded store's directory is private to the server's user: the
// process runs with umask 077 (directories 0700, files 0600), and a
// directory that others can read is reported at start.
#pragma once

#include <string>

namespace townhall::cli {

// umask(077) for the whole process. main() calls it before anything is created.
void restrict_new_files();
// Logs a warning when dir exists and its group or others have any access.
void warn_if_shared(const std::string& dir);

}  // namespace townhall::cli
