// The episode-level checks (conformance/checks/termination.cpp, metadata.cpp,
// determinism.cpp): each passes against the reference backend and the
// reference proxy, and each fails against a fault-injected reference
// (--fault NAME) or a MutantFront with one broken behaviour in front of an
// in-process reference backend.
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "conformance/tests/mutant_front.hpp"
#include "conformance/tests/support.hpp"
#include "reference/gym/games/cliffwalking/cliffwalking_game.hpp"
#include "reference/testkit/in_process_backend.hpp"

namespace mcpgym::conformance::testing {
namespace {

using json = nlohmann::json;

const std::vector<std::string> kEpisodeIds = {
    "termination.goal",
    "termination.hole",
    "termination.moves-after-end",
    "termination.truncation",
    "termination.multi-env-rollout",
    "termination.cliff",
    "metadata.line-per-step",
    "metadata.control-plane-present",
    "metadata.matches-control-plane",
    "metadata.no-call-after-end",
    "determinism.same-seed-same-episode",
    "determinism.seed-used",
    "determinism.gymnasium-maps",
    "determinism.slippery-model",
    "determinism.golden-replay",
};

const std::vector<std::string> kAreas = {"termination.*", "metadata.*", "determinism.*"};

json body_of(const std::string& text) {
  return json::parse(text, nullptr, false);
}

// An in-process reference behind a front that edits answers, as a profile.
struct Mutant {
  testkit::InProcessBackend backend;
  MutantFront front;
  Profile profile;
  explicit Mutant(MutantFront::ResponseHook on_response)
      : backend(),
        front("127.0.0.1", backend.port(), {}, std::move(on_response)),
        profile(url_profile(front.url())) {}
};

// Edits the JSON payload of resources/read answers for `uri`.
MutantFront::ResponseHook edit_resource(std::string uri, std::function<void(json&)> edit) {
  return [uri, edit](const ForwardedRequest& req, ForwardedResponse& res) {
    const json request = body_of(req.body);
    if (!request.is_object() || request.value("method", "") != "resources/read") return;
    if (request["params"].value("uri", "") != uri) return;
    json answer = body_of(res.body);
    if (!answer.is_object() || !answer.contains("result")) return;
    json& content = answer["result"]["contents"][0];
    json payload = body_of(content["text"].get<std::string>());
    edit(payload);
    content["text"] = payload.dump();
    res.body = answer.dump();
  };
}

// Edits the observation of every lake_move result (text and structuredContent).
MutantFront::ResponseHook edit_observation(std::function<void(json&)> edit) {
  return [edit](const ForwardedRequest& req, ForwardedResponse& res) {
    const json request = body_of(req.body);
    if (!request.is_object() || request.value("method", "") != "tools/call") return;
    json answer = body_of(res.body);
    if (!answer.is_object() || !answer.contains("result")) return;
    json& result = answer["result"];
    if (result.value("isError", false)) return;
    json observation = body_of(result["content"][0]["text"].get<std::string>());
    edit(observation);
    result["content"][0]["text"] = observation.dump();
    result["structuredContent"] = observation;
    res.body = answer.dump();
  };
}

CheckResult run_mutant(const std::string& id, MutantFront::ResponseHook hook) {
  Mutant m(std::move(hook));
  return run_check(m.profile, id);
}

// ignore-seed falls back to --seed; a fixed one keeps the failure the same every run
// (a drawn seed could, by rare chance, give the same map as the one asked for).
CheckResult run_fault(const std::string& id, const std::string& fault) {
  if (fault == "ignore-seed") {
    return run_check(reference_backend_profile({"--fault", fault, "--seed", "5"}), id);
  }
  return run_check(reference_backend_profile({"--fault", fault}), id);
}

void expect_fail(const CheckResult& r, const std::string& actual_part) {
  if (std::getenv("EPISODE_TEST_VERBOSE") != nullptr) std::cout << describe(r) << "\n";
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_NE(r.actual.find(actual_part), std::string::npos)
      << "actual should mention: " << actual_part << "\n"
      << describe(r);
}

// Every check passes, but those written for another game, which are skipped.
void expect_all_pass(const Profile& profile,
                     const std::set<std::string>& other_games = {"termination.cliff"}) {
  const auto results = run_checks(profile, kAreas);
  std::vector<std::string> seen;
  for (const auto& r : results) {
    seen.push_back(r.id);
    EXPECT_EQ(r.verdict, other_games.count(r.id) ? Verdict::kSkip : Verdict::kPass) << describe(r);
    std::cout << "  " << profile.name << ": " << r.id << " " << verdict_name(r.verdict) << " in "
              << r.duration.count() << " ms\n";
  }
  EXPECT_EQ(seen, kEpisodeIds);
}

// --- Against the reference -------------------------------------------------

TEST(EpisodeChecks, AllPassAgainstReferenceBackend) {
  expect_all_pass(reference_backend_profile());
}

TEST(EpisodeChecks, AllPassAgainstReferenceProxy) {
  expect_all_pass(reference_proxy_profile());
}

TEST(EpisodeChecks, AllPassAgainstReferenceWithHttpControlPlaneOnly) {
  Profile p = reference_backend_profile({"--control-plane", "http"});
  p.control = {ControlPlane::kHttp};
  expect_all_pass(p);
}

TEST(EpisodeChecks, AllPassAgainstReferenceOverStdio) {
  Profile p = reference_backend_profile();
  p.name = "reference backend (stdio)";
  p.launch = LaunchMode::kStdio;
  p.command =
      "'" + (bin_dir() / "mcpgym-frozenlake").string() + "' --transport stdio --log-level warn";
  p.control = {ControlPlane::kResources};
  expect_all_pass(p);
}

Profile cliffwalking_profile(std::vector<std::string> flags = {}) {
  flags.insert(flags.begin(), {"--game", "cliffwalking"});
  Profile p = reference_backend_profile(flags);
  p.name = "reference backend serving CliffWalking";
  p.game = "cliffwalking";
  p.features = {Feature::kSlippery, Feature::kTruncation};
  return p;
}

// The same checks judge CliffWalking through its driver; FrozenLake's own skip.
TEST(EpisodeChecks, AllPassAgainstReferenceServingCliffWalking) {
  expect_all_pass(cliffwalking_profile(), {"termination.hole", "determinism.gymnasium-maps"});
}

TEST(EpisodeChecks, HoleIsFrozenLakesOnly) {
  const auto r = run_check(cliffwalking_profile(), "termination.hole");
  EXPECT_EQ(r.verdict, Verdict::kSkip) << describe(r);
  EXPECT_EQ(r.actual, "applies to game frozenlake, not cliffwalking");
}

TEST(EpisodeChecks, CliffFailsWhenTheCliffEndsTheEpisode) {
  const auto r =
      run_check(cliffwalking_profile({"--fault", "cliff-terminates"}), "termination.cliff");
  expect_fail(r,
              "after step 1 (RIGHT) at position 36: reward -100.0, terminated true, truncated "
              "false, step_count 1, total_reward -100.0");
  EXPECT_EQ(r.expected,
            "step 1 (RIGHT) as the cliffwalking model predicts it: at position 36, reward -100.0, "
            "terminated false, truncated false, step_count 1, total_reward -100.0");
}

TEST(EpisodeChecks, CliffWalkingGoalFailsWithAStaleStatus) {
  const auto r = run_check(cliffwalking_profile({"--fault", "stale-status"}), "termination.goal");
  expect_fail(r, "");
  EXPECT_EQ(r.actual,
            "after step 1 (UP) at position 24: reward 0.0, terminated false, truncated false, "
            "step_count 0, total_reward 0.0");
}

TEST(EpisodeChecks, CliffWalkingMultiEnvFailsWhenTheCliffEndsTheEpisode) {
  const auto r = run_check(cliffwalking_profile({"--fault", "cliff-terminates"}),
                           "termination.multi-env-rollout");
  expect_fail(r,
              "env 1 (seed 101): terminated at step 1, total reward -100.0; expected "
              "terminated at step 14 (as the model predicts), total reward -113.0");
}

TEST(EpisodeChecks, CliffWalkingNoCallAfterEndFailsWhenTheEndIsHidden) {
  // The in-process reference serving CliffWalking, its status never saying the episode ended.
  testkit::InProcessBackend backend({}, testkit::InProcessBackend::default_options(),
                                    gym::cliffwalking_game());
  MutantFront front("127.0.0.1", backend.port(), {},
                    edit_resource("control://status", [](json& p) { p["terminated"] = false; }));
  Profile profile = url_profile(front.url());
  profile.game = "cliffwalking";
  profile.features = {Feature::kSlippery, Feature::kTruncation};
  // One fall into the cliff, then the 13 moves of the safe path.
  expect_fail(run_check(profile, "metadata.no-call-after-end"),
              "env 0 (seed 200, 14-step episode): 15 tool calls, the episode ended at step 14");
}

TEST(EpisodeChecks, FeatureChecksSkipWithoutTheirFeatures) {
  Profile p = reference_backend_profile();
  p.features.clear();
  const auto results = run_checks(p, {"termination.truncation", "determinism.gymnasium-maps",
                                      "determinism.slippery-model", "determinism.golden-replay"});
  ASSERT_EQ(results.size(), 4u);
  for (const auto& r : results)
    EXPECT_EQ(r.verdict, Verdict::kSkip) << describe(r);
}

TEST(EpisodeChecks, GoldenReplayLeavesOutFilesNeedingUnclaimedFeatures) {
  Profile p = reference_backend_profile();
  p.features = {Feature::kGymnasiumMaps};
  const auto r = run_check(p, "determinism.golden-replay");
  EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
  EXPECT_EQ(
      r.actual,
      "2 golden recording(s) replayed identically; not applicable: 8x8-shortest.jsonl "
      "(needs 8x8) slippery-random.jsonl (needs slippery) truncated.jsonl (needs truncation)");
}

// --- termination -----------------------------------------------------------

TEST(EpisodeChecks, GoalFailsWhenTheGoalPaysNothing) {
  const auto r = run_mutant("termination.goal", edit_resource("control://reward", [](json& p) {
                              if (p.value("reward", 0.0) == 1.0) p["reward"] = 0.0;
                            }));
  expect_fail(r, "reward 0.0, terminated true, total_reward 1.0 (at position 15)");
  EXPECT_EQ(r.expected,
            "on step 6, reaching the goal at position 15: reward 1.0, terminated true, "
            "total_reward 1.0");
}

TEST(EpisodeChecks, HoleFailsWhenHolesDoNotEndTheEpisode) {
  const auto r = run_fault("termination.hole", "no-hole-termination");
  expect_fail(r, "terminated false, truncated false, reward 0.0, total_reward 0.0 (at position 5)");
  EXPECT_EQ(r.expected,
            "on step 2 (RIGHT into H at position 5 of desc [\"SFFF\",\"FHFH\",\"FFFH\",\"HFFG\"]): "
            "terminated true, reward 0.0, total_reward 0.0");
}

TEST(EpisodeChecks, MovesAfterEndFailsWhenMovesAreAccepted) {
  const auto r = run_fault("termination.moves-after-end", "moves-after-end");
  expect_fail(r, "an ordinary result: {");
  EXPECT_EQ(r.expected,
            "lake_move LEFT after the episode terminated to be a tool error (isError true) with a "
            "message saying so");
}

TEST(EpisodeChecks, MovesAfterEndFailsWhenARefusedMoveCountsAStep) {
  // The refusal is there, but control://status counts one step more afterwards.
  int reads = 0;
  const auto r = run_mutant("termination.moves-after-end",
                            edit_resource("control://status", [&reads](json& p) {
                              if (++reads >= 2) p["step_count"] = 2;
                            }));
  expect_fail(r, "after lake_move LEFT: control://reward");
}

TEST(EpisodeChecks, TruncationFailsWhenTruncatedIsDropped) {
  const auto r =
      run_mutant("termination.truncation",
                 edit_resource("control://status", [](json& p) { p["truncated"] = false; }));
  expect_fail(r, "step 3: truncated false, terminated false, step_count 3");
}

TEST(EpisodeChecks, TruncationFailsWhenTruncatedTooEarly) {
  const auto r =
      run_mutant("termination.truncation", edit_resource("control://status", [](json& p) {
                   if (p.value("step_count", 0) >= 2) p["truncated"] = true;
                 }));
  expect_fail(r, "step 2: truncated true");
}

// Checks that fail against a fault-injected reference, with a part of the
// `actual` that names what went wrong.
struct FaultCase {
  const char* name;
  const char* id;
  const char* fault;
  const char* actual_part;
};

class EpisodeFaults : public ::testing::TestWithParam<FaultCase> {};

TEST_P(EpisodeFaults, Fails) {
  expect_fail(run_fault(GetParam().id, GetParam().fault), GetParam().actual_part);
}

INSTANTIATE_TEST_SUITE_P(
    EpisodeChecks, EpisodeFaults,
    ::testing::Values(
        FaultCase{"GoalFailsWithAStaleStatus", "termination.goal", "stale-status",
                  "reward 0.0, terminated false"},
        FaultCase{"MultiEnvFailsWhenEnvironmentsShareState", "termination.multi-env-rollout",
                  "shared-state", "FAILED after"},
        FaultCase{"MultiEnvFailsWhenEpisodesStopAfterTheFirstStep", "termination.multi-env-rollout",
                  "terminate-after-first-step",
                  "terminated at step 1, total reward 0.0; expected terminated at step 2"},
        FaultCase{"ControlPlanePresentFailsWithAnEmptyControlPlane",
                  "metadata.control-plane-present", "empty-control-plane",
                  "control://reward has no numeric \"reward\": {}"},
        FaultCase{"LinePerStepFailsWhenEpisodesStopAfterTheFirstStep", "metadata.line-per-step",
                  "terminate-after-first-step",
                  "env 0 (seed 200, 2-step episode) has 1 line(s), steps [1]"},
        FaultCase{"MatchesControlPlaneFailsWithAStaleStatus", "metadata.matches-control-plane",
                  "stale-status", "stale"},
        FaultCase{"GymnasiumMapsFailsWhenTheSeedIsIgnored", "determinism.gymnasium-maps",
                  "ignore-seed", "seed 0, config {}: "},
        FaultCase{"GoldenReplayFailsWhenTheSeedIsIgnored", "determinism.golden-replay",
                  "ignore-seed", "4x4-shortest.jsonl: env 0, step "},
        FaultCase{
            "SlipperyModelFailsWhenTheSeedIsIgnored", "determinism.slippery-model", "ignore-seed",
            "seed 7, actions LD, step 2: got {\"position\":8,\"reward\":0.0,\"terminated\":false,"
            "\"total_reward\":0.0}, the model's {\"position\":5,"}),
    [](const ::testing::TestParamInfo<FaultCase>& info) { return std::string(info.param.name); });

// --- metadata --------------------------------------------------------------

TEST(EpisodeChecks, MatchesControlPlaneFailsWhenTheGoalPaysNothing) {
  const auto r =
      run_mutant("metadata.matches-control-plane", edit_resource("control://reward", [](json& p) {
                   if (p.value("reward", 0.0) == 1.0) p["reward"] = 0.0;
                 }));
  expect_fail(r,
              "env 0 (seed 200, 2-step episode) line 2, step 2: recorded "
              "{\"reward\":0.0,\"step\":2,\"terminated\":true,\"total_reward\":1.0,"
              "\"truncated\":false}, expected {\"reward\":1.0,");
}

TEST(EpisodeChecks, MatchesControlPlaneFailsWhenTheLastReadDiffers) {
  // Every read of control://status after the episode ended, but the first,
  // reports one step more: the recording and the re-read at the end disagree.
  std::map<std::string, int> ended_reads;
  std::mutex mutex;
  const auto r = run_mutant("metadata.matches-control-plane",
                            [&](const ForwardedRequest& req, ForwardedResponse& res) {
                              edit_resource("control://status", [&](json& p) {
                                if (!p.value("terminated", false) && !p.value("truncated", false))
                                  return;
                                std::lock_guard lock(mutex);
                                if (ended_reads[get_header(req.headers, "mcp-session-id")]++ > 0)
                                  p["total_reward"] = 5.0;
                              })(req, res);
                            });
  expect_fail(r, "but the control plane now says");
}

TEST(EpisodeChecks, NoCallAfterEndFailsWhenTheEndIsHidden) {
  const auto r =
      run_mutant("metadata.no-call-after-end",
                 edit_resource("control://status", [](json& p) { p["terminated"] = false; }));
  expect_fail(r, "env 0 (seed 200, 2-step episode): 3 tool calls, the episode ended at step 2");
}

// An empty recording proves nothing: the check judged it "none" and passed.
// Now it says it could not judge, and why.
void expect_not_judged(const CheckResult& r, const std::string& actual_start) {
  EXPECT_EQ(r.verdict, Verdict::kError) << describe(r);
  EXPECT_TRUE(r.actual.starts_with(actual_start)) << describe(r);
}

TEST(EpisodeChecks, NoCallAfterEndIsNotJudgedWhenTheServerIsNeverReachable) {
  const int port = *harness::pick_free_port();  // nothing listens there
  expect_not_judged(run_check(url_profile("http://127.0.0.1:" + std::to_string(port) + "/mcp"),
                              "metadata.no-call-after-end"),
                    "no episode end to judge a move after: env 0 (seed 200): FAILED after 0 "
                    "step(s): [mcpgym.client.transport] initialize: [mcpgym.http_client.refused] "
                    "POST http://127.0.0.1:" +
                        std::to_string(port) + "/mcp: the connection was refused");
}

TEST(EpisodeChecks, NoCallAfterEndIsNotJudgedWhenAStdioServerNeverAnswers) {
  Profile profile;
  profile.name = "a stdio server that reads nothing and says nothing";
  profile.launch = LaunchMode::kStdio;
  profile.command = "true";
  profile.game = "frozenlake";  // named: recognising it would already fail on tools/list
  expect_not_judged(run_check(profile, "metadata.no-call-after-end"),
                    "no episode end to judge a move after: env 0 (seed 200): FAILED after 0 "
                    "step(s): [mcpgym.client.");
}

// --- determinism -----------------------------------------------------------

TEST(EpisodeChecks, SameEpisodeFailsWhenSessionsShareState) {
  const auto r = run_fault("determinism.same-seed-same-episode", "shared-state");
  expect_fail(r, "seed ");
  EXPECT_NE(r.actual.find("the first session shows"), std::string::npos) << describe(r);
}

TEST(EpisodeChecks, SameEpisodeFailsWhenTheSeedIsIgnored) {
  // Without --seed each session draws its own seed (2^53 of them): the two differ.
  expect_fail(run_check(reference_backend_profile({"--fault", "ignore-seed"}),
                        "determinism.same-seed-same-episode"),
              ": game://initial_state: the first session shows");
}

TEST(EpisodeChecks, SameEpisodeFailsWhenObservationsVary) {
  // Every other lake_move answer shows the agent one cell off.
  int calls = 0;
  const auto r =
      run_mutant("determinism.same-seed-same-episode", edit_observation([&calls](json& o) {
                   if (++calls % 2 == 0) o["position"] = o.value("position", 0) + 1;
                 }));
  expect_fail(r, "the lake_move result: the first session shows");
}

TEST(EpisodeChecks, SeedUsedFailsWhenTheSeedIsIgnored) {
  const auto r = run_fault("determinism.seed-used", "ignore-seed");
  expect_fail(r, "initialize with seed 31337: game://initial_state says seed 5");
  EXPECT_EQ(r.actual, "initialize with seed 31337: game://initial_state says seed 5");
}

TEST(EpisodeChecks, SeedUsedFailsWhenTheMapIsNotTheSeeds) {
  const auto r =
      run_mutant("determinism.seed-used",
                 edit_resource("game://initial_state", [](json& p) { p["map"][1] = "FHHF"; }));
  expect_fail(r, "seed 31337: map [");
}

TEST(EpisodeChecks, SlipperyModelFailsWhenPositionsAreWrong) {
  const auto r = run_mutant("determinism.slippery-model",
                            edit_observation([](json& o) { o["position"] = 0; }));
  expect_fail(r, "seed 7, actions ");
}

TEST(EpisodeChecks, GoldenReplayFailsWhenTheGridIsWrong) {
  // The grid shows the agent's P in the wrong cell: rows in reverse order.
  const auto r = run_mutant(
      "determinism.golden-replay", edit_observation([](json& o) {
        std::string grid = o.value("grid", "");
        std::vector<std::string> rows;
        std::size_t start = 0;
        for (std::size_t nl; (nl = grid.find('\n', start)) != std::string::npos; start = nl + 1)
          rows.push_back(grid.substr(start, nl - start));
        rows.push_back(grid.substr(start));
        std::string flipped;
        for (auto it = rows.rbegin(); it != rows.rend(); ++it)
          flipped += (flipped.empty() ? "" : "\n") + *it;
        o["grid"] = flipped;
      }));
  // Tool texts compare by meaning (REC-010): the difference is named inside the JSON.
  expect_fail(r,
              "4x4-shortest.jsonl: env 0, step 1: /messages/3/content#/grid differs: expected "
              "\"SFHF\\nPHFF\\nFFFH\\nFHFG\", got \"FHFG\\nFFFH\\nPHFF\\nSFHF\"");
}

// --- determinism for CliffWalking ------------------------------------------
// Through its driver: CLIFF-007 holds for every CliffWalking server, so its
// slippery dynamics and golden recordings are judged without a feature.

CheckResult run_cliff_fault(const std::string& id, const std::string& fault) {
  std::vector<std::string> flags = {"--fault", fault};
  if (fault == "ignore-seed") flags.insert(flags.end(), {"--seed", "5"});
  return run_check(reference_cliffwalking_backend_profile(flags), id);
}

TEST(EpisodeChecks, DeterminismJudgesCliffWalkingThroughItsDriver) {
  const auto results = run_checks(reference_cliffwalking_backend_profile(), {"determinism.*"});
  std::map<std::string, CheckResult> by_id;
  for (const auto& r : results)
    by_id[r.id] = r;
  ASSERT_EQ(by_id.size(), 5u);
  for (const char* id : {"determinism.same-seed-same-episode", "determinism.seed-used",
                         "determinism.slippery-model", "determinism.golden-replay"}) {
    EXPECT_EQ(by_id[id].verdict, Verdict::kPass) << describe(by_id[id]);
  }
  EXPECT_EQ(by_id["determinism.golden-replay"].actual,
            "4 golden recording(s) replayed identically");
  EXPECT_EQ(by_id["determinism.slippery-model"].expected,
            "slippery cliffwalking episodes (seeds 7, 8, 9, 1234; config {\"is_slippery\":true}) "
            "follow the model of CLIFF-006, CLIFF-007 step by step: position, reward, terminated, "
            "total_reward");
  const CheckResult& maps = by_id["determinism.gymnasium-maps"];
  EXPECT_EQ(maps.verdict, Verdict::kSkip) << describe(maps);
  EXPECT_EQ(maps.actual, "needs feature 'gymnasium-maps', which game cliffwalking does not have");
}

TEST(EpisodeChecks, CliffWalkingGoldenReplayLeavesOutFilesNeedingUnclaimedFeatures) {
  Profile p = reference_cliffwalking_backend_profile();
  p.features = {};
  const auto r = run_check(p, "determinism.golden-replay");
  EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
  EXPECT_EQ(r.actual,
            "2 golden recording(s) replayed identically; not applicable: "
            "cliffwalking-slippery-random.jsonl (needs slippery) cliffwalking-truncated.jsonl "
            "(needs truncation)");
}

TEST(EpisodeChecks, FrozenLakesExactDynamicsNeedGymnasiumMaps) {
  Profile p = reference_backend_profile();
  p.features = {Feature::kSlippery};
  const auto results = run_checks(p, {"determinism.slippery-model", "determinism.golden-replay"});
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) {
    EXPECT_EQ(r.verdict, Verdict::kSkip) << describe(r);
    EXPECT_EQ(r.actual,
              "needs feature 'gymnasium-maps' for frozenlake's dynamics to be gymnasium's "
              "(LAKE-003, LAKE-005), which the profile does not claim");
  }
}

class CliffWalkingEpisodeFaults : public ::testing::TestWithParam<FaultCase> {};

TEST_P(CliffWalkingEpisodeFaults, Fails) {
  expect_fail(run_cliff_fault(GetParam().id, GetParam().fault), GetParam().actual_part);
}

INSTANTIATE_TEST_SUITE_P(
    EpisodeChecks, CliffWalkingEpisodeFaults,
    ::testing::Values(
        FaultCase{"GoldenReplayFailsWhenTheCliffTerminates", "determinism.golden-replay",
                  "cliff-terminates", "cliffwalking-cliff.jsonl: "},
        FaultCase{"SlipperyModelFailsWhenTheCliffTerminates", "determinism.slippery-model",
                  "cliff-terminates", "\"terminated\":true"},
        FaultCase{"SlipperyModelFailsWhenTheSeedIsIgnored", "determinism.slippery-model",
                  "ignore-seed", "seed 7, actions "},
        FaultCase{"GoldenReplayFailsWhenTheSeedIsIgnored", "determinism.golden-replay",
                  "ignore-seed", "cliffwalking-shortest.jsonl: env 0, step 1"}),
    [](const ::testing::TestParamInfo<FaultCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace mcpgym::conformance::testing
