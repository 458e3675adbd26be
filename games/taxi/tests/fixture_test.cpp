// gymnasium 1.0 TaxiEnv's table and episodes on numpy 1.24, recorded by
// tools/gen_taxi_fixtures.py.
#include <gtest/gtest.h>

#include <bit>

#include "games/taxi/taxi.hpp"
#include "games/testing/fixture_file.hpp"

namespace mcpgym::taxi {
namespace {

std::uint64_t bits(double d) {
  return std::bit_cast<std::uint64_t>(d);
}

std::vector<int> mask_of(int state) {
  const auto mask = action_mask(state);
  return {mask.begin(), mask.end()};
}

void check_state(const nlohmann::json& row) {
  const int state = row.at("state").get<int>();
  const State s = decode(state);
  EXPECT_EQ(s.taxi_row, row.at("taxi_row").get<int>());
  EXPECT_EQ(s.taxi_col, row.at("taxi_col").get<int>());
  EXPECT_EQ(s.passenger, row.at("passenger_location").get<int>());
  EXPECT_EQ(s.destination, row.at("destination").get<int>());
  EXPECT_EQ(bits(initial_state_distribution()[static_cast<std::size_t>(state)]),
            bits(row.at("initial_prob").get<double>()));
  EXPECT_EQ(mask_of(state), row.at("action_mask").get<std::vector<int>>());
  EXPECT_EQ(render(state), row.at("grid").get<std::string>());
  const auto& transitions = row.at("transitions");
  ASSERT_EQ(transitions.size(), static_cast<std::size_t>(kActionCount));
  for (int a = 0; a < kActionCount; ++a) {
    SCOPED_TRACE("action " + std::to_string(a));
    const auto& expected = transitions[static_cast<std::size_t>(a)];
    const Transition t = transition(state, static_cast<Action>(a));
    EXPECT_EQ(expected[0].get<double>(), 1.0);
    EXPECT_EQ(t.state, expected[1].get<int>());
    EXPECT_EQ(bits(t.reward), bits(expected[2].get<double>()));
    EXPECT_EQ(t.terminated, expected[3].get<bool>());
  }
}

TEST(TaxiTableFixture, EveryStateMatchesGymnasiumsTablesMaskAndRender) {
  std::vector<nlohmann::json> rows;
  ASSERT_NO_FATAL_FAILURE(fixtures::load_jsonl("taxi_table.jsonl", rows));
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kStateCount));
  for (const auto& row : rows) {
    SCOPED_TRACE("state " + std::to_string(row.at("state").get<int>()));
    check_state(row);
  }
}

void replay(const nlohmann::json& record) {
  Taxi env(fixtures::parse_u64(record.at("seed")));
  EXPECT_EQ(env.initial_state(), record.at("initial_state").get<int>());
  EXPECT_EQ(mask_of(env.state()), record.at("initial_mask").get<std::vector<int>>());
  EXPECT_EQ(render(env.state()), record.at("initial_grid").get<std::string>());
  const bool planner = record.at("policy").get<std::string>() == "planner";
  const auto& steps = record.at("steps");
  ASSERT_FALSE(steps.empty());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE("step " + std::to_string(i));
    const auto& expected = steps[i];
    const auto action = static_cast<Action>(expected.at("action").get<int>());
    if (planner) {
      ASSERT_EQ(planned_action(env.state()), action);
    }
    const StepResult r = env.step(action);
    ASSERT_EQ(r.state, expected.at("state").get<int>());
    ASSERT_EQ(bits(r.reward), bits(expected.at("reward").get<double>()));
    ASSERT_EQ(r.terminated, expected.at("terminated").get<bool>());
    ASSERT_EQ(bits(r.prob), bits(expected.at("prob").get<double>()));
    ASSERT_EQ(mask_of(r.state), expected.at("action_mask").get<std::vector<int>>());
  }
  EXPECT_EQ(render(env.state()), record.at("final_grid").get<std::string>());
}

TEST(TaxiRolloutFixture, ReproducesEveryRecordedEpisode) {
  std::vector<nlohmann::json> records;
  ASSERT_NO_FATAL_FAILURE(fixtures::load_jsonl("taxi_rollouts.jsonl", records));
  ASSERT_GE(records.size(), 150U);
  for (std::size_t i = 0; i < records.size(); ++i) {
    SCOPED_TRACE("rollout " + std::to_string(i) + " (line " + std::to_string(i + 1) + ")");
    replay(records[i]);
  }
}

// The fixture must exercise what the model can get wrong, or replaying it proves little.
TEST(TaxiRolloutFixture, CoversDeliveriesIllegalActionsDepotDropsAndLargeSeeds) {
  std::vector<nlohmann::json> records;
  ASSERT_NO_FATAL_FAILURE(fixtures::load_jsonl("taxi_rollouts.jsonl", records));
  int deliveries = 0, illegal = 0, pickups = 0, long_episodes = 0, largest_seed = 0;
  for (const auto& record : records) {
    const auto& steps = record.at("steps");
    for (const auto& step : steps) {
      const double reward = step.at("reward").get<double>();
      deliveries += reward == 20.0 ? 1 : 0;
      illegal += reward == -10.0 ? 1 : 0;
      pickups += step.at("action").get<int>() == 4 && reward == -1.0 ? 1 : 0;
    }
    long_episodes += steps.size() >= 200 ? 1 : 0;
    largest_seed += fixtures::parse_u64(record.at("seed")) == (std::uint64_t{1} << 53) - 1 ? 1 : 0;
  }
  EXPECT_GE(deliveries, 40);
  EXPECT_GE(illegal, 1000);
  EXPECT_GE(pickups, 60);
  EXPECT_GE(long_episodes, 5);
  EXPECT_GE(largest_seed, 2);
}

}  // namespace
}  // namespace mcpgym::taxi
