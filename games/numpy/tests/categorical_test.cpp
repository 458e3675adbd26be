#include "games/numpy/categorical.hpp"

#include <gtest/gtest.h>

#include <array>

namespace mcpgym::numpy {
namespace {

TEST(CategoricalSample, PicksFirstIndexWhoseRunningSumExceedsU) {
  constexpr double kThird = 1.0 / 3.0;
  const std::array<double, 3> thirds = {kThird, kThird, kThird};
  EXPECT_EQ(categorical_sample(thirds, 0.0), 0U);
  EXPECT_EQ(categorical_sample(thirds, kThird), 1U);  // strictly greater, like np.cumsum > u
  EXPECT_EQ(categorical_sample(thirds, 0.5), 1U);
  EXPECT_EQ(categorical_sample(thirds, kThird + kThird), 2U);
  EXPECT_EQ(categorical_sample(thirds, 0.9999999999999999), 2U);
}

TEST(CategoricalSample, SkipsZeroWeights) {
  const std::array<double, 4> probabilities = {0.0, 0.5, 0.0, 0.5};
  EXPECT_EQ(categorical_sample(probabilities, 0.0), 1U);
  EXPECT_EQ(categorical_sample(probabilities, 0.5), 3U);
}

// np.argmax over an all-false array is 0, which gymnasium then uses as the index.
TEST(CategoricalSample, FallsBackToZeroWhenTotalDoesNotExceedU) {
  const std::array<double, 3> probabilities = {0.0, 0.25, 0.25};
  EXPECT_EQ(categorical_sample(probabilities, 0.75), 0U);
}

}  // namespace
}  // namespace mcpgym::numpy
