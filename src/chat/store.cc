#include "chat/store.h"

#include <chrono>
#include <ctime>
#include <thread>

#include "chat/items.h"

namespace townhall::chat {

using items::S;

ChatStore::ChatStore(ddb::Database& db, ChatOptions options) : db_(db), options_(std::move(options)) {
  if (!options_.clock_ms) options_.clock_ms = wall_clock_ms;
}

int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string ChatStore::today() const {
  std::time_t seconds = static_cast<std::time_t>(now_ms() / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

ddb::AttributeMap ChatStore::key(std::string pk, std::string sk) {
  return ddb::AttributeMap{{"PK", S(std::move(pk))}, {"SK", S(std::move(sk))}};
}

Result<std::optional<ddb::AttributeMap>> ChatStore::get(std::string pk, std::string sk) {
  ddb::GetItemRequest request;
  request.table_name = table();
  request.key = key(std::move(pk), std::move(sk));
  request.consistent_read = true;
  auto response = db_.get_item(request);
  if (!response.ok()) return Error::FromStore(response.error());
  return std::move(response->item);
}

Result<std::vector<ddb::AttributeMap>> ChatStore::batch_get(std::vector<ddb::AttributeMap> keys) {
  std::vector<ddb::AttributeMap> found;
  if (keys.empty()) return found;
  if (keys.size() > 100) return Error::Internal("batch_get takes at most 100 keys");
  ddb::BatchGetItemRequest request;
  request.request_items[table()].keys = std::move(keys);
  request.request_items[table()].consistent_read = true;
  // A store may answer part of a batch (throttling, size): ask again for the
  // rest, a bounded number of times.
  for (int attempt = 0; attempt < 10 && !request.request_items.empty(); ++attempt) {
    auto response = db_.batch_get_item(request);
    if (!response.ok()) return Error::FromStore(response.error());
    for (auto& [name, items] : response->responses) {
      for (auto& item : items) found.push_back(std::move(item));
    }
    request.request_items = std::move(response->unprocessed_keys);
  }
  if (!request.request_items.empty()) {
    return Error{Code::kUnavailable, "the store kept part of a batch read unanswered"};
  }
  return found;
}

Result<ddb::QueryResponse> ChatStore::query(ddb::QueryRequest request) {
  request.table_name = table();
  auto response = db_.query(request);
  if (!response.ok()) return Error::FromStore(response.error());
  return std::move(response).value();
}

Status ChatStore::put(ddb::AttributeMap item) {
  ddb::PutItemRequest request;
  request.table_name = table();
  request.item = std::move(item);
  auto response = db_.put_item(request);
  if (!response.ok()) return Error::FromStore(response.error());
  return Status::Ok();
}

Status ChatStore::remove(std::string pk, std::string sk) {
  ddb::DeleteItemRequest request;
  request.table_name = table();
  request.key = key(std::move(pk), std::move(sk));
  auto response = db_.delete_item(request);
  if (!response.ok()) return Error::FromStore(response.error());
  return Status::Ok();
}

Result<ChatStore::TransactOutcome> ChatStore::transact(std::vector<ddb::TransactWriteItem> actions) {
  ddb::TransactWriteItemsRequest request;
  request.transact_items = std::move(actions);
  constexpr int kAttempts = 5;
  for (int attempt = 1;; ++attempt) {
    auto response = db_.transact_write_items(request);
    if (response.ok()) return TransactOutcome{true, {}};
    const ddb::Error& error = response.error();
    bool conflict =
        error.is(ddb::ErrorCode::kTransactionConflict) || error.is(ddb::ErrorCode::kTransactionInProgress);
    if (error.is(ddb::ErrorCode::kTransactionCanceled)) {
      TransactOutcome outcome;
      for (const auto& reason : error.cancellation_reasons) {
        outcome.reasons.push_back(reason.code);
        if (reason.code == "TransactionConflict") conflict = true;
      }
      bool condition_failed = false;
      for (const auto& code : outcome.reasons) condition_failed |= code == "ConditionalCheckFailed";
      // A failed condition is an answer; a conflict alone is worth another try.
      if (condition_failed || !conflict) return outcome;
    }
    if (!conflict || attempt == kAttempts) return Error::FromStore(error);
    std::this_thread::sleep_for(std::chrono::milliseconds(2 << attempt));
  }
}

namespace {

ddb::TransactWriteAction action_on(const std::string& table) {
  ddb::TransactWriteAction action;
  action.table_name = table;
  return action;
}

void set_values(ddb::TransactWriteAction& action, ddb::AttributeMap values) {
  if (!values.empty()) action.expression_attribute_values = std::move(values);
}

}  // namespace

ddb::TransactWriteItem ChatStore::put_action(ddb::AttributeMap item,
                                             std::optional<std::string> condition) const {
  ddb::TransactWriteItem out;
  auto& action = out.put.emplace(action_on(table()));
  action.item = std::move(item);
  action.condition_expression = std::move(condition);
  return out;
}

ddb::TransactWriteItem ChatStore::update_action(ddb::AttributeMap key, std::string update,
                                                ddb::AttributeMap values,
                                                std::optional<std::string> condition) const {
  ddb::TransactWriteItem out;
  auto& action = out.update.emplace(action_on(table()));
  action.key = std::move(key);
  action.update_expression = std::move(update);
  action.condition_expression = std::move(condition);
  set_values(action, std::move(values));
  return out;
}

ddb::TransactWriteItem ChatStore::delete_action(ddb::AttributeMap key, std::optional<std::string> condition,
                                                ddb::AttributeMap values) const {
  ddb::TransactWriteItem out;
  auto& action = out.delete_.emplace(action_on(table()));
  action.key = std::move(key);
  action.condition_expression = std::move(condition);
  set_values(action, std::move(values));
  return out;
}

ddb::TransactWriteItem ChatStore::check_action(ddb::AttributeMap key, std::string condition,
                                               ddb::AttributeMap values) const {
  ddb::TransactWriteItem out;
  auto& action = out.condition_check.emplace(action_on(table()));
  action.key = std::move(key);
  action.condition_expression = std::move(condition);
  set_values(action, std::move(values));
  return out;
}

}  // namespace townhall::chat
