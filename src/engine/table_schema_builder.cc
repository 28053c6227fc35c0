#include "engine/table_schema_builder.h"

#include <set>

#include "engine/items.h"

namespace townhall::engine {

using ddb::Error;

namespace {

constexpr size_t kMaxGlobalIndexes = 20;
constexpr size_t kMaxLocalIndexes = 5;
constexpr size_t kMaxNonKeyAttributes = 100;

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out;
}

ddb::Status validate_attribute_definitions(const std::vector<ddb::AttributeDefinition>& definitions) {
  for (size_t i = 0; i < definitions.size(); ++i) {
    const auto& type = definitions[i].attribute_type;
    if (type != "S" && type != "N" && type != "B") {
      return Error::Validation(
          "1 validation error detected: Value '" + type + "' at 'attributeDefinitions." +
          std::to_string(i + 1) +
          ".member.attributeType' failed to satisfy constraint: Member must satisfy enum "
          "value set: [B, N, S]");
    }
  }
  std::set<std::string> seen;
  for (const auto& d : definitions) {
    if (!seen.insert(d.attribute_name).second) {
      return Error::InvalidParameter("Duplicate AttributeName in AttributeDefinitions: " + d.attribute_name);
    }
  }
  return {};
}

ddb::AttributeType to_type(const std::string& type) {
  return type == "N" ? ddb::AttributeType::kN : type == "B" ? ddb::AttributeType::kB : ddb::AttributeType::kS;
}

// Parses a key schema (table's or index's): one HASH first, then at most one RANGE.
ddb::Status parse_key_schema(const std::vector<ddb::KeySchemaElement>& elements,
                             const std::vector<ddb::AttributeDefinition>& definitions, KeyAttribute& hash,
                             std::optional<KeyAttribute>& range) {
  for (size_t i = 0; i < elements.size(); ++i) {
    const auto& t = elements[i].key_type;
    if (t != "HASH" && t != "RANGE") {
      return Error::Validation(
          "1 validation error detected: Value '" + t + "' at 'keySchema." + std::to_string(i + 1) +
          ".member.keyType' failed to satisfy constraint: Member must satisfy enum value set: "
          "[HASH, RANGE]");
    }
  }
  if (elements.empty() || elements.size() > 2) {
    if (elements.size() > 2) {
      return Error::Validation(
          "1 validation error detected: Value at 'keySchema' failed to satisfy constraint: Member must have "
          "length less than or equal to 2");
    }
    return Error::Validation(
        "No Hash Key specified in schema.  All Dynamo DB tables must have exactly one hash key");
  }
  int hashes = 0;
  for (const auto& e : elements) hashes += e.key_type == "HASH";
  if (hashes == 0) {
    return Error::Validation(
        "No Hash Key specified in schema.  All Dynamo DB tables must have exactly one hash key");
  }
  if (hashes > 1) {
    return Error::Validation(
        "Too many hash keys specified.  All Dynamo DB tables must have exactly one hash key");
  }
  if (elements[0].key_type != "HASH") {
    return Error::Validation(
        "Invalid key order. Hash Key must be specified first in key schema, Range Key must be specifed "
        "second");
  }
  if (elements.size() == 2 && elements[0].attribute_name == elements[1].attribute_name) {
    return Error::InvalidParameter(
        "Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  std::vector<std::string> undefined;
  std::vector<KeyAttribute> parsed;
  for (const auto& e : elements) {
    auto it = std::find_if(definitions.begin(), definitions.end(),
                           [&](const auto& d) { return d.attribute_name == e.attribute_name; });
    if (it == definitions.end()) {
      undefined.push_back(e.attribute_name);
    } else {
      parsed.push_back({e.attribute_name, to_type(it->attribute_type)});
    }
  }
  if (!undefined.empty()) {
    std::vector<std::string> defined;
    defined.reserve(definitions.size());
    for (const auto& d : definitions) defined.push_back(d.attribute_name);
    return Error::InvalidParameter(
        "Some index key attributes are not defined in AttributeDefinitions. Keys: [" + join_names(undefined) +
        "], AttributeDefinitions: [" + join_names(defined) + "]");
  }
  hash = parsed[0];
  range.reset();
  if (parsed.size() == 2) range = parsed[1];
  return {};
}

ddb::Status validate_projection(const ddb::Projection& projection, const std::string& index_name) {
  const auto& type = projection.projection_type;
  if (!type) return Error::InvalidParameter("Unknown ProjectionType: null");
  if (*type != "ALL" && *type != "KEYS_ONLY" && *type != "INCLUDE") {
    return Error::Validation(
        "1 validation error detected: Value '" + *type +
        "' at 'projection.projectionType' failed to satisfy constraint: Member must satisfy "
        "enum value set: [INCLUDE, ALL, KEYS_ONLY]");
  }
  if (*type == "INCLUDE") {
    if (!projection.non_key_attributes || projection.non_key_attributes->empty()) {
      return Error::InvalidParameter("ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
    }
    std::set<std::string> seen;
    for (const auto& a : *projection.non_key_attributes) {
      if (!seen.insert(a).second) {
        std::string message = "Duplicate attribute in NonKeyAttributes: " + a;
        message += " for index: ";
        message += index_name;
        return Error::InvalidParameter(message);
      }
    }
  } else if (projection.non_key_attributes) {
    return Error::InvalidParameter("ProjectionType is " + *type + ", but NonKeyAttributes is specified");
  }
  return {};
}

ddb::Status validate_throughput(const ddb::ProvisionedThroughput& t, const std::string& where) {
  for (auto [value, name] : {std::pair{t.read_capacity_units, "readCapacityUnits"},
                             std::pair{t.write_capacity_units, "writeCapacityUnits"}}) {
    if (value < 1) {
      return Error::Validation(
          "1 validation error detected: Value '" + std::to_string(value) + "' at '" + where + "." + name +
          "' failed to satisfy constraint: Member must have value greater than or equal to 1");
    }
  }
  return {};
}

ddb::Result<IndexSchema> build_index(const std::string& name,
                                     const std::vector<ddb::KeySchemaElement>& key_schema,
                                     const ddb::Projection& projection, bool global,
                                     const std::vector<ddb::AttributeDefinition>& definitions) {
  TH_RETURN_IF_ERROR(validate_table_name(name));
  IndexSchema index;
  index.name = name;
  index.global = global;
  TH_RETURN_IF_ERROR(parse_key_schema(key_schema, definitions, index.hash, index.range));
  TH_RETURN_IF_ERROR(validate_projection(projection, name));
  index.projection_type = *projection.projection_type;
  if (projection.non_key_attributes) index.non_key_attributes = *projection.non_key_attributes;
  return index;
}

ddb::Status validate_gsi_throughput(const std::optional<ddb::ProvisionedThroughput>& t, bool provisioned,
                                    const std::string& index_name) {
  if (provisioned && !t) {
    return Error::InvalidParameter("ProvisionedThroughput must be specified for index: " + index_name);
  }
  if (!provisioned && t) {
    return Error::InvalidParameter("ProvisionedThroughput should not be specified for index: " + index_name +
                                   " when BillingMode is PAY_PER_REQUEST");
  }
  if (t) TH_RETURN_IF_ERROR(validate_throughput(*t, "globalSecondaryIndexes.member.provisionedThroughput"));
  return {};
}

}  // namespace

ddb::Result<TableSchema> schema_from_create_request(const ddb::CreateTableRequest& request) {
  TH_RETURN_IF_ERROR(validate_table_name(request.table_name));
  TableSchema schema;
  schema.name = request.table_name;
  TH_RETURN_IF_ERROR(validate_attribute_definitions(request.attribute_definitions));
  TH_RETURN_IF_ERROR(
      parse_key_schema(request.key_schema, request.attribute_definitions, schema.hash, schema.range));
  schema.attribute_definitions = request.attribute_definitions;

  schema.billing_mode = request.billing_mode.value_or("PROVISIONED");
  if (schema.billing_mode != "PROVISIONED" && schema.billing_mode != "PAY_PER_REQUEST") {
    return Error::Validation(
        "1 validation error detected: Value '" + schema.billing_mode +
        "' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: "
        "[PROVISIONED, PAY_PER_REQUEST]");
  }
  const bool provisioned = schema.billing_mode == "PROVISIONED";
  if (provisioned) {
    if (!request.provisioned_throughput) {
      return Error::InvalidParameter(
          "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
    }
    TH_RETURN_IF_ERROR(validate_throughput(*request.provisioned_throughput, "provisionedThroughput"));
    schema.throughput = *request.provisioned_throughput;
  } else if (request.provisioned_throughput) {
    return Error::InvalidParameter(
        "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is "
        "PAY_PER_REQUEST");
  }

  std::set<std::string> names;
  std::set<std::string> used{schema.hash.name};
  if (schema.range) used.insert(schema.range->name);
  size_t non_key_total = 0;

  if (request.local_secondary_indexes) {
    if (request.local_secondary_indexes->empty()) {
      return Error::InvalidParameter("List of LocalSecondaryIndexes is empty");
    }
    if (request.local_secondary_indexes->size() > kMaxLocalIndexes) {
      return Error::InvalidParameter("Number of LocalSecondaryIndexes exceeds per-table limit of 5");
    }
    if (!schema.range) {
      return Error::InvalidParameter(
          "Table KeySchema does not have a range key, which is required when specifying a "
          "LocalSecondaryIndex");
    }
    for (const auto& lsi : *request.local_secondary_indexes) {
      TH_ASSIGN_OR_RETURN(IndexSchema index, build_index(lsi.index_name, lsi.key_schema, lsi.projection,
                                                         false, request.attribute_definitions));
      if (index.hash.name != schema.hash.name) {
        return Error::InvalidParameter(
            "Index KeySchema does not have the same leading hash key as table KeySchema for index: " +
            index.name + ". index hash key: " + index.hash.name + ", table hash key: " + schema.hash.name);
      }
      if (!index.range) {
        return Error::InvalidParameter("Index KeySchema does not have a range key for index: " + index.name);
      }
      if (!names.insert(index.name).second)
        return Error::InvalidParameter("Duplicate index name: " + index.name);
      used.insert(index.range->name);
      non_key_total += index.non_key_attributes.size();
      index.id = schema.next_index_id++;
      schema.indexes.push_back(std::move(index));
    }
  }
  if (request.global_secondary_indexes) {
    if (request.global_secondary_indexes->empty()) {
      return Error::InvalidParameter("List of GlobalSecondaryIndexes is empty");
    }
    if (request.global_secondary_indexes->size() > kMaxGlobalIndexes) {
      return Error::InvalidParameter("GlobalSecondaryIndex count exceeds the per-table limit of 20");
    }
    for (const auto& gsi : *request.global_secondary_indexes) {
      TH_ASSIGN_OR_RETURN(IndexSchema index, build_index(gsi.index_name, gsi.key_schema, gsi.projection, true,
                                                         request.attribute_definitions));
      TH_RETURN_IF_ERROR(validate_gsi_throughput(gsi.provisioned_throughput, provisioned, index.name));
      index.throughput = gsi.provisioned_throughput;
      if (!names.insert(index.name).second)
        return Error::InvalidParameter("Duplicate index name: " + index.name);
      used.insert(index.hash.name);
      if (index.range) used.insert(index.range->name);
      non_key_total += index.non_key_attributes.size();
      index.id = schema.next_index_id++;
      schema.indexes.push_back(std::move(index));
    }
  }
  if (non_key_total > kMaxNonKeyAttributes) {
    return Error::InvalidParameter(
        "The sum of the number of non-key attributes across all secondary indexes must not exceed 100");
  }
  if (used.size() != request.attribute_definitions.size()) {
    return Error::InvalidParameter(
        "Number of attributes in KeySchema does not exactly match number of attributes defined in "
        "AttributeDefinitions");
  }
  if (request.tags) schema.tags = *request.tags;
  if (request.stream_specification)
    TH_RETURN_IF_ERROR(validate_stream_specification(*request.stream_specification));
  schema.stream = request.stream_specification;
  schema.deletion_protection = request.deletion_protection_enabled.value_or(false);
  schema.table_class = request.table_class.value_or("STANDARD");
  return schema;
}

ddb::Result<IndexSchema> index_from_create_action(
    const TableSchema& schema, const ddb::CreateGlobalSecondaryIndexAction& action,
    const std::vector<ddb::AttributeDefinition>& new_definitions,
    std::vector<ddb::AttributeDefinition>& definitions) {
  TH_RETURN_IF_ERROR(validate_attribute_definitions(new_definitions));
  // The request's definitions must agree with the table's and add what the new index needs.
  for (const auto& d : new_definitions) {
    auto it = std::find_if(definitions.begin(), definitions.end(),
                           [&](const auto& e) { return e.attribute_name == d.attribute_name; });
    if (it == definitions.end()) {
      definitions.push_back(d);
    } else if (it->attribute_type != d.attribute_type) {
      return Error::InvalidParameter("Cannot change the type of an existing key attribute: " +
                                     d.attribute_name);
    }
  }
  if (schema.find_index(action.index_name)) {
    return Error::InvalidParameter("Index with name: " + action.index_name + " already exists");
  }
  size_t globals = 0;
  for (const auto& index : schema.indexes) globals += index.global;
  if (globals >= kMaxGlobalIndexes) {
    return Error{ddb::ErrorCode::kLimitExceeded,
                 "GlobalSecondaryIndex count exceeds the per-table limit of 20"};
  }
  TH_ASSIGN_OR_RETURN(IndexSchema index, build_index(action.index_name, action.key_schema, action.projection,
                                                     true, new_definitions));
  TH_RETURN_IF_ERROR(validate_gsi_throughput(action.provisioned_throughput,
                                             schema.billing_mode == "PROVISIONED", index.name));
  index.throughput = action.provisioned_throughput;
  return index;
}

ddb::Status validate_stream_specification(const ddb::StreamSpecification& spec) {
  const auto& view = spec.stream_view_type;
  if (!spec.stream_enabled) {
    if (view) {
      return Error::Validation(
          "Invalid StreamViewType: Stream StreamEnabled was false but a StreamViewType was present.");
    }
    return {};
  }
  if (!view || view->empty()) {
    return Error::Validation(
        "Invalid StreamViewType: Stream ViewType must not be null or empty when enabling streams.");
  }
  if (*view != "KEYS_ONLY" && *view != "NEW_IMAGE" && *view != "OLD_IMAGE" && *view != "NEW_AND_OLD_IMAGES") {
    return Error::Validation("Invalid StreamViewType: " + *view);
  }
  return {};
}

std::string table_arn(std::string_view table_name) {
  return "arn:aws:dynamodb:ddblocal:000000000000:table/" + std::string(table_name);
}

ddb::TableDescription describe_schema(const TableSchema& schema, TableHandle* handle,
                                      const std::string& status) {
  ddb::TableDescription d;
  d.table_name = schema.name;
  d.table_status = status;
  d.table_arn = table_arn(schema.name);
  d.creation_date_time = schema.creation_time;
  d.attribute_definitions = schema.attribute_definitions;
  d.key_schema = std::vector<ddb::KeySchemaElement>{{schema.hash.name, "HASH"}};
  if (schema.range) d.key_schema->push_back({schema.range->name, "RANGE"});
  const bool provisioned = schema.billing_mode == "PROVISIONED";
  ddb::ProvisionedThroughputDescription throughput;
  throughput.last_increase_date_time = 0;
  throughput.last_decrease_date_time = 0;
  throughput.number_of_decreases_today = 0;
  throughput.read_capacity_units = provisioned ? schema.throughput.read_capacity_units : 0;
  throughput.write_capacity_units = provisioned ? schema.throughput.write_capacity_units : 0;
  d.provisioned_throughput = throughput;
  if (!provisioned) {
    d.billing_mode_summary = ddb::BillingModeSummary{"PAY_PER_REQUEST", schema.creation_time};
  }
  if (handle) handle->wait_counted();
  d.table_size_bytes = handle ? handle->table_counters().bytes.load() : 0;
  d.item_count = handle ? handle->table_counters().items.load() : 0;
  for (const auto& index : schema.indexes) {
    ddb::IndexDescription i;
    i.index_name = index.name;
    i.key_schema = std::vector<ddb::KeySchemaElement>{{index.hash.name, "HASH"}};
    if (index.range) i.key_schema->push_back({index.range->name, "RANGE"});
    i.projection = ddb::Projection{index.projection_type, std::nullopt};
    if (index.projection_type == "INCLUDE") i.projection->non_key_attributes = index.non_key_attributes;
    if (index.global) {
      i.index_status = index.backfilling ? "CREATING" : "ACTIVE";
      if (index.backfilling) i.backfilling = true;
      ddb::ProvisionedThroughputDescription t;
      t.read_capacity_units = index.throughput ? index.throughput->read_capacity_units : 0;
      t.write_capacity_units = index.throughput ? index.throughput->write_capacity_units : 0;
      i.provisioned_throughput = t;
    }
    if (handle) {
      auto& counters = handle->index_counters(index.id);
      i.index_size_bytes = counters.bytes.load();
      i.item_count = counters.items.load();
    } else {
      i.index_size_bytes = 0;
      i.item_count = 0;
    }
    i.index_arn = table_arn(schema.name) + "/index/" + index.name;
    auto& list = index.global ? d.global_secondary_indexes : d.local_secondary_indexes;
    if (!list) list.emplace();
    list->push_back(std::move(i));
  }
  if (schema.stream && schema.stream->stream_enabled) d.stream_specification = schema.stream;
  if (!schema.stream_label.empty()) {
    // The latest stream stays named after it is disabled, as in DynamoDB.
    d.latest_stream_label = schema.stream_label;
    d.latest_stream_arn = table_arn(schema.name) + "/stream/" + schema.stream_label;
  }
  d.deletion_protection_enabled = schema.deletion_protection;
  return d;
}

}  // namespace townhall::engine
