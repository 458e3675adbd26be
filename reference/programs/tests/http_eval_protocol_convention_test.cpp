// EVP-001..EVP-006 under --convention eval-protocol, over the wire: the
// environment is keyed by the client's clientInfo._extra.session_id, and
// /control/* and POST /control/reset_session find it by that key in the
// mcp-session-id header, refusing with {"error": <text>} (eval_protocol/mcp/
// mcpgym.py, eval_protocol/mcp/client/connection.py). The MCP transport's own
// Mcp-Session-Id is unchanged.
#include <gtest/gtest.h>

#include "common/bounded_json.hpp"
#include "reference/programs/tests/support/in_process_server.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

const json kResetOk = {{"message", "Session reset successfully"}};
const std::string kKeyA = "0123456789abcdef0123456789abcdef";
const std::string kKeyB = "fedcba9876543210fedcba9876543210";
// kClassicMap with the agent at 0, then at 1.
const std::string kGridAt0 = "PFFF\nFHFH\nFFFH\nHFFG";
const std::string kGridAt1 = "SPFF\nFHFH\nFFFH\nHFFG";

class HttpEvalProtocolConvention : public HttpFixture {
 protected:
  void SetUp() override {
    gym::GymAppOptions app;
    app.convention = gym::Convention::kEvalProtocol;
    Start(app, test_server_options());
  }
};

// clientInfo._extra as eval-protocol's client sends it, with the classic map
// so that grids are known.
json keyed_extra(const std::string& key, std::uint64_t seed) {
  json config = classic_config();
  config["game"] = "FrozenLake";
  config["seed"] = seed;
  return {{"session_id", key},
          {"seed", seed},
          {"config", config},
          {"dataset_row_id", "row-1"},
          {"model_id", "model-a"}};
}

// initialize at /mcp/ as eval-protocol's client does; returns the transport's session id.
std::string open_keyed(RawHttpClient& client, const json& extra) {
  json request = initialize_request(1, kLatestVersion, extra);
  request["params"]["clientInfo"]["name"] = "reward-kit";
  const auto exchange = send(client, HttpRequest{"POST", "/mcp/", post_headers(), request.dump()});
  if (exchange.status != 200 || !exchange.has_header("Mcp-Session-Id"))
    throw WireFailure("initialize at /mcp/ failed: " + describe(exchange));
  const std::string session = exchange.header("Mcp-Session-Id");
  send(client, HttpRequest{"POST", "/mcp/", post_headers(session),
                           rpc_notification("notifications/initialized").dump()});
  return session;
}

// GET /control/<name> with the header eval-protocol's client sends.
HttpExchange keyed_get(RawHttpClient& client, std::string_view name,
                       const std::optional<std::string>& key, HeaderList extra = {}) {
  HeaderList headers = extra;
  if (key) headers.emplace_back("mcp-session-id", *key);
  return get(client, "/control/" + std::string(name), std::move(headers));
}

HttpExchange keyed_reset(RawHttpClient& client, const std::optional<std::string>& key,
                         std::string body) {
  HeaderList headers = {{"Content-Type", "application/json"}};
  if (key) headers.emplace_back("mcp-session-id", *key);
  return send(client,
              HttpRequest{"POST", "/control/reset_session", std::move(headers), std::move(body)});
}

json status(int steps, double total = 0.0, bool terminated = false) {
  return {{"terminated", terminated},
          {"truncated", false},
          {"step_count", steps},
          {"total_reward", total}};
}

json start_state(const std::string& grid, std::uint64_t seed) {
  return {{"position", 0}, {"grid", grid}, {"seed", seed}};
}

json error_of(const std::string& text) {
  return {{"error", text}};
}

std::string unknown_key_error(const std::string& key) {
  return "[mcpgym.http.unknown_key] Session \"" + key +
         "\" not found: no environment has this key (never initialized, deleted or expired); "
         "initialize with clientInfo._extra.session_id first";
}

TEST_F(HttpEvalProtocolConvention, AnEvalProtocolClientPlaysAnEpisodeByItsKey_EVP001_EVP003) {
  auto client = Client();
  const std::string session = open_keyed(client, keyed_extra(kKeyA, 42));
  ASSERT_NE(session, kKeyA);  // SESS-001: the transport's id is still the server's
  const auto tools = post_json(client, rpc_request(2, "tools/list"), session);
  EXPECT_EQ(parse_body(tools)["result"]["tools"][0]["name"], "lake_move");
  EXPECT_TRUE(
      IsJsonReply(keyed_get(client, "initial_state", kKeyA), 200, start_state(kGridAt0, 42)));
  EXPECT_TRUE(IsJsonReply(keyed_get(client, "status", kKeyA), 200, status(0)));
  EXPECT_EQ(lake_move(client, session, "RIGHT")["structuredContent"],
            json({{"position", 1}, {"grid", kGridAt1}, {"action", "RIGHT"}}));
  EXPECT_TRUE(IsJsonReply(keyed_get(client, "reward", kKeyA), 200,
                          json({{"reward", 0.0}, {"step_count", 1}})));
  EXPECT_TRUE(IsJsonReply(keyed_get(client, "status", kKeyA), 200, status(1)));
  EXPECT_TRUE(IsJsonReply(keyed_get(client, "info", kKeyA), 200, json({{"prob", 1.0}})));
  // EVP-005: the start of the episode, not the position now.
  EXPECT_TRUE(
      IsJsonReply(keyed_get(client, "initial_state", kKeyA), 200, start_state(kGridAt0, 42)));
}

TEST_F(HttpEvalProtocolConvention, ResetByKeyStartsANewEpisodeOnTheSeed_EVP006) {
  auto client = Client();
  const std::string session = open_keyed(client, keyed_extra(kKeyA, 42));
  lake_move(client, session, "RIGHT");
  for (const std::uint64_t seed : {7ULL, 0ULL}) {
    EXPECT_TRUE(
        IsJsonReply(keyed_reset(client, kKeyA, json{{"seed", seed}}.dump()), 200, kResetOk));
    EXPECT_TRUE(IsJsonReply(keyed_get(client, "status", kKeyA), 200, status(0)));
    EXPECT_TRUE(
        IsJsonReply(keyed_get(client, "initial_state", kKeyA), 200, start_state(kGridAt0, seed)));
    EXPECT_EQ(lake_move(client, session, "RIGHT")["structuredContent"]["position"], 1);
    EXPECT_TRUE(IsJsonReply(keyed_get(client, "status", kKeyA), 200, status(1)));
  }
}

TEST_F(HttpEvalProtocolConvention, TwoClientsWithDistinctKeysAreIsolated_EVP002) {
  auto client = Client();
  const std::string a = open_keyed(client, keyed_extra(kKeyA, 42));
  const std::string b = open_keyed(client, keyed_extra(kKeyB, 42));
  lake_move(client, a, "RIGHT");
  EXPECT_TRUE(IsJsonReply(keyed_get(client, "status", kKeyA), 200, status(1)));
  EXPECT_TRUE(IsJsonReply(keyed_get(client, "status", kKeyB), 200, status(0)));
  EXPECT_TRUE(IsJsonReply(keyed_reset(client, kKeyB, R"({"seed": 3})"), 200, kResetOk));
  EXPECT_TRUE(IsJsonReply(keyed_get(client, "status", kKeyA), 200, status(1)));
  EXPECT_TRUE(
      IsJsonReply(keyed_get(client, "initial_state", kKeyA), 200, start_state(kGridAt0, 42)));
  EXPECT_TRUE(
      IsJsonReply(keyed_get(client, "initial_state", kKeyB), 200, start_state(kGridAt0, 3)));
  lake_move(client, b, "DOWN");
  EXPECT_TRUE(IsJsonReply(keyed_get(client, "status", kKeyB), 200, status(1)));
  EXPECT_TRUE(IsJsonReply(keyed_get(client, "status", kKeyA), 200, status(1)));
}

TEST_F(HttpEvalProtocolConvention, AKeyInitializedAgainNamesAFreshEnvironment_EVP001) {
  auto client = Client();
  const std::string first = open_keyed(client, keyed_extra(kKeyA, 42));
  lake_move(client, first, "RIGHT");
  open_keyed(client, keyed_extra(kKeyA, 5));
  EXPECT_TRUE(IsJsonReply(keyed_get(client, "status", kKeyA), 200, status(0)));
  EXPECT_TRUE(
      IsJsonReply(keyed_get(client, "initial_state", kKeyA), 200, start_state(kGridAt0, 5)));
}

TEST_F(HttpEvalProtocolConvention, UnknownKeyIs404AndNoHeaderIs400WithErrorBodies_EVP004) {
  auto client = Client();
  open_keyed(client, keyed_extra(kKeyA, 42));
  for (const std::string name : {"reward", "status", "info", "initial_state"}) {
    EXPECT_TRUE(IsJsonReply(keyed_get(client, name, "no-such-key"), 404,
                            error_of(unknown_key_error("no-such-key"))))
        << name;
    EXPECT_TRUE(IsJsonReply(
        keyed_get(client, name, std::nullopt), 400,
        error_of("[mcpgym.http.missing_key] Missing mcp-session-id header; send the key your "
                 "initialize carried in clientInfo._extra.session_id (without one, the "
                 "Mcp-Session-Id it returned)")))
        << name;
  }
  // initial_state for an unknown key created nothing.
  EXPECT_TRUE(IsJsonReply(keyed_get(client, "status", "no-such-key"), 404,
                          error_of(unknown_key_error("no-such-key"))));
  EXPECT_TRUE(IsJsonReply(keyed_reset(client, "no-such-key", R"({"seed": 1})"), 404,
                          error_of(unknown_key_error("no-such-key"))));
  EXPECT_TRUE(IsJsonReply(keyed_get(client, "score", kKeyA), 404,
                          error_of("[mcpgym.http.unknown_control] Not Found: no control "
                                   "\"score\"; expected one of reward, status, info, "
                                   "initial_state")));
}

TEST_F(HttpEvalProtocolConvention, ResetRefusalsAreErrorBodies_EVP006) {
  auto client = Client();
  open_keyed(client, keyed_extra(kKeyA, 42));
  EXPECT_TRUE(
      IsJsonReply(keyed_reset(client, kKeyA, "not json"), 400,
                  error_of("[mcpgym.http.invalid_reset_body] Bad Request: the body of POST "
                           "/control/reset_session must be a JSON object such as {\"seed\": 42}")));
  EXPECT_TRUE(IsJsonReply(
      keyed_reset(client, kKeyA, R"({"seed": -1})"), 400,
      error_of("[mcpgym.config.invalid_seed] Invalid params: seed must be an integer from 0 to "
               "9007199254740991 (2^53-1); got -1")));
  EXPECT_TRUE(
      IsJsonReply(keyed_get(client, "initial_state", kKeyA), 200, start_state(kGridAt0, 42)));
}

TEST_F(HttpEvalProtocolConvention, OriginIsCheckedOnTheKeyedControlPlane_HTTP010) {
  auto client = Client();
  open_keyed(client, keyed_extra(kKeyA, 42));
  const std::string message =
      "[mcpgym.http.forbidden_origin] Forbidden: Origin \"https://evil.example\" is not a "
      "loopback origin; only local pages may call this server";
  EXPECT_TRUE(IsRejection(keyed_get(client, "status", kKeyA, {{"Origin", "https://evil.example"}}),
                          403, -32000, message));
  HeaderList headers = {{"Content-Type", "application/json"},
                        {"mcp-session-id", kKeyA},
                        {"Origin", "https://evil.example"}};
  EXPECT_TRUE(IsRejection(
      send(client, HttpRequest{"POST", "/control/reset_session", headers, R"({"seed": 1})"}), 403,
      -32000, message));
  EXPECT_TRUE(
      IsJsonReply(keyed_get(client, "initial_state", kKeyA), 200, start_state(kGridAt0, 42)));
}

TEST_F(HttpEvalProtocolConvention, AClientWithoutAKeyIsKeyedByItsSessionId_EVP001) {
  auto client = Client();
  const std::string session = open(client, seeded_extra(42, classic_config()));
  lake_move(client, session, "RIGHT");
  EXPECT_TRUE(IsJsonReply(keyed_get(client, "status", session), 200, status(1)));
  EXPECT_TRUE(IsJsonReply(keyed_reset(client, session, R"({"seed": 9})"), 200, kResetOk));
  EXPECT_TRUE(
      IsJsonReply(keyed_get(client, "initial_state", session), 200, start_state(kGridAt0, 9)));
  // Ended with its session.
  delete_session(client, session);
  EXPECT_TRUE(
      IsJsonReply(keyed_get(client, "status", session), 404, error_of(unknown_key_error(session))));
}

TEST_F(HttpEvalProtocolConvention, AnInvalidKeyFailsInitialize_EVP001) {
  auto client = Client();
  for (const json& key : {json(""), json("has space"), json(std::string(257, 'k')), json(7)}) {
    json extra = keyed_extra(kKeyA, 42);
    extra["session_id"] = key;
    const auto exchange = post_json(client, initialize_request(21, kLatestVersion, extra));
    EXPECT_TRUE(IsJsonReply(
        exchange, 200,
        error_body(21, -32602,
                   "[mcpgym.config.invalid_client_key] Invalid params: "
                   "clientInfo._extra.session_id must be a string of 1 to 256 visible ASCII "
                   "characters (0x21 to 0x7E); got " +
                       mcpgym::describe(key),
                   {{"key", "clientInfo._extra.session_id"}})))
        << key.dump();
    EXPECT_FALSE(exchange.has_header("Mcp-Session-Id"));
  }
}

TEST_F(HttpEvalProtocolConvention, TheDefaultConventionIgnoresTheKey_EVP001) {
  Start({}, test_server_options());
  auto client = Client();
  const std::string session = open_keyed(client, keyed_extra(kKeyA, 42));
  EXPECT_TRUE(IsRejection(keyed_get(client, "status", kKeyA), 404, -32000,
                          "[mcpgym.http.unknown_session] Not Found: session \"" + kKeyA +
                              "\" does not exist (never created, deleted or expired); "
                              "initialize a new session"));
  EXPECT_EQ(control_payload(client, session, "status"), status(0));
}

}  // namespace
}  // namespace mcpgym::wiretest
