#include "engine/catalog.h"

#include <cstring>
#include <mutex>

#include "engine/item_codec.h"
#include "engine/key_codec.h"

namespace townhall::engine {
namespace {

constexpr uint8_t kSchemaVersion = 1;

std::string catalog_key(std::string_view table_name) {
  std::string key(1, keys::kCatalogPrefix);
  key.append(table_name);
  return key;
}

std::string next_table_id_key() { return keys::meta_key("next_table_id"); }

// A small field-by-field writer/reader; fields are written in a fixed order
// (the order in encode_schema), so adding one means bumping kSchemaVersion.
class Writer {
 public:
  void u64(uint64_t v) { append_varint(out, v); }
  void str(std::string_view s) { append_length_prefixed(out, s); }
  void flag(bool b) { out.push_back(b ? 1 : 0); }
  void dbl(double d) {
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    u64(bits);
  }
  void key(const KeyAttribute& k) {
    str(k.name);
    u64(static_cast<uint64_t>(k.type));
  }
  void optional_key(const std::optional<KeyAttribute>& k) {
    flag(k.has_value());
    if (k) key(*k);
  }
  std::string out;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  uint64_t u64() {
    uint64_t v = 0;
    if (!read_varint(in_, v)) ok_ = false;
    return v;
  }
  std::string str() {
    std::string_view s;
    if (!read_length_prefixed(in_, s)) ok_ = false;
    return std::string(s);
  }
  bool flag() {
    if (in_.empty()) {
      ok_ = false;
      return false;
    }
    bool b = in_[0] != 0;
    in_.remove_prefix(1);
    return b;
  }
  double dbl() {
    uint64_t bits = u64();
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
  }
  KeyAttribute key() {
    KeyAttribute k;
    k.name = str();
    k.type = static_cast<ddb::AttributeType>(u64());
    return k;
  }
  std::optional<KeyAttribute> optional_key() {
    if (!flag()) return std::nullopt;
    return key();
  }
  bool ok() const { return ok_ && in_.empty(); }
  bool bad() const { return !ok_; }
  bool at_end() const { return in_.empty(); }

 private:
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace

const IndexSchema* TableSchema::find_index(std::string_view index_name) const {
  for (const auto& index : indexes)
    if (index.name == index_name) return &index;
  return nullptr;
}

bool TableSchema::is_key_attribute(std::string_view attribute) const {
  if (hash.name == attribute || (range && range->name == attribute)) return true;
  for (const auto& index : indexes) {
    if (index.hash.name == attribute || (index.range && index.range->name == attribute)) return true;
  }
  return false;
}

std::string encode_schema(const TableSchema& s) {
  Writer w;
  w.out.push_back(static_cast<char>(kSchemaVersion));
  w.u64(s.id);
  w.str(s.name);
  w.key(s.hash);
  w.optional_key(s.range);
  w.u64(s.attribute_definitions.size());
  for (const auto& d : s.attribute_definitions) {
    w.str(d.attribute_name);
    w.str(d.attribute_type);
  }
  w.u64(s.indexes.size());
  for (const auto& index : s.indexes) {
    w.u64(index.id);
    w.str(index.name);
    w.flag(index.global);
    w.key(index.hash);
    w.optional_key(index.range);
    w.str(index.projection_type);
    w.u64(index.non_key_attributes.size());
    for (const auto& a : index.non_key_attributes) w.str(a);
    w.flag(index.throughput.has_value());
    if (index.throughput) {
      w.u64(index.throughput->read_capacity_units);
      w.u64(index.throughput->write_capacity_units);
    }
  }
  w.str(s.billing_mode);
  w.u64(s.throughput.read_capacity_units);
  w.u64(s.throughput.write_capacity_units);
  w.dbl(s.creation_time);
  w.u64(s.tags.size());
  for (const auto& tag : s.tags) {
    w.str(tag.key);
    w.str(tag.value);
  }
  w.flag(s.ttl_attribute.has_value());
  if (s.ttl_attribute) w.str(*s.ttl_attribute);
  w.flag(s.stream.has_value());
  if (s.stream) {
    w.flag(s.stream->stream_enabled);
    w.str(s.stream->stream_view_type.value_or(""));
  }
  w.flag(s.deletion_protection);
  w.str(s.table_class);
  w.u64(s.next_index_id);
  // Added after the first stores were written: a schema that ends here has
  // no index backfilling.
  std::vector<uint16_t> backfilling;
  for (const auto& index : s.indexes)
    if (index.backfilling) backfilling.push_back(index.id);
  w.u64(backfilling.size());
  for (uint16_t id : backfilling) w.u64(id);
  // Added with streams: a schema that ends here never had one.
  w.u64(s.stream_id);
  w.str(s.stream_label);
  // Added with the Time to Live change interval.
  w.dbl(s.ttl_changed_at);
  return std::move(w.out);
}

ddb::Result<TableSchema> decode_schema(std::string_view bytes) {
  if (bytes.empty() || static_cast<uint8_t>(bytes[0]) != kSchemaVersion) {
    return ddb::Error::Internal("corrupt catalog entry: unknown version");
  }
  Reader r(bytes.substr(1));
  TableSchema s;
  s.id = static_cast<uint32_t>(r.u64());
  s.name = r.str();
  s.hash = r.key();
  s.range = r.optional_key();
  for (uint64_t n = r.u64(); n > 0 && !r.bad(); --n) {
    ddb::AttributeDefinition d;
    d.attribute_name = r.str();
    d.attribute_type = r.str();
    s.attribute_definitions.push_back(std::move(d));
  }
  for (uint64_t n = r.u64(); n > 0 && !r.bad(); --n) {
    IndexSchema index;
    index.id = static_cast<uint16_t>(r.u64());
    index.name = r.str();
    index.global = r.flag();
    index.hash = r.key();
    index.range = r.optional_key();
    index.projection_type = r.str();
    for (uint64_t m = r.u64(); m > 0 && !r.bad(); --m) index.non_key_attributes.push_back(r.str());
    if (r.flag()) {
      ddb::ProvisionedThroughput t;
      t.read_capacity_units = static_cast<int64_t>(r.u64());
      t.write_capacity_units = static_cast<int64_t>(r.u64());
      index.throughput = t;
    }
    s.indexes.push_back(std::move(index));
  }
  s.billing_mode = r.str();
  s.throughput.read_capacity_units = static_cast<int64_t>(r.u64());
  s.throughput.write_capacity_units = static_cast<int64_t>(r.u64());
  s.creation_time = r.dbl();
  for (uint64_t n = r.u64(); n > 0 && !r.bad(); --n) {
    ddb::Tag tag;
    tag.key = r.str();
    tag.value = r.str();
    s.tags.push_back(std::move(tag));
  }
  if (r.flag()) s.ttl_attribute = r.str();
  if (r.flag()) {
    ddb::StreamSpecification stream;
    stream.stream_enabled = r.flag();
    std::string view = r.str();
    if (!view.empty()) stream.stream_view_type = view;
    s.stream = stream;
  }
  s.deletion_protection = r.flag();
  s.table_class = r.str();
  s.next_index_id = static_cast<uint16_t>(r.u64());
  if (!r.at_end()) {
    for (uint64_t n = r.u64(); n > 0 && !r.bad(); --n) {
      const uint64_t id = r.u64();
      for (auto& index : s.indexes)
        if (index.id == id) index.backfilling = true;
    }
  }
  if (!r.at_end()) {
    s.stream_id = static_cast<uint32_t>(r.u64());
    s.stream_label = r.str();
  }
  if (!r.at_end()) s.ttl_changed_at = r.dbl();
  if (!r.ok()) return ddb::Error::Internal("corrupt catalog entry for table " + s.name);
  return s;
}

void TableHandle::add_index_counts(uint16_t index_id, int64_t items, int64_t bytes) {
  std::lock_guard lock(index_counters_mutex_);
  auto it = index_counters_.find(index_id);
  if (it != index_counters_.end()) it->second->add(items, bytes);
}

void TableHandle::start_counting() {
  std::lock_guard lock(counting_mutex_);
  counting_ = true;
}

void TableHandle::finish_counting() {
  {
    std::lock_guard lock(counting_mutex_);
    counting_ = false;
  }
  counted_.notify_all();
}

void TableHandle::wait_counted() {
  std::unique_lock lock(counting_mutex_);
  counted_.wait(lock, [this] { return !counting_; });
}

Counters& TableHandle::index_counters(uint16_t index_id) {
  std::lock_guard lock(index_counters_mutex_);
  auto& slot = index_counters_[index_id];
  if (!slot) slot = std::make_unique<Counters>();
  return *slot;
}

void TableHandle::drop_index_counters(uint16_t index_id) {
  std::lock_guard lock(index_counters_mutex_);
  index_counters_.erase(index_id);
}

ddb::Status Catalog::load() {
  std::string value;
  TH_ASSIGN_OR_RETURN(bool has_next, store_.get(next_table_id_key(), &value));
  if (has_next) {
    std::string_view in(value);
    uint64_t next = 0;
    if (!read_varint(in, next)) return ddb::Error::Internal("corrupt next table id");
    next_table_id_ = static_cast<uint32_t>(next);
  }
  std::string begin(1, keys::kCatalogPrefix);
  auto it = store_.new_iterator(begin, keys::prefix_successor(begin));
  std::unique_lock lock(mutex_);
  for (it->seek_to_first(); it->valid(); it->next()) {
    TH_ASSIGN_OR_RETURN(TableSchema schema, decode_schema(it->value()));
    std::string name = schema.name;
    tables_[name] = std::make_shared<TableHandle>(std::make_shared<const TableSchema>(std::move(schema)));
  }
  return it->status();
}

std::shared_ptr<TableHandle> Catalog::find(std::string_view table_name) const {
  std::shared_lock lock(mutex_);
  auto it = tables_.find(table_name);
  return it == tables_.end() ? nullptr : it->second;
}

std::vector<std::string> Catalog::table_names() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> names;
  names.reserve(tables_.size());
  for (const auto& [name, handle] : tables_) names.push_back(name);
  return names;
}

std::vector<std::shared_ptr<TableHandle>> Catalog::tables() const {
  std::shared_lock lock(mutex_);
  std::vector<std::shared_ptr<TableHandle>> out;
  for (const auto& [name, handle] : tables_) out.push_back(handle);
  return out;
}

uint32_t Catalog::allocate_table_id(KvWriteBatch& batch) {
  uint32_t id = next_table_id_++;
  std::string value;
  append_varint(value, next_table_id_);
  batch.put(next_table_id_key(), value);
  return id;
}

void Catalog::add_schema_write(const TableSchema& schema, KvWriteBatch& batch) {
  batch.put(catalog_key(schema.name), encode_schema(schema));
}

void Catalog::add_schema_delete(const std::string& table_name, KvWriteBatch& batch) {
  batch.del(catalog_key(table_name));
}

void Catalog::publish(std::shared_ptr<TableHandle> handle) {
  std::unique_lock lock(mutex_);
  std::string name = handle->schema()->name;
  tables_[name] = std::move(handle);
}

void Catalog::remove(const std::string& table_name) {
  std::unique_lock lock(mutex_);
  tables_.erase(table_name);
}

}  // namespace townhall::engine
