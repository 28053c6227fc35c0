#include "migrate/migrate.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>

#include "migrate/state_file.h"

namespace townhall::migrate {
namespace {

using ddb::Error;
using ddb::ErrorCode;

// Full jitter: a random wait in [0, min(cap, base * 2^attempt)).
void back_off(int attempt) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  int64_t ceiling = std::min<int64_t>(5000, int64_t{50} << std::min(attempt, 10));
  std::uniform_int_distribution<int64_t> wait(0, ceiling);
  std::this_thread::sleep_for(std::chrono::milliseconds(wait(random)));
}

// Calls fn until it succeeds, fails with a non-retryable error, or runs out of attempts.
template <class Fn>
auto with_retries(int max_attempts, Fn fn) -> decltype(fn()) {
  for (int attempt = 0;; ++attempt) {
    auto result = fn();
    if (result.ok() || !ddb::is_retryable(result.error().code) || attempt + 1 >= max_attempts) return result;
    back_off(attempt);
  }
}

ddb::CreateTableRequest schema_of(const ddb::TableDescription& table) {
  ddb::CreateTableRequest create;
  create.table_name = table.table_name.value_or("");
  create.key_schema = table.key_schema.value_or(std::vector<ddb::KeySchemaElement>{});
  create.attribute_definitions =
      table.attribute_definitions.value_or(std::vector<ddb::AttributeDefinition>{});
  create.billing_mode = "PAY_PER_REQUEST";
  if (table.global_secondary_indexes) {
    auto& indexes = create.global_secondary_indexes.emplace();
    for (const auto& index : *table.global_secondary_indexes) {
      indexes.push_back({index.index_name.value_or(""),
                         index.key_schema.value_or(std::vector<ddb::KeySchemaElement>{}),
                         index.projection.value_or(ddb::Projection{}), std::nullopt});
    }
  }
  if (table.local_secondary_indexes) {
    auto& indexes = create.local_secondary_indexes.emplace();
    for (const auto& index : *table.local_secondary_indexes) {
      indexes.push_back({index.index_name.value_or(""),
                         index.key_schema.value_or(std::vector<ddb::KeySchemaElement>{}),
                         index.projection.value_or(ddb::Projection{})});
    }
  }
  return create;
}

class TableCopy {
 public:
  TableCopy(ddb::Database& from, ddb::Database& to, const MigrateOptions& options, MigrationState& state,
            std::string table, int64_t expected, std::mutex& progress_mutex)
      : from_(from),
        to_(to),
        options_(options),
        state_(state),
        table_(std::move(table)),
        expected_(expected),
        copied_(state.copied(table_)),
        progress_mutex_(progress_mutex) {}

  ddb::Status run() {
    std::vector<std::thread> workers;
    std::vector<ddb::Status> results(options_.segments);
    for (int segment = 0; segment < options_.segments; ++segment) {
      workers.emplace_back([this, segment, &results] { results[segment] = copy_segment(segment); });
    }
    for (auto& worker : workers) worker.join();
    for (auto& result : results) TH_RETURN_IF_ERROR(result);
    report(true);
    return ddb::Status::Ok();
  }

 private:
  ddb::Status copy_segment(int segment) {
    MigrationState::Segment position = state_.segment(table_, segment);
    while (!position.done) {
      if (stopped_) return Error::Internal("migration interrupted");
      ddb::ScanRequest scan;
      scan.table_name = table_;
      scan.segment = segment;
      scan.total_segments = options_.segments;
      scan.exclusive_start_key = position.position;
      scan.limit = 500;
      scan.consistent_read = true;
      auto page = with_retries(options_.max_attempts, [&] { return from_.scan(scan); });
      if (!page.ok()) return std::move(page).error();
      auto items = page->items ? std::move(*page->items) : std::vector<ddb::AttributeMap>{};
      const auto page_items = static_cast<int64_t>(items.size());
      for (size_t begin = 0; begin < items.size(); begin += 25) {
        size_t end = std::min(items.size(), begin + 25);
        TH_RETURN_IF_ERROR(write_batch(std::vector<ddb::AttributeMap>(
            std::make_move_iterator(items.begin() + begin), std::make_move_iterator(items.begin() + end))));
      }
      position.position = std::move(page->last_evaluated_key);
      position.done = !position.position;
      // Saved only once the whole page is in the target: a resume re-reads at
      // most one page, and re-putting its items is harmless.
      TH_RETURN_IF_ERROR(state_.advance(table_, segment, position, page_items));
      report(false);
      if (options_.stop_after_items > 0 && copied_.load() >= options_.stop_after_items) {
        stopped_ = true;
        return Error::Internal("migration interrupted");
      }
    }
    return ddb::Status::Ok();
  }

  ddb::Status write_batch(std::vector<ddb::AttributeMap> items) {
    size_t count = items.size();
    ddb::BatchWriteItemRequest batch;
    auto& requests = batch.request_items[table_];
    for (auto& item : items) requests.push_back({ddb::PutRequest{std::move(item)}, std::nullopt});
    for (int attempt = 0;; ++attempt) {
      auto response = to_.batch_write_item(batch);
      if (response.ok()) {
        if (response->unprocessed_items.empty()) break;
        batch.request_items = std::move(response->unprocessed_items);  // throttled: send the rest again
      } else if (!ddb::is_retryable(response.error().code)) {
        return std::move(response).error();
      }
      if (attempt + 1 >= options_.max_attempts) {
        return Error{ErrorCode::kProvisionedThroughputExceeded,
                     "the target kept throttling writes to " + table_ + "; try again later"};
      }
      back_off(attempt);
    }
    copied_ += static_cast<int64_t>(count);
    return ddb::Status::Ok();
  }

  void report(bool done) {
    if (!options_.on_progress) return;
    std::lock_guard lock(progress_mutex_);
    options_.on_progress({table_, copied_.load(), expected_, done});
  }

  ddb::Database& from_;
  ddb::Database& to_;
  const MigrateOptions& options_;
  MigrationState& state_;
  std::string table_;
  int64_t expected_;
  std::atomic<int64_t> copied_;
  std::atomic<bool> stopped_{false};
  std::mutex& progress_mutex_;
};

ddb::Result<ddb::TableDescription> wait_active(ddb::Database& db, const std::string& table,
                                               int max_attempts) {
  for (int i = 0; i < 1200; ++i) {
    ddb::DescribeTableRequest describe{table};
    auto described = with_retries(max_attempts, [&] { return db.describe_table(describe); });
    if (!described.ok()) return std::move(described).error();
    bool active = described->table.table_status.value_or("ACTIVE") == "ACTIVE";
    for (const auto& index :
         described->table.global_secondary_indexes.value_or(std::vector<ddb::IndexDescription>{})) {
      active &= index.index_status.value_or("ACTIVE") == "ACTIVE";
    }
    if (active) return std::move(described->table);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Error::Internal("table " + table + " did not become ACTIVE");
}

ddb::Status ensure_schema(ddb::Database& to, const ddb::TableDescription& source, int max_attempts) {
  auto create = schema_of(source);
  auto created = with_retries(max_attempts, [&] { return to.create_table(create); });
  if (!created.ok() && !created.error().is(ErrorCode::kResourceInUse)) return std::move(created).error();
  TH_ASSIGN_OR_RETURN(auto target, wait_active(to, create.table_name, max_attempts));
  if (target.key_schema != source.key_schema) {
    return Error::Validation("table " + create.table_name + " exists on the target with another key schema");
  }
  return ddb::Status::Ok();
}

ddb::Result<int64_t> count_items(ddb::Database& db, const std::string& table, int segments,
                                 int max_attempts) {
  std::atomic<int64_t> total{0};
  std::vector<std::optional<Error>> errors(segments);
  std::vector<std::thread> workers;
  for (int segment = 0; segment < segments; ++segment) {
    workers.emplace_back([&, segment] {
      ddb::ScanRequest scan;
      scan.table_name = table;
      scan.select = "COUNT";
      scan.segment = segment;
      scan.total_segments = segments;
      scan.consistent_read = true;
      do {
        auto page = with_retries(max_attempts, [&] { return db.scan(scan); });
        if (!page.ok()) {
          errors[segment] = std::move(page).error();
          return;
        }
        total += page->count;
        scan.exclusive_start_key = std::move(page->last_evaluated_key);
      } while (scan.exclusive_start_key);
    });
  }
  for (auto& worker : workers) worker.join();
  for (auto& error : errors)
    if (error) return std::move(*error);
  return total.load();
}

ddb::Result<std::vector<std::string>> list_all_tables(ddb::Database& db, int max_attempts) {
  std::vector<std::string> names;
  ddb::ListTablesRequest list;
  do {
    auto page = with_retries(max_attempts, [&] { return db.list_tables(list); });
    if (!page.ok()) return std::move(page).error();
    names.insert(names.end(), page->table_names.begin(), page->table_names.end());
    list.exclusive_start_table_name = page->last_evaluated_table_name;
  } while (list.exclusive_start_table_name);
  return names;
}

}  // namespace

ddb::Result<std::vector<TableReport>> migrate(ddb::Database& from, ddb::Database& to,
                                              const MigrateOptions& options) {
  if (options.segments < 1 || options.segments > 64) return Error::Validation("segments must be 1 to 64");
  TH_ASSIGN_OR_RETURN(auto state, MigrationState::open(options.state_file, options.segments));
  std::vector<std::string> tables = options.tables;
  if (tables.empty()) {
    TH_ASSIGN_OR_RETURN(tables, list_all_tables(from, options.max_attempts));
  }
  std::mutex progress_mutex;
  std::vector<TableReport> reports;
  for (const auto& table : tables) {
    TH_ASSIGN_OR_RETURN(auto source, wait_active(from, table, options.max_attempts));
    TH_RETURN_IF_ERROR(ensure_schema(to, source, options.max_attempts));
    TableCopy copy(from, to, options, *state, table, source.item_count.value_or(0), progress_mutex);
    TH_RETURN_IF_ERROR(copy.run());
    TableReport report{table};
    TH_ASSIGN_OR_RETURN(report.source_items,
                        count_items(from, table, options.segments, options.max_attempts));
    TH_ASSIGN_OR_RETURN(report.target_items, count_items(to, table, options.segments, options.max_attempts));
    if (!report.verified()) {
      return Error::Validation("table " + table + ": the source has " + std::to_string(report.source_items) +
                               " items but the target " + std::to_string(report.target_items));
    }
    reports.push_back(std::move(report));
  }
  return reports;
}

}  // namespace townhall::migrate
