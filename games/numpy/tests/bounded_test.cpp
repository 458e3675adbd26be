#include "games/numpy/bounded.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <cstdint>
#include <stdexcept>

namespace mcpgym::numpy {
namespace {

// numpy 1.24: PCG64(0).random_raw() is 11749869230777074271, 0xa30febcfd9c2825f.
TEST(Pcg64Uint32, HandsOutTheLowHalfThenTheHighHalf) {
  Pcg64 rng(0);
  EXPECT_EQ(rng.next_uint32(), 0xd9c2825fU);
  EXPECT_TRUE(rng.state().has_uint32);
  EXPECT_EQ(rng.next_uint32(), 0xa30febcfU);
  EXPECT_FALSE(rng.state().has_uint32);
}

TEST(Pcg64Uint32, A64BitDrawKeepsThePendingHalf) {
  Pcg64 rng(0);
  rng.next_uint32();
  rng.next_double();
  EXPECT_EQ(rng.next_uint32(), 0xa30febcfU);
}

TEST(Pcg64State, FromStateRestoresEverything) {
  Pcg64 rng(7);
  rng.next_uint32();
  Pcg64 copy = Pcg64::from_state(rng.state());
  EXPECT_EQ(copy, rng);
  EXPECT_EQ(copy.next_uint32(), rng.next_uint32());
  EXPECT_EQ(copy.next_uint64(), rng.next_uint64());
}

TEST(BoundedUint32, OneElementDrawsNothing) {
  Pcg64 rng(3);
  const Pcg64 before = rng;
  EXPECT_EQ(bounded_uint32(rng, 1), 0U);
  EXPECT_EQ(rng, before);
}

TEST(BoundedUint32, ZeroElementsIsRefused) {
  Pcg64 rng(3);
  EXPECT_THROW(bounded_uint32(rng, 0), std::invalid_argument);
}

TEST(Choice, PicksTheElementAtTheBoundedIndex) {
  const std::array<int, 13> deck = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10};
  Pcg64 a(42);
  Pcg64 b(42);
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(choice(a, deck), deck[bounded_uint32(b, 13)]);
}

RC_GTEST_PROP(BoundedUint32, StaysBelowN, (std::uint64_t seed, std::uint32_t n)) {
  RC_PRE(n > 0U);
  Pcg64 rng(seed);
  for (int i = 0; i < 8; ++i)
    RC_ASSERT(bounded_uint32(rng, n) < n);
}

}  // namespace
}  // namespace mcpgym::numpy
