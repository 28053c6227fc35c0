#include "engine/ttl_sweeper.h"

#include <set>
#include <vector>

#include "engine/hashing.h"

namespace townhall::engine {
namespace {

int64_t epoch_seconds() { return now_epoch_ms() / 1000; }

}  // namespace

TtlSweeper::TtlSweeper(ddb::Database& db, std::chrono::milliseconds tick, std::function<int64_t()> clock,
                       Remove remove)
    : db_(db),
      remove_(remove ? std::move(remove)
                     : Remove([&db](const auto& request) { return db.delete_item(request); })),
      tick_(tick),
      clock_(clock ? std::move(clock) : std::function<int64_t()>(epoch_seconds)) {}

TtlSweeper::~TtlSweeper() { stop(); }

void TtlSweeper::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      sweep_once();
      lock.lock();
      wake_.wait_for(lock, tick_, [this] { return stopping_; });
    }
  });
}

void TtlSweeper::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int64_t TtlSweeper::sweep_once() {
  int64_t deleted = 0;
  std::set<std::string> seen;
  ddb::ListTablesRequest list;
  do {
    auto tables = db_.list_tables(list);
    if (!tables.ok()) return deleted;
    for (const auto& table : tables->table_names) {
      seen.insert(table);
      auto ttl = db_.describe_time_to_live({table});
      if (!ttl.ok()) continue;  // dropped meanwhile
      const auto& description = ttl->time_to_live_description;
      if (description.time_to_live_status.value_or("") != "ENABLED" || !description.attribute_name) {
        walks_.erase(table);
        continue;
      }
      deleted += sweep_table(table, *description.attribute_name);
    }
    list.exclusive_start_table_name = tables->last_evaluated_table_name;
  } while (list.exclusive_start_table_name);
  std::erase_if(walks_, [&](const auto& entry) { return !seen.contains(entry.first); });
  deleted_.fetch_add(static_cast<uint64_t>(deleted));
  return deleted;
}

int64_t TtlSweeper::sweep_table(const std::string& table, const std::string& attribute) {
  auto [at, starting] = walks_.try_emplace(table);
  Walk& walk = at->second;
  if (starting) {
    auto described = db_.describe_table({table});
    if (!described.ok() || !described->table.key_schema) {
      walks_.erase(at);
      return 0;
    }
    for (const auto& element : *described->table.key_schema) walk.key_names.push_back(element.attribute_name);
  }
  ddb::NameMap names{{"#ttl", attribute}};
  std::string projection;
  for (size_t i = 0; i < walk.key_names.size(); ++i) {
    std::string name = "#k" + std::to_string(i);
    names[name] = walk.key_names[i];
    projection += (i ? ", " : "") + name;
  }
  const int64_t now = clock_();
  // Expired, and not so long ago that DynamoDB would leave it (values far in
  // the past are usually milliseconds written by mistake, or not a time at all).
  const std::string expired = "#ttl <= :now AND #ttl >= :oldest";
  ddb::AttributeMap values{{":now", ddb::AttributeValue::N(now)},
                           {":oldest", ddb::AttributeValue::N(now - kFiveYearsSeconds)}};

  ddb::ScanRequest scan;
  scan.table_name = table;
  scan.filter_expression = expired;
  scan.projection_expression = projection;
  scan.expression_attribute_names = names;
  scan.expression_attribute_values = values;
  scan.limit = kPageItems;
  scan.exclusive_start_key = walk.next;
  auto page = db_.scan(scan);
  if (!page.ok()) {
    walks_.erase(table);  // e.g. the table was dropped and made again: start over next time
    return 0;
  }
  walk.next = page->last_evaluated_key;
  if (!walk.next) walks_.erase(table);  // the walk is done; the next tick starts another

  int64_t deleted = 0;
  for (auto& key : page->items.value_or(std::vector<ddb::AttributeMap>{})) {
    ddb::DeleteItemRequest remove;
    remove.table_name = table;
    remove.key = std::move(key);
    remove.condition_expression = expired;  // still expired: a write that moved it on wins
    remove.expression_attribute_names = ddb::NameMap{{"#ttl", attribute}};
    remove.expression_attribute_values = values;
    auto done = remove_(remove);
    if (done.ok()) {
      ++deleted;
    } else if (done.error().code != ddb::ErrorCode::kConditionalCheckFailed) {
      // The store refuses writes (its health check reports why): try again next tick.
      break;
    }
  }
  return deleted;
}

}  // namespace townhall::engine
