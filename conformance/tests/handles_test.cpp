// The handle checks (conformance/checks/handles.cpp, HANDLE-*): each passes
// against the reference backend in the modern era, and each of the
// reference's handle faults trips exactly its checks. The whole suite's view
// of the same faults is conformance/tests/negative_controls_test.cpp; here
// only the handle area runs, so a failure names the check at once.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "conformance/tests/support.hpp"

namespace mcpgym::conformance::testing {
namespace {

using namespace std::chrono_literals;

// The reference backend judged in the modern era only, with `flags`.
Profile modern_reference(const std::vector<std::string>& flags = {}) {
  Profile p = reference_backend_profile(flags);
  p.era = EraChoice::kModern;
  return p;
}

// "<check id>:<verdict>" of every handle check that did not pass or skip.
std::set<std::string> tripped(const std::vector<CheckResult>& results) {
  std::set<std::string> out;
  for (const auto& r : results) {
    if (r.verdict != Verdict::kPass && r.verdict != Verdict::kSkip)
      out.insert(r.id + ":" + std::string(verdict_name(r.verdict)));
  }
  return out;
}

std::string explain(const std::vector<CheckResult>& results) {
  std::string out;
  for (const auto& r : results) {
    if (r.verdict != Verdict::kPass && r.verdict != Verdict::kSkip) out += "\n  " + describe(r);
  }
  return out;
}

TEST(HandleChecks, TheReferencePassesEveryOneThatApplies) {
  const auto results = run_checks(modern_reference(), {"handles.*"});
  EXPECT_TRUE(tripped(results).empty()) << explain(results);
  EXPECT_EQ(ids_with(results, Verdict::kSkip), std::vector<std::string>{"handles.idle-expiry"});
}

TEST(HandleChecks, IdleExpiryIsSkippedWithTheReasonWithoutATimeout) {
  const CheckResult r = run_check(modern_reference(), "handles.idle-expiry");
  EXPECT_EQ(r.verdict, Verdict::kSkip);
  EXPECT_EQ(r.actual,
            "the profile gives no idle timeout (idle_timeout_ms): the suite does not know how "
            "long to leave a handle idle");
}

TEST(HandleChecks, IdleExpiryPassesWhenTheProfileGivesTheTimeout) {
  Profile p = modern_reference({"--session-idle-timeout", "1"});
  p.idle_timeout = 1000ms;
  const CheckResult r = run_check(p, "handles.idle-expiry");
  EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
}

TEST(HandleChecks, ALegacyOnlyRunSkipsThemWithTheReason) {
  Profile p = reference_backend_profile();
  p.era = EraChoice::kLegacy;
  const CheckResult r = run_check(p, "handles.create-shape");
  EXPECT_EQ(r.verdict, Verdict::kSkip);
  EXPECT_EQ(r.actual, "not judged: --era legacy");
}

struct HandleFault {
  const char* name;  // the reference's --fault
  std::set<std::string> tripped;
};

void PrintTo(const HandleFault& fault, std::ostream* out) {
  *out << fault.name;
}

class HandleFaults : public ::testing::TestWithParam<HandleFault> {};

TEST_P(HandleFaults, TripExactlyTheirChecks) {
  const auto results = run_checks(modern_reference({"--fault", GetParam().name}), {"handles.*"});
  EXPECT_EQ(tripped(results), GetParam().tripped) << explain(results);
}

const HandleFault kHandleFaults[] = {
    {"handle-from-seed",
     {"handles.not-from-seed:fail", "handles.unpredictable:fail", "handles.isolated:fail",
      "handles.same-seed-same-trajectory:fail"}},
    {"handle-ignored",
     {"handles.dead-handle:fail", "handles.unknown-handle-uri:fail", "handles.control-http:fail",
      "handles.isolated:fail", "handles.same-seed-same-trajectory:fail"}},
    {"control-cacheable", {"handles.reads-not-cacheable:fail"}},
    {"unknown-handle-creates",
     {"handles.dead-handle:fail", "handles.unknown-handle-uri:fail", "handles.control-http:fail"}},
    {"header-not-validated", {"handles.env-id-header:fail"}},
};

std::string fault_test_name(const ::testing::TestParamInfo<HandleFault>& info) {
  std::string name = info.param.name;
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Reference, HandleFaults, ::testing::ValuesIn(kHandleFaults),
                         fault_test_name);

}  // namespace
}  // namespace mcpgym::conformance::testing
