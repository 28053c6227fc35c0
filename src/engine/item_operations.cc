// PutItem, GetItem, UpdateItem and DeleteItem.
#include "ddb/expression.h"
#include "engine/items.h"
#include "engine/request_checks.h"
#include "engine/write_path.h"

namespace townhall::engine {

using ddb::AttributeMap;
using ddb::Error;
using ddb::Expressions;

namespace {

// The mutation shared by conditional Put, Update and Delete: check the
// condition against the current item, then produce the new item.
template <class Produce>
ItemMutation conditional(const Expressions& expressions, bool return_old_on_failure, Produce produce) {
  return [&expressions, return_old_on_failure,
          produce](const AttributeMap* old_item) -> ddb::Result<std::optional<AttributeMap>> {
    TH_ASSIGN_OR_RETURN(bool holds, expressions.condition_holds(old_item));
    if (!holds) {
      return Error::ConditionalCheckFailed(return_old_on_failure && old_item ? std::optional(*old_item)
                                                                             : std::nullopt);
    }
    return produce(old_item);
  };
}

template <class Response, class Request>
void fill_write_response(Response& response, const Request& request, const TableSchema& schema,
                         const AttributeMap& key_source, const WriteUnits& units) {
  if (wants_capacity(request.return_consumed_capacity)) {
    response.consumed_capacity = write_capacity(request.table_name, units, request.return_consumed_capacity);
  }
  // Item collections exist only in tables with local secondary indexes.
  bool has_local_index = std::any_of(schema.indexes.begin(), schema.indexes.end(),
                                     [](const IndexSchema& index) { return !index.global; });
  if (request.return_item_collection_metrics == "SIZE" && has_local_index) {
    ddb::ItemCollectionMetrics metrics;
    metrics.item_collection_key = AttributeMap{*key_source.find(schema.hash.name)};
    metrics.size_estimate_range_gb = std::vector<double>{0.0, 1.0};
    response.item_collection_metrics = std::move(metrics);
  }
}

// The options every single-item write carries, checked as DynamoDB checks them.
template <class Request>
ddb::Status check_write_options(const Request& request, ReturnValuesAllowed allowed) {
  TH_RETURN_IF_ERROR(check_return_values(request.return_values, allowed));
  TH_RETURN_IF_ERROR(
      check_return_values_on_condition_check_failure(request.return_values_on_condition_check_failure));
  TH_RETURN_IF_ERROR(validate_return_consumed_capacity(request.return_consumed_capacity));
  return check_return_item_collection_metrics(request.return_item_collection_metrics);
}

}  // namespace

ddb::Result<ddb::PutItemResponse> Engine::put_item(const ddb::PutItemRequest& request) {
  TH_RETURN_IF_ERROR(check_write_options(request, ReturnValuesAllowed::kNoneOrAllOld));
  TH_ASSIGN_OR_RETURN(Expressions expressions, Expressions::for_request(request));
  TH_ASSIGN_OR_RETURN(auto handle, find_table(*context_, request.table_name));
  TableWriteLock table(handle);
  if (table.deleted()) return table_not_found();
  TH_ASSIGN_OR_RETURN(std::string key, encode_base_key(table.schema(), request.item, KeySource::kItem));
  auto mutation =
      conditional(expressions, return_old_on_failure(request.return_values_on_condition_check_failure),
                  [&request](const AttributeMap*) { return std::optional(request.item); });
  TH_ASSIGN_OR_RETURN(WriteOutcome outcome,
                      write_item(*context_, table.handle(), table.schema(), key, mutation));
  ddb::PutItemResponse response;
  if (request.return_values == "ALL_OLD" && outcome.old_item)
    response.attributes = std::move(outcome.old_item);
  fill_write_response(response, request, table.schema(), request.item, outcome.units);
  return response;
}

namespace {

// DeleteItem, its stream record marked with who deleted.
ddb::Result<ddb::DeleteItemResponse> delete_item_as(EngineContext& context,
                                                    const ddb::DeleteItemRequest& request,
                                                    WriteOrigin origin) {
  TH_RETURN_IF_ERROR(check_write_options(request, ReturnValuesAllowed::kNoneOrAllOld));
  TH_ASSIGN_OR_RETURN(Expressions expressions, Expressions::for_request(request));
  TH_ASSIGN_OR_RETURN(auto handle, find_table(context, request.table_name));
  TableWriteLock table(handle);
  if (table.deleted()) return table_not_found();
  TH_ASSIGN_OR_RETURN(std::string key, encode_base_key(table.schema(), request.key, KeySource::kKey));
  auto mutation =
      conditional(expressions, return_old_on_failure(request.return_values_on_condition_check_failure),
                  [](const AttributeMap*) { return std::optional<AttributeMap>(); });
  TH_ASSIGN_OR_RETURN(WriteOutcome outcome,
                      write_item(context, table.handle(), table.schema(), key, mutation, origin));
  ddb::DeleteItemResponse response;
  if (request.return_values == "ALL_OLD" && outcome.old_item)
    response.attributes = std::move(outcome.old_item);
  fill_write_response(response, request, table.schema(), request.key, outcome.units);
  return response;
}

}  // namespace

ddb::Result<ddb::DeleteItemResponse> Engine::delete_item(const ddb::DeleteItemRequest& request) {
  return delete_item_as(*context_, request, WriteOrigin::kClient);
}

ddb::Result<ddb::DeleteItemResponse> Engine::expire_item(const ddb::DeleteItemRequest& request) {
  return delete_item_as(*context_, request, WriteOrigin::kTimeToLive);
}

ddb::Result<ddb::UpdateItemResponse> Engine::update_item(const ddb::UpdateItemRequest& request) {
  TH_RETURN_IF_ERROR(check_write_options(request, ReturnValuesAllowed::kAll));
  TH_ASSIGN_OR_RETURN(Expressions expressions, Expressions::for_request(request));
  TH_ASSIGN_OR_RETURN(auto handle, find_table(*context_, request.table_name));
  TableWriteLock table(handle);
  if (table.deleted()) return table_not_found();
  const TableSchema& schema = table.schema();
  TH_ASSIGN_OR_RETURN(std::string key, encode_base_key(schema, request.key, KeySource::kKey));
  TH_RETURN_IF_ERROR(check_update_leaves_key_alone(schema, expressions));
  auto mutation =
      conditional(expressions, return_old_on_failure(request.return_values_on_condition_check_failure),
                  [&](const AttributeMap* old_item) -> ddb::Result<std::optional<AttributeMap>> {
                    AttributeMap item = old_item ? *old_item : request.key;
                    if (expressions.has_update()) TH_RETURN_IF_ERROR(expressions.apply_update(item));
                    TH_RETURN_IF_ERROR(check_updated_item_size(item));
                    return std::optional(std::move(item));
                  });
  TH_ASSIGN_OR_RETURN(WriteOutcome outcome, write_item(*context_, table.handle(), schema, key, mutation));
  ddb::UpdateItemResponse response;
  const std::string rv = request.return_values.value_or("NONE");
  std::optional<AttributeMap> attributes;
  if (rv == "ALL_OLD") {
    attributes = std::move(outcome.old_item);
  } else if (rv == "ALL_NEW") {
    attributes = std::move(outcome.new_item);
  } else if (rv == "UPDATED_OLD" && outcome.old_item) {
    attributes = expressions.updated_parts(*outcome.old_item);
  } else if (rv == "UPDATED_NEW" && outcome.new_item) {
    attributes = expressions.updated_parts(*outcome.new_item);
  }
  if (attributes && !attributes->empty()) response.attributes = std::move(attributes);
  fill_write_response(response, request, table.schema(), request.key, outcome.units);
  return response;
}

ddb::Result<ddb::GetItemResponse> Engine::get_item(const ddb::GetItemRequest& request) {
  TH_RETURN_IF_ERROR(validate_return_consumed_capacity(request.return_consumed_capacity));
  TH_ASSIGN_OR_RETURN(Expressions expressions, Expressions::for_request(request));
  TH_ASSIGN_OR_RETURN(auto handle, find_table(*context_, request.table_name));
  auto schema = handle->schema();
  TH_ASSIGN_OR_RETURN(std::string key, encode_base_key(*schema, request.key, KeySource::kKey));
  TH_ASSIGN_OR_RETURN(std::optional<AttributeMap> item, read_item(context_->store, key));
  ddb::GetItemResponse response;
  if (wants_capacity(request.return_consumed_capacity)) {
    const size_t size = item ? ddb::item_size_bytes(*item) : 0;
    const bool consistent = request.consistent_read.value_or(false);
    response.consumed_capacity =
        read_capacity(request.table_name, read_units(size, consistent), request.return_consumed_capacity);
  }
  if (item) response.item = expressions.has_projection() ? expressions.project(*item) : std::move(*item);
  return response;
}

}  // namespace townhall::engine
