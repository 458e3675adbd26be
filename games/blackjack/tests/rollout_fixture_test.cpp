// gymnasium 1.0 BlackjackEnv episodes run on numpy 1.24, recorded by
// tools/gen_blackjack_fixtures.py.
#include <gtest/gtest.h>

#include <bit>
#include <string>

#include "games/blackjack/blackjack.hpp"
#include "games/testing/fixture_file.hpp"

namespace mcpgym::blackjack {
namespace {

using fixtures::parse_u64;
using json = nlohmann::json;

std::vector<json> load_records() {
  std::vector<json> records;
  fixtures::load_jsonl("blackjack_rollouts.jsonl", records);
  return records;
}

numpy::Pcg64 generator_of(const json& record) {
  if (record.contains("seed")) return numpy::Pcg64(parse_u64(record.at("seed")));
  const json& s = record.at("state");
  return numpy::Pcg64::from_state({.state_high = parse_u64(s.at("state_high")),
                                   .state_low = parse_u64(s.at("state_low")),
                                   .inc_high = parse_u64(s.at("inc_high")),
                                   .inc_low = parse_u64(s.at("inc_low")),
                                   .has_uint32 = s.at("has_uint32").get<bool>(),
                                   .uinteger = s.at("uinteger").get<std::uint32_t>()});
}

Observation observation_of(const json& j) {
  return Observation{.player_sum = j.at("player_sum").get<int>(),
                     .dealer_card = j.at("dealer_card").get<int>(),
                     .usable_ace = j.at("usable_ace").get<int>()};
}

void replay(const json& record) {
  const Rules rules{.natural = record.at("natural").get<bool>(),
                    .sab = record.at("sab").get<bool>()};
  Blackjack env(rules, generator_of(record));
  EXPECT_EQ(env.observation(), observation_of(record.at("initial")));
  EXPECT_EQ(env.dealer(), record.at("dealer").get<Hand>());
  EXPECT_EQ(env.player(), record.at("player").get<Hand>());
  EXPECT_EQ(env.dealer_suit(), record.at("dealer_suit").get<std::string>());
  EXPECT_EQ(env.dealer_face(), record.at("dealer_face").get<std::string>());
  const json& steps = record.at("steps");
  ASSERT_FALSE(steps.empty());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE("step " + std::to_string(i));
    const json& expected = steps[i];
    const StepResult r = env.step(static_cast<Action>(expected.at("action").get<int>()));
    ASSERT_EQ(r.observation, observation_of(expected.at("observation")));
    ASSERT_EQ(std::bit_cast<std::uint64_t>(r.reward),
              std::bit_cast<std::uint64_t>(expected.at("reward").get<double>()));
    ASSERT_EQ(r.terminated, expected.at("terminated").get<bool>());
  }
  EXPECT_EQ(env.dealer(), record.at("final_dealer").get<Hand>());
  EXPECT_EQ(env.player(), record.at("final_player").get<Hand>());
}

TEST(BlackjackRolloutFixture, ReproducesEveryRecordedEpisode) {
  const std::vector<json> records = load_records();
  ASSERT_GE(records.size(), 150U);
  for (std::size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE("rollout " + std::to_string(i) + " (line " + std::to_string(i + 1) + ")");
    replay(records[i]);
  }
}

// The fixture must exercise what the model can get wrong, or replaying it proves little.
TEST(BlackjackRolloutFixture, CoversEveryOptionRewardFaceAndForcedRedraw) {
  int natural_pays = 0, sab_outright = 0, faces = 0, beyond_end = 0, redraws = 0, largest_seed = 0;
  int options[2][2] = {};
  for (const json& record : load_records()) {
    const bool natural = record.at("natural").get<bool>();
    const bool sab = record.at("sab").get<bool>();
    ++options[natural][sab];
    const json& steps = record.at("steps");
    for (const json& step : steps)
      natural_pays += step.at("reward").get<double>() == 1.5 ? 1 : 0;
    const Hand player = record.at("player").get<Hand>();
    const Hand dealer = record.at("final_dealer").get<Hand>();
    sab_outright +=
        sab && is_natural(player) && sum_hand(dealer) == 21 && !is_natural(dealer) ? 1 : 0;
    const std::string face = record.at("dealer_face").get<std::string>();
    faces += face == "J" || face == "Q" || face == "K" ? 1 : 0;
    int ends = 0;
    for (const json& step : steps)
      ends += step.at("terminated").get<bool>() ? 1 : 0;
    beyond_end += steps.size() > 1 && ends > 1 ? 1 : 0;
    redraws += record.contains("state") ? 1 : 0;
    largest_seed +=
        record.contains("seed") && parse_u64(record.at("seed")) == (std::uint64_t{1} << 53) - 1 ? 1
                                                                                                : 0;
  }
  for (const auto& by_sab : options)
    for (const int count : by_sab)
      EXPECT_GE(count, 40);
  EXPECT_GE(natural_pays, 2);
  EXPECT_GE(sab_outright, 2);
  EXPECT_GE(faces, 40);
  EXPECT_GE(beyond_end, 3);
  EXPECT_GE(redraws, 4);
  EXPECT_GE(largest_seed, 2);
}

}  // namespace
}  // namespace mcpgym::blackjack
