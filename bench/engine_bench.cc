// Engine operations against the same work done directly on RocksDB (the
// ceiling): GetItem, PutItem (also on a table with a stream), a PartiQL point
// SELECT, UpdateItem (SET; ADD with a condition), a Query
// of 50 items of ~200 bytes, and a 2-item TransactWriteItems, on 1 and 2
// threads. Both use an on-disk RocksDB under /tmp with the same options, WAL
// on, no fsync. Run: build/bench/engine_bench --benchmark_min_time=0.3
#include <benchmark/benchmark.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <random>

#include "engine/engine.h"
#include "engine/item_codec.h"

namespace {

using namespace townhall;
using ddb::AttributeMap;
using ddb::AttributeValue;

constexpr int kItems = 10000;
constexpr int kPartitionItems = 50;
const std::string kPayload(150, 'x');  // with keys and names, items of ~200 bytes

std::string bench_dir(const char* name) {
  auto dir = std::filesystem::temp_directory_path() / ("townhall-bench-" + std::to_string(getpid())) / name;
  std::filesystem::create_directories(dir.parent_path());
  return dir.string();
}

AttributeMap item_key(int i) {
  return {{"PK", AttributeValue::S("USER#" + std::to_string(i))}, {"SK", AttributeValue::S("PROFILE")}};
}

AttributeMap full_item(int i) {
  AttributeMap item = item_key(i);
  item["Name"] = AttributeValue::S("user number " + std::to_string(i));
  item["Data"] = AttributeValue::S(kPayload);
  item["Count"] = AttributeValue::N(i);
  return item;
}

struct EngineFixture {
  std::unique_ptr<engine::Engine> db;
  EngineFixture() {
    auto opened = engine::Engine::open({.data_dir = bench_dir("engine")});
    if (!opened.ok()) abort();
    db = std::move(opened).value();
    ddb::CreateTableRequest r;
    r.table_name = "Bench";
    r.attribute_definitions = {{"PK", "S"}, {"SK", "S"}};
    r.key_schema = {{"PK", "HASH"}, {"SK", "RANGE"}};
    r.billing_mode = "PAY_PER_REQUEST";
    if (!db->create_table(r).ok()) abort();
    // The same table with a stream of both images: what a stream record costs a write.
    r.table_name = "Streamed";
    r.stream_specification = ddb::StreamSpecification{true, "NEW_AND_OLD_IMAGES"};
    if (!db->create_table(r).ok()) abort();
    for (int i = 0; i < kItems; ++i) {
      ddb::PutItemRequest p;
      p.table_name = "Bench";
      p.item = full_item(i);
      if (!db->put_item(p).ok()) abort();
    }
    for (int i = 0; i < kPartitionItems; ++i) {
      ddb::PutItemRequest p;
      p.table_name = "Bench";
      p.item = {{"PK", AttributeValue::S("CHAN#1")},
                {"SK", AttributeValue::S("MSG#" + std::to_string(100000 + i))},
                {"Msg", AttributeValue::S(kPayload)},
                {"UserName", AttributeValue::S("someone")}};
      if (!db->put_item(p).ok()) abort();
    }
  }
};

EngineFixture& engine_fixture() {
  static EngineFixture fixture;
  return fixture;
}

struct RawFixture {
  std::unique_ptr<rocksdb::DB> db;
  RawFixture() {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.IncreaseParallelism(2);
    options.max_background_jobs = 2;
    options.enable_pipelined_write = true;
    rocksdb::BlockBasedTableOptions table_options;
    table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table_options.block_cache = rocksdb::NewLRUCache(64 << 20);
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));
    rocksdb::DB* raw = nullptr;
    if (!rocksdb::DB::Open(options, bench_dir("raw"), &raw).ok()) abort();
    db.reset(raw);
    for (int i = 0; i < kItems; ++i) db->Put({}, key(i), std::string(200, 'v'));
    for (int i = 0; i < kPartitionItems; ++i)
      db->Put({}, "chan1/" + std::to_string(100000 + i), std::string(200, 'v'));
  }
  static std::string key(int i) { return "user/" + std::to_string(i) + "/profile"; }
};

RawFixture& raw_fixture() {
  static RawFixture fixture;
  return fixture;
}

int random_index(std::mt19937& rng) { return static_cast<int>(rng() % kItems); }

// ---- Engine ----

// Point reads take their keys ready-made, on both sides: building a key
// (an AttributeMap here, a std::string for raw RocksDB) is the caller's work,
// not the read's.
const std::vector<ddb::GetItemRequest>& get_requests() {
  static const auto requests = [] {
    std::vector<ddb::GetItemRequest> out(kItems);
    for (int i = 0; i < kItems; ++i) {
      out[i].table_name = "Bench";
      out[i].key = item_key(i);
    }
    return out;
  }();
  return requests;
}

void BM_GetItem(benchmark::State& state) {
  auto& db = *engine_fixture().db;
  const auto& requests = get_requests();
  std::mt19937 rng(state.thread_index());
  for (auto _ : state) {
    auto response = db.get_item(requests[random_index(rng)]);
    benchmark::DoNotOptimize(response);
  }
}

void BM_PutItem(benchmark::State& state) {
  auto& db = *engine_fixture().db;
  std::mt19937 rng(state.thread_index());
  ddb::PutItemRequest r;
  r.table_name = "Bench";
  for (auto _ : state) {
    r.item = full_item(random_index(rng));
    if (!db.put_item(r).ok()) state.SkipWithError("put failed");
  }
}

void BM_PutItemStreamed(benchmark::State& state) {
  auto& db = *engine_fixture().db;
  std::mt19937 rng(state.thread_index());
  ddb::PutItemRequest r;
  r.table_name = "Streamed";
  uint64_t version = 0;
  for (auto _ : state) {
    r.item = full_item(random_index(rng));
    r.item["Count"] = AttributeValue::N(static_cast<int64_t>(++version));  // a change every time: a record
    if (!db.put_item(r).ok()) state.SkipWithError("put failed");
  }
}

// A PartiQL point read: parsing and planning on top of the GetItem it becomes.
void BM_ExecuteStatementGet(benchmark::State& state) {
  auto& db = *engine_fixture().db;
  std::mt19937 rng(state.thread_index());
  ddb::ExecuteStatementRequest r;
  r.statement = "SELECT * FROM \"Bench\" WHERE PK = ? AND SK = 'PROFILE'";
  r.parameters.emplace(1);
  for (auto _ : state) {
    (*r.parameters)[0] = AttributeValue::S("USER#" + std::to_string(random_index(rng)));
    auto response = db.execute_statement(r);
    if (!response.ok() || response->items.size() != 1) state.SkipWithError("statement failed");
  }
}

void BM_UpdateItemSet(benchmark::State& state) {
  auto& db = *engine_fixture().db;
  std::mt19937 rng(state.thread_index());
  ddb::UpdateItemRequest r;
  r.table_name = "Bench";
  r.update_expression = "SET #n = :v";
  r.expression_attribute_names = ddb::NameMap{{"#n", "Name"}};
  r.expression_attribute_values = AttributeMap{{":v", AttributeValue::S("renamed")}};
  for (auto _ : state) {
    r.key = item_key(random_index(rng));
    if (!db.update_item(r).ok()) state.SkipWithError("update failed");
  }
}

void BM_UpdateItemAddConditional(benchmark::State& state) {
  auto& db = *engine_fixture().db;
  std::mt19937 rng(state.thread_index());
  ddb::UpdateItemRequest r;
  r.table_name = "Bench";
  r.update_expression = "ADD #c :one";
  r.condition_expression = "attribute_exists(PK)";
  r.expression_attribute_names = ddb::NameMap{{"#c", "Count"}};
  r.expression_attribute_values = AttributeMap{{":one", AttributeValue::N(1)}};
  for (auto _ : state) {
    r.key = item_key(random_index(rng));
    if (!db.update_item(r).ok()) state.SkipWithError("update failed");
  }
}

// The 50 messages of CHAN#1, as the chat's history page asks for them.
ddb::QueryRequest query50_request() {
  ddb::QueryRequest r;
  r.table_name = "Bench";
  r.key_condition_expression = "PK = :c AND begins_with(SK, :m)";
  r.expression_attribute_values =
      AttributeMap{{":c", AttributeValue::S("CHAN#1")}, {":m", AttributeValue::S("MSG#")}};
  return r;
}

void BM_Query50(benchmark::State& state) {
  auto& db = *engine_fixture().db;
  const ddb::QueryRequest r = query50_request();
  for (auto _ : state) {
    auto response = db.query(r);
    if (!response.ok() || response->count != kPartitionItems) state.SkipWithError("query failed");
  }
  state.SetItemsProcessed(state.iterations() * kPartitionItems);
}

// The endpoint's Query: the same page written as its wire JSON, items
// transcoded from their stored bytes (Database::query_json).
void BM_QueryJson50(benchmark::State& state) {
  auto& db = *engine_fixture().db;
  const ddb::QueryRequest r = query50_request();
  std::string out;
  for (auto _ : state) {
    out.clear();
    if (!db.query_json(r, out).ok()) state.SkipWithError("query failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * kPartitionItems);
}

void BM_TransactWrite2(benchmark::State& state) {
  auto& db = *engine_fixture().db;
  std::mt19937 rng(state.thread_index());
  ddb::TransactWriteItemsRequest r;
  r.transact_items.resize(2);
  for (auto _ : state) {
    int a = random_index(rng), b = (a + 1) % kItems;
    for (int j = 0; j < 2; ++j) {
      auto& put = r.transact_items[j].put.emplace();
      put.table_name = "Bench";
      put.item = full_item(j == 0 ? a : b);
    }
    if (!db.transact_write_items(r).ok()) state.SkipWithError("transaction failed");
  }
}

// ---- Raw RocksDB: the same work without the engine ----

const std::vector<std::string>& raw_keys() {
  static const auto keys = [] {
    std::vector<std::string> out(kItems);
    for (int i = 0; i < kItems; ++i) out[i] = RawFixture::key(i);
    return out;
  }();
  return keys;
}

void BM_RawGet(benchmark::State& state) {
  auto& db = *raw_fixture().db;
  const auto& keys = raw_keys();
  std::mt19937 rng(state.thread_index());
  std::string value;
  for (auto _ : state) {
    auto s = db.Get({}, keys[random_index(rng)], &value);
    benchmark::DoNotOptimize(s);
  }
}

void BM_RawPut(benchmark::State& state) {
  auto& db = *raw_fixture().db;
  std::mt19937 rng(state.thread_index());
  std::string value(200, 'w');
  for (auto _ : state) db.Put({}, RawFixture::key(random_index(rng)), value);
}

// The raw equivalent of an update: read, then write.
void BM_RawGetPut(benchmark::State& state) {
  auto& db = *raw_fixture().db;
  std::mt19937 rng(state.thread_index());
  std::string value;
  for (auto _ : state) {
    std::string key = RawFixture::key(random_index(rng));
    db.Get({}, key, &value);
    value[0] ^= 1;
    db.Put({}, key, value);
  }
}

void BM_RawScan50(benchmark::State& state) {
  auto& db = *raw_fixture().db;
  std::string lower = "chan1/", upper = "chan10";
  rocksdb::Slice lower_slice(lower), upper_slice(upper);
  for (auto _ : state) {
    rocksdb::ReadOptions options;
    options.iterate_lower_bound = &lower_slice;
    options.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(options));
    int n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      benchmark::DoNotOptimize(it->value());
      ++n;
    }
    if (n != kPartitionItems) state.SkipWithError("scan failed");
  }
  state.SetItemsProcessed(state.iterations() * kPartitionItems);
}

// The raw scan handing its values back, as a query must: each value copied
// out of the iterator (whose slices die on Next) into one result buffer.
void BM_RawScan50Copy(benchmark::State& state) {
  auto& db = *raw_fixture().db;
  std::string lower = "chan1/", upper = "chan10";
  rocksdb::Slice lower_slice(lower), upper_slice(upper);
  std::string out;
  for (auto _ : state) {
    rocksdb::ReadOptions options;
    options.iterate_lower_bound = &lower_slice;
    options.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(options));
    out.clear();
    int n = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      out.append(it->value().data(), it->value().size());
      ++n;
    }
    benchmark::DoNotOptimize(out.data());
    if (n != kPartitionItems) state.SkipWithError("scan failed");
  }
  state.SetItemsProcessed(state.iterations() * kPartitionItems);
}

void BM_RawWriteBatch2(benchmark::State& state) {
  auto& db = *raw_fixture().db;
  std::mt19937 rng(state.thread_index());
  std::string value(200, 'w');
  for (auto _ : state) {
    int a = random_index(rng);
    rocksdb::WriteBatch batch;
    batch.Put(RawFixture::key(a), value);
    batch.Put(RawFixture::key((a + 1) % kItems), value);
    db.Write({}, &batch);
  }
}

// A transaction that knows what it replaces, as TransactWriteItems must (its
// conditions, index entries and item counts depend on the old items): both
// items read, then one write batch.
void BM_RawReadWriteBatch2(benchmark::State& state) {
  auto& db = *raw_fixture().db;
  const auto& keys = raw_keys();
  std::mt19937 rng(state.thread_index());
  std::string value(200, 'w'), old;
  for (auto _ : state) {
    int a = random_index(rng), b = (a + 1) % kItems;
    db.Get({}, keys[a], &old);
    db.Get({}, keys[b], &old);
    rocksdb::WriteBatch batch;
    batch.Put(keys[a], value);
    batch.Put(keys[b], value);
    db.Write({}, &batch);
  }
}

// What turning a stored value into an AttributeMap costs (the per-item floor
// of GetItem and Query above raw RocksDB).
void BM_DecodeItem(benchmark::State& state) {
  AttributeMap item = {{"PK", AttributeValue::S("CHAN#1")},
                       {"SK", AttributeValue::S("MSG#100000")},
                       {"Msg", AttributeValue::S(kPayload)},
                       {"UserName", AttributeValue::S("someone")}};
  std::string encoded = engine::encode_item(item);
  for (auto _ : state) {
    auto decoded = engine::decode_item(encoded);
    benchmark::DoNotOptimize(decoded);
  }
}
BENCHMARK(BM_DecodeItem);

// The same item transcoded to its wire JSON (the endpoint's Query path).
void BM_ItemJson(benchmark::State& state) {
  AttributeMap item = {{"PK", AttributeValue::S("CHAN#1")},
                       {"SK", AttributeValue::S("MSG#100000")},
                       {"Msg", AttributeValue::S(kPayload)},
                       {"UserName", AttributeValue::S("someone")}};
  std::string encoded = engine::encode_item(item);
  std::string out;
  for (auto _ : state) {
    out.clear();
    size_t size = 0;
    engine::append_item_json(encoded, out, size);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_ItemJson);

#define TH_BENCH(fn) BENCHMARK(fn)->Threads(1)->Threads(2)->UseRealTime()
TH_BENCH(BM_GetItem);
TH_BENCH(BM_RawGet);
TH_BENCH(BM_PutItem);
TH_BENCH(BM_PutItemStreamed);
TH_BENCH(BM_ExecuteStatementGet);
TH_BENCH(BM_RawPut);
TH_BENCH(BM_UpdateItemSet);
TH_BENCH(BM_UpdateItemAddConditional);
TH_BENCH(BM_RawGetPut);
TH_BENCH(BM_Query50);
TH_BENCH(BM_QueryJson50);
TH_BENCH(BM_RawScan50);
TH_BENCH(BM_RawScan50Copy);
TH_BENCH(BM_TransactWrite2);
TH_BENCH(BM_RawWriteBatch2);
TH_BENCH(BM_RawReadWriteBatch2);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  engine_fixture();
  raw_fixture();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::filesystem::remove_all(std::filesystem::temp_directory_path() /
                              ("townhall-bench-" + std::to_string(getpid())));
  return 0;
}
