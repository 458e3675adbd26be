#include "games/frozenlake/frozen_lake.hpp"

#include <gtest/gtest.h>

namespace mcpgym::frozenlake {
namespace {

Map classic() {
  return std::get<Map>(Map::from_rows({"SFFF", "FHFH", "FFFH", "HFFG"}));
}

// DOWN, DOWN, RIGHT, RIGHT, DOWN, RIGHT walks 0 -> 4 -> 8 -> 9 -> 10 -> 14 -> 15 around the holes.
const std::vector<Action> kWinningWalk = {Action::kDown,  Action::kDown, Action::kRight,
                                          Action::kRight, Action::kDown, Action::kRight};

TEST(FrozenLake, StartsAtTheOnlyStartWithNothingDone) {
  const FrozenLake env(classic(), true, 100, 42);
  EXPECT_EQ(env.position(), 0);
  EXPECT_EQ(env.initial_position(), 0);
  EXPECT_EQ(env.step_count(), 0);
  EXPECT_EQ(env.last_reward(), 0.0);
  EXPECT_EQ(env.total_reward(), 0.0);
  EXPECT_EQ(env.last_prob(), std::nullopt);
  EXPECT_FALSE(env.terminated());
  EXPECT_FALSE(env.truncated());
  EXPECT_FALSE(env.ended());
  EXPECT_TRUE(env.is_slippery());
  EXPECT_EQ(env.max_episode_steps(), 100);
  EXPECT_EQ(env.seed(), 42U);
  EXPECT_EQ(env.size(), 4);
  EXPECT_EQ(env.map(), classic());
  EXPECT_EQ(env.grid(), "PFFF\nFHFH\nFFFH\nHFFG");
}

TEST(FrozenLake, NonSlipperyWalkReachesGoal) {
  FrozenLake env(classic(), false, std::nullopt, 0);
  const std::vector<int> expected = {4, 8, 9, 10, 14, 15};
  for (std::size_t i = 0; i < kWinningWalk.size(); ++i) {
    const StepResult r = env.step(kWinningWalk[i]);
    EXPECT_EQ(r.position, expected[i]);
    EXPECT_EQ(r.prob, 1.0);
    EXPECT_FALSE(r.truncated);
    EXPECT_EQ(r.terminated, i + 1 == kWinningWalk.size());
  }
  EXPECT_EQ(env.last_reward(), 1.0);
  EXPECT_EQ(env.total_reward(), 1.0);
  EXPECT_EQ(env.step_count(), 6);
  EXPECT_TRUE(env.ended());
  EXPECT_EQ(env.grid(), "SFFF\nFHFH\nFFFH\nHFFP");
}

TEST(FrozenLake, WallBumpStaysPut) {
  FrozenLake env(classic(), false, std::nullopt, 0);
  EXPECT_EQ(env.step(Action::kLeft).position, 0);
  EXPECT_EQ(env.step(Action::kUp).position, 0);
  EXPECT_EQ(env.step_count(), 2);
  EXPECT_EQ(env.last_prob(), 1.0);
}

TEST(FrozenLake, FallingInAHoleTerminatesWithoutReward) {
  FrozenLake env(classic(), false, std::nullopt, 0);
  env.step(Action::kRight);
  const StepResult r = env.step(Action::kDown);
  EXPECT_EQ(r.position, 5);
  EXPECT_EQ(r.reward, 0.0);
  EXPECT_TRUE(r.terminated);
  EXPECT_FALSE(r.truncated);
}

TEST(FrozenLake, TruncatesAtTheStepLimit) {
  FrozenLake env(classic(), false, 2, 0);
  EXPECT_FALSE(env.step(Action::kLeft).truncated);
  const StepResult r = env.step(Action::kLeft);
  EXPECT_TRUE(r.truncated);
  EXPECT_FALSE(r.terminated);
  EXPECT_TRUE(env.truncated());
  EXPECT_FALSE(env.terminated());
  EXPECT_TRUE(env.ended());
}

TEST(FrozenLake, GoalOnTheLastAllowedStepSetsBothFlags) {
  FrozenLake env(classic(), false, static_cast<int>(kWinningWalk.size()), 0);
  StepResult last{};
  for (const Action a : kWinningWalk)
    last = env.step(a);
  EXPECT_TRUE(last.terminated);
  EXPECT_TRUE(last.truncated);
  EXPECT_EQ(last.reward, 1.0);
  EXPECT_TRUE(env.terminated());
  EXPECT_TRUE(env.truncated());
}

TEST(FrozenLake, SlipperyStepsHaveProbabilityOneThird) {
  FrozenLake env(classic(), true, std::nullopt, 5);
  EXPECT_EQ(env.step(Action::kRight).prob, 1.0 / 3.0);
  EXPECT_EQ(env.last_prob(), 1.0 / 3.0);
}

// gymnasium's table keeps an agent in H or G in place, so a misused env still behaves like it.
TEST(FrozenLake, SteppingAfterTheEndStaysPutLikeGymnasium) {
  FrozenLake env(classic(), false, std::nullopt, 0);
  env.step(Action::kRight);
  env.step(Action::kDown);
  const StepResult r = env.step(Action::kRight);
  EXPECT_EQ(r.position, 5);
  EXPECT_EQ(r.reward, 0.0);
  EXPECT_TRUE(r.terminated);
  EXPECT_EQ(r.prob, 1.0);
  EXPECT_EQ(env.step_count(), 3);
}

// A session's budget is 2 KB; the only other memory is the map's one byte per cell.
// 144 bytes since the generator keeps numpy's pending 32-bit half (BJACK-003),
// 16 bytes with the 128-bit state's alignment.
TEST(FrozenLake, StaysSmall) {
  EXPECT_LE(sizeof(FrozenLake), 144U);
}

}  // namespace
}  // namespace mcpgym::frozenlake
