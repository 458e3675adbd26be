// gymnasium 1.0 CliffWalkingEnv episodes run on numpy 1.24, recorded by
// tools/gen_cliffwalking_fixtures.py.
#include <gtest/gtest.h>

#include <bit>

#include "games/cliffwalking/cliff_walking.hpp"
#include "games/testing/fixture_file.hpp"

namespace mcpgym::cliffwalking {
namespace {

std::uint64_t bits(double d) {
  return std::bit_cast<std::uint64_t>(d);
}

void replay(const nlohmann::json& record) {
  CliffWalking env(record.at("is_slippery").get<bool>(), fixtures::parse_u64(record.at("seed")));
  EXPECT_EQ(env.initial_position(), record.at("initial_position").get<int>());
  EXPECT_EQ(render(env.position()), record.at("initial_grid").get<std::string>());
  const auto& steps = record.at("steps");
  ASSERT_FALSE(steps.empty());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE("step " + std::to_string(i));
    const auto& expected = steps[i];
    const StepResult r = env.step(static_cast<Action>(expected.at("action").get<int>()));
    ASSERT_EQ(r.position, expected.at("position").get<int>());
    ASSERT_EQ(bits(r.reward), bits(expected.at("reward").get<double>()));
    ASSERT_EQ(r.terminated, expected.at("terminated").get<bool>());
    ASSERT_EQ(bits(r.prob), bits(expected.at("prob").get<double>()));
  }
  EXPECT_EQ(render(env.position()), record.at("final_grid").get<std::string>());
}

TEST(CliffWalkingRolloutFixture, ReproducesEveryRecordedEpisode) {
  std::vector<nlohmann::json> records;
  ASSERT_NO_FATAL_FAILURE(fixtures::load_jsonl("cliffwalking_rollouts.jsonl", records));
  ASSERT_GE(records.size(), 150U);
  for (std::size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE("rollout " + std::to_string(i) + " (line " + std::to_string(i + 1) + ")");
    replay(records[i]);
  }
}

// The fixture must exercise what the model can get wrong, or replaying it proves little.
TEST(CliffWalkingRolloutFixture, CoversSlipsFallsGoalsLongEpisodesAndLargeSeeds) {
  std::vector<nlohmann::json> records;
  ASSERT_NO_FATAL_FAILURE(fixtures::load_jsonl("cliffwalking_rollouts.jsonl", records));
  int slippery_goals = 0, plain_goals = 0, falls = 0, long_episodes = 0, largest_seed = 0;
  for (const auto& record : records) {
    const auto& steps = record.at("steps");
    const bool slippery = record.at("is_slippery").get<bool>();
    const bool goal = steps.back().at("terminated").get<bool>();
    slippery_goals += slippery && goal ? 1 : 0;
    plain_goals += !slippery && goal ? 1 : 0;
    for (const auto& step : steps)
      falls += step.at("reward").get<double>() == -100.0 ? 1 : 0;
    long_episodes += steps.size() >= 200 ? 1 : 0;
    largest_seed += fixtures::parse_u64(record.at("seed")) == (std::uint64_t{1} << 53) - 1 ? 1 : 0;
  }
  EXPECT_GE(slippery_goals, 10);
  EXPECT_GE(plain_goals, 10);
  EXPECT_GE(falls, 1000);
  EXPECT_GE(long_episodes, 5);
  EXPECT_GE(largest_seed, 2);
}

}  // namespace
}  // namespace mcpgym::cliffwalking
