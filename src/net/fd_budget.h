// The process's file descriptors, split between the store and the sockets.
// RocksDB needs descriptors for its table files, WAL and MANIFEST at moments
// nobody chooses (a flush, a compaction); if a flood of connections took
// them all, a failed file open would stop the store's writes. So at start the
// soft limit is raised to the hard one, the store is told how many table
// files it may keep open, and the sockets get what is left after a reserve.
#pragma once

#include <cstddef>

namespace townhall::net {

struct FdBudget {
  size_t limit = 0;             // RLIMIT_NOFILE after raising it
  size_t store_open_files = 0;  // RocksDB max_open_files
  size_t reserved = 0;          // for the store and everything else (logs, pipes, Redis, admin socket)
  size_t sockets = 0;           // what every listener together may hold
};

// Raises the soft RLIMIT_NOFILE to the hard limit and splits it.
FdBudget raise_and_split_fd_limit();
// The split of a given limit (for tests): table files up to a quarter of it
// (at least 64, at most 1000), plus 128 more descriptors held back.
FdBudget split_fd_limit(size_t limit);

}  // namespace townhall::net
