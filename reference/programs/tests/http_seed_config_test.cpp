// SEED-001..SEED-003 and CONF-001..CONF-003 over the wire: what initialize's
// clientInfo._extra does to the session's environment.
#include <gtest/gtest.h>

#include "games/frozenlake/random_map.hpp"
#include "reference/gym/games/frozenlake/frozenlake_game.hpp"
#include "reference/gym/gym_app.hpp"
#include "reference/programs/tests/support/in_process_server.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

using HttpSeedConfig = HttpFixture;

constexpr std::uint64_t kMaxSeed = 9007199254740991ULL;

json initial_state(RawHttpClient& client, const json& extra) {
  return read_payload(client, open(client, extra), "game://initial_state");
}

std::vector<std::string> model_map(int size, double p, std::uint64_t seed) {
  auto map = frozenlake::generate_random_map(size, p, seed);
  if (!map) throw WireFailure("the model found no map");
  return map->rows();
}

// initialize must fail with exactly this -32602 error, create no session, and
// leave the server serving.
void ExpectRefused(RawHttpClient& client, const json& extra, const std::string& message,
                   const std::string& key) {
  const auto exchange = post_json(client, initialize_request(21, kLatestVersion, extra));
  EXPECT_TRUE(IsJsonReply(exchange, 200, error_body(21, -32602, message, {{"key", key}})))
      << extra.dump();
  EXPECT_FALSE(exchange.has_header("Mcp-Session-Id")) << extra.dump();
}

std::string invalid_seed(const std::string& got) {
  return "[mcpgym.config.invalid_seed] Invalid params: clientInfo._extra.seed must be an integer "
         "from 0 to 9007199254740991 (2^53-1); got " +
         got;
}

TEST_F(HttpSeedConfig, SeedFromExtraIsUsed_SEED001) {
  auto client = Client();
  json first = initial_state(client, seeded_extra(123));
  json second = initial_state(client, seeded_extra(123));
  EXPECT_EQ(first["seed"], 123);
  EXPECT_EQ(first, second);
  EXPECT_EQ(first["map"], model_map(4, 0.8, 123));
}

TEST_F(HttpSeedConfig, DifferentSeedsGiveDifferentMaps_SEED001) {
  auto client = Client();
  int differing = 0;
  for (std::uint64_t seed = 1; seed <= 9; seed += 2) {
    json a = initial_state(client, seeded_extra(seed, {{"map_name", "8x8"}}));
    json b = initial_state(client, seeded_extra(seed + 1, {{"map_name", "8x8"}}));
    EXPECT_EQ(a["map"], model_map(8, 0.8, seed));
    EXPECT_EQ(b["map"], model_map(8, 0.8, seed + 1));
    differing += a["map"] != b["map"] ? 1 : 0;
  }
  EXPECT_GE(differing, 1);
}

TEST_F(HttpSeedConfig, LargestSeedIsAcceptedExactly_SEED001_SEED003) {
  auto client = Client();
  for (const std::uint64_t seed : {std::uint64_t{0}, kMaxSeed}) {
    json state = initial_state(client, seeded_extra(seed));
    EXPECT_EQ(state["seed"].get<std::uint64_t>(), seed);
    EXPECT_EQ(state["map"], model_map(4, 0.8, seed));
  }
}

TEST_F(HttpSeedConfig, ServerSeedIsTheFallback_SEED002) {
  gym::GymAppOptions app;
  app.default_seed = 99;
  Start(app, test_server_options());
  auto client = Client();
  EXPECT_EQ(initial_state(client, nullptr)["seed"], 99);
  EXPECT_EQ(initial_state(client, json::object())["seed"], 99);
  EXPECT_EQ(initial_state(client, {{"config", {{"map_name", "8x8"}}}})["map"],
            model_map(8, 0.8, 99));
  EXPECT_EQ(initial_state(client, {{"seed", nullptr}})["seed"], 99);
  EXPECT_EQ(initial_state(client, seeded_extra(5))["seed"], 5);
}

TEST_F(HttpSeedConfig, WithoutAnySeedOneIsDrawnAndReported_SEED002) {
  auto client = Client();
  json drawn = initial_state(client, {{"config", {{"map_name", "8x8"}}}});
  ASSERT_TRUE(drawn["seed"].is_number_unsigned() || drawn["seed"].is_number_integer());
  const auto seed = drawn["seed"].get<std::uint64_t>();
  EXPECT_LE(seed, kMaxSeed);
  // Replaying the reported seed gives the same start.
  EXPECT_EQ(initial_state(client, seeded_extra(seed, {{"map_name", "8x8"}})), drawn);
}

TEST_F(HttpSeedConfig, BadSeedsAreInvalidParamsWithNoSession_SEED003) {
  auto client = Client();
  const std::vector<std::pair<json, std::string>> cases = {
      {-1, "-1"},
      {42.0, "42.0"},
      {0.5, "0.5"},
      {"42", "\"42\""},
      {true, "true"},
      {json::array({1}), "an array of 1 element(s)"},
      {9007199254740992ULL, "9007199254740992"},
      {18446744073709551615ULL, "18446744073709551615"},
      {1e300, "1e+300"},
  };
  for (const auto& [seed, shown] : cases) {
    ExpectRefused(client, {{"seed", seed}}, invalid_seed(shown), "clientInfo._extra.seed");
  }
  EXPECT_EQ(Server().sessions().size(), 0U);
  EXPECT_FALSE(open(client).empty());
}

TEST_F(HttpSeedConfig, ConfigurationIsApplied_CONF001) {
  auto client = Client();
  EXPECT_EQ(initial_state(client, seeded_extra(1))["size"], 4);
  EXPECT_EQ(initial_state(client, seeded_extra(1, {{"map_name", "8x8"}}))["size"], 8);
  EXPECT_EQ(initial_state(client, seeded_extra(1, {{"size", 5}, {"map_name", "8x8"}}))["map"],
            model_map(5, 0.8, 1));
  EXPECT_EQ(initial_state(client, seeded_extra(1, {{"size", 6}, {"p", 0.5}}))["map"],
            model_map(6, 0.5, 1));
  json explicit_map = initial_state(client, seeded_extra(1, classic_config(true)));
  EXPECT_EQ(explicit_map["map"], kClassicMap);
  EXPECT_EQ(explicit_map["is_slippery"], true);
  EXPECT_EQ(initial_state(client, seeded_extra(1, {{"desc", {"SF", "HG"}}, {"size", 2}}))["map"],
            json({"SF", "HG"}));
  // null means "the default", as Python clients send None.
  EXPECT_EQ(initial_state(client, seeded_extra(1, {{"map_name", nullptr},
                                                   {"max_episode_steps", nullptr}}))["size"],
            4);
}

TEST_F(HttpSeedConfig, BadConfigIsInvalidParamsNamingTheKey_CONF002) {
  auto client = Client();
  const std::string live = open(client);
  const std::string bad_value = "[mcpgym.config.invalid_value] Invalid params: ";
  struct Case {
    json config;
    std::string message;
    std::string key;
  };
  const std::vector<Case> cases = {
      {{{"colour", "blue"}},
       "[mcpgym.config.unknown_key] Invalid params: unknown config key config.colour; known keys: "
       "desc, game, is_slippery, map_name, max_episode_steps, p, seed, size",
       "config.colour"},
      {{{"p", 1.5}}, bad_value + "config.p must be a number from 0 to 1; got 1.5", "config.p"},
      {{{"p", "high"}},
       bad_value + "config.p must be a number from 0 to 1; got \"high\"",
       "config.p"},
      {{{"map_name", "16x16"}},
       bad_value + "config.map_name must be \"4x4\" or \"8x8\"; got \"16x16\"",
       "config.map_name"},
      {{{"size", 1}},
       bad_value + "config.size must be an integer from 2 to 64; got 1",
       "config.size"},
      {{{"size", 65}},
       bad_value + "config.size must be an integer from 2 to 64; got 65",
       "config.size"},
      {{{"size", 4.0}},
       bad_value + "config.size must be an integer from 2 to 64; got 4.0",
       "config.size"},
      {{{"is_slippery", "yes"}},
       bad_value + "config.is_slippery must be true or false; got \"yes\"",
       "config.is_slippery"},
      {{{"max_episode_steps", 0}},
       bad_value + "config.max_episode_steps must be an integer from 1 to 1000000000; got 0",
       "config.max_episode_steps"},
      {{{"desc", "SFFG"}},
       bad_value +
           "config.desc must be an array of row strings such as [\"SFFF\", \"FHFH\", \"FFFH\", "
           "\"HFFG\"]; got \"SFFG\"",
       "config.desc"},
      {{{"desc", {"SX", "FG"}}},
       bad_value +
           "config.desc is not a valid map: row 0 column 1 has 'X', expected one of S F H G",
       "config.desc"},
      {{{"desc", {"SFF", "FG"}}},
       bad_value + "config.desc is not a valid map: row 0 has 3 cells, expected 2",
       "config.desc"},
      {{{"desc", {"FF", "FG"}}},
       bad_value + "config.desc is not a valid map: map has no start cell 'S'",
       "config.desc"},
      {{{"desc", kClassicMap}, {"size", 5}},
       bad_value + "config.size is 5 but config.desc has 4 rows; give one or make them agree",
       "config.size"},
  };
  for (const auto& c : cases) {
    ExpectRefused(client, seeded_extra(3, c.config), c.message, c.key);
  }
  ExpectRefused(
      client, {{"seed", 3}, {"config", json::array()}},
      bad_value + "clientInfo._extra.config must be an object; got an array of 0 element(s)",
      "clientInfo._extra.config");
  ExpectRefused(client, json::array(),
                bad_value + "clientInfo._extra must be an object; got an array of 0 element(s)",
                "clientInfo._extra");
  // No session was created and the server keeps serving, old sessions and new.
  EXPECT_EQ(Server().sessions().size(), 1U);
  EXPECT_EQ(call_result(client, live, "ping"), json::object());
  EXPECT_FALSE(open(client, seeded_extra(3)).empty());
}

TEST_F(HttpSeedConfig, NoValidMapIsInvalidParamsNamingP_CONF003) {
  auto client = Client();
  ExpectRefused(client, seeded_extra(5, {{"p", 0}}),
                "[mcpgym.config.no_valid_map] Invalid params: no 4x4 map with a path from S to G "
                "was found in 10000 boards with config.p = 0.0; raise config.p or give config.desc",
                "config.p");
  EXPECT_FALSE(open(client, seeded_extra(5)).empty());
}

}  // namespace
}  // namespace mcpgym::wiretest
