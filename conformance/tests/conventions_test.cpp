// The eval-protocol convention's negative controls (docs/spec.md
// "Conventions"): the reference under --convention eval-protocol with each
// fault that reproduces a bug of eval-protocol's own server (commit 000c2a4)
// is caught by exactly the listed checks of the suite run under
// --convention eval-protocol; the clean reference in that convention passes
// every check that applies. The convention's checks are skipped, saying so,
// under mcpgym.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <ostream>
#include <set>
#include <string>

#include "conformance/tests/support.hpp"

namespace mcpgym::conformance {
namespace {

using testing::explain;
using testing::not_passing;

// As in negative_controls_test.cpp: the property check's RapidCheck seed is fixed.
[[maybe_unused]] const bool kPropertySeedFixed =
    ::setenv("MCPGYM_CONFORM_PROPERTY_SEED", "20261206", 0) == 0;

// The reference serving the eval-protocol convention as eval-protocol's server
// does: the HTTP control plane only, judged under that convention.
Profile eval_protocol_profile(const std::vector<std::string>& flags = {}) {
  std::vector<std::string> all = {"--convention", "eval-protocol", "--control-plane", "http"};
  all.insert(all.end(), flags.begin(), flags.end());
  Profile p = testing::reference_backend_profile(all);
  p.name = "reference backend (eval-protocol)";
  p.control = {ControlPlane::kHttp};
  p.convention = Convention::kEvalProtocol;
  return p;
}

struct Control {
  const char* name;                   // the --fault value; also the test's name
  std::set<std::string> not_passing;  // "<check id>:<verdict>"
};

void PrintTo(const Control& control, std::ostream* out) {
  *out << control.name;
}

const Control kControls[] = {
    {"key-joins-environment", {"conventions.same-key-fresh-environment:fail"}},
    {"unknown-key-creates", {"conventions.unknown-key-initial-state:fail"}},
    // Escape codes make the grid no map: the rollouts that plan from the
    // initial state cannot (error), and the golden replays' initial states differ.
    {"ansi-grid",
     {"conventions.initial-state:fail", "determinism.golden-replay:fail",
      "metadata.line-per-step:error", "metadata.matches-control-plane:error",
      "metadata.no-call-after-end:error", "termination.multi-env-rollout:error"}},
    {"control-skips-origin", {"conventions.control-origin:fail"}},
    {"lenient-reset", {"conventions.reset-session:fail"}},
    // Every environment is the game's default one, the seed's own map: each
    // check that sends a map, slipperiness or a step limit sees another game.
    {"ignore-config",
     {"determinism.golden-replay:fail", "determinism.gymnasium-maps:fail",
      "determinism.slippery-model:fail", "metadata.line-per-step:fail",
      "metadata.matches-control-plane:fail", "metadata.no-call-after-end:fail",
      "properties.session-interleavings:fail", "sessions.concurrent-sessions:fail",
      "sessions.isolated-environments:fail", "termination.moves-after-end:error",
      "termination.truncation:fail"}},
    {"unknown-tool-as-tool-error", {"lifecycle.unknown-tool:fail"}},
    {"unknown-resource-code-zero", {"lifecycle.unknown-resource:fail"}},
};

class EvalProtocolControl : public ::testing::TestWithParam<Control> {};

TEST_P(EvalProtocolControl, ExactlyTheExpectedChecksCatchTheBug) {
  const Control& control = GetParam();
  const auto results = testing::run_checks(eval_protocol_profile({"--fault", control.name}), {});
  testing::expect_exactly(results, control.not_passing);
}

INSTANTIATE_TEST_SUITE_P(EvalProtocolBugs, EvalProtocolControl, ::testing::ValuesIn(kControls),
                         testing::fault_test_name<Control>);

TEST(CleanReference, TheEvalProtocolConventionPassesEveryCheckThatApplies) {
  const auto results = testing::run_checks(eval_protocol_profile(), {});
  const auto failing = not_passing(results);
  EXPECT_TRUE(failing.empty()) << explain(results, failing);
  for (const auto& r : results) {
    if (r.id.rfind("conventions.", 0) == 0) {
      EXPECT_EQ(r.verdict, Verdict::kPass) << testing::describe(r);
    }
  }
}

// Under mcpgym the convention's checks say why they do not apply.
TEST(Conventions, TheEvalProtocolChecksAreSkippedUnderMcpgym) {
  const auto result =
      testing::run_check(testing::reference_backend_profile(), "conventions.initial-state");
  EXPECT_EQ(result.verdict, Verdict::kSkip);
  EXPECT_EQ(result.actual,
            "a rule of the eval-protocol convention; this run judges mcpgym (--convention; "
            "docs/spec.md \"Conventions\")");
}

TEST(Profile, TheConventionKeyIsReadAndRefusedWhenUnknown) {
  auto p =
      profile_from_json(json{{"url", "http://127.0.0.1:1/mcp"}, {"convention", "eval-protocol"}});
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->convention, Convention::kEvalProtocol);
  EXPECT_EQ(p->to_json()["convention"], "eval-protocol");
  auto deflt = profile_from_json(json{{"url", "http://127.0.0.1:1/mcp"}});
  ASSERT_TRUE(deflt) << deflt.error();
  EXPECT_EQ(deflt->convention, Convention::kMcpgym);
  EXPECT_FALSE(deflt->to_json().contains("convention"));
  auto wrong =
      profile_from_json(json{{"url", "http://127.0.0.1:1/mcp"}, {"convention", "reward-kit"}});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error(),
            "[mcpgym.conform.bad_profile] convention: 'reward-kit' is not mcpgym or eval-protocol");
}

// The ready profile in the repository reads, and says what docs/conformance.md says it does.
TEST(Profile, TheEvalProtocolProfileFileReads) {
  auto p = read_profile_file(std::string(MCPGYM_SOURCE_DIR) +
                             "/conformance/profiles/eval-protocol-frozenlake.json");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->convention, Convention::kEvalProtocol);
  EXPECT_EQ(p->control, std::set<ControlPlane>{ControlPlane::kHttp});
  EXPECT_EQ(p->game, "frozenlake");
}

// Every entry of the stock server's baseline names a check of the suite.
TEST(Baseline, TheEvalProtocolBaselineNamesChecksOfTheSuite) {
  auto baseline = read_baseline(std::string(MCPGYM_SOURCE_DIR) +
                                "/conformance/profiles/eval-protocol-000c2a4-baseline.yml");
  ASSERT_TRUE(baseline) << baseline.error();
  EXPECT_FALSE(baseline->entries.empty());
  for (const auto& entry : baseline->entries) {
    const bool known = std::any_of(all_checks().begin(), all_checks().end(),
                                   [&](const Check& c) { return c.id == entry; });
    EXPECT_TRUE(known) << entry;
  }
}

// The baseline checked by a run: the ready profile's settings (no feature
// claimed, the legacy era, the HTTP control plane) against the reference with
// every fault that reproduces a bug of the stock server, each cited in the
// baseline. What does not pass is exactly what the baseline lists, so the
// first run against a real eval-protocol server differs from it only where
// eval-protocol differs from these faults.
TEST(Baseline, TheEvalProtocolBaselineIsWhatTheStockServersBugsFail) {
  auto ready = read_profile_file(std::string(MCPGYM_SOURCE_DIR) +
                                 "/conformance/profiles/eval-protocol-frozenlake.json");
  ASSERT_TRUE(ready) << ready.error();
  // --seed: the server's own seed, so that the seed-blind, config-blind
  // environments are one known map and deal in every run (verdicts by chance
  // otherwise).
  Profile p = eval_protocol_profile(
      {"--seed", "7", "--fault",
       "ignore-seed,ignore-config,moves-after-end,key-joins-environment,unknown-key-creates,"
       "ansi-grid,lenient-reset,control-skips-origin,unknown-tool-as-tool-error,"
       "unknown-resource-code-zero"});
  p.features = ready->features;
  p.era = ready->era;
  const auto results = testing::run_checks(p, {});
  std::set<std::string> failing;
  for (const auto& id : not_passing(results))
    failing.insert(id.substr(0, id.find(':')));
  auto baseline = read_baseline(std::string(MCPGYM_SOURCE_DIR) +
                                "/conformance/profiles/eval-protocol-000c2a4-baseline.yml");
  ASSERT_TRUE(baseline) << baseline.error();
  const std::set<std::string> listed(baseline->entries.begin(), baseline->entries.end());
  EXPECT_EQ(failing, listed) << explain(results);
}

}  // namespace
}  // namespace mcpgym::conformance
