// Helpers shared by the engine's tests (test-only; included from *_test.cc).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "engine/engine.h"

namespace townhall::engine::testing {

using ddb::AttributeMap;
using ddb::AttributeValue;

inline AttributeValue S(std::string s) { return AttributeValue::S(std::move(s)); }
inline AttributeValue N(int64_t n) { return AttributeValue::N(n); }
inline AttributeValue Num(std::string_view text) {
  return AttributeValue::N(ddb::Number::parse(text).value());
}

inline std::unique_ptr<Engine> open_in_memory() {
  auto engine = Engine::open({.in_memory = true});
  EXPECT_TRUE(engine.ok()) << engine.error().to_string();
  return std::move(engine).value();
}

// A fresh directory under the test temp dir, removed when destroyed.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("townhall-engine-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// CreateTable for a PK (S) / SK (S) table, on demand, with optional indexes.
inline ddb::CreateTableRequest pk_sk_table(std::string name) {
  ddb::CreateTableRequest r;
  r.table_name = std::move(name);
  r.attribute_definitions = {{"PK", "S"}, {"SK", "S"}};
  r.key_schema = {{"PK", "HASH"}, {"SK", "RANGE"}};
  r.billing_mode = "PAY_PER_REQUEST";
  return r;
}

inline ddb::GlobalSecondaryIndex gsi(std::string name, std::string hash, std::optional<std::string> range,
                                     std::string projection,
                                     std::optional<std::vector<std::string>> non_key = std::nullopt) {
  ddb::GlobalSecondaryIndex g;
  g.index_name = std::move(name);
  g.key_schema = {{std::move(hash), "HASH"}};
  if (range) g.key_schema.push_back({*range, "RANGE"});
  g.projection.projection_type = std::move(projection);
  g.projection.non_key_attributes = std::move(non_key);
  return g;
}

#define TH_ASSERT_OK(expr)                                                 \
  do {                                                                     \
    auto&& th_r_ = (expr);                                                 \
    ASSERT_TRUE(th_r_.ok()) << #expr << ": " << th_r_.error().to_string(); \
  } while (0)

// Expects expr to fail with the given code and, when non-empty, message.
#define TH_EXPECT_ERROR(expr, error_code, text)                             \
  do {                                                                      \
    auto&& th_r_ = (expr);                                                  \
    ASSERT_FALSE(th_r_.ok()) << #expr << " succeeded";                      \
    EXPECT_EQ(th_r_.error().code, error_code) << th_r_.error().to_string(); \
    if (!std::string_view(text).empty()) {                                  \
      EXPECT_EQ(th_r_.error().message, text);                               \
    }                                                                       \
  } while (0)

}  // namespace townhall::engine::testing
