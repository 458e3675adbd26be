#include "common/random_id.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <set>
#include <string>

namespace mcpgym {
namespace {

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// RFC 9562 §5.4 text form: 8-4-4-4-12 lowercase hex digits, version nibble 4 and variant
// bits 10xx, so 122 bits are random (SESS-012). Returns why it is not one, or "".
std::string why_not_uuid_v4(const std::string& id) {
  if (id.size() != 36) return "length " + std::to_string(id.size());
  for (std::size_t i = 0; i < id.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position && id[i] != '-') return "no dash at " + std::to_string(i);
    if (!dash_position && !is_lower_hex(id[i])) return "not lowercase hex at " + std::to_string(i);
  }
  if (id[14] != '4') return "version nibble is not 4";
  if (id[19] != '8' && id[19] != '9' && id[19] != 'a' && id[19] != 'b') {
    return "variant bits are not 10";
  }
  return "";
}

TEST(RandomUuidV4, HasVersion4TextForm_SESS002_SESS012) {
  for (int i = 0; i < 200; ++i) {
    const std::string id = random_uuid_v4();
    EXPECT_EQ(why_not_uuid_v4(id), "") << id;
  }
}

TEST(RandomUuidV4, ThousandIdsAreDistinct_SESS003) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i)
    ids.insert(random_uuid_v4());
  EXPECT_EQ(ids.size(), 1000u);
}

// The 122 random bits must actually vary: across many ids every random hex position takes
// more than one value (a constant position would mean fewer random bits than claimed).
TEST(RandomUuidV4, EveryRandomHexDigitVaries_SESS012) {
  std::array<std::set<char>, 36> seen;
  for (int i = 0; i < 500; ++i) {
    const std::string id = random_uuid_v4();
    for (std::size_t p = 0; p < id.size(); ++p)
      seen[p].insert(id[p]);
  }
  for (std::size_t p = 0; p < seen.size(); ++p) {
    if (p == 8 || p == 13 || p == 18 || p == 23 || p == 14) {
      EXPECT_EQ(seen[p].size(), 1u) << "position " << p;
    } else if (p == 19) {
      EXPECT_EQ(seen[p].size(), 4u) << "variant digit takes 8, 9, a and b";
    } else {
      EXPECT_GT(seen[p].size(), 8u) << "position " << p;
    }
  }
}

TEST(RandomBelowOrEqual, ZeroBoundAlwaysGivesZero) {
  for (int i = 0; i < 100; ++i)
    EXPECT_EQ(random_below_or_equal(0), 0u);
}

TEST(RandomBelowOrEqual, SmallBoundReachesEveryValue) {
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t v = random_below_or_equal(3);
    ASSERT_LE(v, 3u);
    seen.insert(v);
  }
  // Missing one of four values in 1000 fair draws has probability about 4 * 0.75^1000.
  EXPECT_EQ(seen.size(), 4u);
}

TEST(RandomBelowOrEqual, FullRangeBoundWorks) {
  // The mask covers all 64 bits; nothing is rejected and the call returns.
  const auto max = std::numeric_limits<std::uint64_t>::max();
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 10; ++i)
    seen.insert(random_below_or_equal(max));
  EXPECT_GT(seen.size(), 1u);
}

RC_GTEST_PROP(RandomBelowOrEqual, StaysInRange, (std::uint64_t bound)) {
  for (int i = 0; i < 20; ++i)
    RC_ASSERT(random_below_or_equal(bound) <= bound);
}

// A bound of 2^k needs the mask 2^(k+1)-1, so almost half the draws are rejected: the loop
// must still end, in range.
RC_GTEST_PROP(RandomBelowOrEqual, StaysInRangeAtPowerOfTwoBounds, ()) {
  const int shift = *rc::gen::inRange(0, 63);
  const std::uint64_t bound = std::uint64_t{1} << shift;
  for (int i = 0; i < 20; ++i)
    RC_ASSERT(random_below_or_equal(bound) <= bound);
}

}  // namespace
}  // namespace mcpgym
