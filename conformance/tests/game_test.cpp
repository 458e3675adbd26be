// The game seam of the suite (conformance/games/): recognising the game from
// tools/list, profiles that name a game or claim a feature it lacks, and the
// runner's skips for a game the suite has no model of.
#include <gtest/gtest.h>

#include "conformance/core/profile.hpp"
#include "conformance/core/runner.hpp"
#include "conformance/games/driver.hpp"
#include "conformance/tests/support.hpp"

namespace mcpgym::conformance {
namespace {

using json = nlohmann::json;

json tool(const std::string& name, const json& actions) {
  return {{"name", name},
          {"inputSchema",
           {{"type", "object"},
            {"properties", {{"action", {{"type", "string"}, {"enum", actions}}}}},
            {"required", {"action"}}}}};
}

TEST(GameRecognition, KnownToolsNameTheirGame) {
  auto lake = recognise_game(json::array({tool("lake_move", {"LEFT", "DOWN", "RIGHT", "UP"})}));
  ASSERT_TRUE(lake) << lake.error();
  EXPECT_EQ(lake->driver->name(), "frozenlake");
  EXPECT_EQ(lake->how, "recognised from the tool lake_move in tools/list");
  EXPECT_EQ(lake->describe(), "frozenlake (recognised from the tool lake_move in tools/list)");
  // By name, whatever the schema says (DATA-009 judges the schema).
  auto cliff = recognise_game(json::array({{{"name", "echo"}}, {{"name", "cliff_move"}}}));
  ASSERT_TRUE(cliff) << cliff.error();
  EXPECT_EQ(cliff->driver->name(), "cliffwalking");
  EXPECT_EQ(cliff->driver->tool(), "cliff_move");
  EXPECT_EQ(cliff->driver->actions(), (std::vector<std::string>{"UP", "RIGHT", "DOWN", "LEFT"}));
  EXPECT_EQ(cliff->to_json(), (json{{"name", "cliffwalking"},
                                    {"tool", "cliff_move"},
                                    {"actions", {"UP", "RIGHT", "DOWN", "LEFT"}},
                                    {"how", "recognised from the tool cliff_move in tools/list"}}));
}

TEST(GameRecognition, AnotherActionToolIsTheUnknownGameWithItsActions) {
  auto g = recognise_game(
      json::array({{{"name", "echo"}}, tool("taxi_move", {"SOUTH", "NORTH", "EAST", "WEST"})}));
  ASSERT_TRUE(g) << g.error();
  EXPECT_EQ(g->driver->name(), "unknown");
  EXPECT_EQ(g->driver->tool(), "taxi_move");
  EXPECT_EQ(g->driver->actions(), (std::vector<std::string>{"SOUTH", "NORTH", "EAST", "WEST"}));
  EXPECT_FALSE(g->driver->has_model());
  EXPECT_EQ(g->driver->features_text(), "truncation");
  EXPECT_EQ(g->how,
            "the tool taxi_move in tools/list is no game the suite knows (it knows frozenlake, "
            "cliffwalking, blackjack)");
}

TEST(GameRecognition, NoneOrSeveralDataPlaneToolsIsAnError) {
  auto none = recognise_game(json::array({{{"name", "echo"}}}));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error(),
            "[mcpgym.conform.game_not_recognised] tools/list has no data-plane tool (a tool "
            "taking a string `action` from an enum) among its tools [echo]; name the game with "
            "--game (frozenlake, cliffwalking, blackjack)");
  auto two = recognise_game(json::array({tool("a_move", {"X"}), tool("b_move", {"Y"})}));
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error(),
            "[mcpgym.conform.game_not_recognised] tools/list has 2 data-plane tools (a tool "
            "taking a string `action` from an enum) among its tools [a_move, b_move]; name the "
            "game with --game (frozenlake, cliffwalking, blackjack)");
}

TEST(GameProfile, NamesAKnownGameWithFeaturesItHas) {
  auto p = profile_from_json(
      json{{"url", "http://h/mcp"}, {"game", "cliffwalking"}, {"features", {"slippery"}}});
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->game, "cliffwalking");
  EXPECT_EQ(p->to_json()["game"], "cliffwalking");
  auto error = [](const json& doc) {
    auto q = profile_from_json(doc);
    return q ? std::string("accepted") : q.error();
  };
  EXPECT_EQ(error({{"url", "http://h/mcp"}, {"game", "taxi"}}),
            "[mcpgym.conform.bad_profile] game: 'taxi' is not a game the suite knows "
            "(frozenlake, cliffwalking, blackjack); leave it out to have the suite recognise the "
            "game from "
            "tools/list");
  EXPECT_EQ(error({{"url", "http://h/mcp"}, {"game", "cliffwalking"}, {"features", {"8x8"}}}),
            "[mcpgym.conform.bad_profile] features: '8x8' does not exist for game cliffwalking "
            "(its features: slippery, truncation)");
  EXPECT_EQ(error({{"url", "http://h/mcp"}, {"game", 3}}),
            "[mcpgym.conform.bad_profile] game: expected a string, got 3");
}

TEST(GameProfile, ARecognisedGameIsHeldToTheFeaturesItHas) {
  auto ok = validate_features_for({Feature::kTruncation}, *unknown_game("frob_move", {"A"}));
  EXPECT_TRUE(ok);
  auto bad = validate_features_for({Feature::kSlippery}, *unknown_game("frob_move", {"A"}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(),
            "[mcpgym.conform.bad_profile] features: 'slippery' does not exist for game unknown "
            "(its features: truncation)");
}

TEST(GameDrivers, FrozenLakeEndsTheEpisodeAndPredictsItFromTheServersState) {
  auto lake = driver_named("frozenlake");
  ASSERT_TRUE(lake);
  const json state = {{"map", {"SFFF", "FHFH", "FFFH", "HFFG"}}, {"position", 0}};
  const auto way = lake->actions_to_end(state);
  ASSERT_TRUE(way);
  EXPECT_EQ(*way, (std::vector<int>{1, 1, 2, 1, 2, 2}));  // DOWN DOWN RIGHT DOWN RIGHT RIGHT
  auto model = lake->model(7, lake->long_episode_config(), state);
  ASSERT_TRUE(model) << model.error();
  PredictedStep last;
  for (int a : *way)
    last = (*model)->step(a);
  EXPECT_EQ(last.observation["position"], 15);
  EXPECT_EQ(last.reward, 1.0);
  EXPECT_TRUE(last.terminated);
  EXPECT_FALSE(lake->model(7, json::object(), json{{"position", 0}}));
  EXPECT_EQ(driver_named("taxi"), nullptr);
}

TEST(GameDrivers, CliffWalkingWalksItsSafePathAndPredictsEachStep) {
  auto cliff = driver_named("cliffwalking");
  ASSERT_TRUE(cliff);
  EXPECT_TRUE(cliff->has_model());
  const json state = {{"position", 36}, {"shape", {4, 12}}, {"seed", 5}, {"is_slippery", false}};
  const auto way = cliff->actions_to_end(state);
  ASSERT_TRUE(way);
  EXPECT_EQ(way->size(), 13u);  // UP, RIGHT x11, DOWN
  auto model = cliff->model(5, {{"is_slippery", false}, {"max_episode_steps", 20}}, state);
  ASSERT_TRUE(model) << model.error();
  PredictedStep last;
  double total = 0.0;
  for (int a : *way) {
    last = (*model)->step(a);
    total += last.reward;
  }
  EXPECT_EQ(last.observation["position"], 47);
  EXPECT_TRUE(last.terminated);
  EXPECT_FALSE(last.truncated);
  EXPECT_EQ(total, -13.0);
  // Into the cliff: back to the start, -100, not the end.
  auto fresh = cliff->model(5, json::object(), state);
  ASSERT_TRUE(fresh);
  const PredictedStep fall = (*fresh)->step(1);  // RIGHT from 36 is the cliff
  EXPECT_EQ(fall.observation["position"], 36);
  EXPECT_EQ(fall.reward, -100.0);
  EXPECT_FALSE(fall.terminated);
  EXPECT_EQ(cliff->model(5, json::object(), json{{"position", 12}}).error(),
            "game://initial_state has no position 36 (CLIFF-009), so the model cannot follow it");
}

TEST(GameRunner, AFeatureTheNamedGameLacksIsSkippedNamingTheGame) {
  testing::TempWork work;
  // Nothing listens on port 9: the game is named, so the skip needs no server.
  Profile p = testing::url_profile("http://127.0.0.1:9/mcp");
  p.game = "cliffwalking";
  p.features = {};
  Runner runner(p, work.paths());
  ASSERT_TRUE(runner.game());
  EXPECT_EQ(runner.game()->describe(), "cliffwalking (named by the profile)");
  Check c{
      .id = "x.y",
      .spec_id = "LIFE-005",
      .level = Level::kMust,
      .rule = "a rule",
      .needs = {.kinds = kGymKinds, .features = {Feature::k8x8}, .control = {}, .transport = {}},
      .fresh_process = false,
      .run = [](Context&) { return Outcome::held("", ""); }};
  EXPECT_EQ(runner.skip_reason(c), "needs feature '8x8', which game cliffwalking does not have");
}

// numpy 1.24, seed 0: dealer [10, 9], player [7, 4] (blackjack_rollouts.jsonl, line 1).
TEST(GameDrivers, BlackjackSticksToEndAndPredictsEachStep) {
  auto blackjack = driver_named("blackjack");
  ASSERT_TRUE(blackjack);
  EXPECT_TRUE(blackjack->has_model());
  EXPECT_EQ(blackjack->tool(), "blackjack_move");
  EXPECT_EQ(blackjack->actions(), (std::vector<std::string>{"STICK", "HIT"}));
  EXPECT_EQ(blackjack->features_text(), "truncation");
  EXPECT_TRUE(blackjack->slippery_config().is_null());
  const json state = {{"player_sum", 11}, {"dealer_card", 10}, {"usable_ace", 0}, {"seed", 0}};
  EXPECT_EQ(blackjack->actions_to_end(state), std::vector<int>{0});
  auto model = blackjack->model(0, {{"max_episode_steps", 2}}, state);
  ASSERT_TRUE(model) << model.error();
  const PredictedStep hit = (*model)->step(1);
  EXPECT_EQ(hit.observation, (json{{"player_sum", 12}, {"dealer_card", 10}, {"usable_ace", 0}}));
  EXPECT_EQ(hit.reward, 0.0);
  EXPECT_FALSE(hit.terminated);
  EXPECT_FALSE(hit.truncated);
  const PredictedStep stick = (*model)->step(0);
  EXPECT_EQ(stick.reward, -1.0);
  EXPECT_TRUE(stick.terminated);
  EXPECT_TRUE(stick.truncated);
  EXPECT_EQ(blackjack->model(0, json::object(), json{{"player_sum", 12}}).error(),
            "game://initial_state does not show the deal "
            "{\"dealer_card\":10,\"player_sum\":11,\"usable_ace\":0} (BJACK-009), so the model "
            "cannot follow it");
  auto recognised = recognise_game(json::array({{{"name", "blackjack_move"}}}));
  ASSERT_TRUE(recognised) << recognised.error();
  EXPECT_EQ(recognised->driver->name(), "blackjack");
}

}  // namespace
}  // namespace mcpgym::conformance
