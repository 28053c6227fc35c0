// docs/data-model.md must name every key prefix the chat writes: a new item
// kind is documented with its keys and access patterns, or this fails.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace townhall::chat {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(DataModelDoc, EveryKeyPrefixIsDocumented) {
  std::string keys = read(std::string(TOWNHALL_SOURCE_DIR) + "/src/chat/keys.h");
  std::string doc = read(std::string(TOWNHALL_SOURCE_DIR) + "/docs/data-model.md");
  ASSERT_FALSE(keys.empty());
  ASSERT_FALSE(doc.empty());
  std::regex constant(R"re(inline constexpr std::string_view k\w+ = "([^"]+)")re");
  int prefixes = 0;
  for (std::sregex_iterator it(keys.begin(), keys.end(), constant), end; it != end; ++it) {
    std::string prefix = (*it)[1];
    ++prefixes;
    EXPECT_NE(doc.find("`" + prefix), std::string::npos)
        << "docs/data-model.md does not mention the key prefix " << prefix << " (src/chat/keys.h)";
  }
  EXPECT_GE(prefixes, 10);  // the pattern still matches how keys.h declares them
}

}  // namespace
}  // namespace townhall::chat
