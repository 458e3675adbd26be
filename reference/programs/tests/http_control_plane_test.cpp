// CTRL-001..CTRL-010 over real loopback HTTP: control:// resources and GET /control/*.
#include <gtest/gtest.h>

#include "games/frozenlake/frozen_lake.hpp"
#include "reference/programs/tests/support/in_process_server.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

using HttpControlPlane = HttpFixture;

const std::vector<std::string> kControlNames = {"reward", "status", "info", "initial_state"};

std::string uri_of(const std::string& name) {
  return name == "initial_state" ? "game://initial_state" : "control://" + name;
}

json status(bool terminated, bool truncated, int steps, double total) {
  return {{"terminated", terminated},
          {"truncated", truncated},
          {"step_count", steps},
          {"total_reward", total}};
}

// What the model says each payload holds, written out field by field.
json expected_reward(const frozenlake::FrozenLake& m) {
  return {{"reward", m.last_reward()}, {"step_count", m.step_count()}};
}
json expected_status(const frozenlake::FrozenLake& m) {
  return status(m.terminated(), m.truncated(), m.step_count(), m.total_reward());
}
json expected_info(const frozenlake::FrozenLake& m) {
  return m.last_prob() ? json{{"prob", *m.last_prob()}} : json::object();
}

// After every step: all three control resources and all four /control/*
// reads agree with the model (never a step stale), and the two forms agree.
void ExpectControlPlaneMatches(RawHttpClient& client, const std::string& session,
                               const frozenlake::FrozenLake& m, const json& initial) {
  json reward = read_payload(client, session, "control://reward");
  json state = read_payload(client, session, "control://status");
  json info = read_payload(client, session, "control://info");
  EXPECT_EQ(reward, expected_reward(m));
  EXPECT_TRUE(reward["reward"].is_number_float()) << reward.dump();
  EXPECT_EQ(state, expected_status(m));
  EXPECT_TRUE(state["total_reward"].is_number_float()) << state.dump();
  EXPECT_EQ(info, expected_info(m));
  EXPECT_EQ(control_payload(client, session, "reward"), reward);
  EXPECT_EQ(control_payload(client, session, "status"), state);
  EXPECT_EQ(control_payload(client, session, "info"), info);
  EXPECT_EQ(control_payload(client, session, "initial_state"), initial);
  EXPECT_EQ(read_payload(client, session, "game://initial_state"), initial);
}

frozenlake::FrozenLake model_for(const json& initial, bool slippery, std::optional<int> max_steps,
                                 std::uint64_t seed) {
  return frozenlake::FrozenLake(std::get<frozenlake::Map>(frozenlake::Map::from_rows(
                                    initial["map"].get<std::vector<std::string>>())),
                                slippery, max_steps, seed);
}

TEST_F(HttpControlPlane, ResourcesListNamesTheFourResources_CTRL001) {
  auto client = Client();
  const std::string session = open(client);
  json resources = call_result(client, session, "resources/list")["resources"];
  json uris = json::array();
  for (const auto& r : resources) {
    uris.push_back(r["uri"]);
    EXPECT_EQ(r["mimeType"], "application/json") << r.dump();
    EXPECT_TRUE(r["name"].is_string()) << r.dump();
  }
  EXPECT_EQ(uris, json({"game://initial_state", "control://reward", "control://status",
                        "control://info"}));
}

TEST_F(HttpControlPlane, ResourcesReadHasTheExactShape_CTRL002) {
  auto client = Client();
  const std::string session = open(client, seeded_extra(5, classic_config()));
  for (const auto& name : kControlNames) {
    json result = call_result(client, session, "resources/read", {{"uri", uri_of(name)}});
    ASSERT_EQ(result.size(), 1U) << result.dump();
    ASSERT_EQ(result["contents"].size(), 1U) << result.dump();
    json content = result["contents"][0];
    EXPECT_EQ(content.size(), 3U) << content.dump();
    EXPECT_EQ(content["uri"], uri_of(name));
    EXPECT_EQ(content["mimeType"], "application/json");
    EXPECT_TRUE(content["text"].is_string());
  }
}

TEST_F(HttpControlPlane, InitialStateHoldsTheStart_CTRL003) {
  auto client = Client();
  const std::string session = open(client, seeded_extra(5, classic_config()));
  EXPECT_EQ(read_payload(client, session, "game://initial_state"),
            json({{"position", 0},
                  {"grid", "PFFF\nFHFH\nFFFH\nHFFG"},
                  {"map", kClassicMap},
                  {"seed", 5},
                  {"size", 4},
                  {"is_slippery", false}}));
  // It stays the start after moves.
  lake_move(client, session, "RIGHT");
  EXPECT_EQ(read_payload(client, session, "game://initial_state")["position"], 0);
  EXPECT_EQ(read_payload(client, session, "game://initial_state")["grid"],
            "PFFF\nFHFH\nFFFH\nHFFG");
}

TEST_F(HttpControlPlane, PayloadsBeforeTheFirstStep_CTRL004_CTRL005_CTRL006) {
  auto client = Client();
  const std::string session = open(client, seeded_extra(5, classic_config()));
  const std::string reward_text = call_result(client, session, "resources/read",
                                              {{"uri", "control://reward"}})["contents"][0]["text"];
  EXPECT_EQ(reward_text, R"({"reward":0.0,"step_count":0})");
  EXPECT_EQ(read_payload(client, session, "control://status"), status(false, false, 0, 0.0));
  EXPECT_EQ(read_payload(client, session, "control://info"), json::object());
  EXPECT_EQ(get_control(client, "reward", session).body, R"({"reward":0.0,"step_count":0})");
}

// A full winning episode on gymnasium's 4x4 map, the control plane read after every step.
TEST_F(HttpControlPlane, WinningEpisodeControlPlaneIsNeverStale_CTRL007) {
  auto client = Client();
  const std::string session = open(client, seeded_extra(8, classic_config()));
  json initial = read_payload(client, session, "game://initial_state");
  frozenlake::FrozenLake m = model_for(initial, false, std::nullopt, 8);
  ExpectControlPlaneMatches(client, session, m, initial);
  const std::vector<std::pair<const char*, int>> walk = {
      {"DOWN", 4}, {"DOWN", 8}, {"RIGHT", 9}, {"RIGHT", 10}, {"DOWN", 14}, {"RIGHT", 15}};
  for (const auto& [action, position] : walk) {
    SCOPED_TRACE(action);
    json moved = lake_move(client, session, action);
    m.step(*frozenlake::parse_action(action));
    EXPECT_EQ(moved["structuredContent"]["position"], position);
    EXPECT_EQ(moved["structuredContent"]["position"], m.position());
    EXPECT_EQ(moved["structuredContent"]["grid"], m.grid());
    ExpectControlPlaneMatches(client, session, m, initial);
  }
  // The end, written out.
  EXPECT_EQ(read_payload(client, session, "control://reward"),
            json({{"reward", 1.0}, {"step_count", 6}}));
  EXPECT_EQ(read_payload(client, session, "control://status"), status(true, false, 6, 1.0));
  EXPECT_EQ(read_payload(client, session, "control://info"), json({{"prob", 1.0}}));
}

TEST_F(HttpControlPlane, HoleEpisodeTerminatesWithoutReward_CTRL007) {
  auto client = Client();
  const std::string session = open(client, seeded_extra(8, classic_config()));
  json initial = read_payload(client, session, "game://initial_state");
  frozenlake::FrozenLake m = model_for(initial, false, std::nullopt, 8);
  for (const char* action : {"RIGHT", "DOWN"}) {
    lake_move(client, session, action);
    m.step(*frozenlake::parse_action(action));
    ExpectControlPlaneMatches(client, session, m, initial);
  }
  EXPECT_EQ(read_payload(client, session, "control://status"), status(true, false, 2, 0.0));
  EXPECT_EQ(read_payload(client, session, "control://reward"),
            json({{"reward", 0.0}, {"step_count", 2}}));
}

TEST_F(HttpControlPlane, TruncationShowsInStatus_CTRL007) {
  auto client = Client();
  const std::string session = open(client, seeded_extra(8, classic_config(false, 3)));
  json initial = read_payload(client, session, "game://initial_state");
  frozenlake::FrozenLake m = model_for(initial, false, 3, 8);
  for (const char* action : {"LEFT", "RIGHT", "LEFT"}) {
    lake_move(client, session, action);
    m.step(*frozenlake::parse_action(action));
    ExpectControlPlaneMatches(client, session, m, initial);
  }
  EXPECT_EQ(read_payload(client, session, "control://status"), status(false, true, 3, 0.0));
}

// Truncation and termination on the same step: both flags.
TEST_F(HttpControlPlane, TruncationOnTheGoalStepSetsBothFlags_CTRL007) {
  auto client = Client();
  const std::string session =
      open(client, seeded_extra(8, {{"desc", {"SG", "FF"}}, {"max_episode_steps", 1}}));
  lake_move(client, session, "RIGHT");
  EXPECT_EQ(read_payload(client, session, "control://status"), status(true, true, 1, 1.0));
  EXPECT_EQ(control_payload(client, session, "reward"), json({{"reward", 1.0}, {"step_count", 1}}));
}

// A slippery 8x8 episode: the model decides where each move lands, and the
// wire must agree after every step.
TEST_F(HttpControlPlane, SlipperyEpisodeMatchesTheModelStepByStep_CTRL007) {
  auto client = Client();
  const std::string session = open(
      client,
      seeded_extra(4242, {{"map_name", "8x8"}, {"is_slippery", true}, {"max_episode_steps", 50}}));
  json initial = read_payload(client, session, "game://initial_state");
  frozenlake::FrozenLake m = model_for(initial, true, 50, 4242);
  const std::vector<const char*> script = {"RIGHT", "DOWN", "DOWN", "RIGHT", "UP", "LEFT"};
  int steps = 0;
  while (!m.ended()) {
    const char* action = script[static_cast<std::size_t>(steps) % script.size()];
    json moved = lake_move(client, session, action);
    m.step(*frozenlake::parse_action(action));
    ++steps;
    ASSERT_EQ(moved["structuredContent"]["position"], m.position()) << "step " << steps;
    ExpectControlPlaneMatches(client, session, m, initial);
    if (HasFailure()) break;
  }
  EXPECT_TRUE(lake_move(client, session, "LEFT")["isError"]);
  EXPECT_EQ(read_payload(client, session, "control://info"), json({{"prob", 1.0 / 3.0}}));
}

TEST_F(HttpControlPlane, UnknownResourceIsResourceNotFound_CTRL008) {
  auto client = Client();
  const std::string session = open(client);
  for (const std::string uri : {"game://nope", "control://initial_state", "control://", "reward",
                                "control://rewards", "CONTROL://reward"}) {
    EXPECT_TRUE(IsJsonReply(
        post_json(client, rpc_request(3, "resources/read", {{"uri", uri}}), session), 200,
        error_body(3, -32002, "[mcpgym.resource.not_found] Resource not found: " + uri,
                   {{"uri", uri}})));
  }
}

TEST_F(HttpControlPlane, ControlEndpointsEqualTheResources_CTRL009) {
  auto client = Client();
  const std::string session = open(client, seeded_extra(6, classic_config(true)));
  lake_move(client, session, "DOWN");
  lake_move(client, session, "RIGHT");
  for (const auto& name : kControlNames) {
    const auto exchange = get_control(client, name, session);
    EXPECT_TRUE(IsJsonReply(exchange, 200, read_payload(client, session, uri_of(name)))) << name;
    EXPECT_EQ(exchange.header("Content-Type"), "application/json");
    const std::string text = call_result(client, session, "resources/read",
                                         {{"uri", uri_of(name)}})["contents"][0]["text"];
    EXPECT_EQ(exchange.body, text) << name;
  }
}

TEST_F(HttpControlPlane, UnknownControlNameIs404_CTRL009) {
  auto client = Client();
  const std::string session = open(client);
  for (const std::string name : {"bogus", "", "Reward", "status/extra"}) {
    EXPECT_TRUE(IsRejection(get_control(client, name, session), 404, -32000,
                            "[mcpgym.http.unknown_control] Not Found: no control \"" + name +
                                "\"; expected one of reward, status, info, initial_state"))
        << name;
  }
}

TEST_F(HttpControlPlane, ControlWithoutSessionHeaderIs400_CTRL009) {
  auto client = Client();
  open(client);
  EXPECT_TRUE(IsRejection(get_control(client, "status", std::nullopt), 400, -32000,
                          "[mcpgym.http.missing_session] Bad Request: missing Mcp-Session-Id "
                          "header; send the id returned by initialize, or initialize first"));
}

TEST_F(HttpControlPlane, ControlForUnknownSessionIs404_CTRL009) {
  auto client = Client();
  open(client);
  const std::string id = "11111111-2222-4333-8444-555555555555";
  EXPECT_TRUE(IsRejection(get_control(client, "status", id), 404, -32000,
                          "[mcpgym.http.unknown_session] Not Found: session \"" + id +
                              "\" does not exist (never created, deleted or expired); initialize "
                              "a new session"));
}

TEST_F(HttpControlPlane, ResourcesOnlyFormHasNoControlEndpoints_CTRL010) {
  auto options = test_server_options();
  options.control_http = false;
  Start({}, options);
  auto client = Client();
  const std::string session = open(client);
  for (const auto& name : kControlNames) {
    EXPECT_TRUE(IsRejection(get_control(client, name, session), 404, -32000,
                            "[mcpgym.http.not_found] Not Found: no endpoint at GET /control/" +
                                name + "; MCP is served at POST /mcp"));
  }
  // The resources form is all there.
  EXPECT_EQ(call_result(client, session, "resources/list")["resources"].size(), 4U);
  EXPECT_EQ(read_payload(client, session, "control://status"), status(false, false, 0, 0.0));
}

TEST_F(HttpControlPlane, HttpOnlyFormHasNoControlResources_CTRL010) {
  gym::GymAppOptions app;
  app.control_resources = false;
  Start(app, test_server_options());
  auto client = Client();
  const std::string session = open(client, seeded_extra(5, classic_config()));
  json resources = call_result(client, session, "resources/list")["resources"];
  ASSERT_EQ(resources.size(), 1U) << resources.dump();
  EXPECT_EQ(resources[0]["uri"], "game://initial_state");
  for (const std::string uri : {"control://reward", "control://status", "control://info"}) {
    EXPECT_TRUE(IsJsonReply(
        post_json(client, rpc_request(8, "resources/read", {{"uri", uri}}), session), 200,
        error_body(8, -32002, "[mcpgym.resource.not_found] Resource not found: " + uri,
                   {{"uri", uri}})));
  }
  EXPECT_EQ(read_payload(client, session, "game://initial_state")["seed"], 5);
  lake_move(client, session, "RIGHT");
  EXPECT_EQ(control_payload(client, session, "status"), status(false, false, 1, 0.0));
  EXPECT_EQ(control_payload(client, session, "reward"), json({{"reward", 0.0}, {"step_count", 1}}));
}

}  // namespace
}  // namespace mcpgym::wiretest
