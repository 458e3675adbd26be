// The CliffWalking module through the Game seam, as the generic application sees it.
#include "reference/gym/games/cliffwalking/cliffwalking_game.hpp"

#include <gtest/gtest.h>

#include <bit>

#include "common/error_ids.hpp"
#include "games/testing/fixture_file.hpp"

namespace mcpgym::gym {
namespace {

const std::string kStartGrid =
    "oooooooooooo\n"
    "oooooooooooo\n"
    "oooooooooooo\n"
    "xCCCCCCCCCCT";

std::unique_ptr<GameEnv> make_env(const json& config, std::uint64_t seed) {
  auto made = cliffwalking_game().make(config, seed, {});
  if (!made) {
    ADD_FAILURE() << made.error().text;
    return nullptr;
  }
  return std::move(*made);
}

ConfigError refusal(const json& config) {
  auto made = cliffwalking_game().make(config, 0, {});
  EXPECT_FALSE(made);
  return made ? ConfigError{} : made.error();
}

TEST(CliffWalkingGame, DescribesItself) {
  const GameInfo& info = cliffwalking_game().info();
  EXPECT_EQ(info.name, "cliffwalking");
  EXPECT_EQ(info.server_name, "mcpgym-cliffwalking");
  EXPECT_EQ(info.tool, "cliff_move");
  EXPECT_EQ(info.actions, (std::vector<std::string>{"UP", "RIGHT", "DOWN", "LEFT"}));
  EXPECT_EQ(info.config_keys, std::vector<std::string>{"is_slippery"});
  EXPECT_EQ(info.faults, std::vector<std::string>{"cliff-terminates"});
  EXPECT_EQ(info.output_schema, json::parse(R"({"type": "object",
      "properties": {"position": {"type": "integer"}, "grid": {"type": "string"},
                     "action": {"type": "string"}},
      "required": ["position", "grid", "action"]})"));
  EXPECT_NE(info.tool_description.find("UP, RIGHT, DOWN or LEFT"), std::string::npos);
  EXPECT_NE(info.instructions.find("cliff_move"), std::string::npos);
  EXPECT_FALSE(info.initial_state_description.empty());
  EXPECT_FALSE(info.info_description.empty());
}

TEST(CliffWalkingGame, StartsAtTheStartAndIsNotSlipperyByDefault) {
  for (const json& config : {json::object(), json{{"is_slippery", nullptr}}}) {
    SCOPED_TRACE(config.dump());
    const auto env = make_env(config, 42);
    ASSERT_TRUE(env);
    EXPECT_EQ(env->observation(), (json{{"position", 36}, {"grid", kStartGrid}}));
    EXPECT_EQ(
        env->initial_state(),
        (json{{"position", 36}, {"grid", kStartGrid}, {"is_slippery", false}, {"shape", {4, 12}}}));
  }
}

TEST(CliffWalkingGame, InitialStateSaysSlipperyAndStaysTheStartAfterSteps) {
  const auto env = make_env({{"is_slippery", true}}, 7);
  ASSERT_TRUE(env);
  env->step(0);
  env->step(1);
  // The initial state, not the current one, byte for byte (the application adds "seed").
  EXPECT_EQ(env->initial_state().dump(),
            R"({"grid":"oooooooooooo\noooooooooooo\noooooooooooo\nxCCCCCCCCCCT",)"
            R"("is_slippery":true,"position":36,"shape":[4,12]})");
}

TEST(CliffWalkingGame, RewardsAreFloatsAndInfoIsTheProbability) {
  const auto env = make_env(json::object(), 0);
  ASSERT_TRUE(env);
  const GameStep fall = env->step(1);  // RIGHT from the start: the cliff
  EXPECT_EQ(json(fall.reward).dump(), "-100.0");
  EXPECT_FALSE(fall.terminated);
  EXPECT_EQ(fall.info.dump(), R"({"prob":1.0})");
  const GameStep up = env->step(0);
  EXPECT_EQ(json(up.reward).dump(), "-1.0");
  EXPECT_EQ(env->observation().at("position"), 24);

  const auto slippery = make_env({{"is_slippery", true}}, 0);
  ASSERT_TRUE(slippery);
  EXPECT_EQ(slippery->step(0).info.dump(), R"({"prob":0.3333333333333333})");
}

// The game's own negative control: the cliff ends the episode only when asked
// to; the reward and the return to the start stay gymnasium's.
TEST(CliffWalkingGame, TheCliffTerminatesOnlyUnderItsFault) {
  auto faulty = cliffwalking_game().make(json::object(), 0, {"cliff-terminates"});
  ASSERT_TRUE(faulty);
  const GameStep up = (*faulty)->step(0);  // UP from the start: an ordinary step
  EXPECT_FALSE(up.terminated);
  (*faulty)->step(2);                        // DOWN: back to the start
  const GameStep fall = (*faulty)->step(1);  // RIGHT: the cliff
  EXPECT_EQ(fall.reward, -100.0);
  EXPECT_TRUE(fall.terminated);
  EXPECT_EQ((*faulty)->observation()["position"], 36);
  auto healthy = make_env(json::object(), 0);
  ASSERT_TRUE(healthy);
  EXPECT_FALSE(healthy->step(1).terminated);
}

TEST(CliffWalkingGame, RefusesAnIsSlipperyThatIsNotABoolean) {
  const ConfigError text = refusal({{"is_slippery", "yes"}});
  EXPECT_EQ(text.id, err::kInvalidConfigValue);
  EXPECT_EQ(text.key, "config.is_slippery");
  EXPECT_EQ(text.text, "config.is_slippery must be true or false; got \"yes\"");
  EXPECT_EQ(refusal({{"is_slippery", 1}}).text, "config.is_slippery must be true or false; got 1");
  EXPECT_EQ(refusal({{"is_slippery", json::array({true, false})}}).text,
            "config.is_slippery must be true or false; got an array of 2 element(s)");
}

std::uint64_t bits(double d) {
  return std::bit_cast<std::uint64_t>(d);
}

void replay(const json& record) {
  const auto env =
      make_env({{"is_slippery", record.at("is_slippery")}}, fixtures::parse_u64(record.at("seed")));
  ASSERT_TRUE(env);
  const json start = {{"position", record.at("initial_position")},
                      {"grid", record.at("initial_grid")}};
  EXPECT_EQ(env->observation(), start);
  const auto& steps = record.at("steps");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE("step " + std::to_string(i));
    const json& expected = steps[i];
    const GameStep step = env->step(expected.at("action").get<int>());
    ASSERT_EQ(bits(step.reward), bits(expected.at("reward").get<double>()));
    ASSERT_EQ(step.terminated, expected.at("terminated").get<bool>());
    ASSERT_EQ(step.info.size(), 1U);
    ASSERT_EQ(bits(step.info.at("prob").get<double>()), bits(expected.at("prob").get<double>()));
    ASSERT_EQ(env->observation().at("position"), expected.at("position"));
  }
  EXPECT_EQ(env->observation().at("grid"), record.at("final_grid"));
  EXPECT_EQ(env->initial_state().at("grid"), record.at("initial_grid"));
  EXPECT_EQ(env->initial_state().at("is_slippery"), record.at("is_slippery"));
}

TEST(CliffWalkingGame, ReproducesEveryNumpyFixtureThroughTheSeam) {
  std::vector<json> records;
  ASSERT_NO_FATAL_FAILURE(fixtures::load_jsonl("cliffwalking_rollouts.jsonl", records));
  for (std::size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE("rollout " + std::to_string(i) + " (line " + std::to_string(i + 1) + ")");
    replay(records[i]);
  }
}

}  // namespace
}  // namespace mcpgym::gym
