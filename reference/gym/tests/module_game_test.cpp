// The generic game-module piece (module_game.hpp): a ModuleGame passes the
// config and seed to its reader, builds its environment from the settings
// with the faults, and hands a refusal on unchanged; the config readers treat
// null as absent and refuse a bad boolean in CONF-002's words.
#include "reference/gym/module_game.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mcpgym::gym {
namespace {

struct CounterSettings {
  int start = 0;
};

// An environment that shows what it was made from.
class CounterEnv final : public GameEnv {
 public:
  CounterEnv(CounterSettings settings, std::uint64_t seed, const std::set<std::string>& faults)
      : start_(settings.start), seed_(seed), faults_(faults.size()) {}
  GameStep step(int) override { return {}; }
  json observation() const override { return {{"faults", faults_}}; }
  json initial_state() const override { return {{"start", start_}, {"seed", seed_}}; }

 private:
  int start_;
  std::uint64_t seed_;
  std::size_t faults_;
};

// config.start (an integer, default the seed's last digit); config.fast must be boolean.
Expected<CounterSettings, ConfigError> read_counter(const json& config, std::uint64_t seed) {
  auto fast = read_config_bool(config, "fast", false);
  if (!fast) return unexpected(fast.error());
  const json* start = config_member(config, "start");
  if (start && !start->is_number_integer()) {
    return unexpected(bad_config_value("config.start", "an integer", *start));
  }
  return CounterSettings{start ? start->get<int>() : static_cast<int>(seed % 10)};
}

GameInfo counter_info() {
  GameInfo info;
  info.name = "counter";
  info.config_keys = {"start", "fast"};
  return info;
}

const ModuleGame<CounterEnv, CounterSettings> kCounter(counter_info(), read_counter);

TEST(ModuleGame, HoldsItsInfo) {
  EXPECT_EQ(kCounter.info().name, "counter");
  EXPECT_EQ(kCounter.info().config_keys, (std::vector<std::string>{"start", "fast"}));
}

TEST(ModuleGame, BuildsTheEnvironmentFromTheSettingsTheSeedAndTheFaults) {
  auto env = kCounter.make({{"start", 2}}, 43, {"sticky", "slow"});
  ASSERT_TRUE(env);
  EXPECT_EQ((*env)->initial_state(), json({{"start", 2}, {"seed", 43}}));
  EXPECT_EQ((*env)->observation(), json({{"faults", 2}}));
}

TEST(ModuleGame, PassesTheSeedToTheReader) {
  auto env = kCounter.make(json::object(), 47, {});
  ASSERT_TRUE(env);
  EXPECT_EQ((*env)->initial_state(), json({{"start", 7}, {"seed", 47}}));
}

TEST(ModuleGame, HandsTheReadersRefusalOn) {
  auto env = kCounter.make({{"start", "two"}}, 1, {});
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().id, err::kInvalidConfigValue);
  EXPECT_EQ(env.error().key, "config.start");
  EXPECT_EQ(env.error().text, "config.start must be an integer; got \"two\"");
}

TEST(ObservationSchema, RequiresEveryFieldAndTheAction) {
  EXPECT_EQ(observation_schema({{"position", "integer"}, {"grid", "string"}}),
            json::parse(R"({"type": "object",
                            "properties": {"position": {"type": "integer"},
                                           "grid": {"type": "string"},
                                           "action": {"type": "string"}},
                            "required": ["position", "grid", "action"]})"));
}

TEST(ConfigReaders, NullAndAbsentMeanTheDefault) {
  EXPECT_EQ(config_member({{"fast", nullptr}}, "fast"), nullptr);
  EXPECT_EQ(config_member(json::object(), "fast"), nullptr);
  EXPECT_EQ(config_member(json(), "fast"), nullptr);
  EXPECT_TRUE(*read_config_bool({{"fast", nullptr}}, "fast", true));
  EXPECT_FALSE(*read_config_bool(json::object(), "fast", false));
  EXPECT_TRUE(*read_config_bool({{"fast", true}}, "fast", false));
}

TEST(ConfigReaders, RefuseANonBooleanInConfTwosWords) {
  auto fast = read_config_bool({{"fast", 1}}, "fast", false);
  ASSERT_FALSE(fast);
  EXPECT_EQ(fast.error().id, err::kInvalidConfigValue);
  EXPECT_EQ(fast.error().key, "config.fast");
  EXPECT_EQ(fast.error().text, "config.fast must be true or false; got 1");
}

}  // namespace
}  // namespace mcpgym::gym
