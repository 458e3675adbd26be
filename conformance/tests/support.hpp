#pragma once
// Running single checks in tests: profiles for the reference programs (with
// fault-injection flags for negative controls) and for mutant fronts, and a
// one-call way to get a check's result.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "conformance/core/check.hpp"
#include "conformance/core/profile.hpp"
#include "conformance/core/runner.hpp"
#include "harness/process/supervisor.hpp"

namespace mcpgym::conformance::testing {

// build/bin (where the reference programs and mcpgym-conform are).
std::filesystem::path bin_dir();
// The repository's fixtures/ directory.
std::filesystem::path fixtures_dir();

// The reference backend spawned by the suite: `mcpgym-frozenlake --port {port}`
// plus `flags` (e.g. {"--fault", "ignore-seed"}); game frozenlake (named), every feature, both
// control planes.
Profile reference_backend_profile(const std::vector<std::string>& flags = {});
// The reference proxy with the suite's instrumented backend:
// `mcpgym-proxy --port {port} --server-script {backend} --interpreter /bin/sh --max-envs 8`
// plus `flags`; every feature, both control planes, max_envs 8.
Profile reference_proxy_profile(const std::vector<std::string>& flags = {});
// The same two serving CliffWalking: the backend with `--game cliffwalking`
// plus `flags`, the proxy with its instrumented backend serving CliffWalking;
// game cliffwalking (named), its features (slippery, truncation).
Profile reference_cliffwalking_backend_profile(const std::vector<std::string>& flags = {});
Profile reference_cliffwalking_proxy_profile(const std::vector<std::string>& flags = {});
// A server that is already running (a MutantFront, an InProcessBackend).
Profile url_profile(const std::string& url, ProfileKind kind = ProfileKind::kBackend);

// A fresh work directory under the test temp dir, removed by the caller's TempWork.
class TempWork {
 public:
  TempWork();
  ~TempWork();
  SuitePaths paths() const;

 private:
  std::filesystem::path dir_;
};

// The check with this id from all_checks(); aborts the test run if there is none.
const Check& check_by_id(const std::string& id);
// Runs the checks with these ids (globs) against `profile`; results in check order.
std::vector<CheckResult> run_checks(
    const Profile& profile, const std::vector<std::string>& only,
    std::chrono::milliseconds check_timeout = std::chrono::seconds(60));
CheckResult run_check(const Profile& profile, const std::string& id);
// "fail HTTP-003 headers.accept-missing: expected ...; actual ...; details: ..." for assertion
// messages.
std::string describe(const CheckResult& result);
// A program run to completion (a deadline, never a hang): its exit status and output.
struct Finished {
  harness::ExitStatus status;
  std::string stdout_text;
  std::string stderr_text;
};
// `argv` is passed as is (no shell, no placeholders); logs go under `logs`;
// it runs in `working_directory` (unset: the test's own).
Finished run_program(const std::vector<std::string>& argv, const std::filesystem::path& logs,
                     std::chrono::seconds deadline = std::chrono::seconds(120),
                     std::optional<std::filesystem::path> working_directory = std::nullopt);

// The ids of results with this verdict.
std::vector<std::string> ids_with(const std::vector<CheckResult>& results, Verdict verdict);
// "<check id>:<verdict>" of every check that neither passed nor was skipped.
std::set<std::string> not_passing(const std::vector<CheckResult>& results);
// Each result whose "<check id>:<verdict>" is in `ids`, whole, one per line
// (for a test's failure message); without `ids`, every one not passing.
std::string explain(const std::vector<CheckResult>& results, const std::set<std::string>& ids);
std::string explain(const std::vector<CheckResult>& results);

// Expects `results` to trip exactly `expected` ("<check id>:<verdict>"); a
// failure names what was expected but not seen, and each check not expected,
// whole.
inline void expect_exactly(const std::vector<CheckResult>& results,
                           const std::set<std::string>& expected) {
  const auto actual = not_passing(results);
  std::set<std::string> missed, extra;
  std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(),
                      std::inserter(missed, missed.end()));
  std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(),
                      std::inserter(extra, extra.end()));
  EXPECT_TRUE(missed.empty()) << "expected but not seen: " << ::testing::PrintToString(missed);
  EXPECT_TRUE(extra.empty()) << "not expected:" << explain(results, extra);
}

// A parameterized test's name from its parameter's fault `name`: '-' becomes
// '_', since gtest's names allow no '-'.
template <class Param>
std::string fault_test_name(const ::testing::TestParamInfo<Param>& info) {
  std::string name = info.param.name;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

}  // namespace mcpgym::conformance::testing
