// A game the suite does not know: the reference FrozenLake behind a front
// that renames its tool lake_move to frob_move. The suite recognises the
// game "unknown" with frob_move's actions, runs the checks that need no model
// of the game (and they pass), and skips the rest saying why.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "conformance/tests/front_fixture.hpp"

namespace mcpgym::conformance::testing {
namespace {

using json = nlohmann::json;

// Renames the tool in both directions: tools/list answers show frob_move, and
// a tools/call of frob_move reaches the reference as lake_move.
std::unique_ptr<Mutant> frob_front(gym::GymAppOptions app = {}) {
  auto m = std::make_unique<Mutant>(
      [](ForwardedRequest& req) -> std::optional<ForwardedResponse> {
        json body = body_of(req);
        if (body.is_object() && body.value("method", "") == "tools/call" &&
            body["params"].value("name", "") == "frob_move") {
          body["params"]["name"] = "lake_move";
          req.body = body.dump();
        }
        return std::nullopt;
      },
      [](const ForwardedRequest& req, ForwardedResponse& res) {
        if (method_of(req) != "tools/list") return;
        json answer = json::parse(res.body, nullptr, false);
        if (!answer.is_object() || !answer.contains("result")) return;
        for (json& tool : answer["result"]["tools"]) {
          if (tool.value("name", "") == "lake_move") tool["name"] = "frob_move";
        }
        res.body = answer.dump();
      },
      std::move(app));
  m->profile.game.clear();  // recognised, not named
  return m;
}

const std::vector<std::string> kModelFree = {
    "lifecycle.tools-list",
    "sessions.same-id-and-environment-for-episode",
    "sessions.isolated-environments",
    "sessions.concurrent-sessions",
    "termination.moves-after-end",
    "determinism.same-seed-same-episode",
    "determinism.seed-used",
    // Consistency of the recorded control plane needs no model.
    "metadata.line-per-step",
    "metadata.control-plane-present",
    "metadata.matches-control-plane",
    "metadata.no-call-after-end",
};
const std::vector<std::string> kNeedAModel = {
    "properties.session-interleavings",
    "termination.goal",
    "termination.hole",
    "termination.truncation",
    "termination.multi-env-rollout",
};

TEST(UnknownGame, TheModelFreeChecksRunAndTheRestAreSkippedWithTheReason) {
  auto m = frob_front();
  m->profile.features = {Feature::kTruncation};  // the only feature the game "unknown" has
  std::vector<std::string> only = kModelFree;
  only.insert(only.end(), kNeedAModel.begin(), kNeedAModel.end());
  testing::TempWork work;
  RunOptions options;
  options.selection.only = only;
  std::vector<std::string> announced;
  options.on_game = [&](const GameChoice& g) { announced.push_back(g.describe()); };
  const RunReport report = run_suite(all_checks(), m->profile, work.paths(), options);
  EXPECT_EQ(announced, std::vector<std::string>{
                           "unknown (the tool frob_move in tools/list is no game the suite knows "
                           "(it knows frozenlake, cliffwalking, taxi, blackjack))"});
  ASSERT_TRUE(report.game);
  EXPECT_EQ(report.game->driver->tool(), "frob_move");
  EXPECT_EQ(report.game->driver->actions(),
            (std::vector<std::string>{"LEFT", "DOWN", "RIGHT", "UP"}));
  std::map<std::string, const CheckResult*> by_id;
  for (const auto& r : report.results)
    by_id[r.id] = &r;
  for (const auto& id : kModelFree) {
    ASSERT_TRUE(by_id.count(id)) << id;
    EXPECT_EQ(by_id[id]->verdict, Verdict::kPass) << describe(*by_id[id]);
  }
  for (const auto& id : kNeedAModel) {
    ASSERT_TRUE(by_id.count(id)) << id;
    EXPECT_EQ(by_id[id]->verdict, Verdict::kSkip) << describe(*by_id[id]);
    EXPECT_EQ(by_id[id]->actual,
              "needs a model of the game; the suite knows frozenlake, cliffwalking, taxi, "
              "blackjack (the game "
              "is "
              "unknown (the tool frob_move in tools/list is no game the suite knows (it knows "
              "frozenlake, cliffwalking, taxi, blackjack)))")
        << id;
  }
}

// The model-free metadata checks still catch a control plane one step stale:
// the rollout sees step_count 0 after the first call.
TEST(UnknownGame, MatchesControlPlaneCatchesAStaleStatusWithoutAModel) {
  gym::GymAppOptions app;
  app.faults.stale_status = true;
  auto m = frob_front(app);
  m->profile.features = {Feature::kTruncation};
  const CheckResult r = run_check(m->profile, "metadata.matches-control-plane");
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.actual,
            "env 0 (seed 200): FAILED after 0 step(s): step 1: control://status says step_count 0 "
            "right after tool call 1: the control plane is stale or miscounts (CTRL-007)");
}

TEST(UnknownGame, AFeatureTheRecognisedGameLacksIsAProfileError) {
  auto m = frob_front();  // claims slippery, gymnasium-maps and 8x8 too
  const CheckResult r = run_check(m->profile, "sessions.isolated-environments");
  EXPECT_EQ(r.verdict, Verdict::kError) << describe(r);
  EXPECT_EQ(r.actual,
            "[mcpgym.conform.bad_profile] features: 'slippery' does not exist for game unknown "
            "(its features: truncation); the game is unknown (the tool frob_move in tools/list "
            "is no game the suite knows (it knows frozenlake, cliffwalking, taxi, blackjack))");
}

}  // namespace
}  // namespace mcpgym::conformance::testing
