// numpy 1.24's SeedSequence and PCG64 outputs, recorded by tools/gen_model_fixtures.py.
#include <gtest/gtest.h>

#include <bit>

#include "games/numpy/pcg64.hpp"
#include "games/testing/fixture_file.hpp"

namespace mcpgym::numpy {
namespace {

using fixtures::load_json;
using fixtures::parse_u64;

TEST(Pcg64Fixture, ReproducesNumpy) {
  nlohmann::json fixture;
  ASSERT_NO_FATAL_FAILURE(load_json("pcg64.json", fixture));
  const auto& cases = fixture.at("cases");
  ASSERT_GE(cases.size(), 8U);
  for (const auto& c : cases) {
    const std::uint64_t seed = parse_u64(c.at("seed"));
    SCOPED_TRACE("seed " + std::to_string(seed));
    const SeedSequence seq(seed);

    const auto pool = c.at("pool").get<std::vector<std::uint32_t>>();
    EXPECT_EQ(std::vector<std::uint32_t>(seq.pool().begin(), seq.pool().end()), pool);
    EXPECT_EQ(seq.generate_state32(4), c.at("state32").get<std::vector<std::uint32_t>>());
    std::vector<std::uint64_t> state64;
    for (const auto& w : c.at("state64"))
      state64.push_back(parse_u64(w));
    EXPECT_EQ(seq.generate_state64(4), state64);

    Pcg64 raw(seed);
    const auto& raws = c.at("raw");
    ASSERT_EQ(raws.size(), 16U);
    for (const auto& expected : raws)
      EXPECT_EQ(raw.next_uint64(), parse_u64(expected));

    Pcg64 doubles(seed);
    const auto& ds = c.at("doubles");
    ASSERT_EQ(ds.size(), 16U);
    for (const auto& expected : ds) {
      EXPECT_EQ(std::bit_cast<std::uint64_t>(doubles.next_double()),
                std::bit_cast<std::uint64_t>(expected.get<double>()));
    }
  }
}

}  // namespace
}  // namespace mcpgym::numpy
