// Negative controls: the suite is worth only the bugs it catches. Each field
// bug of an earlier Python MCP-Gym project (../shared/field-reports) is
// reproduced by a fault-injection flag of the reference backend or proxy; the
// whole suite runs against each, and exactly the listed checks must end
// non-passing, with the listed verdicts. The clean reference must pass
// everything. A change that makes a check stop catching its bug, or start
// failing on healthy behaviour, breaks one of these tests.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <ostream>
#include <set>
#include <string>

#include "conformance/tests/support.hpp"

namespace mcpgym::conformance {
namespace {

using testing::explain;
using testing::not_passing;
using testing::reference_backend_profile;
using testing::reference_proxy_profile;

// The property check draws its RapidCheck seed per run unless this variable
// names one. Under shared-state every session plays one environment, so the
// property's random walk decides what later checks find: with a drawn seed
// determinism.same-seed-same-episode passed in one run and failed in the
// next. A fixed seed (still overridable from the environment) makes the
// exact sets below reproducible.
[[maybe_unused]] const bool kPropertySeedFixed =
    ::setenv("MCPGYM_CONFORM_PROPERTY_SEED", "20261206", 0) == 0;

struct Control {
  const char* name;                   // the --fault value; also the test's name
  bool proxy;                         // a fault of mcpgym-proxy (else of mcpgym-frozenlake)
  std::set<std::string> not_passing;  // "<check id>:<verdict>"
  // Check ids whose verdict under this fault depends on chance (what
  // concurrent checks left in a shared environment): judged neither way.
  std::set<std::string> unsettled = {};
};

// The modern era's faults (handles, HANDLE-*) are judged with both eras, as
// --era auto finds them in the dual-era reference. Every other fault is a field
// bug of the legacy era, judged there (--era legacy): under both eras it would
// also trip the handle checks that apply its rule per handle (HANDLE-012), and
// those are proven by the modern faults' own controls.
const std::set<std::string> kModernFaults = {"handle-from-seed",      "handle-ignored",
                                             "control-cacheable",     "unknown-handle-creates",
                                             "header-not-validated",  "modern-handle-passthrough",
                                             "modern-route-to-first", "modern-close-keeps-backend"};

Profile in_fault_era(Profile profile, const std::string& fault) {
  profile.era = kModernFaults.contains(fault) ? EraChoice::kBoth : EraChoice::kLegacy;
  return profile;
}

// The checks a control's run tripped, whatever its unsettled checks said.
std::set<std::string> settled(std::set<std::string> tripped, const Control& control) {
  std::erase_if(tripped, [&](const std::string& entry) {
    return control.unsettled.contains(entry.substr(0, entry.find(':')));
  });
  return tripped;
}

// Checks whose verdict follows from the control plane or the environment
// being wrong in any way: every fault that corrupts episodes fails them.
const std::set<std::string> kEpisodeChecks = {"determinism.golden-replay:fail",
                                              "determinism.slippery-model:fail",
                                              "properties.session-interleavings:fail",
                                              "termination.goal:fail",
                                              "termination.hole:fail",
                                              "termination.multi-env-rollout:fail",
                                              "termination.truncation:fail",
                                              "metadata.line-per-step:fail",
                                              "metadata.matches-control-plane:fail"};

std::set<std::string> episode_checks_and(std::set<std::string> more) {
  more.insert(kEpisodeChecks.begin(), kEpisodeChecks.end());
  return more;
}

const Control kControls[] = {
    // "session ids that change per request": every request lands in a fresh environment.
    {"new-session-per-request", false,
     episode_checks_and({"sessions.same-id-and-environment-for-episode:fail",
                         "sessions.isolated-environments:fail", "sessions.concurrent-sessions:fail",
                         "metadata.control-plane-present:fail", "termination.moves-after-end:error",
                         "metadata.no-call-after-end:error"})},
    // "environments sharing state".
    {"shared-state", false,
     episode_checks_and({"sessions.isolated-environments:fail", "sessions.concurrent-sessions:fail",
                         "metadata.control-plane-present:fail", "termination.moves-after-end:error",
                         "metadata.no-call-after-end:error", "determinism.seed-used:fail",
                         "determinism.gymnasium-maps:fail"})},
    // "seeds silently ignored".
    {"ignore-seed",
     false,
     {"determinism.golden-replay:fail", "determinism.gymnasium-maps:fail",
      "determinism.same-seed-same-episode:fail", "determinism.seed-used:fail",
      "determinism.slippery-model:fail", "properties.session-interleavings:fail"}},
    // "no termination on holes".
    {"no-hole-termination",
     false,
     {"determinism.golden-replay:fail", "determinism.slippery-model:fail",
      "properties.session-interleavings:fail", "termination.hole:fail"}},
    // "moves accepted after the end".
    {"moves-after-end",
     false,
     {"properties.session-interleavings:fail", "termination.moves-after-end:fail"}},
    // "control-plane status one step stale".
    {"stale-status", false,
     episode_checks_and({"sessions.same-id-and-environment-for-episode:fail",
                         "sessions.isolated-environments:fail",
                         "metadata.control-plane-present:fail", "termination.moves-after-end:error",
                         "metadata.no-call-after-end:error"})},
    // "recordings without control-plane metadata".
    {"empty-control-plane", false,
     episode_checks_and({"sessions.same-id-and-environment-for-episode:fail",
                         "sessions.isolated-environments:fail",
                         "metadata.control-plane-present:fail", "termination.moves-after-end:error",
                         "metadata.no-call-after-end:error"})},
    // "rollouts that stop after step 0".
    {"terminate-after-first-step", false,
     episode_checks_and({"sessions.same-id-and-environment-for-episode:fail",
                         "sessions.isolated-environments:fail",
                         "sessions.concurrent-sessions:fail"})},
    // "proxies that resolve a backend script against the wrong directory".
    {"script-relative-to-exe", true, {"proxy-paths.relative-script:fail"}},
    // "forwarded requests rejected with HTTP 406 for a missing Accept header".
    {"forward-accept-json-only",
     true,
     {"proxy-forwarding.forwarded-headers:fail", "proxy-forwarding.strict-backend-episode:fail"}},
    // Field report 004's own bug: a resources/read forwarded as a GET with
    // Content-Type application/json and no Accept of its own.
    {"forward-resource-read-get",
     true,
     {"proxy-forwarding.forwarded-headers:fail", "proxy-forwarding.strict-backend-episode:fail"}},
    // "a backend left running after DELETE".
    {"backend-survives-delete", true, {"proxy-lifetime.delete-stops-backend:fail"}},
    // "backends orphaned by a SIGKILLed proxy".
    {"backends-outlive-proxy", true, {"proxy-lifetime.sigkill-leaves-no-backend:fail"}},
    // A backend that fails at start, reported without its stderr (PROXY-009).
    {"backend-error-without-stderr", true, {"proxy-lifetime.failed-backend:fail"}},
    // The modern era's field bugs (handles, HANDLE-*): only the handle checks see them.
    // "handles derived from the seed" (md5-of-seed ids).
    {"handle-from-seed",
     false,
     {"handles.not-from-seed:fail", "handles.unpredictable:fail", "handles.isolated:fail",
      "handles.same-seed-same-trajectory:fail", "properties.handle-interleavings:fail"}},
    // "handle ignored": every call plays one environment.
    {"handle-ignored",
     false,
     {"handles.dead-handle:fail", "handles.unknown-handle-uri:fail", "handles.control-http:fail",
      "handles.isolated:fail", "handles.same-seed-same-trajectory:fail",
      "properties.handle-interleavings:fail"}},
    // "control plane cacheable".
    {"control-cacheable", false, {"handles.reads-not-cacheable:fail"}},
    // "unknown handle creating a fresh environment".
    {"unknown-handle-creates",
     false,
     {"handles.dead-handle:fail", "handles.unknown-handle-uri:fail", "handles.control-http:fail"}},
    // "header not validated against the body".
    {"header-not-validated", false, {"handles.env-id-header:fail"}},
    // A modern proxy that hands out its backends' own handles (PROXY-014).
    {"modern-handle-passthrough", true, {"proxy-modern.own-handles:fail"}},
    // A modern proxy that forwards every handle to its first backend (PROXY-014).
    // A modern proxy whose env_close leaves the backend running (PROXY-014).
    {"modern-close-keeps-backend", true, {"proxy-modern.env-close-stops-backend:fail"}},
    {"modern-route-to-first",
     true,
     {"proxy-modern.handle-per-backend:fail", "handles.isolated:fail",
      "handles.same-seed-same-trajectory:fail", "properties.handle-interleavings:fail"}},
    // Not here: refuse-while-starting (PROXY-013's fault). Which checks it trips
    // depends on which initializes happen to overlap a backend's start, so an
    // exact set would be a timing-dependent test; conformance_proxy_tests'
    // ProxyForwarding.ABurstThatLosesSessionsFails proves its check can fail.
};

// For test names and failure messages: the fault, not the struct's bytes.
void PrintTo(const Control& control, std::ostream* out) {
  *out << control.name;
}

class NegativeControl : public ::testing::TestWithParam<Control> {};

TEST_P(NegativeControl, ExactlyTheExpectedChecksCatchTheFieldBug) {
  const Control& control = GetParam();
  const std::vector<std::string> flags = {"--fault", control.name};
  const Profile profile = in_fault_era(
      control.proxy ? reference_proxy_profile(flags) : reference_backend_profile(flags),
      control.name);
  const auto results = testing::run_checks(profile, {});
  testing::expect_exactly(results, control.not_passing);
}

INSTANTIATE_TEST_SUITE_P(FieldBugs, NegativeControl, ::testing::ValuesIn(kControls),
                         testing::fault_test_name<Control>);

TEST(CleanReference, TheBackendPassesEveryCheckThatApplies) {
  const auto results = testing::run_checks(reference_backend_profile(), {});
  const auto failing = not_passing(results);
  EXPECT_TRUE(failing.empty()) << explain(results, failing);
  EXPECT_EQ(results.size(), all_checks().size());
}

TEST(CleanReference, TheProxyPassesEveryCheckThatApplies) {
  const auto results = testing::run_checks(reference_proxy_profile(), {});
  const auto failing = not_passing(results);
  EXPECT_TRUE(failing.empty()) << explain(results, failing);
}

// Every field bug is caught by at least one check outside the catch-all property.
TEST(FieldBugs, EachIsCaughtByAChecksOwnRuleNotOnlyByTheProperty) {
  for (const Control& control : kControls) {
    std::size_t specific = 0;
    for (const auto& id : control.not_passing) {
      specific += id.rfind("properties.", 0) != 0;
    }
    EXPECT_GT(specific, 0u) << control.name;
  }
}

// --- CliffWalking -------------------------------------------------------------
// The generic fault switches work for every game: the reference serving
// CliffWalking with each of them is caught by exactly these checks.

using testing::reference_cliffwalking_backend_profile;
using testing::reference_cliffwalking_proxy_profile;

// The checks that judge CliffWalking's episodes against its driver's model
// (bit-exact: CLIFF-007 holds for every CliffWalking server), whatever the seed.
const std::set<std::string> kCliffWalkingModelChecks = {"determinism.golden-replay:fail",
                                                        "determinism.slippery-model:fail",
                                                        "properties.session-interleavings:fail"};

// The checks that play the driver's way through an episode and read the
// control plane on every step: every fault that corrupts the control plane or
// the episodes fails them, and the model checks above.
const std::set<std::string> kCliffWalkingEpisodeChecks = {
    "termination.goal:fail",  "termination.truncation:fail", "termination.multi-env-rollout:fail",
    "termination.cliff:fail", "metadata.line-per-step:fail", "metadata.matches-control-plane:fail"};

std::set<std::string> cliffwalking_model_checks_and(std::set<std::string> more) {
  more.insert(kCliffWalkingModelChecks.begin(), kCliffWalkingModelChecks.end());
  return more;
}

std::set<std::string> cliffwalking_episode_checks_and(std::set<std::string> more) {
  more.insert(kCliffWalkingEpisodeChecks.begin(), kCliffWalkingEpisodeChecks.end());
  return cliffwalking_model_checks_and(std::move(more));
}

const std::vector<Control> kCliffWalkingControls = {
    {"new-session-per-request", false,
     cliffwalking_episode_checks_and(
         {"sessions.same-id-and-environment-for-episode:fail",
          "sessions.isolated-environments:fail", "termination.moves-after-end:error",
          "metadata.control-plane-present:fail", "metadata.no-call-after-end:error"})},
    {"shared-state", false,
     cliffwalking_episode_checks_and(
         {"sessions.isolated-environments:error", "determinism.seed-used:fail",
          "termination.moves-after-end:error", "metadata.control-plane-present:fail",
          "metadata.no-call-after-end:error"})},
    {"ignore-seed", false,
     cliffwalking_model_checks_and(
         {"determinism.same-seed-same-episode:fail", "determinism.seed-used:fail"})},
    {"moves-after-end",
     false,
     {"properties.session-interleavings:fail", "termination.moves-after-end:fail"}},
    {"stale-status", false,
     cliffwalking_episode_checks_and(
         {"sessions.same-id-and-environment-for-episode:fail",
          "sessions.isolated-environments:fail", "termination.moves-after-end:error",
          "metadata.control-plane-present:fail", "metadata.no-call-after-end:error"})},
    {"empty-control-plane", false,
     cliffwalking_episode_checks_and(
         {"sessions.same-id-and-environment-for-episode:fail",
          "sessions.isolated-environments:fail", "termination.moves-after-end:error",
          "metadata.control-plane-present:fail", "metadata.no-call-after-end:error"})},
    {"terminate-after-first-step", false,
     cliffwalking_episode_checks_and({"sessions.same-id-and-environment-for-episode:fail",
                                      "sessions.isolated-environments:error",
                                      "termination.moves-after-end:error"})},
    // CliffWalking's own: the cliff ends the episode (against CLIFF-004).
    {"cliff-terminates", false,
     cliffwalking_model_checks_and({"termination.cliff:fail", "termination.multi-env-rollout:fail",
                                    "metadata.line-per-step:fail",
                                    "metadata.matches-control-plane:fail"})},
};

class CliffWalkingNegativeControl : public ::testing::TestWithParam<Control> {};

TEST_P(CliffWalkingNegativeControl, ExactlyTheExpectedChecksCatchTheFieldBug) {
  const Control& control = GetParam();
  const auto results = testing::run_checks(
      in_fault_era(reference_cliffwalking_backend_profile({"--fault", control.name}), control.name),
      {});
  const auto actual = not_passing(results);
  EXPECT_EQ(actual, control.not_passing) << explain(results, actual);
}

INSTANTIATE_TEST_SUITE_P(CliffWalking, CliffWalkingNegativeControl,
                         ::testing::ValuesIn(kCliffWalkingControls),
                         testing::fault_test_name<Control>);

TEST(CleanReference, TheBackendServingCliffWalkingPassesEveryCheckThatApplies) {
  const auto results = testing::run_checks(reference_cliffwalking_backend_profile(), {});
  const auto failing = not_passing(results);
  EXPECT_TRUE(failing.empty()) << explain(results, failing);
}

// The instrumented backend serves the proxy profile's game.
TEST(CleanReference, TheProxyServingCliffWalkingPassesEveryCheckThatApplies) {
  const auto results = testing::run_checks(reference_cliffwalking_proxy_profile(), {});
  const auto failing = not_passing(results);
  EXPECT_TRUE(failing.empty()) << explain(results, failing);
}

// --- Taxi ---------------------------------------------------------------------
// The generic fault switches judged against the reference serving Taxi.

Profile taxi_profile(std::vector<std::string> flags) {
  flags.insert(flags.begin(), {"--game", "taxi"});
  Profile p = reference_backend_profile(flags);
  p.name = "reference backend serving Taxi";
  p.game = "taxi";
  p.features = {Feature::kTruncation};
  return p;
}

// The checks that play Taxi's and Blackjack's episodes through their drivers
// and models: every fault that corrupts the control plane or the episodes
// fails them.
const std::set<std::string> kModelledEpisodeChecks = {"determinism.golden-replay:fail",
                                                      "metadata.control-plane-present:fail",
                                                      "metadata.line-per-step:fail",
                                                      "metadata.matches-control-plane:fail",
                                                      "metadata.no-call-after-end:error",
                                                      "properties.session-interleavings:fail",
                                                      "termination.goal:fail",
                                                      "termination.multi-env-rollout:fail",
                                                      "termination.truncation:fail"};

std::set<std::string> modelled_episode_checks_and(std::set<std::string> more) {
  more.insert(kModelledEpisodeChecks.begin(), kModelledEpisodeChecks.end());
  return more;
}

const std::vector<Control> kTaxiControls = {
    {"new-session-per-request", false,
     modelled_episode_checks_and({"sessions.same-id-and-environment-for-episode:fail",
                                  "sessions.isolated-environments:fail",
                                  "termination.moves-after-end:error"})},
    // Taxi's start depends on the seed (CliffWalking's is always 36), so a server that
    // ignores the seed or shares one environment also breaks the same-seed checks: the
    // model cannot follow the initial state (SESS-007, termination.goal: error), two
    // sessions of one seed differ.
    {"shared-state",
     false,
     {"determinism.golden-replay:fail", "determinism.seed-used:fail",
      "metadata.control-plane-present:fail", "metadata.line-per-step:fail",
      "metadata.matches-control-plane:fail", "metadata.no-call-after-end:error",
      "properties.session-interleavings:fail", "sessions.isolated-environments:fail",
      "sessions.same-id-and-environment-for-episode:error", "termination.goal:error",
      "termination.moves-after-end:error", "termination.multi-env-rollout:fail",
      "termination.truncation:fail"},
     // Two same-seed sessions on the one shared environment agree when the
     // rollouts before them left it at the end of an episode (both see it over)
     // and differ otherwise, which depends on how those rollouts interleaved.
     {"determinism.same-seed-same-episode"}},
    {"ignore-seed",
     false,
     {"determinism.golden-replay:fail", "determinism.same-seed-same-episode:fail",
      "determinism.seed-used:fail", "metadata.line-per-step:error",
      "metadata.matches-control-plane:error", "metadata.no-call-after-end:error",
      "properties.session-interleavings:fail", "sessions.isolated-environments:fail",
      "sessions.same-id-and-environment-for-episode:error", "termination.goal:error",
      "termination.multi-env-rollout:error"}},
    {"moves-after-end",
     false,
     {"properties.session-interleavings:fail", "termination.moves-after-end:fail"}},
    {"stale-status", false,
     modelled_episode_checks_and({"sessions.same-id-and-environment-for-episode:fail",
                                  "sessions.isolated-environments:fail",
                                  "termination.moves-after-end:error"})},
    {"empty-control-plane", false,
     modelled_episode_checks_and({"sessions.same-id-and-environment-for-episode:fail",
                                  "sessions.isolated-environments:fail",
                                  "termination.moves-after-end:error"})},
    {"terminate-after-first-step",
     false,
     {"determinism.golden-replay:fail", "metadata.line-per-step:fail",
      "metadata.matches-control-plane:fail", "properties.session-interleavings:fail",
      "sessions.isolated-environments:error", "sessions.same-id-and-environment-for-episode:fail",
      "termination.goal:fail", "termination.moves-after-end:error",
      "termination.multi-env-rollout:fail", "termination.truncation:fail"}},
};

class TaxiNegativeControl : public ::testing::TestWithParam<Control> {};

TEST_P(TaxiNegativeControl, ExactlyTheExpectedChecksCatchTheFieldBug) {
  const Control& control = GetParam();
  const auto results =
      testing::run_checks(in_fault_era(taxi_profile({"--fault", control.name}), control.name), {});
  const auto actual = settled(not_passing(results), control);
  EXPECT_EQ(actual, control.not_passing) << explain(results, actual);
}

INSTANTIATE_TEST_SUITE_P(Taxi, TaxiNegativeControl, ::testing::ValuesIn(kTaxiControls),
                         testing::fault_test_name<Control>);

TEST(CleanReference, TheBackendServingTaxiPassesEveryCheckThatApplies) {
  const auto results = testing::run_checks(taxi_profile({}), {});
  const auto failing = not_passing(results);
  EXPECT_TRUE(failing.empty()) << explain(results, failing);
}

// --- Blackjack ----------------------------------------------------------------
// The same generic fault switches, with the reference serving Blackjack.

// --seed: the seed of a session whose initialize carries none. Under
// ignore-seed every deal is then this seed's, the same in every run, where a
// seed of the server's own choosing made some checks fail or err by chance.
Profile blackjack_profile(std::vector<std::string> flags) {
  flags.insert(flags.begin(), {"--game", "blackjack", "--seed", "7"});
  Profile p = reference_backend_profile(flags);
  p.name = "reference backend serving Blackjack";
  p.game = "blackjack";
  p.features = {Feature::kTruncation};
  return p;
}

const std::vector<Control> kBlackjackControls = {
    {"new-session-per-request", false,
     modelled_episode_checks_and({"sessions.same-id-and-environment-for-episode:fail",
                                  "sessions.isolated-environments:fail",
                                  "termination.moves-after-end:error"})},
    // Blackjack's deal depends on the seed: with one shared or seed-blind
    // environment the model cannot follow the server's initial state (error).
    {"shared-state",
     false,
     {"determinism.golden-replay:fail", "determinism.seed-used:fail",
      "metadata.control-plane-present:fail", "metadata.line-per-step:fail",
      "metadata.matches-control-plane:fail", "metadata.no-call-after-end:error",
      "properties.session-interleavings:fail", "sessions.isolated-environments:error",
      "termination.goal:error", "termination.moves-after-end:error",
      "termination.multi-env-rollout:fail", "termination.truncation:error"},
     // As for Taxi: whether two same-seed sessions on the shared environment
     // agree depends on where the interleaved rollouts before them left it.
     {"determinism.same-seed-same-episode"}},
    // Every session deals from --seed 7's deck whatever it asked for: the
    // seed-led checks fail, and the model cannot follow those that expect
    // their own seed's deal (error).
    {"ignore-seed",
     false,
     {"determinism.golden-replay:fail", "determinism.seed-used:fail",
      "metadata.line-per-step:error", "metadata.matches-control-plane:error",
      "metadata.no-call-after-end:error", "properties.session-interleavings:fail",
      "sessions.isolated-environments:error", "termination.goal:error",
      "termination.multi-env-rollout:error", "termination.truncation:error"}},
    {"moves-after-end",
     false,
     {"properties.session-interleavings:fail", "termination.moves-after-end:fail"}},
    {"stale-status", false,
     modelled_episode_checks_and({"sessions.same-id-and-environment-for-episode:fail",
                                  "sessions.isolated-environments:fail",
                                  "termination.moves-after-end:error"})},
    {"empty-control-plane", false,
     modelled_episode_checks_and({"sessions.same-id-and-environment-for-episode:fail",
                                  "sessions.isolated-environments:fail",
                                  "termination.moves-after-end:error"})},
    // A hand is short: only the checks that need two or three moves see it end early.
    {"terminate-after-first-step",
     false,
     {"determinism.golden-replay:fail", "sessions.isolated-environments:error",
      "termination.truncation:fail"}},
};

class BlackjackNegativeControl : public ::testing::TestWithParam<Control> {};

TEST_P(BlackjackNegativeControl, ExactlyTheExpectedChecksCatchTheFieldBug) {
  const Control& control = GetParam();
  const auto results = testing::run_checks(
      in_fault_era(blackjack_profile({"--fault", control.name}), control.name), {});
  const auto actual = settled(not_passing(results), control);
  EXPECT_EQ(actual, control.not_passing) << explain(results, actual);
}

INSTANTIATE_TEST_SUITE_P(Blackjack, BlackjackNegativeControl,
                         ::testing::ValuesIn(kBlackjackControls),
                         testing::fault_test_name<Control>);

TEST(CleanReference, TheBackendServingBlackjackPassesEveryCheckThatApplies) {
  const auto results = testing::run_checks(blackjack_profile({}), {});
  const auto failing = not_passing(results);
  EXPECT_TRUE(failing.empty()) << explain(results, failing);
}

}  // namespace
}  // namespace mcpgym::conformance
