#include "games/numpy/pcg64.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>

namespace mcpgym::numpy {
namespace {

// numpy 1.24: np.random.PCG64(0).random_raw() and np.random.default_rng(0).random().
TEST(Pcg64, FirstOutputsForSeedZeroMatchNumpy) {
  Pcg64 raw(0);
  EXPECT_EQ(raw.next_uint64(), 11749869230777074271ULL);
  EXPECT_EQ(raw.next_uint64(), 4976686463289251617ULL);
  Pcg64 doubles(0);
  EXPECT_EQ(doubles.next_double(), 0.6369616873214543);
}

TEST(SeedSequence, PoolForSeedZeroMatchesNumpy) {
  const std::array<std::uint32_t, 4> expected = {4265667335U, 1328953910U, 1320288413U,
                                                 3365567143U};
  EXPECT_EQ(SeedSequence(0).pool(), expected);
}

RC_GTEST_PROP(SeedSequence, Uint64StateIsLittleEndianPairsOfUint32State, (std::uint64_t seed)) {
  const SeedSequence seq(seed);
  const auto narrow = seq.generate_state32(8);
  const auto wide = seq.generate_state64(4);
  for (std::size_t i = 0; i < wide.size(); ++i) {
    RC_ASSERT(wide[i] == (std::uint64_t{narrow[2 * i + 1]} << 32 | narrow[2 * i]));
  }
}

RC_GTEST_PROP(SeedSequence, LongerStateExtendsShorter, (std::uint64_t seed)) {
  const SeedSequence seq(seed);
  const auto shorter = seq.generate_state32(3);
  const auto longer = seq.generate_state32(9);
  RC_ASSERT(std::equal(shorter.begin(), shorter.end(), longer.begin()));
}

RC_GTEST_PROP(Pcg64, SeedAndSeedSequenceConstructorsAgree, (std::uint64_t seed)) {
  Pcg64 a(seed);
  Pcg64 b{SeedSequence(seed)};
  for (int i = 0; i < 8; ++i)
    RC_ASSERT(a.next_uint64() == b.next_uint64());
}

RC_GTEST_PROP(Pcg64, DoublesAreTopFiftyThreeBitsOfRawOutput, (std::uint64_t seed)) {
  Pcg64 raw(seed);
  Pcg64 doubles(seed);
  for (int i = 0; i < 8; ++i) {
    const double d = doubles.next_double();
    RC_ASSERT(d >= 0.0);
    RC_ASSERT(d < 1.0);
    RC_ASSERT(d == static_cast<double>(raw.next_uint64() >> 11) / 9007199254740992.0);
  }
}

}  // namespace
}  // namespace mcpgym::numpy
