// The conformance suite's main: stops the peers and lists the recorded
// differences between peers once every case has run.
#include <gtest/gtest.h>

#include "expectations.h"
#include "targets.h"

namespace {

class PeersEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    townhall::conformance::stop_all_targets();
    townhall::conformance::print_deviations();
  }
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new PeersEnvironment);
  return RUN_ALL_TESTS();
}
