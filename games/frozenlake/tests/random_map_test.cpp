#include "games/frozenlake/random_map.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <limits>

#include "games/frozenlake/tests/generators.hpp"

namespace mcpgym::frozenlake {
namespace {

// Independent of the implementation's search: flood fill from the start over non-holes.
bool goal_reachable(const Map& map) {
  const int size = map.size();
  std::vector<bool> seen(static_cast<std::size_t>(size * size), false);
  std::vector<int> todo = {0};
  seen[0] = true;
  while (!todo.empty()) {
    const int pos = todo.back();
    todo.pop_back();
    if (map.cell(pos) == 'G') return true;
    const int row = pos / size;
    const int col = pos % size;
    const int next[4] = {col > 0 ? pos - 1 : -1, col + 1 < size ? pos + 1 : -1,
                         row > 0 ? pos - size : -1, row + 1 < size ? pos + size : -1};
    for (const int n : next) {
      if (n < 0 || seen[static_cast<std::size_t>(n)] || map.cell(n) == 'H') continue;
      seen[static_cast<std::size_t>(n)] = true;
      todo.push_back(n);
    }
  }
  return false;
}

TEST(GenerateRandomMap, GivesUpWhenNoPathCanExist) {
  // p = 0 makes every cell a hole; gymnasium would loop forever.
  EXPECT_EQ(generate_random_map(4, 0.0, 42), std::nullopt);
  EXPECT_EQ(generate_random_map(64, 0.0, 1, 50), std::nullopt);
}

TEST(GenerateRandomMap, RejectsArgumentsOutsideTheDomain) {
  EXPECT_EQ(generate_random_map(1, 0.8, 0), std::nullopt);
  EXPECT_EQ(generate_random_map(65, 0.8, 0), std::nullopt);
  EXPECT_EQ(generate_random_map(4, -0.1, 0), std::nullopt);
  EXPECT_EQ(generate_random_map(4, 1.5, 0), std::nullopt);
  EXPECT_EQ(generate_random_map(4, std::numeric_limits<double>::quiet_NaN(), 0), std::nullopt);
  EXPECT_EQ(generate_random_map(4, 0.8, 0, 0), std::nullopt);
}

TEST(GenerateRandomMap, AllFrozenWhenPIsOne) {
  const auto map = generate_random_map(5, 1.0, 7);
  ASSERT_TRUE(map.has_value());
  EXPECT_EQ(map->rows(), (std::vector<std::string>{"SFFFF", "FFFFF", "FFFFF", "FFFFF", "FFFFG"}));
}

TEST(GenerateRandomMap, LargestSizeWorks) {
  const auto map = generate_random_map(kMaxMapSize, 0.8, 3);
  ASSERT_TRUE(map.has_value());
  EXPECT_EQ(map->size(), kMaxMapSize);
  EXPECT_TRUE(goal_reachable(*map));
}

RC_GTEST_PROP(GenerateRandomMap, HasStartGoalAndPath, ()) {
  const std::uint64_t seed = *testing::gen_seed();
  const int size = *rc::gen::inRange(kMinMapSize, 13);
  const double p = *rc::gen::element(0.6, 0.7, 0.8, 0.9, 1.0);
  const auto map = generate_random_map(size, p, seed);
  RC_ASSERT(map.has_value());
  RC_ASSERT(map->size() == size);
  RC_ASSERT(map->cell(0) == 'S');
  RC_ASSERT(map->cell(size * size - 1) == 'G');
  for (int pos = 1; pos < size * size - 1; ++pos) {
    RC_ASSERT(map->cell(pos) == 'F' || map->cell(pos) == 'H');
  }
  RC_ASSERT(goal_reachable(*map));
}

RC_GTEST_PROP(GenerateRandomMap, IsDeterministic, ()) {
  const std::uint64_t seed = *testing::gen_seed();
  const int size = *rc::gen::inRange(kMinMapSize, 13);
  RC_ASSERT(generate_random_map(size, 0.8, seed) == generate_random_map(size, 0.8, seed));
}

}  // namespace
}  // namespace mcpgym::frozenlake
