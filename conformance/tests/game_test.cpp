// The game seam of the suite (conformance/games/): recognising the game from
// tools/list, profiles that name a game or claim a feature it lacks, and the
// runner's skips for a game the suite has no model of.
#include <gtest/gtest.h>

#include <filesystem>
#include <variant>

#include "conformance/checks/driven.hpp"
#include "conformance/core/profile.hpp"
#include "conformance/core/runner.hpp"
#include "conformance/games/driver.hpp"
#include "conformance/tests/support.hpp"
#include "games/frozenlake/map.hpp"

namespace mcpgym::conformance {
namespace {

using json = nlohmann::json;

std::string cliffwalking_start_grid() {
  return "oooooooooooo\noooooooooooo\noooooooooooo\nxCCCCCCCCCCT";
}

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
      json::array({{{"name", "echo"}}, tool("maze_move", {"SOUTH", "NORTH", "EAST", "WEST"})}));
  ASSERT_TRUE(g) << g.error();
  EXPECT_EQ(g->driver->name(), "unknown");
  EXPECT_EQ(g->driver->tool(), "maze_move");
  EXPECT_EQ(g->driver->actions(), (std::vector<std::string>{"SOUTH", "NORTH", "EAST", "WEST"}));
  EXPECT_FALSE(g->driver->has_model());
  EXPECT_EQ(g->driver->features_text(), "truncation");
  EXPECT_EQ(g->how,
            "the tool maze_move in tools/list is no game the suite knows (it knows frozenlake, "
            "cliffwalking, taxi, blackjack)");
}

TEST(GameRecognition, NoneOrSeveralDataPlaneToolsIsAnError) {
  auto none = recognise_game(json::array({{{"name", "echo"}}}));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error(),
            "[mcpgym.conform.game_not_recognised] tools/list has no data-plane tool (a tool "
            "taking a string `action` from an enum) among its tools [echo]; name the game with "
            "--game (frozenlake, cliffwalking, taxi, blackjack)");
  auto two = recognise_game(json::array({tool("a_move", {"X"}), tool("b_move", {"Y"})}));
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error(),
            "[mcpgym.conform.game_not_recognised] tools/list has 2 data-plane tools (a tool "
            "taking a string `action` from an enum) among its tools [a_move, b_move]; name the "
            "game with --game (frozenlake, cliffwalking, taxi, blackjack)");
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
  EXPECT_EQ(error({{"url", "http://h/mcp"}, {"game", "chess"}}),
            "[mcpgym.conform.bad_profile] game: 'chess' is not a game the suite knows "
            "(frozenlake, cliffwalking, taxi, blackjack); leave it out to have the suite recognise "
            "the game from "
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
  EXPECT_EQ(driver_named("chess"), nullptr);
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

// --- Episodes planned through the driver (conformance/checks/driven.hpp) ---

std::vector<std::string> names_of(const GameDriver& game, const std::vector<int>& actions) {
  std::vector<std::string> out;
  for (int a : actions)
    out.push_back(game.actions()[static_cast<std::size_t>(a)]);
  return out;
}

TEST(DrivenEpisodes, FrozenLakeStaysPutThenTakesTheWayToTheGoal) {
  auto lake = driver_named("frozenlake");
  const json config = lake->short_episode_config();
  const auto rows = config["desc"].get<std::vector<std::string>>();
  const auto map = std::get<frozenlake::Map>(frozenlake::Map::from_rows(rows));
  const json state = {{"position", 14}, {"grid", map.render(14)}, {"map", rows}};
  auto plan = driven::plan_episode(*lake, 100, config, state, 3);
  ASSERT_TRUE(plan) << plan.error();
  // DOWN on the bottom row leaves the agent at S; RIGHT enters G.
  EXPECT_EQ(names_of(*lake, plan->actions),
            (std::vector<std::string>{"DOWN", "DOWN", "DOWN", "RIGHT"}));
  EXPECT_TRUE(plan->steps.back().terminated);
  EXPECT_EQ(plan->total_rewards, (std::vector<double>{0.0, 0.0, 0.0, 1.0}));
}

TEST(DrivenEpisodes, CliffWalkingFallsIntoTheCliffThenWalksItsSafePath) {
  auto cliff = driver_named("cliffwalking");
  const json state = {{"position", 36}, {"grid", cliffwalking_start_grid()}};
  auto plan = driven::plan_episode(*cliff, 5, cliff->short_episode_config(), state, 2);
  ASSERT_TRUE(plan) << plan.error();
  // RIGHT from the start enters the cliff and comes back to 36: the observation is the start's.
  EXPECT_EQ(plan->length(), 15);
  EXPECT_EQ(names_of(*cliff, {plan->actions[0], plan->actions[1], plan->actions[2]}),
            (std::vector<std::string>{"RIGHT", "RIGHT", "UP"}));
  EXPECT_EQ(plan->steps[0].reward, -100.0);
  EXPECT_FALSE(plan->steps[1].terminated);
  EXPECT_TRUE(plan->steps.back().terminated);
  EXPECT_EQ(plan->total_rewards.back(), -213.0);
}

TEST(DrivenEpisodes, APlanStopsWhereMaxEpisodeStepsTruncatesIt) {
  auto cliff = driver_named("cliffwalking");
  const json state = {{"position", 36}, {"grid", cliffwalking_start_grid()}};
  auto plan = driven::plan_episode(*cliff, 5, {{"max_episode_steps", 4}}, state, 8);
  ASSERT_TRUE(plan) << plan.error();
  EXPECT_EQ(plan->length(), 4);
  EXPECT_TRUE(plan->steps.back().truncated);
  EXPECT_FALSE(plan->steps.back().terminated);
}

TEST(DrivenEpisodes, AGameWithoutAModelHasNoPlan) {
  auto frob = unknown_game("frob_move", {"A", "B"});
  EXPECT_EQ(driven::plan_episode(*frob, 1, json::object(), json::object(), 1).error(),
            "the unknown driver finds no way to the end from {}");
  auto cliff = driver_named("cliffwalking");
  EXPECT_EQ(driven::plan_episode(*cliff, 1, json::object(), json{{"position", 47}}, 0).error(),
            "the cliffwalking driver finds no way to the end from {\"position\":47}");
}

TEST(GameRecognition, TaxiMoveIsTaxi) {
  auto taxi = recognise_game(json::array({{{"name", "taxi_move"}}}));
  ASSERT_TRUE(taxi) << taxi.error();
  EXPECT_EQ(taxi->driver->name(), "taxi");
  EXPECT_EQ(taxi->driver->actions(),
            (std::vector<std::string>{"SOUTH", "NORTH", "EAST", "WEST", "PICKUP", "DROPOFF"}));
  EXPECT_EQ(taxi->driver->features_text(), "truncation");
  EXPECT_TRUE(taxi->driver->slippery_config().is_null());
}

TEST(GameDrivers, TaxiPlansADeliveryAndPredictsEachStep) {
  auto taxi = driver_named("taxi");
  ASSERT_TRUE(taxi);
  EXPECT_TRUE(taxi->has_model());
  // gymnasium's reset(seed=0): 314, taxi (3, 0), passenger at B (4, 3), destination Y (4, 0).
  const json state = {{"state", 314}, {"taxi_row", 3}, {"taxi_col", 0}, {"seed", 0}};
  const auto way = taxi->actions_to_end(state);
  ASSERT_TRUE(way);
  // A wall east of (3, 0): around it to B and back.
  EXPECT_EQ(*way, (std::vector<int>{1, 2, 2, 2, 0, 0, 4, 1, 1, 3, 3, 3, 0, 0, 5}));
  auto model = taxi->model(0, {{"max_episode_steps", 20}}, state);
  ASSERT_TRUE(model) << model.error();
  PredictedStep last;
  double total = 0.0;
  for (int a : *way) {
    last = (*model)->step(a);
    total += last.reward;
  }
  EXPECT_EQ(last.observation, (json{{"state", 410},
                                    {"taxi_row", 4},
                                    {"taxi_col", 0},
                                    {"passenger_location", 2},
                                    {"destination", 2},
                                    {"grid",
                                     "+---------+\n|R: | : :G|\n| : | : : |\n"
                                     "| : : : : |\n| | : | : |\n|Y| : |B: |\n"
                                     "+---------+"}}));
  EXPECT_EQ(last.reward, 20.0);
  EXPECT_TRUE(last.terminated);
  EXPECT_FALSE(last.truncated);
  EXPECT_EQ(last.prob, 1.0);
  EXPECT_EQ(total, 6.0);  // fourteen steps of -1, then +20
  // With a time limit of 3 the third step is truncated.
  auto limited = taxi->model(0, {{"max_episode_steps", 3}}, state);
  ASSERT_TRUE(limited);
  EXPECT_FALSE((*limited)->step(4).truncated);
  EXPECT_FALSE((*limited)->step(4).truncated);
  EXPECT_TRUE((*limited)->step(4).truncated);
  EXPECT_EQ(taxi->model(0, json::object(), json{{"state", 12}}).error(),
            "game://initial_state has no state 314 (TAXI-008), so the model cannot follow it");
  EXPECT_FALSE(taxi->actions_to_end(json{{"state", 500}}));
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

// What determinism's slippery-model and golden-replay ask of a driver.
TEST(GameDrivers, SayWhenTheirDynamicsAreGymnasiumsAndWhichGoldensTheyHave) {
  auto lake = driver_named("frozenlake");
  auto cliff = driver_named("cliffwalking");
  EXPECT_EQ(lake->exact_dynamics().needs, std::set<Feature>{Feature::kGymnasiumMaps});
  EXPECT_EQ(lake->exact_dynamics().rules, "LAKE-003, LAKE-005");
  EXPECT_TRUE(cliff->exact_dynamics().needs.empty());
  EXPECT_EQ(cliff->exact_dynamics().rules, "CLIFF-006, CLIFF-007");
  EXPECT_EQ(lake->golden_recordings().size(), 5u);
  EXPECT_EQ(cliff->golden_recordings().size(), 4u);
  for (const auto& driver : {lake, cliff}) {
    for (const auto& g : driver->golden_recordings()) {
      EXPECT_TRUE(std::filesystem::exists(testing::fixtures_dir() / "golden" / g.file)) << g.file;
      EXPECT_EQ(g.file.rfind("cliffwalking-", 0) == 0, driver == cliff) << g.file;
    }
  }
  auto unknown = unknown_game("frob_move", {"A", "B"});
  EXPECT_TRUE(unknown->golden_recordings().empty());
}

TEST(GameDrivers, SlipperinessConfigUsesTheGamesOwnKey) {
  auto cliff = driver_named("cliffwalking");
  EXPECT_EQ(slipperiness_config(*cliff, true), (json{{"is_slippery", true}}));
  EXPECT_EQ(slipperiness_config(*cliff, false), (json{{"is_slippery", false}}));
  EXPECT_EQ(slipperiness_config(*unknown_game("frob_move", {"A"}), true), json::object());
}

TEST(GameDrivers, PlanPolicyPlaysTheWayToTheEndFromTheInitialState) {
  auto cliff = driver_named("cliffwalking");
  auto policy = plan_policy(*cliff)(0, 5);
  const json state = {{"position", 36}};
  harness::PolicyView view;
  view.initial_state = &state;
  std::vector<std::string> played;
  for (view.step = 0; view.step < 14; ++view.step)
    played.push_back(policy->next_action(view));
  std::vector<std::string> want = {"UP"};
  want.insert(want.end(), 11, "RIGHT");
  want.push_back("DOWN");
  want.push_back("UP");  // past the end: the game's first action
  EXPECT_EQ(played, want);
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
