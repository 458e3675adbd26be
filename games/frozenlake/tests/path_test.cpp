// The one FrozenLake search: examples, malformed maps, and a property over
// gymnasium's generated maps replayed through the model itself.
#include "games/frozenlake/path.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "games/frozenlake/frozen_lake.hpp"

namespace mcpgym::frozenlake {
namespace {

using A = Action;

TEST(NextPosition, MovesOneCellAndStaysPutAtTheWall) {
  EXPECT_EQ(next_position(5, 4, A::kLeft), 4);
  EXPECT_EQ(next_position(5, 4, A::kDown), 9);
  EXPECT_EQ(next_position(5, 4, A::kRight), 6);
  EXPECT_EQ(next_position(5, 4, A::kUp), 1);
  EXPECT_EQ(next_position(0, 4, A::kLeft), 0);
  EXPECT_EQ(next_position(0, 4, A::kUp), 0);
  EXPECT_EQ(next_position(15, 4, A::kRight), 15);
  EXPECT_EQ(next_position(15, 4, A::kDown), 15);
}

TEST(ShortestPath, GoesAroundHoles) {
  // S F F
  // H H F
  // G F F
  EXPECT_EQ(shortest_path({"SFF", "HHF", "GFF"}, 0),
            (std::vector<A>{A::kRight, A::kRight, A::kDown, A::kDown, A::kLeft, A::kLeft}));
}

TEST(ShortestPath, BreaksTiesInActionOrder) {
  // Down-then-right and right-then-down are both shortest: DOWN comes first.
  EXPECT_EQ(shortest_path({"SF", "FG"}, 0), (std::vector<A>{A::kDown, A::kRight}));
}

TEST(ShortestPath, PlansAFallWhenTheTargetIsAHole) {
  EXPECT_EQ(shortest_path({"SFFF", "FHFH", "FFFH", "HFFG"}, 0, 'H'),
            (std::vector<A>{A::kDown, A::kRight}));
}

TEST(ShortestPath, NeverCountsTheStartAsReached) {
  // From G itself the nearest other G is two moves away.
  EXPECT_EQ(shortest_path({"GF", "FG"}, 0), (std::vector<A>{A::kDown, A::kRight}));
  EXPECT_EQ(shortest_path({"GF", "FF"}, 0), std::nullopt);
}

TEST(ShortestPath, NulloptWithoutAPathOrOnAMalformedMap) {
  EXPECT_EQ(shortest_path({"SH", "HG"}, 0), std::nullopt);
  EXPECT_EQ(shortest_path({}, 0), std::nullopt);
  EXPECT_EQ(shortest_path({"SF", "F"}, 0), std::nullopt);
  EXPECT_EQ(shortest_path({"SFF", "FFG"}, 0), std::nullopt);
  EXPECT_EQ(shortest_path({"SF", "FG"}, 4), std::nullopt);
  EXPECT_EQ(shortest_path({"SF", "FG"}, -1), std::nullopt);
  const std::vector<std::string> too_big(kMaxMapSize + 1, std::string(kMaxMapSize + 1, 'F'));
  EXPECT_EQ(shortest_path(too_big, 0), std::nullopt);
}

// gymnasium's generated maps always have a path (LAKE-002): played through
// the model without slipping, the path ends on G at its last step.
RC_GTEST_PROP(ShortestPathProperty, ReachesTheGoalOnEveryGeneratedMap, ()) {
  const auto seed = *rc::gen::inRange<std::uint64_t>(0, (std::uint64_t{1} << 53) - 1);
  const int size = *rc::gen::element(4, 8);
  FrozenLake env(*generate_random_map(size, 0.8, seed), false, std::nullopt, seed);
  const auto path = shortest_path(env.map().rows(), env.initial_position());
  RC_ASSERT(path.has_value());
  for (std::size_t i = 0; i < path->size(); ++i) {
    const auto step = env.step((*path)[i]);
    RC_ASSERT(step.terminated == (i + 1 == path->size()));
  }
  RC_ASSERT(env.total_reward() == 1.0);
}

}  // namespace
}  // namespace mcpgym::frozenlake
