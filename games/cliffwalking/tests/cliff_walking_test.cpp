#include "games/cliffwalking/cliff_walking.hpp"

#include <gtest/gtest.h>

namespace mcpgym::cliffwalking {
namespace {

TEST(CliffWalking, StartsAtTheStart) {
  const CliffWalking env(true, 42);
  EXPECT_EQ(env.position(), kStart);
  EXPECT_EQ(env.initial_position(), kStart);
  EXPECT_TRUE(env.is_slippery());
  EXPECT_FALSE(CliffWalking(false, 0).is_slippery());
}

TEST(CliffWalking, MovesOffTheBoardStayPutAndCostOne) {
  CliffWalking env(false, 0);
  for (const Action a : {Action::kDown, Action::kLeft}) {
    const StepResult r = env.step(a);
    EXPECT_EQ(r.position, kStart);
    EXPECT_EQ(r.reward, -1.0);
    EXPECT_FALSE(r.terminated);
    EXPECT_EQ(r.prob, 1.0);
  }
}

TEST(CliffWalking, StepIntoTheCliffReturnsToTheStartWithoutEnding) {
  CliffWalking env(false, 0);
  ASSERT_EQ(env.step(Action::kUp).position, 24);
  ASSERT_EQ(env.step(Action::kRight).position, 25);
  const StepResult r = env.step(Action::kDown);
  EXPECT_EQ(r.position, kStart);
  EXPECT_EQ(r.reward, -100.0);
  EXPECT_FALSE(r.terminated);
  EXPECT_EQ(r.prob, 1.0);
  EXPECT_EQ(env.position(), kStart);
  EXPECT_EQ(env.step(Action::kRight).reward, -100.0);  // from the start straight into it
}

TEST(CliffWalking, TheSafePathReachesTheGoalAndOnlyTheLastStepTerminates) {
  CliffWalking env(false, 7);
  const std::vector<Action> path = safe_path(kStart);
  for (std::size_t i = 0; i < path.size(); ++i) {
    const StepResult r = env.step(path[i]);
    EXPECT_EQ(r.reward, -1.0);
    EXPECT_EQ(r.terminated, i + 1 == path.size());
  }
  EXPECT_EQ(env.position(), kGoal);
}

TEST(CliffWalking, StepsAfterTheGoalFollowGymnasiumsTable) {
  CliffWalking env(false, 7);
  for (const Action a : safe_path(kStart))
    env.step(a);
  const StepResult stay = env.step(Action::kRight);
  EXPECT_EQ(stay.position, kGoal);
  EXPECT_EQ(stay.reward, -1.0);
  EXPECT_TRUE(stay.terminated);
  const StepResult fall = env.step(Action::kLeft);
  EXPECT_EQ(fall.position, kStart);
  EXPECT_EQ(fall.reward, -100.0);
  EXPECT_FALSE(fall.terminated);
}

TEST(CliffWalking, SlipperyStepsReportAThird) {
  CliffWalking env(true, 3);
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(env.step(Action::kUp).prob, 1.0 / 3.0);
}

TEST(CliffWalking, SlipperyStepsLandOnACandidateAndEachCandidateHappens) {
  // UP from the start slips LEFT (stays, -1), goes UP (24, -1) or slips RIGHT
  // (the cliff: back to the start, -100); the outcome names the candidate.
  bool up = false, left = false, right = false;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    CliffWalking env(true, seed);
    const StepResult r = env.step(Action::kUp);
    up = up || r.position == 24;
    left = left || (r.position == kStart && r.reward == -1.0);
    right = right || (r.position == kStart && r.reward == -100.0);
    EXPECT_TRUE(r.position == 24 || r.position == kStart);
    EXPECT_FALSE(r.terminated);
  }
  EXPECT_TRUE(up);
  EXPECT_TRUE(left);
  EXPECT_TRUE(right);
}

// A session's environment is this object: a generator and a position, nothing on the heap
// (issue 10 asks for no more per session than FrozenLake 4x4, whose model is 144 bytes). The
// generator is 48 bytes: the 128-bit state and increment, and numpy's pending 32-bit half.
TEST(CliffWalking, IsAGeneratorAndAPositionAndNothingMore) {
  EXPECT_LE(sizeof(CliffWalking), 64U);
}

}  // namespace
}  // namespace mcpgym::cliffwalking
