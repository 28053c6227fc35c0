#include "net/fd_budget.h"

#include <sys/resource.h>

#include <algorithm>

namespace townhall::net {

FdBudget split_fd_limit(size_t limit) {
  FdBudget budget;
  budget.limit = limit;
  budget.store_open_files = std::clamp<size_t>(limit / 4, 64, 1000);
  budget.reserved = std::min(limit, budget.store_open_files + 128);
  budget.sockets = limit - budget.reserved;
  return budget;
}

FdBudget raise_and_split_fd_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return split_fd_limit(1024);
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  // RLIM_INFINITY or absurd values: a budget has to be a number.
  size_t current = limit.rlim_cur == RLIM_INFINITY ? size_t{1} << 20 : static_cast<size_t>(limit.rlim_cur);
  return split_fd_limit(std::min<size_t>(current, size_t{1} << 24));
}

}  // namespace townhall::net
