// The chat service in process, on the embedded engine (on disk under /tmp,
// WAL on, no fsync): durable sends per second (each one TransactWriteItems of
// the message, MessageCount + 1 and the membership check) and AP3 history
// pages (50 newest messages) per second, on 1 and 2 threads.
//
// Run: build/bench/chat_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <mutex>

#include "chat/chat_service.h"
#include "engine/engine.h"

namespace {

using namespace townhall;

struct Fixture {
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<chat::ChatService> chat;
  chat::User alice;
  std::vector<chat::Channel> channels;  // one per benchmark thread: no contention on one channel item
  std::filesystem::path dir;

  Fixture() {
    dir = std::filesystem::temp_directory_path() / ("townhall-chat-bench-" + std::to_string(getpid()));
    engine::EngineOptions options;
    options.data_dir = dir.string();
    engine = std::move(engine::Engine::open(options)).value();
    chat::ChatOptions chat_options;
    chat_options.password_cost = chat::ChatOptions::PasswordCost::kMinimum;
    chat = std::make_unique<chat::ChatService>(*engine, chat_options);
    if (!chat->ensure_table().ok()) std::abort();
    alice = std::move(chat->accounts().sign_up("Alice", "alice@mail.com", "password1")).value();
    for (int i = 0; i < 4; ++i) {
      channels.push_back(
          std::move(chat->channels().create(alice, "bench " + std::to_string(i), "", false)).value());
      // A history to page through: 1,000 messages of ~100 bytes.
      for (int m = 0; m < 1000; ++m) {
        if (!chat->messages().send(alice, channels.back().id, std::string(100, 'x')).ok()) std::abort();
      }
    }
  }
  ~Fixture() {
    chat.reset();
    engine.reset();
    std::filesystem::remove_all(dir);
  }
};

Fixture& fixture() {
  static Fixture* f = new Fixture();  // shared by every benchmark; freed at exit by the OS
  return *f;
}

void BM_Send(benchmark::State& state) {
  Fixture& f = fixture();
  const auto& channel = f.channels[static_cast<size_t>(state.thread_index())];
  std::string text(100, 'x');
  for (auto _ : state) {
    auto sent = f.chat->messages().send(f.alice, channel.id, text);
    if (!sent.ok()) state.SkipWithError(sent.error().message.c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Send)->Threads(1)->Threads(2)->UseRealTime();

void BM_SendSameChannel(benchmark::State& state) {
  Fixture& f = fixture();
  std::string text(100, 'x');
  for (auto _ : state) {
    auto sent = f.chat->messages().send(f.alice, f.channels[0].id, text);
    if (!sent.ok()) state.SkipWithError(sent.error().message.c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SendSameChannel)->Threads(2)->UseRealTime();

void BM_HistoryPage(benchmark::State& state) {
  Fixture& f = fixture();
  const auto& channel = f.channels[static_cast<size_t>(state.thread_index())];
  for (auto _ : state) {
    auto page = f.chat->messages().history(f.alice, channel.id, "", 50);
    if (!page.ok() || page->items.size() != 50) state.SkipWithError("history page");
    benchmark::DoNotOptimize(page);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HistoryPage)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
