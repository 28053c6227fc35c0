#include "engine/read_loop.h"

#include <set>

#include "ddb/json_codec.h"
#include "engine/hashing.h"
#include "engine/item_codec.h"
#include "engine/key_codec.h"

namespace townhall::engine {

using ddb::AttributeMap;
using ddb::Error;

namespace {

constexpr size_t kPageBytes = 1024 * 1024;

AttributeMap last_evaluated_key(const TableSchema& schema, const IndexSchema* index,
                                const AttributeMap& item) {
  AttributeMap key = extract_key(schema, item);
  if (index) {
    if (auto it = item.find(index->hash.name); it != item.end()) key.insert(*it);
    if (index->range) {
      if (auto it = item.find(index->range->name); it != item.end()) key.insert(*it);
    }
  }
  return key;
}

// Places the iterator on the first key of the read, after ExclusiveStartKey.
void position(KvIterator& it, const ReadPlan& plan) {
  if (plan.forward) {
    if (plan.start_after) {
      it.seek(*plan.start_after);
      if (it.valid() && it.key() == *plan.start_after) it.next();
    } else {
      it.seek_to_first();
    }
  } else {
    if (plan.start_after) {
      it.seek_for_prev(*plan.start_after);
      if (it.valid() && it.key() == *plan.start_after) it.prev();
    } else {
      it.seek_to_last();
    }
  }
}

void add_capacity(ddb::QueryResponse& response, const ReadPlan& plan, const std::string& table_name,
                  const std::optional<std::string>& return_consumed_capacity, size_t bytes_read,
                  size_t base_bytes_read) {
  if (!wants_capacity(return_consumed_capacity)) return;
  double units = read_units(bytes_read, plan.consistent);
  response.consumed_capacity = read_capacity(table_name, units, return_consumed_capacity, plan.index);
  if (plan.fetch_base_item) {
    double base_units = read_units(base_bytes_read, plan.consistent);
    auto& c = *response.consumed_capacity;
    c.capacity_units = *c.capacity_units + base_units;
    if (c.table) c.table->capacity_units = base_units;
  }
}

}  // namespace

ddb::Status check_limit(const std::optional<int64_t>& limit) {
  if (limit && *limit < 1) return Error::Validation("Limit must be greater than or equal to 1");
  return {};
}

ddb::Status resolve_select(const std::optional<std::string>& select, const ddb::Expressions& expressions,
                           bool /*is_query*/, ReadPlan& plan) {
  const bool projection = expressions.has_projection();
  const IndexSchema* index = plan.index;
  if (select) {
    const std::string& s = *select;
    if (s != "ALL_ATTRIBUTES" && s != "ALL_PROJECTED_ATTRIBUTES" && s != "SPECIFIC_ATTRIBUTES" &&
        s != "COUNT") {
      return Error::Validation(
          "1 validation error detected: Value '" + s +
          "' at 'select' failed to satisfy constraint: Member must satisfy enum value set: "
          "[SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]");
    }
    if (s == "ALL_ATTRIBUTES" && projection) {
      return Error::Validation("Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES");
    }
    if (s == "COUNT" && projection) {
      return Error::Validation("Cannot specify the ProjectionExpression when choosing to get only the Count");
    }
    if (s == "SPECIFIC_ATTRIBUTES" && !projection) {
      return Error::Validation(
          "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
          "SPECIFIC_ATTRIBUTES");
    }
    if (s == "ALL_PROJECTED_ATTRIBUTES") {
      if (!index) {
        // DynamoDB says "Querying" for Scan too.
        return Error::Validation(
            "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
      }
      if (projection) {
        return Error::Validation(
            "Cannot specify the ProjectionExpression when choosing to get ALL_PROJECTED_ATTRIBUTES");
      }
    }
    plan.select = s;
  } else {
    plan.select = projection ? "SPECIFIC_ATTRIBUTES" : index ? "ALL_PROJECTED_ATTRIBUTES" : "ALL_ATTRIBUTES";
  }
  if (!index || index->projection_type == "ALL") return {};
  // The index stores only part of the item.
  if (plan.select == "ALL_ATTRIBUTES") {
    if (index->global) {
      return Error::InvalidParameter(
          "Select type ALL_ATTRIBUTES is not supported for global secondary index " + index->name +
          " because its projection type is not ALL");
    }
    plan.fetch_base_item = true;
  } else if (plan.select == "SPECIFIC_ATTRIBUTES") {
    std::vector<std::string> missing;
    for (const auto& name : expressions.projected_attribute_names()) {
      if (!index_projects(*plan.schema, *index, name)) missing.push_back(name);
    }
    if (!missing.empty()) {
      if (index->global) {
        std::string list;
        for (size_t i = 0; i < missing.size(); ++i) list += (i ? ", " : "") + missing[i];
        return Error::InvalidParameter("Global secondary index " + index->name + " does not project [" +
                                       list + "]");
      }
      plan.fetch_base_item = true;  // an LSI fetches the rest from the table
    }
  }
  return {};
}

ddb::Result<std::string> encode_start_key(const TableSchema& schema, const IndexSchema* index,
                                          const AttributeMap& start_key) {
  std::set<std::string> names{schema.hash.name};
  if (schema.range) names.insert(schema.range->name);
  if (index) {
    names.insert(index->hash.name);
    if (index->range) names.insert(index->range->name);
  }
  if (start_key.size() != names.size()) {
    return Error::Validation("Exclusive Start Key must have same size as table's key schema");
  }
  AttributeMap base_key = extract_key(schema, start_key);
  auto base = encode_base_key(schema, base_key, KeySource::kKey);
  if (!base.ok()) return Error::Validation("The provided starting key is invalid: " + base.error().message);
  if (!index) return std::move(base).value();
  auto key = index_key(schema, *index, start_key);
  if (!key) {
    return Error::Validation(
        "The provided starting key is invalid: The provided key element does not match the schema");
  }
  return std::move(*key);
}

ddb::Result<ddb::QueryResponse> run_read(EngineContext& context, const ReadPlan& plan,
                                         const std::string& table_name,
                                         const std::optional<std::string>& return_consumed_capacity) {
  const TableSchema& schema = *plan.schema;
  const ddb::Expressions& expressions = *plan.expressions;
  const KeyAttribute& partition = plan.index ? plan.index->hash : schema.hash;
  const bool count_only = plan.select == "COUNT";
  const bool project = plan.select == "SPECIFIC_ATTRIBUTES";

  ddb::QueryResponse response;
  if (!count_only) {
    response.items.emplace();
    // Most pages are short; a page that is not grows as it would anyway.
    response.items->reserve(plan.limit > 0 && plan.limit < 64 ? static_cast<size_t>(plan.limit) : 64);
  }
  size_t bytes_read = 0, base_bytes_read = 0;

  auto it = context.store.new_iterator(plan.lower, plan.upper);
  position(*it, plan);
  for (; it->valid(); plan.forward ? it->next() : it->prev()) {
    size_t item_bytes = 0;
    TH_ASSIGN_OR_RETURN(AttributeMap item, decode_item(it->value(), &item_bytes));
    if (plan.total_segments > 0 &&
        scan_segment_of(item.find(partition.name)->second, plan.total_segments) != plan.segment) {
      continue;
    }
    bytes_read += item_bytes;
    ++response.scanned_count;
    AttributeMap lek_source;
    if (plan.fetch_base_item) {
      // An LSI entry: the rest of the item comes from the table.
      lek_source = item;
      TH_ASSIGN_OR_RETURN(std::string base_key,
                          encode_base_key(schema, extract_key(schema, item), KeySource::kKey));
      TH_ASSIGN_OR_RETURN(std::optional<AttributeMap> full, read_item(context.store, base_key));
      if (full) {
        base_bytes_read += ddb::item_size_bytes(*full);
        item = std::move(*full);
      }
    }
    bool matches = true;
    if (expressions.has_filter()) {
      TH_ASSIGN_OR_RETURN(matches, expressions.filter_matches(item));
    }
    bool stop = (plan.limit > 0 && response.scanned_count >= plan.limit) || bytes_read >= kPageBytes;
    if (stop) {
      response.last_evaluated_key =
          last_evaluated_key(schema, plan.index, plan.fetch_base_item ? lek_source : item);
    }
    if (matches) {
      ++response.count;
      if (!count_only) {
        response.items->push_back(project ? expressions.project(item) : std::move(item));
      }
    }
    if (stop) break;
  }
  TH_RETURN_IF_ERROR(it->status());
  add_capacity(response, plan, table_name, return_consumed_capacity, bytes_read, base_bytes_read);
  return response;
}

// A stable hash: a parallel scan's segments stay the same if the server
// restarts in the middle of it.
int64_t scan_segment_of(const ddb::AttributeValue& partition_value, int64_t total) {
  std::string encoded;
  keys::append_key_value(encoded, partition_value);
  return static_cast<int64_t>(stable_hash(encoded) % static_cast<uint64_t>(total));
}

bool can_stream_json(const ReadPlan& plan) {
  return !plan.expressions->has_filter() && !plan.fetch_base_item && plan.total_segments == 0 &&
         (plan.select == "ALL_ATTRIBUTES" || plan.select == "ALL_PROJECTED_ATTRIBUTES");
}

ddb::Status run_read_json(EngineContext& context, const ReadPlan& plan, const std::string& table_name,
                          const std::optional<std::string>& return_consumed_capacity, std::string& out) {
  // The members after Items are few and small: they are encoded by the
  // codec (so they match encode_json exactly) and spliced after the items.
  ddb::QueryResponse rest;
  size_t bytes_read = 0;
  const size_t start = out.size();
  out.append(R"({"Items":[)");

  // On an error, out is left as it was.
  auto fail = [&](ddb::Error error) -> ddb::Status {
    out.resize(start);
    return error;
  };
  auto it = context.store.new_iterator(plan.lower, plan.upper);
  position(*it, plan);
  for (; it->valid(); plan.forward ? it->next() : it->prev()) {
    if (rest.count > 0) out.push_back(',');
    if (!append_item_json(it->value(), out, bytes_read)) return fail(Error::Internal("corrupt item"));
    ++rest.count;
    if ((plan.limit > 0 && rest.count >= plan.limit) || bytes_read >= kPageBytes) {
      // The page ends here: its last item gives LastEvaluatedKey.
      auto item = decode_item(it->value());
      if (!item.ok()) return fail(std::move(item).error());
      rest.last_evaluated_key = last_evaluated_key(*plan.schema, plan.index, *item);
      break;
    }
  }
  if (auto status = it->status(); !status.ok()) return fail(status.error());
  rest.scanned_count = rest.count;
  add_capacity(rest, plan, table_name, return_consumed_capacity, bytes_read, 0);
  out.append("],");
  const size_t tail = out.size();
  ddb::encode_json(rest, out);  // {"Count":...}: its opening brace goes
  out.erase(tail, 1);
  return {};
}

}  // namespace townhall::engine
