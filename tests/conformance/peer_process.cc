#include "peer_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace townhall::conformance {

std::string find_in_path(const std::string& program) {
  if (program.find('/') != std::string::npos) return access(program.c_str(), X_OK) == 0 ? program : "";
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + program;
    struct stat st;
    if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

std::unique_ptr<PeerProcess> PeerProcess::start(const std::vector<std::string>& argv,
                                                const std::string& working_directory,
                                                const std::string& log_path, std::string* error) {
  std::string program = find_in_path(argv.at(0));
  if (program.empty()) {
    *error = argv[0] + " not found in PATH";
    return nullptr;
  }
  int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    *error = "cannot open " + log_path + ": " + std::strerror(errno);
    return nullptr;
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) {
    *error = std::string("fork: ") + std::strerror(errno);
    close(log_fd);
    return nullptr;
  }
  if (pid == 0) {
    setpgid(0, 0);  // its own group: stopping it stops whatever it spawned
    int null_fd = open("/dev/null", O_RDONLY);
    dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    if (!working_directory.empty() && chdir(working_directory.c_str()) != 0) _exit(126);
    execv(program.c_str(), args.data());
    _exit(127);
  }
  setpgid(pid, pid);
  close(log_fd);
  return std::unique_ptr<PeerProcess>(new PeerProcess(pid, log_path));
}

PeerProcess::~PeerProcess() {
  if (exited_) return;
  kill(-pid_, SIGTERM);
  for (int i = 0; i < 100; ++i) {  // up to 5 s for a clean exit
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(-pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

bool PeerProcess::running(std::string* exit_description) {
  if (exited_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
  exited_ = true;
  kill(-pid_, SIGKILL);  // anything it left behind in its group
  if (exit_description) {
    *exit_description = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                          : "killed by signal " + std::to_string(WTERMSIG(status));
  }
  return false;
}

bool PeerProcess::wait_for_port(uint16_t port, std::chrono::milliseconds timeout, std::string* error) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string exit;
    if (!running(&exit)) {
      *error = "the process " + exit + "; its log ends with:\n" + log_tail();
      return false;
    }
    if (port_taken()) {
      *error = "port " + std::to_string(port) + " was taken meanwhile; the log ends with:\n" + log_tail();
      return false;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    close(fd);
    if (connected) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  *error = "port " + std::to_string(port) + " did not open within " + std::to_string(timeout.count()) +
           " ms; the log ends with:\n" + log_tail();
  return false;
}

bool PeerProcess::port_taken() const {
  // Java (DynamoDB Local) says so and keeps running; node (dynalite) says EADDRINUSE.
  std::string tail = log_tail(8192);
  return tail.find("Address already in use") != std::string::npos ||
         tail.find("EADDRINUSE") != std::string::npos;
}

std::string PeerProcess::log_tail(size_t max_bytes) const {
  std::ifstream in(log_path_, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > max_bytes ? all.substr(all.size() - max_bytes) : all;
}

uint16_t pick_free_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace townhall::conformance
