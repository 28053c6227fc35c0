// BackgroundTasks: the engine's own threads (index backfills, the counts at
// open). Each task runs on a thread of its own and should return soon after
// its stop_token asks it to.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

namespace townhall::engine {

class BackgroundTasks {
 public:
  BackgroundTasks() = default;
  // Asks every task to stop and waits for them.
  ~BackgroundTasks() {
    std::lock_guard lock(mutex_);
    for (auto& task : tasks_) task.thread.request_stop();
    tasks_.clear();  // joins
  }
  BackgroundTasks(const BackgroundTasks&) = delete;
  BackgroundTasks& operator=(const BackgroundTasks&) = delete;

  void start(std::function<void(std::stop_token)> work) {
    std::lock_guard lock(mutex_);
    std::erase_if(tasks_, [](const Task& task) { return task.done->load(); });  // joins them
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::jthread thread([work = std::move(work), done](std::stop_token stop) {
      work(std::move(stop));
      done->store(true);
    });
    tasks_.push_back(Task{std::move(done), std::move(thread)});
  }

 private:
  struct Task {
    std::shared_ptr<std::atomic<bool>> done;
    std::jthread thread;
  };
  std::mutex mutex_;
  std::vector<Task> tasks_;  // GUARDED_BY(mutex_)
};

}  // namespace townhall::engine
