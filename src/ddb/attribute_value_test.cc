#include "ddb/attribute_value.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <stdexcept>

#include "ddb/result.h"

namespace townhall::ddb {
namespace {

Number num(std::string_view text) { return Number::parse(text).value(); }

TEST(AttributeValueTest, TypesAndAccessors) {
  EXPECT_EQ(AttributeValue().type(), AttributeType::kNULL);
  EXPECT_EQ(AttributeValue::S("x").as_string(), "x");
  EXPECT_EQ(AttributeValue::N(42).as_number().to_string(), "42");
  EXPECT_EQ(AttributeValue::B("\x01").as_binary(), "\x01");
  EXPECT_TRUE(AttributeValue::BOOL(true).as_bool());
  EXPECT_TRUE(AttributeValue::NUL().is(AttributeType::kNULL));
  EXPECT_EQ(AttributeValue::L({AttributeValue::S("a")}).as_list().size(), 1u);
  EXPECT_EQ(AttributeValue::M({{"k", AttributeValue::N(1)}}).as_map().count("k"), 1u);
  const char* names[] = {"S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS"};
  for (int i = 0; i < 10; ++i) EXPECT_EQ(type_name(static_cast<AttributeType>(i)), names[i]);
  // Same bytes, different types: not equal.
  EXPECT_NE(AttributeValue::S("a"), AttributeValue::B("a"));
  EXPECT_NE(AttributeValue::SS({"a"}), AttributeValue::BS({"a"}));
}

TEST(AttributeValueTest, SetsAreSortedAndUnique) {
  EXPECT_EQ(AttributeValue::SS({"b", "a", "c", "a"}).as_string_set().values,
            (std::vector<std::string>{"a", "b", "c"}));
  // Strings and binaries order by bytes (UTF-8 order, unsigned).
  EXPECT_EQ(AttributeValue::BS({"\xff", "\x01", "a"}).as_binary_set().values,
            (std::vector<std::string>{"\x01", "a", "\xff"}));
  auto ns = AttributeValue::NS({num("10"), num("9"), num("1.0"), num("1"), num("-1E+125"), num("1E-130")});
  std::vector<std::string> texts;
  for (const auto& n : ns.as_number_set().values) texts.push_back(n.to_string());
  EXPECT_EQ(texts, (std::vector<std::string>{"-1" + std::string(125, '0'), "0." + std::string(129, '0') + "1",
                                             "1", "9", "10"}));
  // Construction order does not matter for equality.
  EXPECT_EQ(AttributeValue::SS({"x", "y"}), AttributeValue::SS({"y", "x"}));
  EXPECT_EQ(AttributeValue::NS({num("2"), num("1")}), AttributeValue::NS({num("1.0"), num("2.00")}));
  // Already sorted input stays as it is.
  EXPECT_EQ(make_string_set({"a", "b"}).values, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(make_string_set({}).values.size(), 0u);
}

TEST(AttributeValueTest, SizesFollowDynamoDBsItemSizeRules) {
  // Every expected size here was measured against DynamoDB Local's 400 KB
  // limit: the size of attribute "c" (1 byte of name) plus its value.
  auto size_of = [](const AttributeValue& v) { return item_size_bytes({{"c", v}}); };
  EXPECT_EQ(size_of(AttributeValue::N(0)), 2u);
  EXPECT_EQ(size_of(AttributeValue::N(1)), 3u);
  EXPECT_EQ(size_of(AttributeValue::N(num("1.2"))), 4u);
  EXPECT_EQ(size_of(AttributeValue::N(-12)), 4u);
  EXPECT_EQ(size_of(AttributeValue::BOOL(true)), 2u);
  EXPECT_EQ(size_of(AttributeValue::NUL()), 2u);
  EXPECT_EQ(size_of(AttributeValue::L({})), 4u);
  EXPECT_EQ(size_of(AttributeValue::M({})), 4u);
  EXPECT_EQ(size_of(AttributeValue::L({AttributeValue::S("ab")})), 7u);
  EXPECT_EQ(size_of(AttributeValue::M({{"k", AttributeValue::S("ab")}})), 8u);
  EXPECT_EQ(size_of(AttributeValue::SS({"ab", "c"})), 4u);
  EXPECT_EQ(size_of(AttributeValue::NS({num("1"), num("12")})), 5u);
  EXPECT_EQ(size_of(AttributeValue::BS({std::string(3, '\0')})), 4u);
  EXPECT_EQ(size_of(AttributeValue::L({AttributeValue::N(1), AttributeValue::L({})})), 11u);
  // Strings count UTF-8 bytes, names too.
  EXPECT_EQ(item_size_bytes({{"\u00e9", AttributeValue::S("\u65e5")}}), 2u + 3u);
  EXPECT_EQ(item_size_bytes({}), 0u);
  // The notebook's user item: names 2+2+4+4, values 7+7+5+14.
  AttributeMap alice = {{"PK", AttributeValue::S("USER#12")},
                        {"SK", AttributeValue::S("USER#12")},
                        {"Name", AttributeValue::S("Alice")},
                        {"Mail", AttributeValue::S("alice@mail.com")}};
  EXPECT_EQ(item_size_bytes(alice), 12u + 33u);
  // The largest item DynamoDB Local accepts for a one-letter key: 409600 bytes.
  AttributeMap biggest = {{"pk", AttributeValue::S("a")}, {"b", AttributeValue::S(std::string(409596, 'x'))}};
  EXPECT_EQ(item_size_bytes(biggest), kMaxItemBytes);
}

TEST(AttributeValueTest, DepthCountsDocumentLevels) {
  EXPECT_EQ(AttributeValue::S("x").depth(), 1);
  EXPECT_EQ(AttributeValue::L({}).depth(), 1);
  EXPECT_EQ(AttributeValue::M({{"a", AttributeValue::S("x")}}).depth(), 2);
  AttributeValue v = AttributeValue::S("x");
  for (int i = 1; i < kMaxNestingDepth; ++i)
    v = i % 2 ? AttributeValue::L({v}) : AttributeValue::M({{"a", v}});
  EXPECT_EQ(v.depth(), kMaxNestingDepth);
  EXPECT_EQ(AttributeValue::L({AttributeValue::S("a"), v}).depth(), kMaxNestingDepth + 1);
}

TEST(AttributeValueTest, DebugStringIsReadable) {
  AttributeMap item = {{"a", AttributeValue::S("q\"x")},
                       {"b", AttributeValue::NS({num("2"), num("1.50")})},
                       {"c", AttributeValue::L({AttributeValue::BOOL(false), AttributeValue::NUL()})}};
  EXPECT_EQ(debug_string(item),
            R"({"a":{"S":"q\"x"},"b":{"NS":["1.5","2"]},"c":{"L":[{"BOOL":false},{"NULL":true}]}})");
}

// AttributeMap promises std::map's behaviour: the same operations on both,
// at random, must leave the same entries in the same order.
TEST(AttributeMapTest, BehavesLikeStdMap) {
  std::mt19937 rng(3);
  // Names that sort in interesting ways: a prefix before its extensions,
  // bytes above 0x7F after ASCII, an embedded NUL.
  const std::vector<std::string> names = {
      "", "a", "ab", "b", "B", std::string("a\0b", 3), "z", "\xC3\xA9", "aa", "ba", "PK", "SK", "GSI1PK"};
  for (int round = 0; round < 200; ++round) {
    AttributeMap flat;
    std::map<std::string, AttributeValue, std::less<>> tree;
    for (int step = 0; step < 60; ++step) {
      const std::string& name = names[rng() % names.size()];
      const AttributeValue value = AttributeValue::N(static_cast<int64_t>(rng() % 1000));
      switch (rng() % 6) {
        case 0:
          flat[name] = value;
          tree[name] = value;
          break;
        case 1:
          EXPECT_EQ(flat.try_emplace(name, value).second, tree.try_emplace(name, value).second);
          break;
        case 2:
          EXPECT_EQ(flat.insert_or_assign(name, value).second, tree.insert_or_assign(name, value).second);
          break;
        case 3:
          EXPECT_EQ(flat.erase(name), tree.erase(name));
          break;
        case 4:
          EXPECT_EQ(flat.emplace(name, value).second, tree.emplace(name, value).second);
          break;
        default: {
          auto it = flat.find(name);
          auto expected = tree.find(name);
          ASSERT_EQ(it == flat.end(), expected == tree.end());
          if (it != flat.end()) {
            EXPECT_EQ(it->second, expected->second);
            it = flat.erase(it);
            expected = tree.erase(expected);
            EXPECT_EQ(it == flat.end(), expected == tree.end());
          }
        }
      }
      ASSERT_EQ(flat.size(), tree.size());
      auto expected = tree.begin();
      for (const auto& [k, v] : flat) {
        ASSERT_EQ(k, expected->first);
        ASSERT_EQ(v, expected->second);
        ++expected;
      }
      for (const auto& n : names) EXPECT_EQ(flat.contains(n), tree.contains(n));
    }
  }
}

TEST(AttributeMapTest, ConstructionKeepsTheFirstOfANameLikeStdMap) {
  AttributeMap m{{"b", AttributeValue::N(1)}, {"a", AttributeValue::N(2)}, {"b", AttributeValue::N(3)}};
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m.begin()->first, "a");
  EXPECT_EQ(m.at("b"), AttributeValue::N(1));
  EXPECT_THROW(m.at("c"), std::out_of_range);
  const AttributeMap copy(m.begin(), m.end());
  EXPECT_EQ(copy, m);
  EXPECT_NE(copy, (AttributeMap{{"a", AttributeValue::N(2)}}));
}

// Decoders append in arrival order and sort once; of a name given twice the
// last value stays, as the last member of a JSON object wins.
TEST(AttributeMapTest, SortAppendedOrdersAndKeepsTheLastOfAName) {
  AttributeMap m;
  for (auto [name, n] :
       std::vector<std::pair<std::string, int>>{{"c", 1}, {"a", 2}, {"c", 3}, {"b", 4}, {"a", 5}, {"c", 6}})
    m.append_unordered(name).second = AttributeValue::N(n);
  m.sort_appended();
  EXPECT_EQ(m, (AttributeMap{
                   {"a", AttributeValue::N(5)}, {"b", AttributeValue::N(4)}, {"c", AttributeValue::N(6)}}));

  // Many names in reverse order: one sort, not a quadratic series of inserts.
  AttributeMap big;
  for (int i = 100000; i > 0; --i)
    big.append_unordered("a" + std::to_string(i)).second = AttributeValue::N(i);
  big.sort_appended();
  ASSERT_EQ(big.size(), 100000u);
  EXPECT_TRUE(
      std::is_sorted(big.begin(), big.end(), [](const auto& x, const auto& y) { return x.first < y.first; }));
  EXPECT_EQ(big.at("a77"), AttributeValue::N(77));
}

}  // namespace
}  // namespace townhall::ddb
