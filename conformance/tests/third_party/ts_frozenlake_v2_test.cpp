// Smoke test of fixtures/servers/ts-frozenlake-v2, the FrozenLake MCP-Gym server on the
// TypeScript SDK v2: installed with `npm ci` from its lockfile, started, and driven with
// raw HTTP in both eras on one endpoint. The modern exchange follows the handle
// convention (docs/spec.md HANDLE-001, -004, -005, -008, -009, -011); the legacy one
// shows that a session of the same endpoint still works (MODERN-001). The suite's modern
// checks judge the server in depth; this only proves that the fixture does what its
// README says. Skipped with a message where Node.js or npm is missing.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "common/bounded_json.hpp"
#include "common/protocol.hpp"
#include "common/testing/temp_dir.hpp"
#include "harness/http/raw_http.hpp"
#include "harness/process/supervisor.hpp"
#include "harness/process/tests/node_fixture.hpp"

namespace mcpgym::harness {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace mcpgym::mcp;  // the protocol constants
using mcpgym::test_support::TempDir;
using namespace std::chrono_literals;

// Installs the fixture under `dir` and starts it; the server, or what went wrong.
Expected<std::unique_ptr<Process>, std::string> install_and_start(const TempDir& dir) {
  auto app = node_fixture::install("ts-frozenlake-v2", dir.path(), dir.path() / "logs");
  if (!app) return unexpected(app.error());
  return node_fixture::start(*app, dir.path() / "logs");
}

// A POST as a well-behaved 2026-07-28 client sends it: the _meta envelope in the body,
// MCP-Protocol-Version, Mcp-Method, Mcp-Name where the method has one, and the
// Mcp-Param-Env-Id mirror of an env_id argument (the tools annotate it: HANDLE-007).
HttpRequest modern_request(const std::string& method, json params) {
  params["_meta"] = {{std::string(kMetaProtocolVersion), kModernVersion},
                     {std::string(kMetaClientCapabilities), json::object()},
                     {std::string(kMetaClientInfo), {{"name", "smoke"}, {"version", "1"}}}};
  HttpRequest request;
  request.headers = mcp_post_headers(std::nullopt, std::string(kModernVersion));
  request.headers.emplace_back(kMethodHeader, method);
  if (method == "tools/call") request.headers.emplace_back(kNameHeader, params["name"]);
  if (method == "resources/read") request.headers.emplace_back(kNameHeader, params["uri"]);
  if (method == "tools/call" && params["arguments"].contains("env_id")) {
    request.headers.emplace_back(std::string(kParamHeaderPrefix) + "Env-Id",
                                 params["arguments"]["env_id"]);
  }
  request.body = json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}}.dump();
  return request;
}

// JSON text from the server, parsed; a JSON string saying so when it is not JSON.
json parsed(const std::string& text) {
  auto value = parse_json(text);
  return value ? value.value() : json("not JSON: " + text);
}

// The parsed body of a 200 answer, or a JSON string saying what came instead.
json answer(const Expected<HttpExchange, std::string>& exchange) {
  if (!exchange) return exchange.error();
  if (exchange->status != 200) {
    return "HTTP " + std::to_string(exchange->status) + ": " + exchange->body;
  }
  return parsed(exchange->body);
}

json call_tool(RawHttpClient& client, const std::string& tool, const json& arguments) {
  return answer(
      client.send(modern_request("tools/call", {{"name", tool}, {"arguments", arguments}})));
}

// A control-plane resource's payload (its one text content, parsed).
json read_payload(const json& read_answer) {
  return parsed(read_answer["result"]["contents"][0]["text"].get<std::string>());
}

TEST(TsFrozenLakeV2, ModernHandleExchange_HANDLE001_HANDLE005_HANDLE009_MODERN004) {
  if (!node_fixture::node_and_npm_installed()) GTEST_SKIP() << node_fixture::kSkipMessage;
  TempDir dir;
  auto server = install_and_start(dir);
  ASSERT_TRUE(server) << server.error();
  RawHttpClient client("127.0.0.1", *(*server)->port(), 10s);

  const json created = call_tool(client, "env_create", {{"seed", 42}});
  ASSERT_TRUE(created.is_object()) << created;
  const json& made = created["result"]["structuredContent"];
  const std::string env_id = made["env_id"];
  EXPECT_EQ(made["seed"], 42);
  EXPECT_EQ(made["initial_state"], (json{{"position", 0},
                                         {"grid", "PFFF\nFHFH\nFFFH\nHFFG"},
                                         {"map", {"SFFF", "FHFH", "FFFH", "HFFG"}},
                                         {"seed", 42},
                                         {"size", 4},
                                         {"is_slippery", false}}));
  EXPECT_EQ(parsed(created["result"]["content"][0]["text"].get<std::string>()), made);

  for (const char* action : {"DOWN", "DOWN", "RIGHT"}) {
    const json moved = call_tool(client, "lake_move", {{"env_id", env_id}, {"action", action}});
    EXPECT_FALSE(moved["result"].value("isError", false)) << moved;
  }
  const std::string status_uri = "control://" + env_id + "/status";
  const json status = answer(client.send(modern_request("resources/read", {{"uri", status_uri}})));
  ASSERT_TRUE(status.is_object()) << status;
  EXPECT_EQ(
      read_payload(status),
      (json{
          {"terminated", false}, {"truncated", false}, {"step_count", 3}, {"total_reward", 0.0}}));
  EXPECT_EQ(status["result"]["ttlMs"], 0);
  EXPECT_EQ(status["result"]["cacheScope"], "private");

  const auto over_http = client.send(
      {.method = "GET", .path = "/control/reward?env_id=" + env_id, .headers = {}, .body = {}});
  ASSERT_TRUE(over_http) << over_http.error();
  EXPECT_EQ(over_http->status, 200);
  EXPECT_EQ(parsed(over_http->body), (json{{"reward", 0.0}, {"step_count", 3}}));

  EXPECT_EQ(call_tool(client, "env_close", {{"env_id", env_id}})["result"]["structuredContent"],
            (json{{"env_id", env_id}, {"closed", true}}));
  const json after_close = call_tool(client, "lake_move", {{"env_id", env_id}, {"action", "UP"}});
  EXPECT_EQ(after_close["result"]["isError"], true);
  EXPECT_EQ(after_close["result"]["content"][0]["text"],
            "unknown env_id \"" + env_id +
                "\": no such environment (never created, closed, or expired); call env_create");
  const json unknown = call_tool(client, "lake_move", {{"env_id", "nope"}, {"action", "UP"}});
  EXPECT_EQ(unknown["result"]["isError"], true);
  EXPECT_EQ(unknown["result"]["content"][0]["text"],
            "unknown env_id \"nope\": no such environment (never created, closed, or expired); "
            "call env_create");

  // MODERN-004: the router adds the legacy leg's versions to the SDK's modern-only list.
  HttpRequest future = modern_request("tools/list", json::object());
  future.body = json{{"jsonrpc", "2.0"},
                     {"id", 9},
                     {"method", "tools/list"},
                     {"params",
                      {{"_meta",
                        {{std::string(kMetaProtocolVersion), "2099-12-31"},
                         {std::string(kMetaClientCapabilities), json::object()}}}}}}
                    .dump();
  for (auto& [name, value] : future.headers) {
    if (name == "MCP-Protocol-Version") value = "2099-12-31";
  }
  const auto unsupported = client.send(future);
  ASSERT_TRUE(unsupported) << unsupported.error();
  EXPECT_EQ(unsupported->status, 400);
  EXPECT_EQ(parsed(unsupported->body),
            (json{{"jsonrpc", "2.0"},
                  {"id", 9},
                  {"error",
                   {{"code", -32022},
                    {"message", "Unsupported protocol version: 2099-12-31"},
                    {"data",
                     {{"supported",
                       {"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05",
                        "2024-10-07"}},
                      {"requested", "2099-12-31"}}}}}}));

  EXPECT_EQ((*server)->stop(), (ExitStatus{false, 0}));
}

TEST(TsFrozenLakeV2, LegacySessionOnTheSameEndpoint_MODERN001) {
  if (!node_fixture::node_and_npm_installed()) GTEST_SKIP() << node_fixture::kSkipMessage;
  TempDir dir;
  auto server = install_and_start(dir);
  ASSERT_TRUE(server) << server.error();
  RawHttpClient client("127.0.0.1", *(*server)->port(), 10s);

  const json initialize = {
      {"jsonrpc", "2.0"},
      {"id", 1},
      {"method", "initialize"},
      {"params",
       {{"protocolVersion", "2025-11-25"},
        {"capabilities", json::object()},
        {"clientInfo", {{"name", "smoke"}, {"version", "1"}, {"_extra", {{"seed", 7}}}}}}}};
  const auto opened = client.send(
      {.method = "POST", .path = "/mcp", .headers = mcp_post_headers(), .body = initialize.dump()});
  ASSERT_TRUE(opened) << opened.error();
  ASSERT_EQ(opened->status, 200) << opened->body;
  const std::string session = opened->header("Mcp-Session-Id");
  ASSERT_FALSE(session.empty());
  EXPECT_EQ(answer(opened)["result"]["protocolVersion"], "2025-11-25");

  const json move = {{"jsonrpc", "2.0"},
                     {"id", 2},
                     {"method", "tools/call"},
                     {"params", {{"name", "lake_move"}, {"arguments", {{"action", "RIGHT"}}}}}};
  const json moved = answer(client.send({.method = "POST",
                                         .path = "/mcp",
                                         .headers = mcp_post_headers(session, "2025-11-25"),
                                         .body = move.dump()}));
  EXPECT_EQ(moved["result"]["structuredContent"],
            (json{{"position", 1}, {"grid", "SPFF\nFHFH\nFFFH\nHFFG"}, {"action", "RIGHT"}}));

  const auto reward = client.send({.method = "GET",
                                   .path = "/control/reward",
                                   .headers = {{"Mcp-Session-Id", session}},
                                   .body = {}});
  ASSERT_TRUE(reward) << reward.error();
  EXPECT_EQ(parsed(reward->body), (json{{"reward", 0.0}, {"step_count", 1}}));

  EXPECT_EQ((*server)->stop(), (ExitStatus{false, 0}));
}

}  // namespace
}  // namespace mcpgym::harness
