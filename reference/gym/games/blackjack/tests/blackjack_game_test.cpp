// The Blackjack module through the Game seam, as the generic application sees it.
#include "reference/gym/games/blackjack/blackjack_game.hpp"

#include <gtest/gtest.h>

#include <bit>

#include "common/error_ids.hpp"
#include "games/testing/fixture_file.hpp"

namespace mcpgym::gym {
namespace {

std::unique_ptr<GameEnv> make_env(const json& config, std::uint64_t seed) {
  auto made = blackjack_game().make(config, seed, {});
  if (!made) {
    ADD_FAILURE() << made.error().text;
    return nullptr;
  }
  return std::move(*made);
}

ConfigError refusal(const json& config) {
  auto made = blackjack_game().make(config, 0, {});
  EXPECT_FALSE(made);
  return made ? ConfigError{} : made.error();
}

TEST(BlackjackGame, DescribesItself) {
  const GameInfo& info = blackjack_game().info();
  EXPECT_EQ(info.name, "blackjack");
  EXPECT_EQ(info.server_name, "mcpgym-blackjack");
  EXPECT_EQ(info.tool, "blackjack_move");
  EXPECT_EQ(info.actions, (std::vector<std::string>{"STICK", "HIT"}));
  EXPECT_EQ(info.config_keys, (std::vector<std::string>{"natural", "sab"}));
  EXPECT_TRUE(info.faults.empty());
  EXPECT_EQ(info.output_schema, json::parse(R"({"type": "object",
      "properties": {"player_sum": {"type": "integer"}, "dealer_card": {"type": "integer"},
                     "usable_ace": {"type": "integer"}, "action": {"type": "string"}},
      "required": ["player_sum", "dealer_card", "usable_ace", "action"]})"));
  EXPECT_NE(info.tool_description.find("STICK"), std::string::npos);
  EXPECT_NE(info.instructions.find("blackjack_move"), std::string::npos);
  EXPECT_FALSE(info.initial_state_description.empty());
  EXPECT_FALSE(info.info_description.empty());
}

// numpy 1.24, seed 0: dealer [10, 9], player [7, 4] (blackjack_rollouts.jsonl, line 1).
TEST(BlackjackGame, FirstObservationIsTheInitialState) {
  for (const json& config : {json::object(), json{{"natural", nullptr}, {"sab", nullptr}}}) {
    SCOPED_TRACE(config.dump());
    const auto env = make_env(config, 0);
    ASSERT_TRUE(env);
    const json start = {{"player_sum", 11}, {"dealer_card", 10}, {"usable_ace", 0}};
    EXPECT_EQ(env->observation(), start);
    EXPECT_EQ(env->initial_state(), start);
    env->step(1);
    EXPECT_EQ(env->initial_state(), start);
    EXPECT_EQ(env->observation().at("player_sum"), 12);
  }
}

TEST(BlackjackGame, RewardsAreFloatsAndInfoIsEmpty) {
  const auto env = make_env(json::object(), 0);
  ASSERT_TRUE(env);
  const GameStep hit = env->step(1);
  EXPECT_EQ(json(hit.reward).dump(), "0.0");
  EXPECT_FALSE(hit.terminated);
  EXPECT_EQ(hit.info.dump(), "{}");
  const GameStep stick = env->step(0);  // 12 against the dealer's 19
  EXPECT_EQ(json(stick.reward).dump(), "-1.0");
  EXPECT_TRUE(stick.terminated);
}

TEST(BlackjackGame, RefusesFlagsThatAreNotBooleans) {
  const ConfigError natural = refusal({{"natural", "true"}});
  EXPECT_EQ(natural.id, err::kInvalidConfigValue);
  EXPECT_EQ(natural.key, "config.natural");
  EXPECT_EQ(natural.text, "config.natural must be true or false; got \"true\"");
  const ConfigError sab = refusal({{"natural", true}, {"sab", 1}});
  EXPECT_EQ(sab.key, "config.sab");
  EXPECT_EQ(sab.text, "config.sab must be true or false; got 1");
}

std::uint64_t bits(double d) {
  return std::bit_cast<std::uint64_t>(d);
}

void replay(const json& record) {
  const auto env = make_env({{"natural", record.at("natural")}, {"sab", record.at("sab")}},
                            fixtures::parse_u64(record.at("seed")));
  ASSERT_TRUE(env);
  EXPECT_EQ(env->observation(), record.at("initial"));
  EXPECT_EQ(env->initial_state(), record.at("initial"));
  const auto& steps = record.at("steps");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    SCOPED_TRACE("step " + std::to_string(i));
    const json& expected = steps[i];
    const GameStep step = env->step(expected.at("action").get<int>());
    ASSERT_EQ(bits(step.reward), bits(expected.at("reward").get<double>()));
    ASSERT_EQ(step.terminated, expected.at("terminated").get<bool>());
    ASSERT_EQ(step.info, json::object());
    ASSERT_EQ(env->observation(), expected.at("observation"));
  }
}

TEST(BlackjackGame, ReproducesEverySeededNumpyFixtureThroughTheSeam) {
  std::vector<json> records;
  ASSERT_NO_FATAL_FAILURE(fixtures::load_jsonl("blackjack_rollouts.jsonl", records));
  int replayed = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!records[i].contains("seed")) continue;  // crafted generator states: the model's tests
    SCOPED_TRACE("rollout " + std::to_string(i) + " (line " + std::to_string(i + 1) + ")");
    replay(records[i]);
    ++replayed;
  }
  EXPECT_GE(replayed, 150);
}

}  // namespace
}  // namespace mcpgym::gym
