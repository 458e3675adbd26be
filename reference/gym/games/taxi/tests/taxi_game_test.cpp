// The Taxi module through the Game seam, as the generic application sees it.
#include "reference/gym/games/taxi/taxi_game.hpp"

#include <gtest/gtest.h>

#include <bit>

#include "games/testing/fixture_file.hpp"

namespace mcpgym::gym {
namespace {

const std::string kBareMap =
    "+---------+\n"
    "|R: | : :G|\n"
    "| : | : : |\n"
    "| : : : : |\n"
    "| | : | : |\n"
    "|Y| : |B: |\n"
    "+---------+";

std::unique_ptr<GameEnv> make_env(std::uint64_t seed) {
  auto made = taxi_game().make(json::object(), seed, {});
  if (!made) {
    ADD_FAILURE() << made.error().text;
    return nullptr;
  }
  return std::move(*made);
}

TEST(TaxiGame, DescribesItself) {
  const GameInfo& info = taxi_game().info();
  EXPECT_EQ(info.name, "taxi");
  EXPECT_EQ(info.server_name, "mcpgym-taxi");
  EXPECT_EQ(info.tool, "taxi_move");
  EXPECT_EQ(info.actions,
            (std::vector<std::string>{"SOUTH", "NORTH", "EAST", "WEST", "PICKUP", "DROPOFF"}));
  EXPECT_TRUE(info.config_keys.empty());
  EXPECT_TRUE(info.faults.empty());
  EXPECT_EQ(info.output_schema, json::parse(R"({"type": "object",
      "properties": {"state": {"type": "integer"}, "taxi_row": {"type": "integer"},
                     "taxi_col": {"type": "integer"}, "passenger_location": {"type": "integer"},
                     "destination": {"type": "integer"}, "grid": {"type": "string"},
                     "action": {"type": "string"}},
      "required": ["state", "taxi_row", "taxi_col", "passenger_location", "destination", "grid",
                   "action"]})"));
  EXPECT_NE(info.tool_description.find("SOUTH, NORTH, EAST, WEST, PICKUP or DROPOFF"),
            std::string::npos);
  EXPECT_NE(info.instructions.find("taxi_move"), std::string::npos);
  EXPECT_FALSE(info.initial_state_description.empty());
  EXPECT_FALSE(info.info_description.empty());
}

TEST(TaxiGame, ObservationIsTheStateItsPartsAndTheGrid) {
  const auto env =
      make_env(0);  // gymnasium's reset(seed=0): 314, taxi (3, 0), passenger at B, destination Y
  ASSERT_TRUE(env);
  const json expected = {{"state", 314},     {"taxi_row", 3},
                         {"taxi_col", 0},    {"passenger_location", 3},
                         {"destination", 2}, {"grid", kBareMap}};
  EXPECT_EQ(env->observation(), expected);
  EXPECT_EQ(env->initial_state(), expected);
}

TEST(TaxiGame, RewardsAreFloatsAndInfoHoldsTheMaskOfTheNewState) {
  const auto env = make_env(0);
  ASSERT_TRUE(env);
  const GameStep drop = env->step(5);  // DROPOFF with nobody aboard
  EXPECT_EQ(json(drop.reward).dump(), "-10.0");
  EXPECT_FALSE(drop.terminated);
  EXPECT_EQ(drop.info.dump(), R"({"action_mask":[1,1,0,0,0,0],"prob":1.0})");
  const GameStep north = env->step(1);
  EXPECT_EQ(json(north.reward).dump(), "-1.0");
  EXPECT_EQ(north.info.dump(), R"({"action_mask":[1,1,1,0,0,0],"prob":1.0})");
  EXPECT_EQ(env->observation().at("state"), 214);
  EXPECT_EQ(env->initial_state().at("state"), 314);  // the start, not the current state
}

std::uint64_t bits(double d) {
  return std::bit_cast<std::uint64_t>(d);
}

void replay(const json& record) {
  const auto env = make_env(fixtures::parse_u64(record.at("seed")));
  ASSERT_TRUE(env);
  EXPECT_EQ(env->observation().at("state"), record.at("initial_state"));
  EXPECT_EQ(env->observation().at("grid"), record.at("initial_grid"));
  const auto& steps = record.at("steps");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE("step " + std::to_string(i));
    const json& expected = steps[i];
    const GameStep step = env->step(expected.at("action").get<int>());
    ASSERT_EQ(bits(step.reward), bits(expected.at("reward").get<double>()));
    ASSERT_EQ(step.terminated, expected.at("terminated").get<bool>());
    ASSERT_EQ(step.info.size(), 2U);
    ASSERT_EQ(bits(step.info.at("prob").get<double>()), bits(expected.at("prob").get<double>()));
    ASSERT_EQ(step.info.at("action_mask"), expected.at("action_mask"));
    ASSERT_EQ(env->observation().at("state"), expected.at("state"));
  }
  EXPECT_EQ(env->observation().at("grid"), record.at("final_grid"));
  EXPECT_EQ(env->initial_state().at("state"), record.at("initial_state"));
}

TEST(TaxiGame, ReproducesEveryNumpyFixtureThroughTheSeam) {
  std::vector<json> records;
  ASSERT_NO_FATAL_FAILURE(fixtures::load_jsonl("taxi_rollouts.jsonl", records));
  for (std::size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE("rollout " + std::to_string(i) + " (line " + std::to_string(i + 1) + ")");
    replay(records[i]);
  }
}

}  // namespace
}  // namespace mcpgym::gym
