#include "expectations.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

namespace townhall::conformance {
namespace {

std::map<Target, std::set<std::string>>& deviations() {
  static std::map<Target, std::set<std::string>> recorded;
  return recorded;
}

}  // namespace

void record_deviation(Target target, std::string_view what) {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string entry(what);
  if (test != nullptr) {
    // "Targets/ItemTest" and "KeyValidation/dynalite" -> "ItemTest.KeyValidation".
    std::string suite = test->test_suite_name();
    std::string name = test->name();
    entry = suite.substr(suite.find('/') + 1) + "." + name.substr(0, name.find('/')) + ": " + entry;
  }
  deviations()[target].insert(std::move(entry));
}

bool is_townhall_store(Target target) {
  return target == Target::kEngine || target == Target::kWire || target == Target::kTownhall;
}

bool strict_mode() {
  const char* strict = std::getenv("TOWNHALL_CONFORMANCE_STRICT");
  return strict != nullptr && std::string_view(strict) == "1";
}

void print_deviations() {
  if (deviations().empty()) return;
  for (bool ours : {false, true}) {
    bool header = false;
    for (const auto& [target, entries] : deviations()) {
      if (is_townhall_store(target) != ours) continue;
      if (!header) {
        std::printf(
            ours ? "\nKNOWN BUGS: Townhall's stores differ from DynamoDB here (TOWNHALL_CONFORMANCE_STRICT=1 "
                   "fails on them):\n"
                 : "\nRecorded differences from DynamoDB's documented behaviour, by target:\n");
        header = true;
      }
      std::printf("  %s:\n", std::string(target_name(target)).c_str());
      for (const auto& e : entries) std::printf("    - %s\n", e.c_str());
    }
  }
  std::printf("\n");
}

std::ostream& operator<<(std::ostream& out, const ErrorIs& e) {
  out << ddb::error_name(e.code);
  if (e.message) out << ": \"" << *e.message << "\"";
  return out;
}

}  // namespace townhall::conformance
