// Acknowledged writes survive kill -9. The test binary re-executes itself as
// a child that writes under load (puts that move index entries, updates,
// transactions, from two threads) and reports every acknowledged write
// through a pipe; the parent kills it at a random moment, reopens the store
// and checks that every acknowledged write is there and that the index
// agrees with the table. Twenty kill cycles in a row on the same directory.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <thread>

#include "engine/test_util.h"

namespace townhall::engine {
namespace {

using namespace testing;

constexpr const char* kChildEnv = "TOWNHALL_CRASH_CHILD";
constexpr int kKeysPerThread = 10;

AttributeMap key_of(int k) { return {{"PK", S("k" + std::to_string(k))}, {"SK", S("s")}}; }

void report(int fd, const std::string& line) {
  // One write() of less than PIPE_BUF bytes: the parent never sees half a record.
  ssize_t written = write(fd, line.data(), line.size());
  if (written != static_cast<ssize_t>(line.size())) _exit(3);
}

// The child: writes until killed. Values grow across cycles (base), so a
// stored value is never below an acknowledged one unless a write was lost.
[[noreturn]] void run_child(const std::string& dir, int fd, int64_t base) {
  auto opened = Engine::open({.data_dir = dir});
  if (!opened.ok()) _exit(2);
  auto& db = *opened.value();
  auto writer = [&](int thread) {
    for (int64_t i = 0;; ++i) {
      int64_t value = base + i;
      int k = thread * 100 + static_cast<int>(i % kKeysPerThread);
      std::string g = "g" + std::to_string(value % 3);
      switch (i % 3) {
        case 0: {
          ddb::PutItemRequest p;
          p.table_name = "Crash";
          p.item = key_of(k);
          p.item["V"] = N(value);
          p.item["G"] = S(g);
          if (db.put_item(p).ok()) report(fd, std::to_string(k) + " " + std::to_string(value) + "\n");
          break;
        }
        case 1: {
          ddb::UpdateItemRequest u;
          u.table_name = "Crash";
          u.key = key_of(k);
          u.update_expression = "SET V = :v, G = :g";
          u.expression_attribute_values = AttributeMap{{":v", N(value)}, {":g", S(g)}};
          if (db.update_item(u).ok()) report(fd, std::to_string(k) + " " + std::to_string(value) + "\n");
          break;
        }
        default: {
          int other = thread * 100 + static_cast<int>((i + 1) % kKeysPerThread);
          ddb::TransactWriteItemsRequest t;
          t.transact_items.resize(2);
          for (int j = 0; j < 2; ++j) {
            auto& u = t.transact_items[j].update.emplace();
            u.table_name = "Crash";
            u.key = key_of(j == 0 ? k : other);
            u.update_expression = "SET V = :v REMOVE G";
            u.expression_attribute_values = AttributeMap{{":v", N(value)}};
          }
          if (db.transact_write_items(t).ok()) {
            report(fd, std::to_string(k) + " " + std::to_string(value) + "\n" + std::to_string(other) + " " +
                           std::to_string(value) + "\n");
          }
        }
      }
    }
  };
  std::thread second(writer, 1);
  writer(0);
  second.join();
  _exit(0);
}

TEST(CrashTest, ChildWriter) {
  const char* spec = getenv(kChildEnv);
  if (!spec) GTEST_SKIP() << "runs only as the child of CrashTest.AcknowledgedWritesSurviveKill9";
  std::string s(spec);
  size_t a = s.find('|'), b = s.rfind('|');
  run_child(s.substr(0, a), std::stoi(s.substr(a + 1, b - a - 1)), std::stoll(s.substr(b + 1)));
}

// Reads what the child reported until the deadline or EOF.
void read_reports(int fd, std::string& buffer, std::chrono::steady_clock::time_point deadline,
                  bool until_eof) {
  char chunk[4096];
  for (;;) {
    int timeout_ms = 0;
    if (!until_eof) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return;
      timeout_ms = static_cast<int>(left.count());
    } else {
      timeout_ms = 5000;
    }
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return;
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n <= 0) return;
    buffer.append(chunk, static_cast<size_t>(n));
  }
}

void check_store(const std::string& dir, const std::map<int, int64_t>& acknowledged, int cycle) {
  auto opened = Engine::open({.data_dir = dir});
  TH_ASSERT_OK(opened);
  auto& db = *opened.value();
  ddb::ScanRequest scan;
  scan.table_name = "Crash";
  auto items = db.scan(scan);
  TH_ASSERT_OK(items);
  std::map<int, AttributeMap> stored;
  for (auto& item : *items->items) stored[std::stoi(item.at("PK").as_string().substr(1))] = item;
  for (const auto& [k, value] : acknowledged) {
    ASSERT_TRUE(stored.count(k)) << "cycle " << cycle << ": acknowledged key " << k << " lost";
    EXPECT_GE(*stored[k].at("V").as_number().to_int64(), value) << "cycle " << cycle << " key " << k;
  }
  // The index holds exactly the items that have G, with their current G.
  scan.index_name = "ByG";
  auto entries = db.scan(scan);
  TH_ASSERT_OK(entries);
  size_t with_g = 0;
  for (const auto& [k, item] : stored) with_g += item.count("G");
  EXPECT_EQ(entries->items->size(), with_g) << "cycle " << cycle;
  for (const auto& entry : *entries->items) {
    int k = std::stoi(entry.at("PK").as_string().substr(1));
    ASSERT_TRUE(stored.count(k)) << "index entry without item, cycle " << cycle;
    EXPECT_EQ(entry, stored[k]) << "cycle " << cycle;  // ALL projection: the same item
  }
  auto described = db.describe_table({"Crash"});
  TH_ASSERT_OK(described);
  EXPECT_EQ(described->table.item_count, static_cast<int64_t>(stored.size()));
}

TEST(CrashTest, AcknowledgedWritesSurviveKill9) {
  TempDir dir;
  {
    auto db = Engine::open({.data_dir = dir.path()});
    TH_ASSERT_OK(db);
    auto r = pk_sk_table("Crash");
    r.attribute_definitions.push_back({"G", "S"});
    r.global_secondary_indexes = std::vector<ddb::GlobalSecondaryIndex>{gsi("ByG", "G", std::nullopt, "ALL")};
    TH_ASSERT_OK((*db)->create_table(r));
  }
  std::map<int, int64_t> acknowledged;
  std::mt19937 rng(std::random_device{}());
  int64_t total_acks = 0;
  for (int cycle = 0; cycle < 20; ++cycle) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    std::string spec =
        dir.path() + "|" + std::to_string(fds[1]) + "|" + std::to_string((cycle + 1) * 1000000LL);
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      setenv(kChildEnv, spec.c_str(), 1);
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      const char* args[] = {"engine_tests", "--gtest_filter=CrashTest.ChildWriter", nullptr};
      execv("/proc/self/exe", const_cast<char* const*>(args));
      _exit(4);
    }
    close(fds[1]);
    std::string buffer;
    // Wait for the first acknowledgement, then kill at a random moment.
    auto first_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (buffer.empty() && std::chrono::steady_clock::now() < first_deadline) {
      read_reports(fds[0], buffer, std::chrono::steady_clock::now() + std::chrono::milliseconds(5), false);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(5 + rng() % 60);
    read_reports(fds[0], buffer, deadline, false);
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with " << WEXITSTATUS(status);
    read_reports(fds[0], buffer, {}, true);  // what it reported before dying
    close(fds[0]);
    size_t start = 0;
    for (size_t end; (end = buffer.find('\n', start)) != std::string::npos; start = end + 1) {
      std::string line = buffer.substr(start, end - start);
      size_t space = line.find(' ');
      int k = std::stoi(line.substr(0, space));
      int64_t value = std::stoll(line.substr(space + 1));
      acknowledged[k] = std::max(acknowledged[k], value);
      ++total_acks;
    }
    check_store(dir.path(), acknowledged, cycle);
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(total_acks, 100);
}

}  // namespace
}  // namespace townhall::engine
