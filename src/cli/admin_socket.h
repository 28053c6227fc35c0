// AdminSocket: operator commands for a running `townhall serve`, on a Unix
// socket inside the embedded store's directory (<data>/admin.sock, mode
// 0600). Only a local user who can already read the store's files can use
// it; nothing is exposed on the network and no credentials are needed.
//
// Protocol: one request line, one answer line, then the server closes.
//   checkpoint <absolute directory>\n   ->   ok\n   |   error <message>\n
//   admin <arg>\x1f<arg>...\n        ->   ok <exit code>\n<output>   (then the server closes)
//
// `townhall backup` talks to it (backup_through_socket), so the same command
// works whether or not a server has the store open: RocksDB lets one process
// open a store, and a checkpoint must be taken by that process. `townhall
// admin` too (admin_through_socket): its changes then reach the server's
// live sessions at once.
//
// Thread-safe: one thread accepts and answers requests one at a time.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ddb/result.h"

namespace townhall::cli {

class AdminSocket {
 public:
  using Checkpoint = std::function<ddb::Status(const std::string& dir)>;
  // Runs `townhall admin` arguments; returns the exit code, output in *out.
  using AdminCommand = std::function<int(const std::vector<std::string>& args, std::string* out)>;

  // Binds path (replacing a stale socket a killed server left) and serves
  // until stop() or destruction.
  static ddb::Result<std::unique_ptr<AdminSocket>> start(std::string path, Checkpoint checkpoint);
  ~AdminSocket();
  void stop();
  // Admin commands are answered once set (the chat is made after the socket);
  // setting another (or none) waits for a command in flight.
  void set_admin_command(AdminCommand command);

 private:
  AdminSocket(std::string path, int fd, Checkpoint checkpoint);
  void serve();
  std::string run_admin(const std::string& joined);

  std::string path_;
  int listen_fd_;
  int wake_fd_;
  Checkpoint checkpoint_;
  std::mutex admin_mutex_;
  AdminCommand admin_command_;
  std::thread thread_;
};

// The admin socket's path for an embedded store directory.
std::string admin_socket_path(const std::string& data_dir);

// Asks the server holding data_dir to write a checkpoint to dir. Returns
// std::nullopt when no server answers on the socket (none runs, or one was
// killed), the server's error, or Ok.
std::optional<ddb::Status> backup_through_socket(const std::string& data_dir, const std::string& dir);

// Runs `townhall admin` args in the server holding data_dir: nullopt when no
// server answers, an error when it answered badly, else Ok with its output
// and exit code.
std::optional<ddb::Status> admin_through_socket(const std::string& data_dir,
                                                const std::vector<std::string>& args, std::string& out,
                                                int& exit_code);

}  // namespace townhall::cli
