#include "client/ini_file.h"

#include <gtest/gtest.h>

namespace townhall::client {
namespace {

TEST(IniFileTest, SectionsPropertiesAndComments) {
  auto file = parse_ini(R"(# a comment
; another
[default]
region=us-west-2
AWS_Access_Key_ID = AKID   # trailing comment
aws_secret_access_key = se#cret;not-a-comment

[profile   dev  ]
region = eu-west-1
)",
                        "config");
  ASSERT_TRUE(file.ok()) << file.error().to_string();
  ASSERT_EQ(file->size(), 2u);
  const IniSection& def = file->at("default");
  EXPECT_EQ(def.at("region"), "us-west-2");
  EXPECT_EQ(def.at("aws_access_key_id"), "AKID");
  EXPECT_EQ(def.at("aws_secret_access_key"), "se#cret;not-a-comment");
  EXPECT_EQ(file->at("profile dev").at("region"), "eu-west-1");
}

TEST(IniFileTest, KeysAreCaseInsensitive) {
  auto file = parse_ini("[x]\nAWS_ACCESS_KEY_ID = A\n", "f");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->at("x").at("aws_access_key_id"), "A");
}

TEST(IniFileTest, SubProperties) {
  auto file = parse_ini(R"([services local]
dynamodb =
  endpoint_url = http://localhost:8000
  ; a comment inside
s3 =
  endpoint_url = http://localhost:9000
)",
                        "config");
  ASSERT_TRUE(file.ok()) << file.error().to_string();
  const IniSection& s = file->at("services local");
  EXPECT_EQ(s.at("dynamodb.endpoint_url"), "http://localhost:8000");
  EXPECT_EQ(s.at("s3.endpoint_url"), "http://localhost:9000");
  EXPECT_EQ(s.at("dynamodb"), "");
}

TEST(IniFileTest, ContinuationLines) {
  auto file = parse_ini("[x]\nkey = first\n  second\n", "f");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->at("x").at("key"), "first\nsecond");
}

TEST(IniFileTest, ErrorsNameTheFileAndLine) {
  auto no_section = parse_ini("region = x\n", "/home/me/.aws/config");
  ASSERT_FALSE(no_section.ok());
  EXPECT_EQ(no_section.error().message, "/home/me/.aws/config line 1: a property before any [section]");

  auto no_equals = parse_ini("[a]\n\njust words\n", "creds");
  ASSERT_FALSE(no_equals.ok());
  EXPECT_EQ(no_equals.error().message, "creds line 3: expected \"name = value\"");

  EXPECT_FALSE(parse_ini("[unterminated\n", "f").ok());
  EXPECT_FALSE(parse_ini("[]\n", "f").ok());
  EXPECT_FALSE(parse_ini("[a]\n= value\n", "f").ok());
}

}  // namespace
}  // namespace townhall::client
