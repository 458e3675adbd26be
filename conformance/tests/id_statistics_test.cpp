// The session-id statistics behind SESS-002, SESS-003 and SESS-012, on ids
// whose answer is known: counters, clock-derived ids, uniform random ids.
#include "conformance/checks/id_statistics.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

namespace mcpgym::conformance::id_statistics {
namespace {

// `count` ids of `length` hex digits from a fixed seed: uniform, no pattern.
std::vector<std::string> random_hex_ids(std::size_t count, std::size_t length) {
  std::mt19937_64 generator(20261206);
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < count; ++i) {
    std::string id;
    for (std::size_t k = 0; k < length; ++k)
      id += "0123456789abcdef"[generator() % 16];
    ids.push_back(id);
  }
  return ids;
}

TEST(IdStatistics, ShowsTheFirstIdsQuoted) {
  EXPECT_EQ(show_ids({"a", "b", "c", "d"}), "\"a\", \"b\", \"c\", ...");
  EXPECT_EQ(show_ids({"a", "b"}), "\"a\", \"b\"");
}

TEST(IdStatistics, CommonPrefixAndSuffix) {
  const std::vector<std::string> ids = {"sess-01-x", "sess-22-x", "sess-3-x"};
  EXPECT_EQ(common_prefix(ids), 5u);
  EXPECT_EQ(common_suffix(ids, 5), 2u);
  EXPECT_EQ(common_prefix({}), 0u);
}

TEST(IdStatistics, ComparesDigitStringsAsNumbers) {
  EXPECT_EQ(numeric_compare("009", "10"), -1);
  EXPECT_EQ(numeric_compare("10", "9"), 1);
  EXPECT_EQ(numeric_compare("0a", "a"), 0);
  EXPECT_EQ(numeric_compare("b", "a"), 1);
}

TEST(IdStatistics, MonotonicShareCountsTheCommonerDirection) {
  EXPECT_DOUBLE_EQ(monotonic_share({"1", "2", "3", "2"}), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(monotonic_share({"9", "8", "7"}), 1.0);
  EXPECT_DOUBLE_EQ(monotonic_share({"1"}), 0.0);
}

TEST(IdStatistics, DigitRuns) {
  EXPECT_EQ(digit_runs("ab12cd345e6"), (std::vector<std::string>{"12", "345", "6"}));
  EXPECT_TRUE(digit_runs("abc").empty());
}

TEST(IdStatistics, FindsACounter) {
  std::vector<std::string> ids;
  for (int i = 1; i <= 20; ++i)
    ids.push_back("sess-" + std::to_string(i));
  EXPECT_EQ(find_sequence(ids),
            "the ids rise or fall like a counter in issue order (19 of 19 steps go the same "
            "way): \"sess-1\", \"sess-2\", \"sess-3\", \"sess-4\", ...");
}

TEST(IdStatistics, FindsACounterBesideRandomParts) {
  std::vector<std::string> ids = random_hex_ids(20, 8);
  for (std::size_t i = 0; i < ids.size(); ++i)
    ids[i] = "x" + ids[i] + "-n" + std::to_string(100 + i);
  const auto found = find_sequence(ids);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->substr(0, found->find(':')),
            "the last decimal number in each id rises or falls like a counter in issue order (19 "
            "of 19 steps go the same way)");
}

TEST(IdStatistics, NoSequenceInRandomIdsOrTooFewIds) {
  EXPECT_EQ(find_sequence(random_hex_ids(1000, 32)), std::nullopt);
  EXPECT_EQ(find_sequence({"1", "2", "3"}), std::nullopt);
}

TEST(IdStatistics, FindsTheClock) {
  IdSample sample{
      .ids = {}, .start_ms = 1'765'000'000'000, .end_ms = 1'765'000'000'050, .stopped = ""};
  for (int i = 0; i < 10; ++i)
    sample.ids.push_back("id-" + std::to_string(1'765'000'000 + i) + "-q");
  EXPECT_EQ(find_clock(sample),
            "10 of 10 ids contain \"1765000\", the leading digits of the current Unix time "
            "(1765000000000 ms): the ids are derived from the clock: \"id-1765000000-q\", "
            "\"id-1765000001-q\", \"id-1765000002-q\", ...");
  sample.ids = random_hex_ids(10, 32);
  EXPECT_EQ(find_clock(sample), std::nullopt);
}

TEST(IdStatistics, UniformHexIdsScoreFourBitsAPosition) {
  const BitsEstimate e = estimate_bits(random_hex_ids(1000, 32));
  EXPECT_DOUBLE_EQ(e.bits, 128.0);
  EXPECT_EQ(describe_bits(e, 1000),
            "about 128 random bits (32 of 32 character positions vary over an alphabet of 16, "
            "across 1000 ids)");
}

TEST(IdStatistics, FixedPositionsScoreNothing) {
  const BitsEstimate same = estimate_bits({"abc", "abc", "abc"});
  EXPECT_DOUBLE_EQ(same.bits, 0.0);
  EXPECT_EQ(same.varying, 0u);
  // One position with two values: log2(2) = 1 bit, whatever the sample size.
  const BitsEstimate one = estimate_bits({"a0", "a1", "a0", "a1"});
  EXPECT_DOUBLE_EQ(one.bits, 1.0);
  EXPECT_EQ(one.positions, 2u);
}

TEST(IdStatistics, UnissuedIdsMoveEveryHexDigitOn) {
  EXPECT_EQ(unissued_like("09af"), "1ab0");
  EXPECT_EQ(unissued_like("09AF"), "1aB0");  // 9 becomes a lower-case a
  EXPECT_EQ(unissued_like("zz-"), "zz-x");
}

}  // namespace
}  // namespace mcpgym::conformance::id_statistics
