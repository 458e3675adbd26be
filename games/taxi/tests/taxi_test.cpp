#include "games/taxi/taxi.hpp"

#include <gtest/gtest.h>

#include <set>

namespace mcpgym::taxi {
namespace {

TEST(Taxi, StartsWithThePassengerAtADepotOtherThanTheDestination) {
  std::set<int> starts;
  for (std::uint64_t seed = 0; seed < 2000; ++seed) {
    const Taxi env(seed);
    const State s = decode(env.initial_state());
    EXPECT_EQ(env.state(), env.initial_state());
    EXPECT_LT(s.passenger, kInTaxi);
    EXPECT_NE(s.passenger, s.destination);
    starts.insert(env.initial_state());
  }
  EXPECT_GE(starts.size(), 280U);  // 2000 draws over 300 states miss few
}

TEST(Taxi, TheInitialDistributionIsGymnasiums) {
  const auto& p = initial_state_distribution();
  int nonzero = 0;
  for (const double q : p) {
    if (q == 0.0) continue;
    ++nonzero;
    EXPECT_EQ(q, 1.0 / 300.0);
  }
  EXPECT_EQ(nonzero, 300);
}

TEST(Taxi, StepsFollowTheTableAndReportProbabilityOne) {
  Taxi env(11);
  for (int i = 0; i < 40; ++i) {
    const int before = env.state();
    const Action a = planned_action(before);
    const Transition expected = transition(before, a);
    const StepResult r = env.step(a);
    EXPECT_EQ(r.state, expected.state);
    EXPECT_EQ(r.reward, expected.reward);
    EXPECT_EQ(r.terminated, expected.terminated);
    EXPECT_EQ(r.prob, 1.0);
    EXPECT_EQ(env.state(), r.state);
  }
}

// A session's environment is this object: a generator (48 bytes with numpy's pending 32-bit
// half) and two states, nothing on the heap.
TEST(Taxi, IsAGeneratorAndAStateAndNothingMore) {
  EXPECT_LE(sizeof(Taxi), 64U);
}

}  // namespace
}  // namespace mcpgym::taxi
