// numpy 1.24's Generator.choice and random() interleaved, from seeds and from
// crafted states that force choice's rejection branch, recorded by
// tools/gen_choice_fixtures.py.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <functional>
#include <string>

#include "games/numpy/bounded.hpp"
#include "games/numpy/pcg64.hpp"
#include "games/testing/fixture_file.hpp"

namespace mcpgym::numpy {
namespace {

using fixtures::parse_u64;
using json = nlohmann::json;

std::vector<json> load_cases() {
  std::vector<json> cases;
  fixtures::load_jsonl("numpy_choice.jsonl", cases);
  return cases;
}

Pcg64::State state_from(const json& j) {
  return Pcg64::State{.state_high = parse_u64(j.at("state_high")),
                      .state_low = parse_u64(j.at("state_low")),
                      .inc_high = parse_u64(j.at("inc_high")),
                      .inc_low = parse_u64(j.at("inc_low")),
                      .has_uint32 = j.at("has_uint32").get<bool>(),
                      .uinteger = j.at("uinteger").get<std::uint32_t>()};
}

Pcg64 start_of(const json& c) {
  const json& start = c.at("start");
  if (start.contains("seed")) return Pcg64(parse_u64(start.at("seed")));
  return Pcg64::from_state(state_from(start.at("state")));
}

bool is_crafted(const json& c) {
  return c.at("start").contains("state");
}

// A way to draw an integer below n: numpy's, or one of the simpler schemes
// that must not pass for it.
using Scheme = std::function<std::uint32_t(Pcg64&, std::uint32_t)>;

// Replays a case with `scheme` for every choice; true when every value and
// the final generator state are numpy's.
bool replays(const json& c, const Scheme& scheme) {
  Pcg64 rng = start_of(c);
  for (const json& op : c.at("ops")) {
    if (op.at("op") == "random") {
      if (std::bit_cast<std::uint64_t>(rng.next_double()) !=
          std::bit_cast<std::uint64_t>(op.at("value").get<double>()))
        return false;
    } else if (scheme(rng, op.at("n").get<std::uint32_t>()) !=
               op.at("value").get<std::uint32_t>()) {
      return false;
    }
  }
  return rng.state() == state_from(c.at("final_state"));
}

TEST(ChoiceFixture, ReproducesNumpyIncludingForcedRedraws) {
  const std::vector<json> cases = load_cases();
  ASSERT_GE(cases.size(), 60U);
  for (const json& c : cases) {
    SCOPED_TRACE(c.at("case").get<std::string>());
    Pcg64 rng = start_of(c);
    int index = 0;
    for (const json& op : c.at("ops")) {
      SCOPED_TRACE("op " + std::to_string(index++));
      if (op.at("op") == "random") {
        ASSERT_EQ(std::bit_cast<std::uint64_t>(rng.next_double()),
                  std::bit_cast<std::uint64_t>(op.at("value").get<double>()));
      } else {
        ASSERT_EQ(bounded_uint32(rng, op.at("n").get<std::uint32_t>()),
                  op.at("value").get<std::uint32_t>());
      }
    }
    EXPECT_EQ(rng.state(), state_from(c.at("final_state")));
  }
}

// The crafted cases are what prove the rejection branch; each of their names
// says which word is redrawn (or kept), and there must be enough of them.
TEST(ChoiceFixture, CoversEveryRejectionShape) {
  int low = 0, high = 0, both = 0, pending = 0, kept = 0;
  for (const json& c : load_cases()) {
    const std::string name = c.at("case").get<std::string>();
    low += name.find("low half") != std::string::npos ? 1 : 0;
    high += name.find("high half") != std::string::npos ? 1 : 0;
    both += name.find("both halves") != std::string::npos ? 1 : 0;
    pending += name.find("pending half") != std::string::npos ? 1 : 0;
    kept += name.find("leftover below n, kept") != std::string::npos ? 1 : 0;
  }
  EXPECT_GE(low, 4);
  EXPECT_GE(high, 4);
  EXPECT_GE(both, 4);
  EXPECT_GE(pending, 4);
  EXPECT_GE(kept, 4);
}

// Lemire's product for one 32-bit word.
std::uint64_t product(std::uint32_t word, std::uint32_t n) {
  return std::uint64_t{word} * n;
}

std::uint32_t modulo(Pcg64& rng, std::uint32_t n) {
  return static_cast<std::uint32_t>(rng.next_uint64() % n);
}

// RandomState's masked rejection on the same buffered words.
std::uint32_t masked(Pcg64& rng, std::uint32_t n) {
  if (n == 1) return 0;
  // In 64 bits: for n above 2^31 the 32-bit bit_ceil would be 2^32 (undefined).
  const auto mask = static_cast<std::uint32_t>(std::bit_ceil(std::uint64_t{n}) - 1);
  std::uint32_t value = 0;
  do {
    value = rng.next_uint32() & mask;
  } while (value >= n);
  return value;
}

std::uint32_t scaled_double(Pcg64& rng, std::uint32_t n) {
  return static_cast<std::uint32_t>(std::floor(rng.next_double() * n));
}

// Lemire on the low half of a fresh 64-bit output each time: no buffering.
std::uint32_t lemire_unbuffered(Pcg64& rng, std::uint32_t n) {
  if (n == 1) return 0;
  const std::uint64_t threshold = (std::uint64_t{1} << 32) % n;
  std::uint64_t m = product(static_cast<std::uint32_t>(rng.next_uint64()), n);
  while ((m & 0xFFFFFFFFULL) < threshold)
    m = product(static_cast<std::uint32_t>(rng.next_uint64()), n);
  return static_cast<std::uint32_t>(m >> 32);
}

// Lemire on buffered words without redraws: biased.
std::uint32_t lemire_never_redraws(Pcg64& rng, std::uint32_t n) {
  if (n == 1) return 0;
  return static_cast<std::uint32_t>(product(rng.next_uint32(), n) >> 32);
}

// Lemire that takes the cheap bound n for the threshold.
std::uint32_t lemire_redraws_below_n(Pcg64& rng, std::uint32_t n) {
  if (n == 1) return 0;
  std::uint64_t m = product(rng.next_uint32(), n);
  while ((m & 0xFFFFFFFFULL) < n)
    m = product(rng.next_uint32(), n);
  return static_cast<std::uint32_t>(m >> 32);
}

int seeded_failures(const std::vector<json>& cases, const Scheme& scheme) {
  int failures = 0;
  for (const json& c : cases)
    failures += !is_crafted(c) && !replays(c, scheme) ? 1 : 0;
  return failures;
}

int crafted_failures(const std::vector<json>& cases, const Scheme& scheme) {
  int failures = 0;
  for (const json& c : cases)
    failures += is_crafted(c) && !replays(c, scheme) ? 1 : 0;
  return failures;
}

TEST(ChoiceFixture, NumpysSchemePassesEveryCase) {
  const std::vector<json> cases = load_cases();
  EXPECT_EQ(seeded_failures(cases, bounded_uint32), 0);
  EXPECT_EQ(crafted_failures(cases, bounded_uint32), 0);
}

// Simpler schemes are not numpy's: the seeded runs alone tell most of them
// apart; the crafted states tell apart the ones that differ only on redraws.
TEST(ChoiceFixture, SimplerSchemesFailTheFixture) {
  const std::vector<json> cases = load_cases();
  int seeded = 0;
  for (const json& c : cases)
    seeded += is_crafted(c) ? 0 : 1;
  EXPECT_EQ(seeded_failures(cases, modulo), seeded);
  EXPECT_EQ(seeded_failures(cases, masked), seeded);
  EXPECT_EQ(seeded_failures(cases, scaled_double), seeded);
  EXPECT_EQ(seeded_failures(cases, lemire_unbuffered), seeded);
  EXPECT_GE(crafted_failures(cases, lemire_never_redraws), 20);
  EXPECT_GE(crafted_failures(cases, lemire_redraws_below_n), 4);
}

}  // namespace
}  // namespace mcpgym::numpy
