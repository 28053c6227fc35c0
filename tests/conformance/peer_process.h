// A DynamoDB-compatible server the conformance suite runs as a child process
// (dynalite under node, DynamoDB Local under java, `townhall dynamodb`): its
// own process group, output to a log file, stopped (SIGTERM, then SIGKILL)
// when destroyed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace townhall::conformance {

class PeerProcess {
 public:
  // Starts argv[0] (looked up in PATH) with argv, in working_directory, with
  // stdout and stderr appended to log_path. nullptr (and *error set) when
  // the program cannot be started.
  static std::unique_ptr<PeerProcess> start(const std::vector<std::string>& argv,
                                            const std::string& working_directory, const std::string& log_path,
                                            std::string* error);
  ~PeerProcess();
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  // False once the process has exited (and then *exit_description says how).
  bool running(std::string* exit_description = nullptr);
  // Waits until 127.0.0.1:port accepts connections, the process exits, its
  // log says the port was taken, or the timeout passes.
  bool wait_for_port(uint16_t port, std::chrono::milliseconds timeout, std::string* error);
  // The log says the port it was given is in use: pick_free_port() lost a
  // race with another process (tests run in parallel); start again on another.
  bool port_taken() const;
  // The last lines of the log, for failure messages.
  std::string log_tail(size_t max_bytes = 2000) const;
  pid_t pid() const { return pid_; }

 private:
  PeerProcess(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}
  pid_t pid_;
  std::string log_path_;
  bool exited_ = false;
};

// A loopback TCP port nobody listens on right now (bind to port 0, read it, close).
uint16_t pick_free_port();

// Looks `program` up in PATH; empty when not found.
std::string find_in_path(const std::string& program);

}  // namespace townhall::conformance
