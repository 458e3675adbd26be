// EVP-006..EVP-009 over the wire: the reference in its default convention
// accepts a client that behaves like eval-protocol's rollout client
// (eval_protocol/mcp/client/connection.py, eval_protocol/mcp_env.py): it posts
// to /mcp/, sends clientInfo {"name": "reward-kit", "_extra": {session_id, seed,
// config {game, map_name, seed}, dataset_row_id, model_id}}, reads /control/*
// with mcp-session-id and resets through POST /control/reset_session.
#include <gtest/gtest.h>

#include "games/frozenlake/random_map.hpp"
#include "reference/programs/tests/support/in_process_server.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

using HttpEvalProtocol = HttpFixture;

const json kResetOk = {{"message", "Session reset successfully"}};

// What eval-protocol's client puts in clientInfo._extra for a dataset row
// {"seed": seed, "environment_context": config}.
json eval_protocol_extra(std::uint64_t seed, const json& config) {
  return {{"session_id", "0123456789abcdef0123456789abcdef"},
          {"seed", seed},
          {"config", config},
          {"dataset_row_id", "row-1"},
          {"model_id", "model-a"}};
}

json lake_row(std::uint64_t seed) {
  return {{"game", "FrozenLake"}, {"map_name", "4x4"}, {"seed", seed}};
}

// initialize as eval-protocol's client sends it: clientInfo name reward-kit.
json eval_protocol_initialize(const json& id, const json& extra) {
  json request = initialize_request(id, kLatestVersion, extra);
  request["params"]["clientInfo"]["name"] = "reward-kit";
  request["params"]["clientInfo"]["version"] = "1.0.0";
  return request;
}

HttpExchange post_to_slash_endpoint(RawHttpClient& client, const json& body,
                                    const std::optional<std::string>& session = std::nullopt) {
  return send(client, HttpRequest{"POST", "/mcp/", post_headers(session), body.dump()});
}

// Opens a session through /mcp/ as eval-protocol's client does.
std::string open_at_slash(RawHttpClient& client, const json& extra) {
  const auto exchange = post_to_slash_endpoint(client, eval_protocol_initialize(1, extra));
  if (exchange.status != 200 || !exchange.has_header("Mcp-Session-Id"))
    throw WireFailure("initialize at /mcp/ failed: " + describe(exchange));
  const std::string session = exchange.header("Mcp-Session-Id");
  post_to_slash_endpoint(client, rpc_notification("notifications/initialized"), session);
  return session;
}

HttpExchange reset_session(RawHttpClient& client, const std::optional<std::string>& session,
                           std::string body, HeaderList extra_headers = {}) {
  HeaderList headers = {{"Content-Type", "application/json"}};
  if (session) headers.emplace_back("mcp-session-id", *session);
  headers.insert(headers.end(), extra_headers.begin(), extra_headers.end());
  return send(client,
              HttpRequest{"POST", "/control/reset_session", std::move(headers), std::move(body)});
}

std::vector<std::string> model_map(std::uint64_t seed) {
  auto map = frozenlake::generate_random_map(4, 0.8, seed);
  if (!map) throw WireFailure("the model found no map");
  return map->rows();
}

json refusal(const std::string& message, const std::string& key) {
  return error_body(21, -32602, message, {{"key", key}});
}

json status(int steps, bool terminated = false) {
  return {{"terminated", terminated},
          {"truncated", false},
          {"step_count", steps},
          {"total_reward", 0.0}};
}

TEST_F(HttpEvalProtocol, TheEndpointIsServedAtTheTrailingSlashToo_EVP009) {
  auto client = Client();
  const std::string session = open_at_slash(client, eval_protocol_extra(42, lake_row(42)));
  const auto tools = post_to_slash_endpoint(client, rpc_request(2, "tools/list"), session);
  ASSERT_EQ(tools.status, 200) << describe(tools);
  EXPECT_EQ(parse_body(tools)["result"]["tools"][0]["name"], "lake_move");
  // The same session is reachable at /mcp: one endpoint, two spellings.
  EXPECT_EQ(lake_move(client, session, "RIGHT")["isError"], false);
}

TEST_F(HttpEvalProtocol, AnEvalProtocolInitializeSeedsTheEnvironment_EVP007_EVP008) {
  auto client = Client();
  const std::string session = open_at_slash(client, eval_protocol_extra(42, lake_row(42)));
  const json initial = control_payload(client, session, "initial_state");
  EXPECT_EQ(initial["seed"], 42);
  EXPECT_EQ(initial["map"], model_map(42));
  EXPECT_EQ(initial["position"], 0);
  EXPECT_EQ(control_payload(client, session, "status"), status(0));
}

TEST_F(HttpEvalProtocol, ConfigSeedAloneIsTheSeedAndZeroIsHonoured_EVP008) {
  auto client = Client();
  for (const std::uint64_t seed : {0ULL, 7ULL}) {
    const std::string session = open(client, {{"config", lake_row(seed)}});
    const json initial = read_payload(client, session, "game://initial_state");
    EXPECT_EQ(initial["seed"], seed);
    EXPECT_EQ(initial["map"], model_map(seed));
  }
}

TEST_F(HttpEvalProtocol, ConfigSeedThatDiffersFromExtraSeedIsRefused_EVP008) {
  auto client = Client();
  const auto exchange = post_json(
      client, initialize_request(21, kLatestVersion, eval_protocol_extra(1, lake_row(2))));
  EXPECT_TRUE(IsJsonReply(exchange, 200,
                          refusal("[mcpgym.config.seed_conflict] Invalid params: config.seed 2 "
                                  "differs from clientInfo._extra.seed 1; send one seed, or the "
                                  "same in both",
                                  "config.seed")));
  EXPECT_FALSE(exchange.has_header("Mcp-Session-Id"));
}

TEST_F(HttpEvalProtocol, ConfigSeedOutOfRangeIsRefused_EVP008) {
  auto client = Client();
  const auto exchange =
      post_json(client, initialize_request(21, kLatestVersion, {{"config", {{"seed", -1}}}}));
  EXPECT_TRUE(IsJsonReply(exchange, 200,
                          refusal("[mcpgym.config.invalid_seed] Invalid params: config.seed must "
                                  "be an integer from 0 to 9007199254740991 (2^53-1); got -1",
                                  "config.seed")));
}

TEST_F(HttpEvalProtocol, ConfigGameMustNameTheServedGameInAnyCase_EVP007) {
  auto client = Client();
  EXPECT_NO_THROW(open(client, {{"config", {{"game", "frozenlake"}}}}));
  EXPECT_NO_THROW(open(client, {{"config", {{"game", "FROZENLAKE"}}}}));
  for (const json& game : {json("Taxi"), json(4)}) {
    const auto exchange =
        post_json(client, initialize_request(21, kLatestVersion, {{"config", {{"game", game}}}}));
    EXPECT_TRUE(IsJsonReply(exchange, 200,
                            refusal("[mcpgym.config.invalid_value] Invalid params: config.game "
                                    "must be the name of the game this server serves, "
                                    "\"frozenlake\" (any case); got " +
                                        game.dump(),
                                    "config.game")))
        << game.dump();
    EXPECT_FALSE(exchange.has_header("Mcp-Session-Id"));
  }
}

TEST_F(HttpEvalProtocol, ResetSessionStartsANewEpisodeOnTheGivenSeed_EVP006) {
  auto client = Client();
  const std::string session = open_at_slash(client, eval_protocol_extra(42, lake_row(42)));
  lake_move(client, session, "RIGHT");
  EXPECT_EQ(control_payload(client, session, "status")["step_count"], 1);
  for (const std::uint64_t seed : {7ULL, 0ULL}) {
    const auto exchange = reset_session(client, session, json{{"seed", seed}}.dump(),
                                        {{"Origin", "http://localhost:3000"}});
    EXPECT_TRUE(IsJsonReply(exchange, 200, kResetOk)) << seed;
    const json initial = control_payload(client, session, "initial_state");
    EXPECT_EQ(initial["seed"], seed);
    EXPECT_EQ(initial["map"], model_map(seed));
    EXPECT_EQ(control_payload(client, session, "status"), status(0));
    EXPECT_EQ(control_payload(client, session, "reward"),
              json({{"reward", 0.0}, {"step_count", 0}}));
    EXPECT_EQ(control_payload(client, session, "info"), json::object());
    EXPECT_EQ(read_payload(client, session, "game://initial_state"), initial);
    lake_move(client, session, "RIGHT");
    EXPECT_EQ(control_payload(client, session, "status")["step_count"], 1);
  }
}

TEST_F(HttpEvalProtocol, ResetWithoutASeedUsesTheServersSeed_EVP006) {
  gym::GymAppOptions app;
  app.default_seed = 5;
  Start(app, test_server_options());
  auto client = Client();
  const std::string session = open(client, seeded_extra(42));
  for (const std::string body : {"{}", R"({"seed":null})"}) {
    EXPECT_TRUE(IsJsonReply(reset_session(client, session, body), 200, kResetOk)) << body;
    EXPECT_EQ(control_payload(client, session, "initial_state")["seed"], 5) << body;
  }
}

TEST_F(HttpEvalProtocol, ResetTouchesOnlyItsOwnSession_EVP006_SESS008) {
  auto client = Client();
  // The same eval-protocol key twice: still two environments under mcpgym.
  const std::string a = open_at_slash(client, eval_protocol_extra(42, lake_row(42)));
  const std::string b = open_at_slash(client, eval_protocol_extra(42, lake_row(42)));
  ASSERT_NE(a, b);
  lake_move(client, a, "RIGHT");
  EXPECT_EQ(control_payload(client, b, "status"), status(0));
  EXPECT_TRUE(IsJsonReply(reset_session(client, b, R"({"seed": 3})"), 200, kResetOk));
  EXPECT_EQ(control_payload(client, a, "status")["step_count"], 1);
  EXPECT_EQ(control_payload(client, a, "initial_state")["seed"], 42);
}

TEST_F(HttpEvalProtocol, ResetSessionRefusals_EVP006) {
  auto client = Client();
  const std::string session = open(client, seeded_extra(42));
  EXPECT_TRUE(IsRejection(reset_session(client, std::nullopt, R"({"seed":1})"), 400, -32000,
                          "[mcpgym.http.missing_session] Bad Request: missing Mcp-Session-Id "
                          "header; send the id returned by initialize, or initialize first"));
  EXPECT_TRUE(IsRejection(reset_session(client, "no-such-session", R"({"seed":1})"), 404, -32000,
                          "[mcpgym.http.unknown_session] Not Found: session \"no-such-session\" "
                          "does not exist (never created, deleted or expired); initialize a new "
                          "session"));
  for (const std::string body : {"", "not json", "[1]", "42"}) {
    EXPECT_TRUE(IsRejection(reset_session(client, session, body), 400, -32000,
                            "[mcpgym.http.invalid_reset_body] Bad Request: the body of POST "
                            "/control/reset_session must be a JSON object such as {\"seed\": 42}"))
        << body;
  }
  for (const std::string seed : {"-1", "1.5", "\"7\"", "9007199254740992"}) {
    EXPECT_TRUE(IsJsonReply(
        reset_session(client, session, R"({"seed":)" + seed + "}"), 400,
        error_body(nullptr, -32602,
                   "[mcpgym.config.invalid_seed] Invalid params: seed must be an integer from 0 "
                   "to 9007199254740991 (2^53-1); got " +
                       seed,
                   {{"key", "seed"}})))
        << seed;
  }
  // A refused reset changed nothing.
  EXPECT_EQ(control_payload(client, session, "initial_state")["seed"], 42);
  const auto wrong_method = get(client, "/control/reset_session", {{"Mcp-Session-Id", session}});
  EXPECT_TRUE(IsRejection(wrong_method, 405, -32000,
                          "[mcpgym.http.method_not_allowed] Method Not Allowed: GET "
                          "/control/reset_session; a session is reset with POST {\"seed\": n}"));
  EXPECT_EQ(wrong_method.header("Allow"), "POST");
}

TEST_F(HttpEvalProtocol, OriginIsCheckedOnControlRoutesAndReset_HTTP010_EVP006) {
  auto client = Client();
  const std::string session = open_at_slash(client, eval_protocol_extra(42, lake_row(42)));
  const std::string message =
      "[mcpgym.http.forbidden_origin] Forbidden: Origin \"https://evil.example\" is not a "
      "loopback origin; only local pages may call this server";
  EXPECT_TRUE(IsRejection(
      reset_session(client, session, R"({"seed":1})", {{"Origin", "https://evil.example"}}), 403,
      -32000, message));
  EXPECT_TRUE(IsRejection(get(client, "/control/status",
                              {{"mcp-session-id", session}, {"Origin", "https://evil.example"}}),
                          403, -32000, message));
  // Neither changed the session.
  EXPECT_EQ(control_payload(client, session, "initial_state")["seed"], 42);
}

}  // namespace
}  // namespace mcpgym::wiretest
