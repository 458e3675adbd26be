// gymnasium FrozenLakeEnv episodes run on numpy 1.24, recorded by tools/gen_model_fixtures.py.
#include <gtest/gtest.h>

#include <bit>

#include "games/frozenlake/frozen_lake.hpp"
#include "games/testing/fixture_file.hpp"

namespace mcpgym::frozenlake {
namespace {

std::uint64_t bits(double d) {
  return std::bit_cast<std::uint64_t>(d);
}

void replay(const nlohmann::json& record) {
  const auto parsed = Map::from_rows(record.at("map").get<std::vector<std::string>>());
  ASSERT_TRUE(std::holds_alternative<Map>(parsed));
  std::optional<int> limit;
  if (!record.at("max_episode_steps").is_null()) limit = record.at("max_episode_steps").get<int>();
  FrozenLake env(std::get<Map>(parsed), record.at("is_slippery").get<bool>(), limit,
                 fixtures::parse_u64(record.at("seed")));
  EXPECT_EQ(env.initial_position(), record.at("initial_position").get<int>());

  const auto& actions = record.at("actions");
  const auto& steps = record.at("steps");
  ASSERT_EQ(actions.size(), steps.size());
  ASSERT_FALSE(steps.empty());
  double total = 0.0;
  for (std::size_t i = 0; i < actions.size(); ++i) {
    SCOPED_TRACE("step " + std::to_string(i));
    ASSERT_FALSE(env.ended());
    const StepResult r = env.step(static_cast<Action>(actions[i].get<int>()));
    const auto& expected = steps[i];
    EXPECT_EQ(r.position, expected.at("position").get<int>());
    EXPECT_EQ(bits(r.reward), bits(expected.at("reward").get<double>()));
    EXPECT_EQ(r.terminated, expected.at("terminated").get<bool>());
    EXPECT_EQ(r.truncated, expected.at("truncated").get<bool>());
    EXPECT_EQ(bits(r.prob), bits(expected.at("prob").get<double>()));
    total += r.reward;
  }
  EXPECT_EQ(env.step_count(), static_cast<int>(steps.size()));
  EXPECT_EQ(env.total_reward(), total);
  const auto& last = steps.back();
  EXPECT_EQ(env.ended(), last.at("terminated").get<bool>() || last.at("truncated").get<bool>());
}

TEST(RolloutFixture, ReproducesEveryRecordedEpisode) {
  std::vector<nlohmann::json> records;
  ASSERT_NO_FATAL_FAILURE(fixtures::load_jsonl("rollouts.jsonl", records));
  ASSERT_GE(records.size(), 200U);
  for (std::size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE("rollout " + std::to_string(i) + " (line " + std::to_string(i + 1) + ")");
    replay(records[i]);
  }
}

}  // namespace
}  // namespace mcpgym::frozenlake
