#include "chat/names.h"

#include <gtest/gtest.h>

namespace townhall::chat {
namespace {

std::string ok(std::string_view name) {
  auto normalized = normalize_name(name, "name", 64);
  EXPECT_TRUE(normalized.ok()) << name;
  return normalized.ok() ? *normalized : std::string();
}

bool refused(std::string_view name) { return !normalize_name(name, "name", 64).ok(); }

TEST(Names, TrimsAndComposes) {
  EXPECT_EQ(ok("  alice "), "alice");
  EXPECT_EQ(ok("\u00a0alice\u3000"), "alice");  // no-break and ideographic spaces
  EXPECT_EQ(ok("Zoe\u0301"), "Zo\u00e9");       // e + combining acute -> é (NFC)
  EXPECT_EQ(ok("Ana María"), "Ana María");
  EXPECT_EQ(ok("👩‍💻 dev"), "👩‍💻 dev");  // the zero-width joiner of an emoji sequence stays
}

TEST(Names, RefusesInvisibleAndReorderingCharacters) {
  EXPECT_TRUE(refused(""));
  EXPECT_TRUE(refused("   "));
  EXPECT_TRUE(refused("ali\u202Eecila"));  // right-to-left override
  EXPECT_TRUE(refused("a\u2066b"));        // left-to-right isolate
  EXPECT_TRUE(refused("a\u200Fb"));        // right-to-left mark
  EXPECT_TRUE(refused("a\nb"));
  EXPECT_TRUE(refused("a\x01"));
  EXPECT_TRUE(refused("a\u2028b"));  // line separator
  EXPECT_TRUE(refused("\xff\xfe"));  // not UTF-8
  EXPECT_TRUE(refused(std::string(65, 'a')));
  auto error = normalize_name("a\u202Eb", "channel name", 100);
  ASSERT_FALSE(error.ok());
  EXPECT_NE(error.error().message.find("channel name"), std::string::npos);
}

TEST(Names, KeysIgnoreCaseAndCompatibilityForms) {
  EXPECT_EQ(name_key("Alice"), name_key("alice"));
  EXPECT_EQ(name_key("ALICE"), name_key("ａｌｉｃｅ"));  // full-width letters
  EXPECT_EQ(name_key(ok("Zoe\u0301")), name_key("ZOÉ"));
  EXPECT_EQ(name_key("Straße"), name_key("STRASSE"));
  EXPECT_NE(name_key("alice"), name_key("alicia"));
}

}  // namespace
}  // namespace townhall::chat
