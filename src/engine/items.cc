#include "engine/items.h"

#include <cmath>

#include "engine/item_codec.h"
#include "engine/key_codec.h"

namespace townhall::engine {

using ddb::AttributeMap;
using ddb::AttributeType;
using ddb::AttributeValue;
using ddb::Error;

namespace {

constexpr size_t kMaxHashKeyBytes = 2048;
constexpr size_t kMaxRangeKeyBytes = 1024;

bool is_empty_key_value(const AttributeValue& v) {
  return (v.is(AttributeType::kS) && v.as_string().empty()) ||
         (v.is(AttributeType::kB) && v.as_binary().empty());
}

Error empty_key_error(const AttributeValue& v, std::string_view name) {
  return Error::Validation(
      std::string("One or more parameter values are not valid. The AttributeValue for a key "
                  "attribute cannot contain an empty ") +
      (v.is(AttributeType::kS) ? "string" : "binary") + " value. Key: " + std::string(name));
}

Error key_mismatch() { return Error::Validation("The provided key element does not match the schema"); }

// Checks one key attribute of the base table and appends its encoding.
ddb::Status append_base_key_part(const KeyAttribute& key, const AttributeMap& attributes, KeySource source,
                                 size_t max_bytes, std::string& out) {
  auto it = attributes.find(key.name);
  if (it == attributes.end()) {
    if (source == KeySource::kKey) return key_mismatch();
    return Error::InvalidParameter("Missing the key " + key.name + " in the item");
  }
  const AttributeValue& v = it->second;
  if (v.type() != key.type) {
    if (source == KeySource::kKey) return key_mismatch();
    return Error::InvalidParameter("Type mismatch for key " + key.name +
                                   " expected: " + std::string(ddb::type_name(key.type)) +
                                   " actual: " + std::string(ddb::type_name(v.type())));
  }
  if (is_empty_key_value(v)) return empty_key_error(v, key.name);
  if (v.size_bytes() > max_bytes) {
    if (max_bytes == kMaxHashKeyBytes) {
      return Error::InvalidParameter("Size of hashkey has exceeded the maximum size limit of2048 bytes");
    }
    return Error::InvalidParameter(
        "Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
  }
  keys::append_key_value(out, v);
  return {};
}

}  // namespace

ddb::Status validate_table_name(std::string_view name) {
  bool ok = name.size() >= 3 && name.size() <= 255;
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                c == '-' || c == '.');
  }
  if (ok) return {};
  return Error::Validation(
      "Invalid table/index name.  Table/index names must be between 3 and 255 characters long, and may "
      "contain "
      "only the characters a-z, A-Z, 0-9, '_', '-', and '.'");
}

Error table_not_found() {
  // The service's and the Developer Guide's words; DynamoDB Local says
  // "Cannot do operations on a non-existent table" (tests/conformance records it).
  return Error::ResourceNotFound("Requested resource not found");
}

ddb::Result<std::shared_ptr<TableHandle>> find_table(EngineContext& context, std::string_view name) {
  auto handle = context.catalog.find(name);
  if (!handle) {
    TH_RETURN_IF_ERROR(validate_table_name(name));
    return table_not_found();
  }
  return handle;
}

ddb::Result<std::string> encode_base_key(const TableSchema& schema, const AttributeMap& attributes,
                                         KeySource source) {
  if (source == KeySource::kKey && attributes.size() != (schema.range ? 2u : 1u)) return key_mismatch();
  std::string key = keys::index_prefix(schema.id, keys::kBaseIndexId);
  key.reserve(64);  // one allocation for the usual key, not one per growth
  TH_RETURN_IF_ERROR(append_base_key_part(schema.hash, attributes, source, kMaxHashKeyBytes, key));
  if (schema.range) {
    TH_RETURN_IF_ERROR(append_base_key_part(*schema.range, attributes, source, kMaxRangeKeyBytes, key));
  }
  return key;
}

AttributeMap extract_key(const TableSchema& schema, const AttributeMap& item) {
  AttributeMap key;
  if (auto it = item.find(schema.hash.name); it != item.end()) key.insert(*it);
  if (schema.range) {
    if (auto it = item.find(schema.range->name); it != item.end()) key.insert(*it);
  }
  return key;
}

ddb::Status validate_item_for_write(const TableSchema& schema, const AttributeMap& item) {
  if (ddb::item_size_bytes(item) > ddb::kMaxItemBytes) {
    return Error::Validation("Item size has exceeded the maximum allowed size");
  }
  for (const auto& index : schema.indexes) {
    for (const KeyAttribute* key : {&index.hash, index.range ? &*index.range : nullptr}) {
      if (!key) continue;
      auto it = item.find(key->name);
      if (it == item.end()) continue;
      if (it->second.type() != key->type) {
        return Error::InvalidParameter("Type mismatch for Index Key " + key->name +
                                       " Expected: " + std::string(ddb::type_name(key->type)) +
                                       " Actual: " + std::string(ddb::type_name(it->second.type())) +
                                       " IndexName: " + index.name);
      }
      if (is_empty_key_value(it->second)) {
        return Error::Validation(
            "One or more parameter values are not valid. A value specified for a secondary index key is not "
            "supported. The AttributeValue for a key attribute cannot contain an empty " +
            std::string(it->second.is(AttributeType::kS) ? "string" : "binary") +
            " value. IndexName: " + index.name + ", IndexKey: " + key->name);
      }
      if (it->second.size_bytes() > (key == &index.hash ? kMaxHashKeyBytes : kMaxRangeKeyBytes)) {
        return Error::InvalidParameter("Size limit exceeded");
      }
    }
  }
  return {};
}

std::optional<std::string> index_key(const TableSchema& schema, const IndexSchema& index,
                                     const AttributeMap& item) {
  // A value no write could give the index (empty, or longer than a key may
  // be) can be on an item written before the index existed: the backfill
  // leaves such items out, as DynamoDB does.
  auto usable = [](const AttributeValue& v, const KeyAttribute& key, size_t max_bytes) {
    return v.type() == key.type && !is_empty_key_value(v) && v.size_bytes() <= max_bytes;
  };
  auto hash = item.find(index.hash.name);
  if (hash == item.end() || !usable(hash->second, index.hash, kMaxHashKeyBytes)) return std::nullopt;
  const AttributeValue* range = nullptr;
  if (index.range) {
    auto it = item.find(index.range->name);
    if (it == item.end() || !usable(it->second, *index.range, kMaxRangeKeyBytes)) return std::nullopt;
    range = &it->second;
  }
  std::string key = keys::index_prefix(schema.id, index.id);
  keys::append_key_value(key, hash->second);
  if (range) keys::append_key_value(key, *range);
  keys::append_key_value(key, item.find(schema.hash.name)->second);
  if (schema.range) keys::append_key_value(key, item.find(schema.range->name)->second);
  return key;
}

bool index_projects(const TableSchema& schema, const IndexSchema& index, std::string_view attribute) {
  if (index.projection_type == "ALL") return true;
  if (attribute == schema.hash.name || (schema.range && attribute == schema.range->name)) return true;
  if (attribute == index.hash.name || (index.range && attribute == index.range->name)) return true;
  if (index.projection_type == "INCLUDE") {
    for (const auto& a : index.non_key_attributes)
      if (a == attribute) return true;
  }
  return false;
}

AttributeMap project_for_index(const TableSchema& schema, const IndexSchema& index,
                               const AttributeMap& item) {
  if (index.projection_type == "ALL") return item;
  AttributeMap out;
  for (const auto& entry : item) {
    if (index_projects(schema, index, entry.first)) out.insert(entry);
  }
  return out;
}

namespace {
constexpr size_t kKeepBufferBytes = 64 * 1024;
}  // namespace

ddb::Result<std::optional<AttributeMap>> read_item(KvStore& store, std::string_view key,
                                                   const KvSnapshot* snapshot) {
  // Reused per thread: the stored bytes live only until they are decoded,
  // and a fresh string would cost an allocation per read.
  thread_local std::string value;
  TH_ASSIGN_OR_RETURN(bool found, store.get(key, &value, snapshot));
  if (!found) return std::optional<AttributeMap>();
  auto item = decode_item(value);
  if (value.capacity() > kKeepBufferBytes) std::string().swap(value);  // a large item: give the memory back
  if (!item.ok()) return std::move(item).error();
  return std::optional<AttributeMap>(std::move(item).value());
}

double WriteUnits::total() const {
  double sum = table;
  for (const auto& [name, units] : global_indexes) sum += units;
  for (const auto& [name, units] : local_indexes) sum += units;
  return sum;
}

void WriteUnits::add(const WriteUnits& other) {
  table += other.table;
  for (const auto& [name, units] : other.global_indexes) global_indexes[name] += units;
  for (const auto& [name, units] : other.local_indexes) local_indexes[name] += units;
}

void CounterDeltas::apply(TableHandle& handle) const {
  handle.table_counters().add(table_items_, table_bytes_);
  for (const auto& [id, delta] : indexes_) handle.index_counters(id).add(delta.first, delta.second);
}

ddb::Status add_item_change(KvStore& store, const TableSchema& schema, std::string_view base_key,
                            const AttributeMap* old_item, const AttributeMap* new_item, KvWriteBatch& batch,
                            WriteUnits& units, CounterDeltas& deltas) {
  size_t old_size = old_item ? ddb::item_size_bytes(*old_item) : 0;
  size_t new_size = new_item ? ddb::item_size_bytes(*new_item) : 0;
  if (new_item) {
    batch.put(base_key, encode_item(*new_item));
  } else if (old_item) {
    batch.del(base_key);
  }
  units.table += write_units(std::max(old_size, new_size));
  deltas.add_table((new_item ? 1 : 0) - (old_item ? 1 : 0),
                   static_cast<int64_t>(new_size) - static_cast<int64_t>(old_size));

  for (const auto& index : schema.indexes) {
    std::optional<std::string> old_key, new_key;
    AttributeMap old_projection, new_projection;
    if (old_item && (old_key = index_key(schema, index, *old_item))) {
      if (index.backfilling) {
        // Not copied yet: the item counts as new to this index (the
        // backfill, which takes this item's lock, will find it done).
        std::string scratch;
        TH_ASSIGN_OR_RETURN(bool present, store.get(*old_key, &scratch));
        if (!present) old_key.reset();
      }
      if (old_key) old_projection = project_for_index(schema, index, *old_item);
    }
    if (new_item && (new_key = index_key(schema, index, *new_item))) {
      new_projection = project_for_index(schema, index, *new_item);
    }
    if (!old_key && !new_key) continue;
    size_t old_entry = old_key ? ddb::item_size_bytes(old_projection) : 0;
    size_t new_entry = new_key ? ddb::item_size_bytes(new_projection) : 0;
    double index_units = 0;
    if (old_key && new_key && *old_key == *new_key) {
      if (old_projection == new_projection) continue;  // the entry does not change: no write
      index_units = write_units(std::max(old_entry, new_entry));
    } else {
      // An entry removed, added, or moved to another key (a delete and a put).
      if (old_key) index_units += write_units(old_entry);
      if (new_key) index_units += write_units(new_entry);
    }
    if (old_key && (!new_key || *old_key != *new_key)) batch.del(*old_key);
    if (new_key) batch.put(*new_key, encode_item(new_projection));
    (index.global ? units.global_indexes : units.local_indexes)[index.name] += index_units;
    deltas.add_index(index.id, (new_key ? 1 : 0) - (old_key ? 1 : 0),
                     static_cast<int64_t>(new_entry) - static_cast<int64_t>(old_entry));
  }
  return {};
}

double read_units(size_t bytes, bool consistent) {
  double units = std::max<double>(1, std::ceil(static_cast<double>(bytes) / 4096.0));
  return consistent ? units : units / 2;
}

double write_units(size_t bytes) {
  return std::max<double>(1, std::ceil(static_cast<double>(bytes) / 1024.0));
}

ddb::Status validate_return_consumed_capacity(const std::optional<std::string>& mode) {
  if (!mode || *mode == "NONE" || *mode == "TOTAL" || *mode == "INDEXES") return {};
  return Error::Validation(
      "1 validation error detected: Value '" + *mode +
      "' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum "
      "value set: [INDEXES, TOTAL, NONE]");
}

bool wants_capacity(const std::optional<std::string>& mode) {
  return mode && (*mode == "TOTAL" || *mode == "INDEXES");
}

ddb::ConsumedCapacity write_capacity(const std::string& table_name, const WriteUnits& units,
                                     const std::optional<std::string>& mode) {
  ddb::ConsumedCapacity c;
  c.table_name = table_name;
  c.capacity_units = units.total();
  if (mode && *mode == "INDEXES") {
    c.table = ddb::Capacity{.capacity_units = units.table};
    if (!units.global_indexes.empty()) {
      c.global_secondary_indexes.emplace();
      for (const auto& [name, u] : units.global_indexes)
        (*c.global_secondary_indexes)[name].capacity_units = u;
    }
    if (!units.local_indexes.empty()) {
      c.local_secondary_indexes.emplace();
      for (const auto& [name, u] : units.local_indexes) (*c.local_secondary_indexes)[name].capacity_units = u;
    }
  }
  return c;
}

ddb::ConsumedCapacity read_capacity(const std::string& table_name, double units,
                                    const std::optional<std::string>& mode, const IndexSchema* index) {
  ddb::ConsumedCapacity c;
  c.table_name = table_name;
  c.capacity_units = units;
  if (mode && *mode == "INDEXES") {
    if (!index) {
      c.table = ddb::Capacity{.capacity_units = units};
    } else {
      c.table = ddb::Capacity{.capacity_units = 0.0};
      auto& map = index->global ? c.global_secondary_indexes : c.local_secondary_indexes;
      map.emplace();
      (*map)[index->name].capacity_units = units;
    }
  }
  return c;
}

}  // namespace townhall::engine
