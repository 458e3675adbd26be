// SESS-001..SESS-009, SESS-011, SESS-012 over real loopback HTTP (SESS-010 has its own file).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include "games/frozenlake/frozen_lake.hpp"
#include "reference/programs/tests/support/in_process_server.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

using HttpSessions = HttpFixture;

const char* const kMissingSession =
    "[mcpgym.http.missing_session] Bad Request: missing Mcp-Session-Id header; send the id "
    "returned by initialize, or initialize first";

std::string unknown_session(const std::string& id) {
  return "[mcpgym.http.unknown_session] Not Found: session \"" + id +
         "\" does not exist (never created, deleted or expired); initialize a new session";
}

TEST_F(HttpSessions, SuccessfulInitializeCarriesSessionHeader_SESS001) {
  auto client = Client();
  const auto exchange = post_json(client, initialize_request(1));
  ASSERT_EQ(exchange.status, 200) << describe(exchange);
  EXPECT_FALSE(exchange.header("Mcp-Session-Id").empty());
  EXPECT_EQ(Server().sessions().size(), 1U);
}

TEST_F(HttpSessions, FailedInitializeCarriesNoHeaderAndCreatesNoSession_SESS001) {
  auto client = Client();
  const auto exchange = post_json(client, initialize_request(1, kLatestVersion, {{"seed", -1}}));
  EXPECT_TRUE(IsJsonReply(
      exchange, 200,
      error_body(1, -32602,
                 "[mcpgym.config.invalid_seed] Invalid params: clientInfo._extra.seed must be an "
                 "integer from 0 to 9007199254740991 (2^53-1); got -1",
                 {{"key", "clientInfo._extra.seed"}})));
  EXPECT_FALSE(exchange.has_header("Mcp-Session-Id"));
  EXPECT_EQ(Server().sessions().size(), 0U);
}

TEST_F(HttpSessions, SessionIdIsVisibleAsciiUuidV4_SESS002_SESS012) {
  auto client = Client();
  const std::regex uuid_v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  for (int i = 0; i < 20; ++i) {
    const std::string id = open(client);
    EXPECT_TRUE(std::all_of(id.begin(), id.end(), [](char c) { return c >= 0x21 && c <= 0x7e; }))
        << id;
    EXPECT_TRUE(std::regex_match(id, uuid_v4)) << id;
  }
}

// 200 ids: all distinct, no two sharing their first 8 hex digits (chance:
// about 5 in a million), and every one of the 122 random bits of a v4 UUID
// taking both values somewhere (a counter, clock or address would leave high
// bits fixed; chance of a false failure: 122 * 2^-199).
TEST_F(HttpSessions, TwoHundredSessionIdsAreDistinctAndRandom_SESS003_SESS012) {
  auto client = Client();
  std::vector<std::string> ids;
  for (int i = 0; i < 200; ++i)
    ids.push_back(open(client));
  const std::set<std::string> distinct(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), ids.size());

  std::vector<std::string> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  std::size_t longest_common_prefix = 0;
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    const auto [a, b] = std::mismatch(sorted[i - 1].begin(), sorted[i - 1].end(), sorted[i].begin(),
                                      sorted[i].end());
    longest_common_prefix =
        std::max(longest_common_prefix, static_cast<std::size_t>(a - sorted[i - 1].begin()));
  }
  EXPECT_LT(longest_common_prefix, 8U);

  std::array<int, 128> ones{};
  for (const auto& id : ids) {
    std::string hex;
    for (char c : id) {
      if (c != '-') hex += c;
    }
    ASSERT_EQ(hex.size(), 32U) << id;
    for (int bit = 0; bit < 128; ++bit) {
      const int nibble = std::stoi(hex.substr(static_cast<std::size_t>(bit / 4), 1), nullptr, 16);
      ones[static_cast<std::size_t>(bit)] += (nibble >> (3 - bit % 4)) & 1;
    }
  }
  int varying = 0;
  for (int bit = 0; bit < 128; ++bit) {
    const bool fixed_version = bit >= 48 && bit < 52;  // 0100
    const bool fixed_variant = bit >= 64 && bit < 66;  // 10
    const int count = ones[static_cast<std::size_t>(bit)];
    if (fixed_version || fixed_variant) continue;
    EXPECT_GT(count, 0) << "bit " << bit << " is 0 in all 200 session ids";
    EXPECT_LT(count, 200) << "bit " << bit << " is 1 in all 200 session ids";
    varying += (count > 0 && count < 200) ? 1 : 0;
  }
  EXPECT_EQ(varying, 122);
}

TEST_F(HttpSessions, RequestWithoutSessionHeaderIs400_SESS004) {
  auto client = Client();
  open(client);  // a session exists, but these requests name none
  EXPECT_TRUE(IsRejection(post_json(client, rpc_request(1, "ping")), 400, -32000, kMissingSession));
  EXPECT_TRUE(
      IsRejection(post_json(client, rpc_request(2, "tools/list")), 400, -32000, kMissingSession));
  EXPECT_TRUE(IsRejection(post_json(client, rpc_notification("notifications/initialized")), 400,
                          -32000, kMissingSession));
  EXPECT_TRUE(IsRejection(
      post_json(client, json{{"jsonrpc", "2.0"}, {"id", 1}, {"result", json::object()}}), 400,
      -32000, kMissingSession));
}

TEST_F(HttpSessions, UnknownSessionIs404_SESS005) {
  auto client = Client();
  open(client);
  for (const std::string id : {"00000000-0000-4000-8000-000000000000", "nope", "x"}) {
    EXPECT_TRUE(IsRejection(post_json(client, rpc_request(1, "ping"), id), 404, -32000,
                            unknown_session(id)));
    EXPECT_TRUE(IsRejection(get_control(client, "status", id), 404, -32000, unknown_session(id)));
  }
}

TEST_F(HttpSessions, LookalikeOfALiveSessionIs404_SESS005) {
  auto client = Client();
  const std::string session = open(client);
  std::string upper = session;
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  std::string truncated = session.substr(0, session.size() - 1);
  for (const std::string& id : {upper, truncated}) {
    if (id == session) continue;
    EXPECT_TRUE(IsRejection(post_json(client, rpc_request(1, "ping"), id), 404, -32000,
                            unknown_session(id)));
  }
}

TEST_F(HttpSessions, DeleteEndsTheSessionThen404_SESS006) {
  auto client = Client();
  const std::string session = open(client);
  const std::string other = open(client);
  const auto deleted = delete_session(client, session);
  EXPECT_EQ(deleted.status, 200) << describe(deleted);
  EXPECT_TRUE(IsRejection(post_json(client, rpc_request(1, "ping"), session), 404, -32000,
                          unknown_session(session)));
  EXPECT_TRUE(
      IsRejection(get_control(client, "status", session), 404, -32000, unknown_session(session)));
  EXPECT_TRUE(IsRejection(post_json(client, rpc_notification("notifications/initialized"), session),
                          404, -32000, unknown_session(session)));
  // Only that session ended.
  EXPECT_EQ(call_result(client, other, "ping"), json::object());
  EXPECT_EQ(Server().sessions().size(), 1U);
}

TEST_F(HttpSessions, DeleteTwiceIs404_SESS006) {
  auto client = Client();
  const std::string session = open(client);
  ASSERT_EQ(delete_session(client, session).status, 200);
  EXPECT_TRUE(IsRejection(delete_session(client, session), 404, -32000, unknown_session(session)));
}

TEST_F(HttpSessions, DeleteWithoutSessionHeaderIs400_SESS006) {
  auto client = Client();
  const std::string session = open(client);
  EXPECT_TRUE(IsRejection(delete_session(client, std::nullopt), 400, -32000, kMissingSession));
  EXPECT_EQ(call_result(client, session, "ping"), json::object());
}

TEST_F(HttpSessions, DeleteOfUnknownSessionIs404_SESS006) {
  auto client = Client();
  EXPECT_TRUE(IsRejection(delete_session(client, std::string("no-such-session")), 404, -32000,
                          unknown_session("no-such-session")));
}

// One session, a mixed sequence of tool calls, resource reads and GET
// /control/* reads: every answer belongs to the same environment, which a
// model stepped alongside predicts.
TEST_F(HttpSessions, SameSessionReachesTheSameEnvironmentAcrossAMix_SESS007) {
  auto client = Client();
  const std::string session =
      open(client, seeded_extra(77, {{"map_name", "8x8"}, {"is_slippery", true}}));
  json initial = read_payload(client, session, "game://initial_state");
  frozenlake::FrozenLake model(std::get<frozenlake::Map>(frozenlake::Map::from_rows(
                                   initial["map"].get<std::vector<std::string>>())),
                               true, std::nullopt, 77);
  ASSERT_EQ(initial["position"], model.position());
  const std::array<frozenlake::Action, 4> actions = {
      frozenlake::Action::kRight, frozenlake::Action::kDown, frozenlake::Action::kRight,
      frozenlake::Action::kDown};
  for (int i = 0; i < 12 && !model.ended(); ++i) {
    const frozenlake::Action action = actions[static_cast<std::size_t>(i) % actions.size()];
    const auto exchange = post_json(
        client,
        rpc_request(i, "tools/call",
                    {{"name", "lake_move"},
                     {"arguments", {{"action", std::string(frozenlake::action_name(action))}}}}),
        session);
    // The session id is never reissued.
    EXPECT_TRUE(!exchange.has_header("Mcp-Session-Id") ||
                exchange.header("Mcp-Session-Id") == session);
    model.step(action);
    EXPECT_EQ(parse_body(exchange)["result"]["structuredContent"]["position"], model.position());
    switch (i % 3) {
      case 0:
        EXPECT_EQ(read_payload(client, session, "control://status")["step_count"],
                  model.step_count());
        break;
      case 1:
        EXPECT_EQ(control_payload(client, session, "reward")["step_count"], model.step_count());
        break;
      default:
        EXPECT_EQ(control_payload(client, session, "initial_state"), initial);
        EXPECT_EQ(call_result(client, session, "ping"), json::object());
        break;
    }
  }
  EXPECT_EQ(control_payload(client, session, "status")["step_count"], model.step_count());
}

TEST_F(HttpSessions, TwoSessionsOnTheSameSeedAreIsolated_SESS008) {
  auto client = Client();
  json extra = seeded_extra(2024, {{"is_slippery", true}});
  const std::string a = open(client, extra);
  const std::string b = open(client, extra);
  ASSERT_NE(a, b);
  json initial_b = read_payload(client, b, "game://initial_state");
  EXPECT_EQ(read_payload(client, a, "game://initial_state"), initial_b);

  std::vector<json> observations_a;
  for (const char* action : {"DOWN", "RIGHT", "RIGHT", "DOWN"}) {
    json moved = lake_move(client, a, action);
    if (moved.value("isError", false)) break;  // the episode ended early
    observations_a.push_back(moved["structuredContent"]);
  }
  ASSERT_FALSE(observations_a.empty());
  // Nothing of A's moves shows in B.
  EXPECT_EQ(
      read_payload(client, b, "control://status"),
      json(
          {{"terminated", false}, {"truncated", false}, {"step_count", 0}, {"total_reward", 0.0}}));
  EXPECT_EQ(control_payload(client, b, "reward"), json({{"reward", 0.0}, {"step_count", 0}}));
  EXPECT_EQ(control_payload(client, b, "info"), json::object());
  EXPECT_EQ(read_payload(client, b, "game://initial_state"), initial_b);
  // B replays A's moves from the same start to the same observations (its
  // generator was not advanced by A's draws).
  const std::array<const char*, 4> replay = {"DOWN", "RIGHT", "RIGHT", "DOWN"};
  for (std::size_t i = 0; i < observations_a.size(); ++i) {
    EXPECT_EQ(lake_move(client, b, replay[i])["structuredContent"], observations_a[i]) << i;
  }
  EXPECT_EQ(read_payload(client, a, "control://status"),
            read_payload(client, b, "control://status"));
}

TEST_F(HttpSessions, IdleSessionExpiresAndThenIs404_SESS009) {
  auto options = test_server_options();
  options.session_idle_timeout = std::chrono::milliseconds(200);
  Start({}, options);
  auto client = Client();
  const std::string busy = open(client);
  const std::string idle = open(client);
  ASSERT_EQ(Server().sessions().size(), 2U);
  // Keep `busy` in use while `idle` gets no request; the server's own sweep
  // must remove `idle` alone.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (Server().sessions().size() != 1U) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << "waited 10 s for the idle session to expire (idle timeout 200 ms)";
    ASSERT_EQ(call_result(client, busy, "ping"), json::object());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // polling interval
  }
  EXPECT_TRUE(IsRejection(post_json(client, rpc_request(1, "ping"), idle), 404, -32000,
                          unknown_session(idle)));
  EXPECT_TRUE(IsRejection(get_control(client, "status", idle), 404, -32000, unknown_session(idle)));
  EXPECT_TRUE(IsRejection(delete_session(client, idle), 404, -32000, unknown_session(idle)));
  EXPECT_EQ(call_result(client, busy, "ping"), json::object());
}

// Regression: erase() once ended an expired session that no sweep had removed yet
// and answered 200, where every other request already got 404.
TEST_F(HttpSessions, DeleteOfAnExpiredSessionIs404_SESS005_SESS009) {
  auto options = test_server_options();
  options.session_idle_timeout = std::chrono::milliseconds(1000);
  Start({}, options);
  auto client = Client();
  open(client);  // the canary
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (Server().sessions().size() != 0U) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << "waited 10 s for the idle sweep to remove the canary session";
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // polling interval
  }
  // Sweeps now come about every 250 ms; open the session halfway between two,
  // so it expires about 125 ms before the sweep that would remove it.
  std::this_thread::sleep_for(std::chrono::milliseconds(125));
  const std::string session = open(client);
  const auto last_use = std::chrono::steady_clock::now();
  // Let the session go idle past its timeout without sending it anything.
  std::this_thread::sleep_until(last_use + std::chrono::milliseconds(1020));
  EXPECT_TRUE(IsRejection(delete_session(client, session), 404, -32000, unknown_session(session)));
}

TEST_F(HttpSessions, InitializeCarryingASessionHeaderIs400_SESS011) {
  auto client = Client();
  const std::string session = open(client);
  const std::string message =
      "[mcpgym.http.session_on_initialize] Invalid Request: initialize must not carry an "
      "Mcp-Session-Id header; a session is initialized once, so start a new one without the "
      "header";
  for (const std::string& header : {session, std::string("no-such-session")}) {
    const auto exchange = post_json(client, initialize_request(9), header);
    EXPECT_TRUE(IsRejection(exchange, 400, -32600, message, 9));
    EXPECT_FALSE(exchange.has_header("Mcp-Session-Id"));
  }
  EXPECT_EQ(Server().sessions().size(), 1U);
  EXPECT_EQ(call_result(client, session, "ping"), json::object());
}

}  // namespace
}  // namespace mcpgym::wiretest
