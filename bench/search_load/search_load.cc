// search_load: fills an embedded store with messages through the chat layer
// while the search indexer follows the table's stream, then asks the index
// random one- to three-word queries as random members, and reports send
// throughput, how long the index took to catch up, and query latency
// (p50/p90/p99/max). See README.md for how the figures were taken.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "chat/chat_service.h"
#include "engine/engine.h"
#include "search/indexer.h"
#include "search/message_index.h"
#include "search/search_service.h"

namespace {

using namespace townhall;
using Clock = std::chrono::steady_clock;

// Pseudo-words: stems of 3 to 9 letters drawn with English letter
// frequencies, a third of them also inflected (-s, -ed, -ing), as in real
// text (a word is the prefix of a few others, not of hundreds). Their
// frequencies follow Zipf's law (rank r drawn with weight 1/r).
class Vocabulary {
 public:
  explicit Vocabulary(size_t size) {
    static const char kLetters[] =
        "eeeeeeeeeeeettttttttttaaaaaaaaoooooooiiiiiiinnnnnnnsssssshhhhhhrrrrrrddddllllcccuuummwwffggyyppbbvkj"
        "xqz";
    std::mt19937_64 random(7);
    while (words_.size() < size) {
      std::string stem;
      size_t length = 3 + random() % 7;
      for (size_t i = 0; i < length; ++i) stem += kLetters[random() % (sizeof kLetters - 1)];
      words_.push_back(stem);
      if (random() % 3 == 0) {
        for (const char* ending : {"s", "ed", "ing"}) words_.push_back(stem + ending);
      }
    }
    words_.resize(size);
    double total = 0;
    for (size_t r = 1; r <= size; ++r) {
      total += 1.0 / static_cast<double>(r);
      cdf_.push_back(total);
    }
    for (auto& c : cdf_) c /= total;
  }
  const std::string& draw(std::mt19937_64& random) const {
    double u = std::uniform_real_distribution<double>(0, 1)(random);
    size_t rank = static_cast<size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) - cdf_.begin());
    return words_[std::min(rank, words_.size() - 1)];
  }

 private:
  std::vector<std::string> words_;
  std::vector<double> cdf_;
};

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t at = static_cast<size_t>(std::ceil(p * static_cast<double>(values.size()))) - 1;
  return values[std::min(at, values.size() - 1)];
}

template <class T>
T must(chat::Result<T> result, const char* what) {
  if (!result.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, result.error().message.c_str());
    std::exit(1);
  }
  return std::move(result).value();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"search_load: message search at scale on the embedded store"};
  std::string data = "/tmp/townhall-search-load";
  int64_t messages = 1'000'000;
  int users = 20, channels = 50, threads = 2, queries = 2000, vocabulary_size = 20000;
  bool keep = false, reuse = false;
  app.add_option("--data", data, "Store directory (emptied first unless --reuse)")->capture_default_str();
  app.add_option("--messages", messages, "Messages to send")->capture_default_str();
  app.add_option("--users", users, "Users (each in every channel)")->capture_default_str();
  app.add_option("--channels", channels, "Channels")->capture_default_str();
  app.add_option("--threads", threads, "Sending threads")->capture_default_str();
  app.add_option("--queries", queries, "Queries to time")->capture_default_str();
  app.add_option("--vocabulary", vocabulary_size, "Distinct words")->capture_default_str();
  app.add_flag("--reuse", reuse, "Query a store filled by an earlier run (with --keep)");
  app.add_flag("--keep", keep, "Keep the store afterwards");
  CLI11_PARSE(app, argc, argv);

  if (!reuse) std::filesystem::remove_all(data);
  engine::EngineOptions engine_options;
  engine_options.data_dir = data;
  auto engine = engine::Engine::open(engine_options);
  if (!engine.ok()) {
    std::fprintf(stderr, "engine: %s\n", engine.error().to_string().c_str());
    return 1;
  }
  chat::ChatOptions options;
  options.password_cost = chat::ChatOptions::PasswordCost::kMinimum;
  options.clock_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  chat::ChatService chat(**engine, options);
  if (!chat.ensure_table().ok()) return 1;
  auto index = must(search::MessageIndex::open(data + "/search.sqlite"), "index");
  search::Indexer indexer(**engine, options.table_name, *index);
  if (auto started = indexer.start(); !started.ok()) {
    std::fprintf(stderr, "indexer: %s\n", started.error().message.c_str());
    return 1;
  }
  search::SearchService search(chat, *index, &indexer);
  Vocabulary vocabulary(static_cast<size_t>(vocabulary_size));

  std::vector<chat::User> people;
  std::vector<chat::Channel> rooms;
  if (reuse) {
    // The users and channels of the earlier run, by their fixed ids.
    for (int u = 0; u < users; ++u)
      people.push_back(must(chat.accounts().find_user("u" + std::to_string(u)), "user"));
    auto page = must(chat.channels().channels_of(people[0], "", 100), "channels");
    for (const auto& membership : page.items)
      rooms.push_back(must(chat.channels().find(membership.channel_id), "channel"));
  } else {
    for (int u = 0; u < users; ++u) {
      people.push_back(must(
          chat.accounts().create_user("user " + std::to_string(u), "u" + std::to_string(u) + "@load.example",
                                      "u" + std::to_string(u)),
          "user"));
    }
    for (int c = 0; c < channels; ++c) {
      rooms.push_back(
          must(chat.channels().create(people[0], "room " + std::to_string(c), "", c % 5 == 4), "channel"));
      for (int u = 1; u < users; ++u) {
        if (c % 5 == 4) {
          must(chat.channels().add_member(people[0], rooms.back().id, people[static_cast<size_t>(u)]), "add");
        } else {
          must(chat.channels().join(people[static_cast<size_t>(u)], rooms.back().id), "join");
        }
      }
    }
    std::atomic<int64_t> next{0}, failed{0};
    auto started = Clock::now();
    std::vector<std::thread> senders;
    for (int t = 0; t < threads; ++t) {
      senders.emplace_back([&, t] {
        std::mt19937_64 random(static_cast<uint64_t>(t) + 1);
        std::string text;
        while (next.fetch_add(1) < messages) {
          text.clear();
          size_t words = 4 + random() % 13;
          for (size_t w = 0; w < words; ++w) {
            if (w) text += ' ';
            text += vocabulary.draw(random);
          }
          const auto& who = people[random() % people.size()];
          const auto& where = rooms[random() % rooms.size()];
          if (!chat.messages().send(who, where.id, text).ok()) failed.fetch_add(1);
        }
      });
    }
    std::atomic<bool> done{false};
    std::thread progress([&] {
      int64_t last = 0;
      auto tick = Clock::now();
      while (!done.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (Clock::now() - tick < std::chrono::seconds(5)) continue;
        tick = Clock::now();
        int64_t now = std::min(next.load(), messages);
        std::fprintf(stderr, "sent %lld (%lld/s)\n", static_cast<long long>(now),
                     static_cast<long long>((now - last) / 5));
        last = now;
      }
    });
    for (auto& s : senders) s.join();
    done.store(true);
    progress.join();
    double send_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    auto caught = Clock::now();
    while (!indexer.ready() || !indexer.catch_up().ok())
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    double catch_up_seconds = std::chrono::duration<double>(Clock::now() - caught).count();
    std::printf("sent %lld messages (%lld failed) in %.1f s: %.0f sends/s, with the indexer following\n",
                static_cast<long long>(messages), static_cast<long long>(failed.load()), send_seconds,
                static_cast<double>(messages) / send_seconds);
    std::printf("index caught up %.2f s after the last send\n", catch_up_seconds);
  }
  std::printf("indexed messages: %lld; index file %.1f MB\n",
              static_cast<long long>(must(index->count(), "count")),
              static_cast<double>(std::filesystem::file_size(data + "/search.sqlite")) / 1e6);

  std::mt19937_64 random(99);
  for (int words = 1; words <= 3; ++words) {
    std::vector<double> latencies;
    int64_t hits = 0, empty = 0;
    for (int q = 0; q < queries; ++q) {
      std::string query;
      for (int w = 0; w < words; ++w) {
        if (w) query += ' ';
        query += vocabulary.draw(random);
      }
      search::SearchRequest request;
      request.query = query;
      const auto& who = people[random() % people.size()];
      auto started = Clock::now();
      auto results = search.search(who, request);
      latencies.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
      if (!results.ok()) {
        std::fprintf(stderr, "%s: %s\n", query.c_str(), results.error().message.c_str());
        return 1;
      }
      hits += static_cast<int64_t>(results->hits.size());
      if (results->hits.empty()) ++empty;
    }
    std::printf(
        "%d-word queries (%d, as random members): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; "
        "%.1f hits per page, %lld with none\n",
        words, queries, percentile(latencies, 0.5), percentile(latencies, 0.9), percentile(latencies, 0.99),
        percentile(latencies, 1.0), static_cast<double>(hits) / queries, static_cast<long long>(empty));
  }
  indexer.stop();
  if (!keep) std::filesystem::remove_all(data);
  return 0;
}
