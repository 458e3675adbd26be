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

#include "conformance/tests/front_fixture.hpp"
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

TEST(HandleChecks, TheReferencePassesEveryOneThatApplies) {
  const auto results = run_checks(modern_reference(), {"handles.*"});
  EXPECT_TRUE(not_passing(results).empty()) << explain(results);
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

// HANDLE-014's mutant: every tools/list answer without its x-mcp-header
// annotations (the server behind still validates the headers).
void drop_annotations(const ForwardedRequest&, ForwardedResponse& res) {
  json answer = json::parse(res.body, nullptr, false);
  if (!answer.is_object() || !answer.contains("result")) return;
  auto tools = answer["result"].find("tools");
  if (tools == answer["result"].end() || !tools->is_array()) return;
  for (json& tool : *tools) {
    auto schema = tool.find("inputSchema");
    if (schema == tool.end() || !schema->contains("properties")) continue;
    for (auto& [name, property] : (*schema)["properties"].items())
      property.erase("x-mcp-header");
  }
  res.body = answer.dump();
}

TEST(HandleChecks, EnvIdAnnotatedWarnsNamingEveryToolThatDoesNotAnnotate) {
  Mutant m({}, drop_annotations);
  const CheckResult r = run_check(m.profile, "handles.env-id-annotated");
  EXPECT_EQ(r.verdict, Verdict::kWarn) << describe(r);
  EXPECT_EQ(r.actual,
            "not annotated as Env-Id: env_close (no x-mcp-header), lake_move (no x-mcp-header)");
  const CheckResult clean = run_check(modern_reference(), "handles.env-id-annotated");
  EXPECT_EQ(clean.actual, "annotated: env_close (Mcp-Param-Env-Id), lake_move (Mcp-Param-Env-Id)");
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
  EXPECT_EQ(not_passing(results), GetParam().tripped) << explain(results);
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
