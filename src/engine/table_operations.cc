// CreateTable, DeleteTable, DescribeTable, ListTables, UpdateTable, TTL,
// tags and DescribeEndpoints.
#include <chrono>
#include <mutex>
#include <shared_mutex>

#include "engine/context.h"
#include "engine/hashing.h"
#include "engine/item_codec.h"
#include "engine/items.h"
#include "engine/key_codec.h"
#include "engine/table_schema_builder.h"

namespace townhall::engine {

using ddb::Error;

namespace {

// Table operations name the table in the error, as the Developer Guide's
// example does ("Requested resource not found: Table: tablename not found").
ddb::Result<std::shared_ptr<TableHandle>> find_named_table(EngineContext& context, std::string_view name) {
  auto handle = find_table(context, name);
  if (!handle.ok() && handle.error().code == ddb::ErrorCode::kResourceNotFound) {
    return Error::ResourceNotFound("Requested resource not found: Table: " + std::string(name) +
                                   " not found");
  }
  return handle;
}

double now_seconds() { return static_cast<double>(now_epoch_ms()) / 1000.0; }

// "arn:aws:dynamodb:<region>:<account>:table/<name>" -> the table's handle.
ddb::Result<std::shared_ptr<TableHandle>> find_by_arn(EngineContext& context, const std::string& arn) {
  constexpr std::string_view kPrefix = "arn:aws:dynamodb:";
  size_t slash = arn.find(":table/");
  if (!arn.starts_with(kPrefix) || slash == std::string::npos) {
    return Error::Validation("Invalid TableArn: Invalid ResourceArn provided as input " + arn);
  }
  std::string name = arn.substr(slash + 7);
  auto handle = context.catalog.find(name);
  if (!handle)
    return Error::ResourceNotFound("Requested resource not found: ResourceArn: " + arn + " not found");
  return handle;
}

StreamInfo open_stream(EngineContext& context, TableSchema& schema, KvWriteBatch& batch) {
  return context.streams.create_for(schema, context.stream_sequencer.next(), batch);
}

}  // namespace

ddb::Result<ddb::CreateTableResponse> Engine::create_table(const ddb::CreateTableRequest& request) {
  TH_ASSIGN_OR_RETURN(TableSchema schema, schema_from_create_request(request));
  std::lock_guard ddl(context_->catalog.ddl_mutex());
  if (context_->catalog.find(schema.name)) return Error::ResourceInUse("Cannot create preexisting table");
  KvWriteBatch batch;
  schema.id = context_->catalog.allocate_table_id(batch);
  schema.creation_time = now_seconds();
  std::optional<StreamInfo> stream;
  if (schema.stream && schema.stream->stream_enabled) stream = open_stream(*context_, schema, batch);
  Catalog::add_schema_write(schema, batch);
  TH_RETURN_IF_ERROR(context_->store.write(batch));
  if (stream) context_->streams.publish(*stream);
  auto shared = std::make_shared<const TableSchema>(std::move(schema));
  auto handle = std::make_shared<TableHandle>(shared);
  context_->catalog.publish(handle);
  ddb::CreateTableResponse response;
  response.table_description = describe_schema(*shared, handle.get());
  return response;
}

ddb::Result<ddb::DeleteTableResponse> Engine::delete_table(const ddb::DeleteTableRequest& request) {
  std::lock_guard ddl(context_->catalog.ddl_mutex());
  TH_ASSIGN_OR_RETURN(auto handle, find_named_table(*context_, request.table_name));
  std::unique_lock table_lock(handle->mutex());  // waits for item writes in flight
  auto schema = handle->schema();
  if (schema->deletion_protection) {
    return Error::Validation(
        "Resource cannot be deleted as it is currently protected against deletion. Disable deletion "
        "protection "
        "first.");
  }
  ddb::DeleteTableResponse response;
  response.table_description = describe_schema(*schema, handle.get(), "DELETING");
  // Items and index entries go in one range deletion, with the schema.
  KvWriteBatch batch;
  std::string prefix = keys::table_prefix(schema->id);
  batch.delete_range(prefix, keys::prefix_successor(prefix));
  Catalog::add_schema_delete(schema->name, batch);
  // Its stream closes but stays readable for the retention period.
  std::optional<StreamInfo> stream;
  if (schema->stream && schema->stream->stream_enabled) {  // it has a stream (open_missing_streams)
    TH_ASSIGN_OR_RETURN(stream, context_->streams.close(schema->stream_id, batch));
  }
  TH_RETURN_IF_ERROR(context_->store.write(batch));
  if (stream) context_->streams.publish(*stream);
  handle->mark_deleted();
  context_->catalog.remove(schema->name);
  return response;
}

ddb::Result<ddb::DescribeTableResponse> Engine::describe_table(const ddb::DescribeTableRequest& request) {
  TH_ASSIGN_OR_RETURN(auto handle, find_named_table(*context_, request.table_name));
  std::shared_lock table_lock(handle->mutex());
  ddb::DescribeTableResponse response;
  response.table = describe_schema(*handle->schema(), handle.get());
  return response;
}

ddb::Result<ddb::ListTablesResponse> Engine::list_tables(const ddb::ListTablesRequest& request) {
  if (request.limit && (*request.limit < 1 || *request.limit > 100)) {
    return Error::Validation(
        "1 validation error detected: Value '" + std::to_string(*request.limit) +
        "' at 'limit' failed to satisfy constraint: Member must have value " +
        (*request.limit < 1 ? "greater than or equal to 1" : "less than or equal to 100"));
  }
  if (request.exclusive_start_table_name) {
    TH_RETURN_IF_ERROR(validate_table_name(*request.exclusive_start_table_name));
  }
  size_t limit = static_cast<size_t>(request.limit.value_or(100));
  ddb::ListTablesResponse response;
  for (auto& name : context_->catalog.table_names()) {
    if (request.exclusive_start_table_name && name <= *request.exclusive_start_table_name) continue;
    if (response.table_names.size() == limit) {
      response.last_evaluated_table_name = response.table_names.back();
      break;
    }
    response.table_names.push_back(std::move(name));
  }
  return response;
}

ddb::Result<ddb::UpdateTableResponse> Engine::update_table(const ddb::UpdateTableRequest& request) {
  std::vector<uint16_t> created;
  TH_ASSIGN_OR_RETURN(auto handle, change_table(request, created));
  // New GSIs are in the schema, CREATING, and writes already maintain them;
  // what remains is copying the items that were there before.
  handle->wait_counted();  // the count at open decides small or not
  const bool small = handle->table_counters().items.load() <= context_->options.synchronous_backfill_items;
  if (small) {
    for (uint16_t id : created) TH_RETURN_IF_ERROR(context_->backfill.run(*handle, id));
  }
  ddb::UpdateTableResponse response;
  response.table_description = describe_schema(*handle->schema(), handle.get());
  if (!small) {
    for (uint16_t id : created) context_->backfill.start(handle, id);
  }
  return response;
}

// UpdateTable's changes to the schema, under the catalog's and the table's
// locks; the ids of the GSIs it creates go to created.
ddb::Result<std::shared_ptr<TableHandle>> Engine::change_table(const ddb::UpdateTableRequest& request,
                                                               std::vector<uint16_t>& created) {
  std::lock_guard ddl(context_->catalog.ddl_mutex());
  TH_ASSIGN_OR_RETURN(auto handle, find_named_table(*context_, request.table_name));
  std::unique_lock table_lock(handle->mutex());
  TableSchema schema = *handle->schema();
  const bool nothing = !request.billing_mode && !request.provisioned_throughput &&
                       !request.global_secondary_index_updates && !request.stream_specification &&
                       !request.sse_specification && !request.deletion_protection_enabled &&
                       !request.table_class;
  if (nothing) {
    return Error::Validation(
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
        "GlobalSecondaryIndexUpdates or "
        "SSESpecification or ReplicaUpdates is required");
  }
  if (request.billing_mode) {
    if (*request.billing_mode != "PROVISIONED" && *request.billing_mode != "PAY_PER_REQUEST") {
      return Error::Validation(
          "1 validation error detected: Value '" + *request.billing_mode +
          "' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value "
          "set: [PROVISIONED, PAY_PER_REQUEST]");
    }
    schema.billing_mode = *request.billing_mode;
  }
  if (request.provisioned_throughput) {
    if (schema.billing_mode == "PAY_PER_REQUEST") {
      return Error::InvalidParameter(
          "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
          "PAY_PER_REQUEST");
    }
    schema.throughput = *request.provisioned_throughput;
  } else if (schema.billing_mode == "PROVISIONED" && schema.throughput.read_capacity_units == 0) {
    return Error::InvalidParameter("ProvisionedThroughput must be specified when BillingMode is PROVISIONED");
  }
  if (request.stream_specification) {
    TH_RETURN_IF_ERROR(validate_stream_specification(*request.stream_specification));
    const bool enabled = schema.stream && schema.stream->stream_enabled;
    if (request.stream_specification->stream_enabled && enabled) {
      return Error::Validation("Table already has an enabled stream");
    }
    if (!request.stream_specification->stream_enabled && !enabled) {
      return Error::Validation("Table has no stream to disable");
    }
  }
  if (request.deletion_protection_enabled) schema.deletion_protection = *request.deletion_protection_enabled;
  if (request.table_class) schema.table_class = *request.table_class;

  KvWriteBatch batch;
  std::vector<uint16_t> dropped;
  if (request.global_secondary_index_updates) {
    for (const auto& update : *request.global_secondary_index_updates) {
      int actions = update.create.has_value() + update.update.has_value() + update.delete_.has_value();
      if (actions != 1) {
        return Error::InvalidParameter(
            "One of GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Update, or "
            "GlobalSecondaryIndexUpdate.Delete must be specified");
      }
      if (update.create) {
        TH_ASSIGN_OR_RETURN(IndexSchema index,
                            index_from_create_action(schema, *update.create,
                                                     request.attribute_definitions.value_or(
                                                         std::vector<ddb::AttributeDefinition>{}),
                                                     schema.attribute_definitions));
        index.id = schema.next_index_id++;
        index.backfilling = true;
        created.push_back(index.id);
        // Entries a crash may have left from an earlier attempt with this id.
        std::string prefix = keys::index_prefix(schema.id, index.id);
        batch.delete_range(prefix, keys::prefix_successor(prefix));
        schema.indexes.push_back(std::move(index));
      } else {
        const std::string& name = update.update ? update.update->index_name : update.delete_->index_name;
        auto it = std::find_if(schema.indexes.begin(), schema.indexes.end(),
                               [&](const IndexSchema& i) { return i.global && i.name == name; });
        if (it == schema.indexes.end()) {
          return Error::ResourceNotFound("Requested resource not found: Index: " + name + " not found");
        }
        if (update.update) {
          if (update.update->provisioned_throughput) it->throughput = update.update->provisioned_throughput;
        } else {
          std::string prefix = keys::index_prefix(schema.id, it->id);
          batch.delete_range(prefix, keys::prefix_successor(prefix));
          dropped.push_back(it->id);
          schema.indexes.erase(it);
        }
      }
    }
  }
  // Attribute definitions keep only what some key still uses.
  std::erase_if(schema.attribute_definitions, [&](const ddb::AttributeDefinition& d) {
    return !schema.is_key_attribute(d.attribute_name);
  });

  // Last, once nothing else can fail: enabling makes a new stream (a new
  // ARN), disabling closes the current one.
  std::optional<StreamInfo> stream;
  if (request.stream_specification) {
    if (request.stream_specification->stream_enabled) {
      schema.stream = request.stream_specification;
      stream = open_stream(*context_, schema, batch);
    } else {
      TH_ASSIGN_OR_RETURN(stream, context_->streams.close(schema.stream_id, batch));
      schema.stream = request.stream_specification;
    }
  }
  Catalog::add_schema_write(schema, batch);
  TH_RETURN_IF_ERROR(context_->store.write(batch));
  if (stream) context_->streams.publish(*stream);
  for (uint16_t id : dropped) handle->drop_index_counters(id);
  handle->set_schema(std::make_shared<const TableSchema>(std::move(schema)));
  return handle;
}

ddb::Result<ddb::DescribeTimeToLiveResponse> Engine::describe_time_to_live(
    const ddb::DescribeTimeToLiveRequest& request) {
  TH_ASSIGN_OR_RETURN(auto handle, find_named_table(*context_, request.table_name));
  auto schema = handle->schema();
  ddb::DescribeTimeToLiveResponse response;
  if (schema->ttl_attribute) {
    response.time_to_live_description.time_to_live_status = "ENABLED";
    response.time_to_live_description.attribute_name = *schema->ttl_attribute;
  } else {
    response.time_to_live_description.time_to_live_status = "DISABLED";
  }
  return response;
}

ddb::Result<ddb::UpdateTimeToLiveResponse> Engine::update_time_to_live(
    const ddb::UpdateTimeToLiveRequest& request) {
  std::lock_guard ddl(context_->catalog.ddl_mutex());
  TH_ASSIGN_OR_RETURN(auto handle, find_named_table(*context_, request.table_name));
  const auto& spec = request.time_to_live_specification;
  if (spec.attribute_name.empty()) {
    return Error::Validation(
        "1 validation error detected: Value '' at 'timeToLiveSpecification.attributeName' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1");
  }
  std::unique_lock table_lock(handle->mutex());
  TableSchema schema = *handle->schema();
  if (spec.enabled && schema.ttl_attribute) return Error::Validation("TimeToLive is already enabled");
  if (!spec.enabled && !schema.ttl_attribute) return Error::Validation("TimeToLive is already disabled");
  if (!spec.enabled && *schema.ttl_attribute != spec.attribute_name) {
    return Error::Validation("TimeToLive is active on a different AttributeName: current AttributeName is " +
                             *schema.ttl_attribute);
  }
  const double now = now_seconds();
  const double interval = static_cast<double>(context_->options.ttl_change_interval.count()) / 1000.0;
  if (interval > 0 && schema.ttl_changed_at > 0 && now - schema.ttl_changed_at < interval) {
    return Error::Validation("Time to live has been modified multiple times within a fixed interval");
  }
  if (spec.enabled) {
    schema.ttl_attribute = spec.attribute_name;
  } else {
    schema.ttl_attribute.reset();
  }
  schema.ttl_changed_at = now;
  KvWriteBatch batch;
  Catalog::add_schema_write(schema, batch);
  TH_RETURN_IF_ERROR(context_->store.write(batch));
  handle->set_schema(std::make_shared<const TableSchema>(std::move(schema)));
  ddb::UpdateTimeToLiveResponse response;
  response.time_to_live_specification = spec;
  return response;
}

ddb::Result<ddb::TagResourceResponse> Engine::tag_resource(const ddb::TagResourceRequest& request) {
  std::lock_guard ddl(context_->catalog.ddl_mutex());
  TH_ASSIGN_OR_RETURN(auto handle, find_by_arn(*context_, request.resource_arn));
  std::unique_lock table_lock(handle->mutex());
  TableSchema schema = *handle->schema();
  for (const auto& tag : request.tags) {
    if (tag.key.empty() || tag.key.size() > 128 || tag.value.size() > 256) {
      return Error::Validation("One or more parameter values were invalid: The tag key or value is invalid");
    }
    auto it =
        std::find_if(schema.tags.begin(), schema.tags.end(), [&](const auto& t) { return t.key == tag.key; });
    if (it == schema.tags.end()) {
      schema.tags.push_back(tag);
    } else {
      it->value = tag.value;
    }
  }
  if (schema.tags.size() > 50) {
    return Error{ddb::ErrorCode::kLimitExceeded,
                 "The number of tags on the resource exceeds the limit of 50"};
  }
  KvWriteBatch batch;
  Catalog::add_schema_write(schema, batch);
  TH_RETURN_IF_ERROR(context_->store.write(batch));
  handle->set_schema(std::make_shared<const TableSchema>(std::move(schema)));
  return ddb::TagResourceResponse{};
}

ddb::Result<ddb::UntagResourceResponse> Engine::untag_resource(const ddb::UntagResourceRequest& request) {
  std::lock_guard ddl(context_->catalog.ddl_mutex());
  TH_ASSIGN_OR_RETURN(auto handle, find_by_arn(*context_, request.resource_arn));
  std::unique_lock table_lock(handle->mutex());
  TableSchema schema = *handle->schema();
  std::erase_if(schema.tags, [&](const ddb::Tag& t) {
    return std::find(request.tag_keys.begin(), request.tag_keys.end(), t.key) != request.tag_keys.end();
  });
  KvWriteBatch batch;
  Catalog::add_schema_write(schema, batch);
  TH_RETURN_IF_ERROR(context_->store.write(batch));
  handle->set_schema(std::make_shared<const TableSchema>(std::move(schema)));
  return ddb::UntagResourceResponse{};
}

ddb::Result<ddb::ListTagsOfResourceResponse> Engine::list_tags_of_resource(
    const ddb::ListTagsOfResourceRequest& request) {
  TH_ASSIGN_OR_RETURN(auto handle, find_by_arn(*context_, request.resource_arn));
  ddb::ListTagsOfResourceResponse response;
  response.tags = handle->schema()->tags;
  return response;
}

ddb::Result<ddb::DescribeEndpointsResponse> Engine::describe_endpoints(const ddb::DescribeEndpointsRequest&) {
  ddb::DescribeEndpointsResponse response;
  response.endpoints.push_back({context_->options.endpoint_address, 1440});
  return response;
}

}  // namespace townhall::engine
