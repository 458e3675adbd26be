#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "games/frozenlake/random_map.hpp"
#include "reference/gym/games/frozenlake/frozenlake_game.hpp"
#include "reference/gym/session_config.hpp"
#include "reference/mcp/tests/printers.hpp"

namespace mcpgym::gym {
namespace {

using mcp::json;
using mcp::RpcError;

json with_extra(const json& extra) {
  return {{"protocolVersion", "2025-11-25"},
          {"capabilities", json::object()},
          {"clientInfo", {{"name", "test"}, {"version", "0.0.1"}, {"_extra", extra}}}};
}

json with_config(const json& config) {
  return with_extra({{"seed", 42}, {"config", config}});
}

// What a session was set up with, read back through the FrozenLake game's
// initial state: the envelope's seed and max_episode_steps, the game's map.
struct EnvSpec {
  std::uint64_t seed;
  std::vector<std::string> map;  // the rows
  int size;
  bool is_slippery;
  std::optional<int> max_episode_steps;
};

Expected<SessionSetup, RpcError> setup_of(const json& params,
                                          std::optional<std::uint64_t> server_seed) {
  return session_from_initialize(frozenlake_game(), params, server_seed);
}

EnvSpec spec_of(const json& params, std::optional<std::uint64_t> server_seed = std::nullopt) {
  auto setup = setup_of(params, server_seed);
  if (!setup) {
    ADD_FAILURE() << "refused: " << setup.error().message;
    return {};
  }
  const json initial = setup->env->initial_state();
  EnvSpec spec{setup->seed, initial.at("map").get<std::vector<std::string>>(),
               initial.at("size").get<int>(), initial.at("is_slippery").get<bool>(),
               setup->max_episode_steps};
  // The map is square: as many rows as cells per row.
  EXPECT_EQ(spec.size, static_cast<std::size_t>(spec.size));
  for (const auto& row : spec.map)
    EXPECT_EQ(row.size(), static_cast<std::size_t>(spec.size));
  return spec;
}

RpcError error_of(const json& params, std::optional<std::uint64_t> server_seed = 7) {
  auto spec = setup_of(params, server_seed);
  if (spec) {
    ADD_FAILURE() << "accepted " << params.dump();
    return {};
  }
  return spec.error();
}

// Every refusal is -32602 with data {"key": <the key named in the message>} (CONF-002).
RpcError refusal(const std::string& id, const std::string& key, const std::string& text) {
  return {-32602, "[" + id + "] Invalid params: " + text, json{{"key", key}}};
}

RpcError bad_value(const std::string& key, const std::string& text) {
  return refusal("mcpgym.config.invalid_value", key, text);
}

RpcError bad_seed(const std::string& shown) {
  return refusal("mcpgym.config.invalid_seed", "clientInfo._extra.seed",
                 "clientInfo._extra.seed must be an integer from 0 to 9007199254740991 (2^53-1); "
                 "got " +
                     shown);
}

std::vector<std::string> random_map(int size, double p, std::uint64_t seed) {
  return frozenlake::generate_random_map(size, p, seed).value().rows();
}

TEST(EnvConfig, DefaultsAre4x4P08NotSlipperyNeverTruncated_CONF001) {
  const EnvSpec spec = spec_of(with_extra({{"seed", 42}}));
  EXPECT_EQ(spec.seed, 42u);
  EXPECT_EQ(spec.size, 4);
  EXPECT_EQ(spec.map, random_map(4, 0.8, 42));
  EXPECT_FALSE(spec.is_slippery);
  EXPECT_EQ(spec.max_episode_steps, std::nullopt);
}

TEST(EnvConfig, SeedFromExtraBeatsServerSeed_SEED001) {
  EXPECT_EQ(spec_of(with_extra({{"seed", 5}}), 99).seed, 5u);
  EXPECT_EQ(spec_of(with_extra({{"seed", 0}}), 99).seed, 0u);
  EXPECT_EQ(spec_of(with_extra({{"seed", kMaxSeed}}), 99).seed, kMaxSeed);
}

TEST(EnvConfig, ServerSeedWhenExtraHasNone_SEED002) {
  EXPECT_EQ(spec_of(with_extra(json::object()), 99).seed, 99u);
  EXPECT_EQ(spec_of({{"protocolVersion", "2025-11-25"}}, 99).seed, 99u);
  EXPECT_EQ(spec_of({{"protocolVersion", "2025-11-25"}, {"clientInfo", {{"name", "c"}}}}, 99).seed,
            99u);
  // The map follows the seed in use.
  EXPECT_EQ(spec_of(with_extra(json::object()), 99).map, random_map(4, 0.8, 99));
}

TEST(EnvConfig, NullCountsAsAbsent_SEED001_CONF001) {
  EXPECT_EQ(spec_of(with_extra({{"seed", nullptr}}), 99).seed, 99u);
  EXPECT_EQ(spec_of({{"protocolVersion", "2025-11-25"}, {"clientInfo", nullptr}}, 99).seed, 99u);
  EXPECT_EQ(spec_of(with_extra(nullptr), 99).seed, 99u);
  const EnvSpec spec = spec_of(with_extra({{"seed", 3}, {"config", nullptr}}));
  EXPECT_EQ(spec.map, random_map(4, 0.8, 3));
  const EnvSpec nulls = spec_of(with_config({{"map_name", nullptr},
                                             {"size", nullptr},
                                             {"p", nullptr},
                                             {"is_slippery", nullptr},
                                             {"max_episode_steps", nullptr},
                                             {"desc", nullptr}}));
  EXPECT_EQ(nulls.map, random_map(4, 0.8, 42));
  EXPECT_FALSE(nulls.is_slippery);
  EXPECT_EQ(nulls.max_episode_steps, std::nullopt);
}

TEST(EnvConfig, DrawnSeedIsInRangeAndBuildsItsMap_SEED002) {
  std::set<std::uint64_t> seeds;
  for (int i = 0; i < 50; ++i) {
    const EnvSpec spec = spec_of(with_extra(json::object()), std::nullopt);
    EXPECT_LE(spec.seed, kMaxSeed);
    EXPECT_EQ(spec.map, random_map(4, 0.8, spec.seed));
    seeds.insert(spec.seed);
  }
  // Drawn, not fixed: 50 draws from 2^53 values collide with negligible probability.
  EXPECT_EQ(seeds.size(), 50u);
}

RC_GTEST_PROP(EnvConfig, EverySeedInRangeIsKeptExactly_SEED003, ()) {
  const auto seed = *rc::gen::inRange<std::uint64_t>(0, kMaxSeed + 1);
  const auto spec = setup_of(with_extra({{"seed", seed}, {"config", {{"size", 2}}}}), std::nullopt);
  RC_ASSERT(spec.has_value());
  RC_ASSERT(spec->seed == seed);
}

TEST(EnvConfig, RejectsSeedsOutsideTheExactIntegerRange_SEED003) {
  EXPECT_EQ(error_of(with_extra({{"seed", -1}})), bad_seed("-1"));
  EXPECT_EQ(error_of(with_extra({{"seed", 42.0}})), bad_seed("42.0"));
  EXPECT_EQ(error_of(with_extra({{"seed", 0.5}})), bad_seed("0.5"));
  EXPECT_EQ(error_of(with_extra({{"seed", "42"}})), bad_seed("\"42\""));
  EXPECT_EQ(error_of(with_extra({{"seed", true}})), bad_seed("true"));
  EXPECT_EQ(error_of(with_extra({{"seed", json::array({1})}})),
            bad_seed("an array of 1 element(s)"));
  EXPECT_EQ(error_of(with_extra({{"seed", {{"n", 1}}}})), bad_seed("an object with 1 member(s)"));
  EXPECT_EQ(error_of(with_extra({{"seed", kMaxSeed + 1}})), bad_seed("9007199254740992"));
  EXPECT_EQ(error_of(with_extra({{"seed", std::numeric_limits<std::uint64_t>::max()}})),
            bad_seed("18446744073709551615"));
  EXPECT_EQ(error_of(with_extra({{"seed", std::numeric_limits<std::int64_t>::min()}})),
            bad_seed("-9223372036854775808"));
  // Beyond 64 bits the parser makes a float: still refused, never rounded. The message shows
  // the value as the JSON library renders that float.
  const json beyond_64_bits = json::parse("18446744073709551616");
  ASSERT_TRUE(beyond_64_bits.is_number_float());
  EXPECT_EQ(error_of(with_extra({{"seed", beyond_64_bits}})), bad_seed(beyond_64_bits.dump()));
  EXPECT_EQ(error_of(with_extra({{"seed", 1e30}})), bad_seed("1e+30"));
}

TEST(EnvConfig, RejectsNonObjectContainers_CONF002) {
  EXPECT_EQ(error_of({{"protocolVersion", "2025-11-25"}, {"clientInfo", "me"}}),
            bad_value("clientInfo", "clientInfo must be an object; got \"me\""));
  EXPECT_EQ(error_of(with_extra(json::array())),
            bad_value("clientInfo._extra",
                      "clientInfo._extra must be an object; got an array of 0 element(s)"));
  EXPECT_EQ(error_of(with_extra({{"seed", 1}, {"config", "4x4"}})),
            bad_value("clientInfo._extra.config",
                      "clientInfo._extra.config must be an object; got \"4x4\""));
}

TEST(EnvConfig, RejectsUnknownConfigKey_CONF002) {
  EXPECT_EQ(
      error_of(with_config({{"slippery", true}})),
      refusal("mcpgym.config.unknown_key", "config.slippery",
              "unknown config key config.slippery; known keys: desc, game, is_slippery, map_name, "
              "max_episode_steps, p, seed, size"));
  // Control characters in a key are escaped in the message, kept verbatim in data.key.
  EXPECT_EQ(
      error_of(with_config({{"a\nb", 1}})),
      refusal("mcpgym.config.unknown_key", "config.a\nb",
              "unknown config key config.a\\x0ab; known keys: desc, game, is_slippery, map_name, "
              "max_episode_steps, p, seed, size"));
}

TEST(EnvConfig, MapNameSelectsSize_CONF001) {
  EXPECT_EQ(spec_of(with_config({{"map_name", "8x8"}})).size, 8);
  EXPECT_EQ(spec_of(with_config({{"map_name", "8x8"}})).map, random_map(8, 0.8, 42));
  EXPECT_EQ(spec_of(with_config({{"map_name", "4x4"}})).map, random_map(4, 0.8, 42));
  EXPECT_EQ(
      error_of(with_config({{"map_name", "5x5"}})),
      bad_value("config.map_name", "config.map_name must be \"4x4\" or \"8x8\"; got \"5x5\""));
  EXPECT_EQ(error_of(with_config({{"map_name", 8}})),
            bad_value("config.map_name", "config.map_name must be \"4x4\" or \"8x8\"; got 8"));
}

TEST(EnvConfig, SizeOverridesMapName_CONF001) {
  EXPECT_EQ(spec_of(with_config({{"map_name", "8x8"}, {"size", 5}})).map, random_map(5, 0.8, 42));
  EXPECT_EQ(spec_of(with_config({{"size", 2}})).size, 2);
  EXPECT_EQ(spec_of(with_config({{"size", 64}})).size, 64);
}

TEST(EnvConfig, RejectsSizeOutOfRangeOrFractional_CONF002) {
  const std::string expects = "config.size must be an integer from 2 to 64; got ";
  EXPECT_EQ(error_of(with_config({{"size", 1}})), bad_value("config.size", expects + "1"));
  EXPECT_EQ(error_of(with_config({{"size", 65}})), bad_value("config.size", expects + "65"));
  EXPECT_EQ(error_of(with_config({{"size", 4.5}})), bad_value("config.size", expects + "4.5"));
  EXPECT_EQ(error_of(with_config({{"size", 4.0}})), bad_value("config.size", expects + "4.0"));
  EXPECT_EQ(error_of(with_config({{"size", "4"}})), bad_value("config.size", expects + "\"4\""));
  // Values that would wrap when narrowed must not come back in range.
  EXPECT_EQ(error_of(with_config({{"size", std::numeric_limits<std::uint64_t>::max()}})),
            bad_value("config.size", expects + "18446744073709551615"));
  EXPECT_EQ(error_of(with_config({{"size", (std::int64_t{1} << 32) + 4}})),
            bad_value("config.size", expects + "4294967300"));
}

TEST(EnvConfig, PIsUsedForTheRandomMap_CONF001) {
  EXPECT_EQ(spec_of(with_config({{"p", 0.5}})).map, random_map(4, 0.5, 42));
  EXPECT_EQ(spec_of(with_config({{"p", 1}})).map, random_map(4, 1.0, 42));
}

TEST(EnvConfig, RejectsPOutOfRangeOrNotANumber_CONF002) {
  const std::string expects = "config.p must be a number from 0 to 1; got ";
  EXPECT_EQ(error_of(with_config({{"p", -0.1}})), bad_value("config.p", expects + "-0.1"));
  EXPECT_EQ(error_of(with_config({{"p", 1.5}})), bad_value("config.p", expects + "1.5"));
  EXPECT_EQ(error_of(with_config({{"p", 2}})), bad_value("config.p", expects + "2"));
  EXPECT_EQ(error_of(with_config({{"p", "0.8"}})), bad_value("config.p", expects + "\"0.8\""));
  EXPECT_EQ(error_of(with_config({{"p", false}})), bad_value("config.p", expects + "false"));
}

TEST(EnvConfig, PZeroFindsNoValidMap_CONF003) {
  EXPECT_EQ(error_of(with_config({{"p", 0}})),
            refusal("mcpgym.config.no_valid_map", "config.p",
                    "no 4x4 map with a path from S to G was found in 10000 boards with config.p = "
                    "0.0; raise config.p or give config.desc"));
  EXPECT_EQ(error_of(with_config({{"p", 0.0}, {"size", 3}})),
            refusal("mcpgym.config.no_valid_map", "config.p",
                    "no 3x3 map with a path from S to G was found in 10000 boards with config.p = "
                    "0.0; raise config.p or give config.desc"));
}

TEST(EnvConfig, IsSlipperyMustBeBoolean_CONF001_CONF002) {
  EXPECT_TRUE(spec_of(with_config({{"is_slippery", true}})).is_slippery);
  EXPECT_FALSE(spec_of(with_config({{"is_slippery", false}})).is_slippery);
  EXPECT_EQ(
      error_of(with_config({{"is_slippery", "yes"}})),
      bad_value("config.is_slippery", "config.is_slippery must be true or false; got \"yes\""));
  EXPECT_EQ(error_of(with_config({{"is_slippery", 1}})),
            bad_value("config.is_slippery", "config.is_slippery must be true or false; got 1"));
}

TEST(EnvConfig, MaxEpisodeStepsIsAPositiveInteger_CONF001_CONF002) {
  EXPECT_EQ(spec_of(with_config({{"max_episode_steps", 1}})).max_episode_steps, 1);
  EXPECT_EQ(spec_of(with_config({{"max_episode_steps", 100}})).max_episode_steps, 100);
  const std::string expects =
      "config.max_episode_steps must be an integer from 1 to 1000000000; got ";
  EXPECT_EQ(error_of(with_config({{"max_episode_steps", 0}})),
            bad_value("config.max_episode_steps", expects + "0"));
  EXPECT_EQ(error_of(with_config({{"max_episode_steps", -3}})),
            bad_value("config.max_episode_steps", expects + "-3"));
  EXPECT_EQ(error_of(with_config({{"max_episode_steps", 2.5}})),
            bad_value("config.max_episode_steps", expects + "2.5"));
  EXPECT_EQ(error_of(with_config({{"max_episode_steps", "10"}})),
            bad_value("config.max_episode_steps", expects + "\"10\""));
}

TEST(EnvConfig, DescGivesTheMapAndWinsOverMapNameAndP_CONF001) {
  const std::vector<std::string> rows = {"SG", "FF"};
  // p = 0 would find no random map at all, so success proves p was not used.
  const EnvSpec spec = spec_of(with_config({{"desc", rows}, {"map_name", "8x8"}, {"p", 0}}));
  EXPECT_EQ(spec.map, rows);
  EXPECT_EQ(spec.size, 2);
  const std::vector<std::string> classic = {"SFFF", "FHFH", "FFFH", "HFFG"};
  EXPECT_EQ(spec_of(with_config({{"desc", classic}, {"size", 4}})).map, classic);
}

TEST(EnvConfig, DescMustBeAnArrayOfStrings_CONF002) {
  const std::string expects =
      "config.desc must be an array of row strings such as [\"SFFF\", \"FHFH\", \"FFFH\", "
      "\"HFFG\"]; got ";
  EXPECT_EQ(error_of(with_config({{"desc", "SFFF"}})),
            bad_value("config.desc", expects + "\"SFFF\""));
  EXPECT_EQ(error_of(with_config({{"desc", {{"a", "SF"}}}})),
            bad_value("config.desc", expects + "an object with 1 member(s)"));
  EXPECT_EQ(error_of(with_config({{"desc", json::array({"SF", 1})}})),
            bad_value("config.desc", expects + "an array of 2 element(s)"));
}

TEST(EnvConfig, DescMustBeAValidMap_CONF002) {
  const std::string prefix = "config.desc is not a valid map: ";
  EXPECT_EQ(error_of(with_config({{"desc", {"SF", "FFF"}}})),
            bad_value("config.desc", prefix + "row 1 has 3 cells, expected 2"));
  EXPECT_EQ(error_of(with_config({{"desc", {"SX", "FG"}}})),
            bad_value("config.desc", prefix + "row 0 column 1 has 'X', expected one of S F H G"));
  EXPECT_EQ(error_of(with_config({{"desc", {"FF", "FG"}}})),
            bad_value("config.desc", prefix + "map has no start cell 'S'"));
  EXPECT_EQ(error_of(with_config({{"desc", {"S"}}})),
            bad_value("config.desc", prefix + "expected 2 to 64 rows, got 1"));
  EXPECT_EQ(error_of(with_config({{"desc", json::array()}})),
            bad_value("config.desc", prefix + "expected 2 to 64 rows, got 0"));
}

TEST(EnvConfig, SizeMustAgreeWithDesc_CONF001) {
  EXPECT_EQ(error_of(with_config({{"desc", {"SG", "FF"}}, {"size", 3}})),
            bad_value("config.size",
                      "config.size is 3 but config.desc has 2 rows; give one or make them agree"));
}

TEST(EnvConfig, FirstBadKeyIsReportedEvenWithOtherKeysValid_CONF002) {
  // An unknown key is reported before any value is checked.
  EXPECT_EQ(error_of(with_config({{"p", 5}, {"zzz", 1}})),
            refusal("mcpgym.config.unknown_key", "config.zzz",
                    "unknown config key config.zzz; known keys: desc, game, is_slippery, map_name, "
                    "max_episode_steps, p, seed, size"));
}

}  // namespace
}  // namespace mcpgym::gym
