#include "migrate/state_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace townhall::migrate {
namespace {

std::string temp_path() {
  char path[] = "/tmp/townhall-migrate-stateXXXXXX";
  int fd = mkstemp(path);
  close(fd);
  std::remove(path);
  return path;
}

TEST(MigrationStateTest, SurvivesReopening) {
  std::string path = temp_path();
  {
    auto state = MigrationState::open(path, 4);
    ASSERT_TRUE(state.ok());
    ddb::AttributeMap key{{"PK", ddb::AttributeValue::S("CHAN#7")},
                          {"SK", ddb::AttributeValue::S("MSG#1 2")}};
    ASSERT_TRUE((*state)->advance("chat", 1, {false, key}, 500).ok());
    ASSERT_TRUE((*state)->advance("chat", 2, {true, std::nullopt}, 250).ok());
  }
  auto state = MigrationState::open(path, 4);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ((*state)->copied("chat"), 750);  // the pages' items add up
  auto one = (*state)->segment("chat", 1);
  EXPECT_FALSE(one.done);
  ASSERT_TRUE(one.position);
  EXPECT_EQ(one.position->at("SK").as_string(), "MSG#1 2");
  EXPECT_TRUE((*state)->segment("chat", 2).done);
  EXPECT_FALSE((*state)->segment("chat", 0).done);
  EXPECT_FALSE((*state)->segment("chat", 0).position);
  EXPECT_EQ((*state)->copied("other"), 0);

  // Resuming with another segment count would re-split the key space: refused.
  EXPECT_FALSE(MigrationState::open(path, 8).ok());
  std::remove(path.c_str());
}

TEST(MigrationStateTest, RejectsForeignFiles) {
  std::string path = temp_path();
  std::ofstream(path) << "hello world\n";
  EXPECT_FALSE(MigrationState::open(path, 4).ok());
  std::ofstream(path) << "townhall-migrate 1 segments=4\nposition chat 0 {not json\n";
  EXPECT_FALSE(MigrationState::open(path, 4).ok());
  std::remove(path.c_str());
}

TEST(MigrationStateTest, InMemoryWithoutPath) {
  auto state = MigrationState::open("", 2);
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE((*state)->advance("t", 0, {true, std::nullopt}, 3).ok());
  EXPECT_EQ((*state)->copied("t"), 3);
}

}  // namespace
}  // namespace townhall::migrate
