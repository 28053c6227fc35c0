// BatchGetItem and BatchWriteItem.
#include <set>

#include "ddb/expression.h"
#include "engine/multi_write.h"

namespace townhall::engine {

using ddb::AttributeMap;
using ddb::Error;

namespace {

constexpr size_t kMaxBatchGetKeys = 100;
constexpr size_t kMaxBatchWrites = 25;
constexpr size_t kMaxBatchGetBytes = 16 * 1024 * 1024;

}  // namespace

ddb::Result<ddb::BatchGetItemResponse> Engine::batch_get_item(const ddb::BatchGetItemRequest& request) {
  TH_RETURN_IF_ERROR(validate_return_consumed_capacity(request.return_consumed_capacity));
  if (request.request_items.empty()) return Error::Validation("BatchGetItem must have some requests set");
  size_t total = 0;
  for (const auto& [table_name, keys_and_attributes] : request.request_items) {
    if (keys_and_attributes.keys.empty()) {
      return Error::Validation(
          "The list of keys in RequestItems for BatchGetItem is required: " + table_name + " has empty list");
    }
    total += keys_and_attributes.keys.size();
  }
  if (total > kMaxBatchGetKeys)
    return Error::Validation("Too many items requested for the BatchGetItem call");

  // Validate everything before reading anything.
  struct TableRead {
    std::shared_ptr<const TableSchema> schema;
    ddb::Expressions expressions;
    std::vector<std::string> keys;
  };
  std::map<std::string, TableRead, std::less<>> reads;
  for (const auto& [table_name, keys_and_attributes] : request.request_items) {
    TH_ASSIGN_OR_RETURN(ddb::Expressions expressions, ddb::Expressions::for_request(keys_and_attributes));
    TH_ASSIGN_OR_RETURN(auto handle, find_table(*context_, table_name));
    TableRead read{handle->schema(), std::move(expressions), {}};
    std::set<std::string> seen;
    for (const auto& key : keys_and_attributes.keys) {
      TH_ASSIGN_OR_RETURN(std::string encoded, encode_base_key(*read.schema, key, KeySource::kKey));
      if (!seen.insert(encoded).second)
        return Error::Validation("Provided list of item keys contains duplicates");
      read.keys.push_back(std::move(encoded));
    }
    reads.emplace(table_name, std::move(read));
  }

  ddb::BatchGetItemResponse response;
  size_t response_bytes = 0;
  for (const auto& [table_name, keys_and_attributes] : request.request_items) {
    TableRead& read = reads.find(table_name)->second;
    auto& items = response.responses[table_name];
    const bool consistent = keys_and_attributes.consistent_read.value_or(false);
    double units = 0;
    for (size_t i = 0; i < read.keys.size(); ++i) {
      if (response_bytes >= kMaxBatchGetBytes) {
        // DynamoDB returns at most 16 MB; the rest is left for the caller to retry.
        auto& unprocessed = response.unprocessed_keys[table_name];
        if (unprocessed.keys.empty()) {
          unprocessed = keys_and_attributes;
          unprocessed.keys.clear();
        }
        unprocessed.keys.push_back(keys_and_attributes.keys[i]);
        continue;
      }
      TH_ASSIGN_OR_RETURN(std::optional<AttributeMap> item, read_item(context_->store, read.keys[i]));
      if (!item) continue;
      size_t size = ddb::item_size_bytes(*item);
      response_bytes += size;
      units += read_units(size, consistent);
      items.push_back(read.expressions.has_projection() ? read.expressions.project(*item) : std::move(*item));
    }
    if (wants_capacity(request.return_consumed_capacity)) {
      if (!response.consumed_capacity) response.consumed_capacity.emplace();
      response.consumed_capacity->push_back(
          read_capacity(table_name, units, request.return_consumed_capacity));
    }
  }
  return response;
}

ddb::Result<ddb::BatchWriteItemResponse> Engine::batch_write_item(const ddb::BatchWriteItemRequest& request) {
  TH_RETURN_IF_ERROR(validate_return_consumed_capacity(request.return_consumed_capacity));
  if (request.request_items.empty()) return Error::Validation("BatchWriteItem must have some requests set");
  size_t total = 0;
  for (const auto& [table_name, writes] : request.request_items) {
    if (writes.empty()) {
      return Error::Validation(
          "1 validation error detected: Value '{" + table_name +
          "=[]}' at 'requestItems' failed to satisfy constraint: Map value must satisfy "
          "constraint: [Member must have length less than or equal to 25, Member must have "
          "length greater than or equal to 1]");
    }
    total += writes.size();
  }
  if (total > kMaxBatchWrites)
    return Error::Validation("Too many items requested for the BatchWriteItem call");

  std::vector<MultiWriteItem> items;
  std::vector<std::string> item_tables;
  items.reserve(total);
  for (const auto& [table_name, writes] : request.request_items) {
    TH_ASSIGN_OR_RETURN(auto handle, find_table(*context_, table_name));
    auto schema = handle->schema();
    std::set<std::string> seen;
    for (const auto& write : writes) {
      if (write.put_request.has_value() == write.delete_request.has_value()) {
        return Error::Validation(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
            "supported "
            "datatypes");
      }
      MultiWriteItem item;
      item.handle = handle;
      if (write.put_request) {
        const AttributeMap& new_item = write.put_request->item;
        TH_ASSIGN_OR_RETURN(item.key, encode_base_key(*schema, new_item, KeySource::kItem));
        TH_RETURN_IF_ERROR(validate_item_for_write(*schema, new_item));
        item.mutation = [&new_item](const AttributeMap*) -> ddb::Result<std::optional<AttributeMap>> {
          return std::optional(new_item);
        };
      } else {
        TH_ASSIGN_OR_RETURN(item.key, encode_base_key(*schema, write.delete_request->key, KeySource::kKey));
        item.mutation = [](const AttributeMap*) -> ddb::Result<std::optional<AttributeMap>> {
          return std::optional<AttributeMap>();
        };
      }
      if (!seen.insert(item.key).second)
        return Error::Validation("Provided list of item keys contains duplicates");
      items.push_back(std::move(item));
      item_tables.push_back(table_name);
    }
  }
  TH_ASSIGN_OR_RETURN(bool committed, run_multi_write(*context_, items));
  if (!committed) {
    for (auto& item : items)
      if (item.error) return std::move(*item.error);
  }
  ddb::BatchWriteItemResponse response;
  if (wants_capacity(request.return_consumed_capacity)) {
    std::map<std::string, WriteUnits> per_table;
    for (size_t i = 0; i < items.size(); ++i) per_table[item_tables[i]].add(items[i].units);
    response.consumed_capacity.emplace();
    for (const auto& [table_name, units] : per_table) {
      response.consumed_capacity->push_back(
          write_capacity(table_name, units, request.return_consumed_capacity));
    }
  }
  return response;
}

}  // namespace townhall::engine
