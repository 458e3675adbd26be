// gymnasium's generate_random_map run on numpy 1.24, recorded by tools/gen_model_fixtures.py.
#include <gtest/gtest.h>

#include "games/frozenlake/random_map.hpp"
#include "games/testing/fixture_file.hpp"

namespace mcpgym::frozenlake {
namespace {

TEST(RandomMapFixture, ReproducesEveryRecordedMap) {
  std::vector<nlohmann::json> records;
  ASSERT_NO_FATAL_FAILURE(fixtures::load_jsonl("maps.jsonl", records));
  ASSERT_GE(records.size(), 1000U);
  for (const auto& record : records) {
    const std::uint64_t seed = fixtures::parse_u64(record.at("seed"));
    const int size = record.at("size").get<int>();
    const double p = record.at("p").get<double>();
    SCOPED_TRACE("seed " + std::to_string(seed) + " size " + std::to_string(size) + " p " +
                 std::to_string(p));
    const auto map = generate_random_map(size, p, seed);
    ASSERT_TRUE(map.has_value());
    EXPECT_EQ(map->rows(), record.at("map").get<std::vector<std::string>>());
  }
}

}  // namespace
}  // namespace mcpgym::frozenlake
