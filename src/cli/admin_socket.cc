#include "cli/admin_socket.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace townhall::cli {
namespace {

constexpr char kArgSeparator = '\x1f';  // ASCII unit separator: never in an argument we send

bool fill_address(const std::string& path, sockaddr_un& address) {
  address = {};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof address.sun_path) return false;
  std::memcpy(address.sun_path, path.data(), path.size());
  return true;
}

// Reads one line (without '\n'), at most 64 KB, waiting at most timeout_ms.
bool read_line(int fd, std::string& line, int timeout_ms) {
  line.clear();
  char c;
  while (line.size() < 65536) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    ssize_t n = ::read(fd, &c, 1);
    if (n <= 0) return false;
    if (c == '\n') return true;
    line.push_back(c);
  }
  return false;
}

void write_all(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace

std::string admin_socket_path(const std::string& data_dir) {
  return (data_dir.empty() || data_dir.back() == '/' ? data_dir : data_dir + "/") + "admin.sock";
}

ddb::Result<std::unique_ptr<AdminSocket>> AdminSocket::start(std::string path, Checkpoint checkpoint) {
  sockaddr_un address;
  if (!fill_address(path, address)) {
    return ddb::Error::Validation("admin socket path too long for a Unix socket: " + path);
  }
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ddb::Error::Internal(std::string("admin socket: ") + std::strerror(errno));
  ::unlink(path.c_str());  // a stale socket from a killed server; the store's lock proves none runs
  mode_t old_mask = ::umask(0077);
  int bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::umask(old_mask);
  if (bound != 0 || ::listen(fd, 8) != 0) {
    std::string why = std::strerror(errno);
    ::close(fd);
    return ddb::Error::Internal("admin socket " + path + ": " + why);
  }
  return std::unique_ptr<AdminSocket>(new AdminSocket(std::move(path), fd, std::move(checkpoint)));
}

AdminSocket::AdminSocket(std::string path, int fd, Checkpoint checkpoint)
    : path_(std::move(path)),
      listen_fd_(fd),
      wake_fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)),
      checkpoint_(std::move(checkpoint)) {
  thread_ = std::thread([this] { serve(); });
}

AdminSocket::~AdminSocket() { stop(); }

void AdminSocket::stop() {
  if (!thread_.joinable()) return;
  uint64_t one = 1;
  [[maybe_unused]] auto written = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
  ::close(listen_fd_);
  ::close(wake_fd_);
  ::unlink(path_.c_str());
}

void AdminSocket::set_admin_command(AdminCommand command) {
  std::lock_guard lock(admin_mutex_);
  admin_command_ = std::move(command);
}

std::string AdminSocket::run_admin(const std::string& joined) {
  std::vector<std::string> args;
  size_t start = 0;
  for (;;) {
    size_t end = joined.find(kArgSeparator, start);
    args.push_back(joined.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  std::string out;
  int code = 0;
  {
    // Held while the command runs: set_admin_command({}) (the server going
    // away) waits for a command in flight, which uses the server's chat.
    std::lock_guard lock(admin_mutex_);
    if (!admin_command_) return "error the server is starting or stopping; try again\n";
    code = admin_command_(args, &out);
  }
  spdlog::info("admin: {} (exit {})", args.empty() ? std::string() : args[0], code);
  return "ok " + std::to_string(code) + "\n" + out;
}

void AdminSocket::serve() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
    if (fds[1].revents) return;
    if (!(fds[0].revents & POLLIN)) continue;
    int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::string line;
    if (read_line(client, line, 5000)) {
      std::string answer;
      if (line.rfind("checkpoint ", 0) == 0 && line.size() > 12 && line[11] == '/') {
        std::string dir = line.substr(11);
        spdlog::info("admin: checkpoint to {}", dir);
        auto status = checkpoint_(dir);
        answer = status.ok() ? "ok\n" : "error " + status.error().message + "\n";
        if (!status.ok()) spdlog::warn("admin: checkpoint to {} failed: {}", dir, status.error().message);
      } else if (line.rfind("admin ", 0) == 0) {
        answer = run_admin(line.substr(6));
      } else {
        answer = "error unknown command (expected: checkpoint <absolute directory>, or admin <args>)\n";
      }
      write_all(client, answer);
    }
    ::close(client);
  }
}

namespace {

// A connection to the admin socket of the server holding data_dir; -1 when
// no server answers (ENOENT: none; ECONNREFUSED: a stale socket of a killed one).
int connect_to_server(const std::string& data_dir) {
  sockaddr_un address;
  if (!fill_address(admin_socket_path(data_dir), address)) return -1;
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

std::optional<ddb::Status> backup_through_socket(const std::string& data_dir, const std::string& dir) {
  int fd = connect_to_server(data_dir);
  if (fd < 0) return std::nullopt;
  write_all(fd, "checkpoint " + dir + "\n");
  std::string line;
  // A checkpoint flushes the memtable and links files: seconds at most, but
  // give a busy server room.
  bool answered = read_line(fd, line, 10 * 60 * 1000);
  ::close(fd);
  if (!answered) return ddb::Status(ddb::Error::Internal("the server did not answer the backup request"));
  if (line == "ok") return ddb::Status::Ok();
  return ddb::Status(ddb::Error::Internal(line.rfind("error ", 0) == 0 ? line.substr(6) : line));
}

std::optional<ddb::Status> admin_through_socket(const std::string& data_dir,
                                                const std::vector<std::string>& args, std::string& out,
                                                int& exit_code) {
  std::string joined;
  for (const auto& arg : args) {
    if (arg.find(kArgSeparator) != std::string::npos || arg.find('\n') != std::string::npos) {
      return ddb::Status(ddb::Error::Validation("an argument holds a line break or control character"));
    }
    if (!joined.empty()) joined.push_back(kArgSeparator);
    joined += arg;
  }
  int fd = connect_to_server(data_dir);
  if (fd < 0) return std::nullopt;  // no server: the caller opens the store itself
  write_all(fd, "admin " + joined + "\n");
  std::string line;
  bool answered = read_line(fd, line, 60 * 1000);
  if (answered && line.rfind("ok ", 0) == 0) {
    exit_code = std::atoi(line.c_str() + 3);
    out.clear();
    char buffer[4096];
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 60 * 1000) <= 0) break;
      ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n <= 0) break;
      out.append(buffer, static_cast<size_t>(n));
    }
    ::close(fd);
    return ddb::Status::Ok();
  }
  ::close(fd);
  if (!answered) return ddb::Status(ddb::Error::Internal("the server did not answer the admin command"));
  return ddb::Status(ddb::Error::Internal(line.rfind("error ", 0) == 0 ? line.substr(6) : line));
}

}  // namespace townhall::cli
