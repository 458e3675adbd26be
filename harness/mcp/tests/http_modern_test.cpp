// The HTTP client in the modern era (MCP 2026-07-28) against a canned server
// that records what it is sent: the `_meta` envelope and exact headers of each
// kind of request, x-mcp-header mirroring (with the Base64 sentinel), the auto
// era's choice, the whole messages of -32020 and -32022 answers, and MCP-Gym
// over handles (create_env, close_env, control-plane reads by handle).
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "common/protocol.hpp"
#include "harness/mcp/client.hpp"
#include "harness/mcp/tests/support.hpp"
#include "harness/rollout/handles.hpp"
#include "harness/rollout/rollout.hpp"

namespace mcpgym::harness {
namespace {

using testing::CannedServer;
using testing::SeenRequest;

constexpr auto kShort = std::chrono::milliseconds(2000);

const json kMeta = {
    {"io.modelcontextprotocol/clientCapabilities", json::object()},
    {"io.modelcontextprotocol/clientInfo", {{"name", "mcpgym-harness"}, {"version", "0.1.0"}}},
    {"io.modelcontextprotocol/protocolVersion", "2026-07-28"}};

json tools_list_result() {
  const json env_id = {{"type", "string"}, {"x-mcp-header", "Env-Id"}};
  return {
      {"resultType", "complete"},
      {"tools",
       json::array({{{"name", "env_create"},
                     {"inputSchema",
                      {{"type", "object"},
                       {"properties",
                        {{"seed", {{"type", "integer"}}}, {"config", {{"type", "object"}}}}}}}},
                    {{"name", "lake_move"},
                     {"inputSchema",
                      {{"type", "object"},
                       {"properties", {{"env_id", env_id}, {"action", {{"type", "string"}}}}},
                       {"required", {"env_id", "action"}}}}},
                    {{"name", "env_close"},
                     {"inputSchema", {{"type", "object"}, {"properties", {{"env_id", env_id}}}}}},
                    {{"name", "bad_tool"},
                     {"inputSchema",
                      {{"type", "object"},
                       {"properties", {{"x", {{"type", "number"}, {"x-mcp-header", "X"}}}}}}}}})}};
}

json text_result(const json& payload) {
  return {{"content", json::array({{{"type", "text"}, {"text", payload.dump()}}})},
          {"resultType", "complete"}};
}

// A modern MCP-Gym server in canned answers; `supported` is what
// server/discover lists.
json modern_result(const json& message, const json& supported) {
  const std::string method = message.at("method");
  const json params = message.value("params", json::object());
  if (method == "server/discover") {
    return {{"resultType", "complete"},
            {"supportedVersions", supported},
            {"capabilities", {{"tools", json::object()}, {"resources", json::object()}}}};
  }
  if (method == "tools/list") return tools_list_result();
  if (method == "resources/read") {
    return {{"contents", json::array({{{"uri", params.at("uri")},
                                       {"mimeType", "application/json"},
                                       {"text", json{{"reward", 0.0}}.dump()}}})},
            {"resultType", "complete"},
            {"ttlMs", 0},
            {"cacheScope", "private"}};
  }
  if (method == "tools/call") {
    const std::string name = params.at("name");
    if (name == "env_create") {
      const json payload = {{"env_id", "h-1"}, {"seed", 7}, {"initial_state", {{"position", 0}}}};
      json result = text_result(payload);
      result["structuredContent"] = payload;
      return result;
    }
    if (name == "env_close") {
      return text_result({{"env_id", params["arguments"]["env_id"]}, {"closed", true}});
    }
    return text_result({{"position", 4}});
  }
  return {{"resultType", "complete"}};
}

std::string answer(const json& message, const json& result) {
  return json{{"jsonrpc", "2.0"}, {"id", message.at("id")}, {"result", result}}.dump();
}

CannedServer::Handler modern_server(json supported = {"2025-11-25", "2026-07-28"}) {
  return [supported](const SeenRequest& req, httplib::Response& res) {
    if (req.method == "GET") {
      res.set_content(R"({"reward":1.0})", "application/json");
      return;
    }
    const json message = json::parse(req.body);
    res.set_content(answer(message, modern_result(message, supported)), "application/json");
  };
}

// The MCP headers of a request (names lower-cased), and the session header if any.
std::map<std::string, std::string> mcp_headers(const SeenRequest& seen) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : seen.headers) {
    const std::string lowered = lower(name);
    if (lowered.starts_with("mcp-")) out[lowered] = value;
  }
  return out;
}

json params_of(const SeenRequest& seen) {
  return json::parse(seen.body).at("params");
}

std::unique_ptr<McpClient> connect(const std::string& url, Era era,
                                   std::map<std::string, ParamHeaders> told = {}) {
  ClientOptions options;
  options.timeout = kShort;
  options.era = era;
  options.param_headers = std::move(told);
  auto client = connect_http(url, options);
  EXPECT_TRUE(client) << client.error();
  return std::move(*client);
}

TEST(ModernClient, InitializeIsServerDiscoverWithTheEnvelopeAndHeaders) {
  CannedServer server(modern_server());
  auto client = connect(server.url(), Era::kModern);
  EXPECT_EQ(client->era(), Era::kModern);
  EXPECT_EQ(client->negotiated_version(), "2026-07-28");
  auto result = client->initialize(nullptr);
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(result->at("supportedVersions"), (json{"2025-11-25", "2026-07-28"}));
  const auto seen = server.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].body,
            R"({"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":)" +
                kMeta.dump() + "}}");
  const std::map<std::string, std::string> expected = {{"mcp-protocol-version", "2026-07-28"},
                                                       {"mcp-method", "server/discover"}};
  EXPECT_EQ(mcp_headers(seen[0]), expected);
}

TEST(ModernClient, ExtraAtInitializeIsRefusedBecauseModernHasNoInitialize) {
  CannedServer server(modern_server());
  auto client = connect(server.url(), Era::kModern);
  auto result = client->initialize({{"seed", 1}});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.unsupported] initialize: the server speaks 2026-07-28, which has no "
            "initialize to carry clientInfo._extra; create the environment with env_create "
            "(create_env) instead");
}

TEST(ModernClient, ToolCallListsFirstAndMirrorsAnnotatedArgumentsWithTheSentinel) {
  CannedServer server(modern_server());
  auto client = connect(server.url(), Era::kModern);
  auto result = client->call_tool("lake_move", {{"env_id", "h-\xc3\xa9"}, {"action", "LEFT"}});
  ASSERT_TRUE(result) << result.error().message();
  auto again = client->call_tool("lake_move", {{"env_id", "plain"}, {"action", "UP"}});
  ASSERT_TRUE(again) << again.error().message();
  const auto seen = server.seen();
  ASSERT_EQ(seen.size(), 3u);  // tools/list once, then the two calls
  EXPECT_EQ(params_of(seen[0]), (json{{"_meta", kMeta}}));
  const std::map<std::string, std::string> list_headers = {{"mcp-protocol-version", "2026-07-28"},
                                                           {"mcp-method", "tools/list"}};
  EXPECT_EQ(mcp_headers(seen[0]), list_headers);
  EXPECT_EQ(params_of(seen[1]),
            (json{{"_meta", kMeta},
                  {"name", "lake_move"},
                  {"arguments", {{"env_id", "h-\xc3\xa9"}, {"action", "LEFT"}}}}));
  const std::map<std::string, std::string> call_headers = {
      {"mcp-protocol-version", "2026-07-28"},
      {"mcp-method", "tools/call"},
      {"mcp-name", "lake_move"},
      {"mcp-param-env-id", "=?base64?aC3DqQ==?="}};
  EXPECT_EQ(mcp_headers(seen[1]), call_headers);
  EXPECT_EQ(seen[2].header("Mcp-Param-Env-Id"), "plain");
}

TEST(ModernClient, ToldAnnotationsSpareTheListing) {
  CannedServer server(modern_server());
  auto client = connect(server.url(), Era::kModern, {{"lake_move", {{{"env_id"}, "Env-Id"}}}});
  ASSERT_TRUE(client->call_tool("lake_move", {{"env_id", "e1"}, {"action", "UP"}}));
  const auto seen = server.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].header("Mcp-Param-Env-Id"), "e1");
}

TEST(ModernClient, AToolWithAnInvalidAnnotationIsNotCalled) {
  CannedServer server(modern_server());
  auto client = connect(server.url(), Era::kModern);
  auto result = client->call_tool("bad_tool", {{"x", 1.5}});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.bad_response] tools/call: tools/list gave \"bad_tool\" an unusable "
            "inputSchema, so it cannot be called: the x-mcp-header property \"x\" has type "
            "\"number\"; only integer, string and boolean may be mirrored");
  EXPECT_EQ(server.seen().size(), 1u);  // the listing only
}

TEST(ModernClient, ReadsAndPromptsCarryMcpNameAndNoSessionEver) {
  CannedServer server(modern_server());
  auto client = connect(server.url(), Era::kModern);
  ASSERT_TRUE(client->read_resource("control://h 1/reward"));
  ASSERT_TRUE(client->request("prompts/get", {{"name", "hint"}}));
  ASSERT_TRUE(client->close());
  const auto seen = server.seen();
  ASSERT_EQ(seen.size(), 2u);  // close() sends nothing
  const std::map<std::string, std::string> read_headers = {{"mcp-protocol-version", "2026-07-28"},
                                                           {"mcp-method", "resources/read"},
                                                           {"mcp-name", "control://h 1/reward"}};
  EXPECT_EQ(mcp_headers(seen[0]), read_headers);
  EXPECT_EQ(params_of(seen[0]), (json{{"_meta", kMeta}, {"uri", "control://h 1/reward"}}));
  const std::map<std::string, std::string> prompt_headers = {
      {"mcp-protocol-version", "2026-07-28"}, {"mcp-method", "prompts/get"}, {"mcp-name", "hint"}};
  EXPECT_EQ(mcp_headers(seen[1]), prompt_headers);
  EXPECT_FALSE(client->session_id());
}

TEST(AutoEra, PicksModernWhenDiscoverListsIt) {
  CannedServer server(modern_server());
  auto client = connect(server.url(), Era::kAuto);
  EXPECT_EQ(client->era(), Era::kAuto);
  ASSERT_TRUE(client->initialize(nullptr));
  EXPECT_EQ(client->era(), Era::kModern);
  EXPECT_EQ(client->negotiated_version(), "2026-07-28");
  EXPECT_EQ(server.seen().size(), 1u);
}

// A legacy server: server/discover gets HTTP 400 (no session), initialize a session.
CannedServer::Handler legacy_server() {
  return [](const SeenRequest& req, httplib::Response& res) {
    const json message = json::parse(req.body);
    if (!message.contains("id")) {
      res.status = 202;
      return;
    }
    if (message.at("method") == "initialize") {
      res.set_header("Mcp-Session-Id", "abc");
      res.set_content(answer(message, {{"protocolVersion", "2025-11-25"},
                                       {"capabilities", json::object()},
                                       {"serverInfo", {{"name", "old"}, {"version", "1"}}}}),
                      "application/json");
      return;
    }
    res.status = 400;
    res.set_content(
        R"({"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"Bad Request: no session"}})",
        "application/json");
  };
}

TEST(AutoEra, FallsBackToInitializeWhenDiscoverFails) {
  CannedServer server(legacy_server());
  auto client = connect(server.url(), Era::kAuto);
  ASSERT_TRUE(client->initialize({{"seed", 3}}));
  EXPECT_EQ(client->era(), Era::kLegacy);
  EXPECT_EQ(client->negotiated_version(), "2025-11-25");
  EXPECT_EQ(client->session_id(), std::optional<std::string>("abc"));
  const auto seen = server.seen();
  ASSERT_EQ(seen.size(), 3u);  // discover, initialize, notifications/initialized
  EXPECT_EQ(json::parse(seen[0].body).at("method"), "server/discover");
  EXPECT_EQ(json::parse(seen[1].body).at("params").at("clientInfo").at("_extra"),
            (json{{"seed", 3}}));
  EXPECT_EQ(seen[1].header("Mcp-Method"), "(absent)");
}

TEST(AutoEra, FallsBackWhenDiscoverDoesNotListTheModernVersion) {
  CannedServer server(modern_server(json{"2025-11-25"}));
  auto client = connect(server.url(), Era::kAuto);
  auto result = client->initialize(nullptr);
  EXPECT_EQ(client->era(), Era::kLegacy);
  // The canned server's answer to initialize has no protocolVersion: it was sent.
  ASSERT_FALSE(result);
  EXPECT_EQ(json::parse(server.seen().at(1).body).at("method"), "initialize");
}

TEST(ModernClient, DiscoverWithoutTheModernVersionIsAnErrorWhenModernIsRequired) {
  CannedServer server(modern_server(json{"2025-11-25"}));
  auto client = connect(server.url(), Era::kModern);
  auto result = client->initialize(nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.bad_response] server/discover: the result's \"supportedVersions\" "
            "does not list 2026-07-28, the version a modern client speaks (sent POST /mcp "
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{\"_meta\":{"
            "\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/"
            "clientInfo\":{\"name\":\"mcpgym-harness\",\"version\":\"0.1.0\"},\"..., "
            "got HTTP 200: {\"id\":1,\"jsonrpc\":\"2.0\",\"result\":{\"capabilities\":{"
            "\"resources\":{},\"tools\":{}},\"resultType\":\"complete\",\"supportedVersions\":["
            "\"2025-11-25\"]}})");
}

CannedServer::Handler error_server(int status, std::string body) {
  return [=](const SeenRequest&, httplib::Response& res) {
    res.status = status;
    res.set_content(body, "application/json");
  };
}

TEST(ModernErrors, HeaderMismatchIsReportedWithItsData) {
  const std::string body =
      R"({"jsonrpc":"2.0","id":1,"error":{"code":-32020,"message":"Header mismatch",)"
      R"("data":{"mismatch":"Mcp-Param-Env-Id"}}})";
  CannedServer server(error_server(400, body));
  auto client = connect(server.url(), Era::kModern, {{"lake_move", {}}});
  auto result = client->call_tool("lake_move", {{"env_id", "e"}, {"action", "UP"}});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.http_status] tools/call: the server answered HTTP 400 where 200 with "
            "a JSON-RPC response was expected: JSON-RPC error -32020: Header mismatch, data "
            "{\"mismatch\":\"Mcp-Param-Env-Id\"} (sent POST /mcp {\"jsonrpc\":\"2.0\",\"id\":1,"
            "\"method\":\"tools/call\",\"params\":{\"_meta\":{\"io.modelcontextprotocol/"
            "clientCapabilities\":{},\"io.modelcontextprotocol/clientInfo\":{\"name\":\"mcpgym-"
            "harness\",\"version\":\"0.1.0\"},\"io.mo..., got HTTP 400: " +
                body + ")");
  ASSERT_TRUE(result.error().rpc_error);
  EXPECT_EQ(result.error().rpc_error->at("code"), -32020);
}

TEST(ModernErrors, UnsupportedVersionIsReportedWithItsData) {
  const std::string body =
      R"({"jsonrpc":"2.0","id":1,"error":{"code":-32022,"message":"Unsupported protocol version",)"
      R"("data":{"supported":["2025-11-25"],"requested":"2026-07-28"}}})";
  CannedServer server(error_server(400, body));
  auto client = connect(server.url(), Era::kModern);
  auto result = client->request("tools/list", nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.http_status] tools/list: the server answered HTTP 400 where 200 with "
            "a JSON-RPC response was expected: JSON-RPC error -32022: Unsupported protocol "
            "version, data {\"requested\":\"2026-07-28\",\"supported\":[\"2025-11-25\"]} (sent "
            "POST /mcp {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"_"
            "meta\":{\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/"
            "clientInfo\":{\"name\":\"mcpgym-harness\",\"version\":\"0.1.0\"},\"io.mo..., "
            "got HTTP 400: " +
                body + ")");
}

TEST(ModernErrors, AnInBandHeaderMismatchNamesItsDataToo) {
  const std::string body =
      R"({"jsonrpc":"2.0","id":1,"error":{"code":-32020,"message":"Header mismatch"}})";
  CannedServer server(error_server(200, body));
  auto client = connect(server.url(), Era::kModern);
  auto result = client->request("tools/list", nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().why,
            "the server answered JSON-RPC error -32020: Header mismatch, no data");
  EXPECT_EQ(result.error().kind, CallErrorKind::kRpcError);
}

TEST(Handles, CreateAddressReadAndCloseAnEnvironment) {
  CannedServer server(modern_server());
  auto client = connect(server.url(), Era::kModern);
  auto env = create_env(*client, 7, json{{"map_name", "4x4"}});
  ASSERT_TRUE(env) << env.error().message();
  EXPECT_EQ(env->env_id, "h-1");
  EXPECT_EQ(env->seed, 7u);
  EXPECT_EQ(env->initial_state, (json{{"position", 0}}));
  ASSERT_TRUE(client->call_tool("lake_move", with_env_id({{"action", "UP"}}, env->env_id)));
  auto reward = read_env_control(*client, ControlPlaneForm::kResources, "e1", "reward");
  ASSERT_TRUE(reward) << reward.error().message();
  auto initial = read_env_control(*client, ControlPlaneForm::kResources, "e1", "initial_state");
  ASSERT_TRUE(initial) << initial.error().message();
  auto by_get = read_env_control(*client, ControlPlaneForm::kHttp, "e 1", "status");
  ASSERT_TRUE(by_get) << by_get.error().message();
  EXPECT_EQ(*by_get, (json{{"reward", 1.0}}));
  ASSERT_TRUE(close_env(*client, env->env_id));
  const auto seen = server.seen();
  ASSERT_EQ(seen.size(), 7u);  // tools/list, env_create, lake_move, 2 reads, GET, env_close
  EXPECT_EQ(params_of(seen[1]).at("arguments"),
            (json{{"seed", 7}, {"config", {{"map_name", "4x4"}}}}));
  EXPECT_EQ(seen[1].header("Mcp-Name"), "env_create");
  EXPECT_EQ(seen[2].header("Mcp-Param-Env-Id"), "h-1");
  EXPECT_EQ(params_of(seen[3]).at("uri"), "control://e1/reward");
  EXPECT_EQ(params_of(seen[4]).at("uri"), "game://e1/initial_state");
  EXPECT_EQ(seen[5].method, "GET");
  EXPECT_EQ(seen[5].path, "/control/status");
  EXPECT_EQ(seen[5].header("Mcp-Session-Id"), "(absent)");
  EXPECT_EQ(seen[6].header("Mcp-Param-Env-Id"), "h-1");
}

TEST(Handles, AToolErrorAtCreationIsAnErrorSayingWhy) {
  CannedServer server([](const SeenRequest& req, httplib::Response& res) {
    const json message = json::parse(req.body);
    res.set_content(
        answer(message,
               {{"content", json::array({{{"type", "text"}, {"text", "seed out of range"}}})},
                {"isError", true}}),
        "application/json");
  });
  auto client = connect(server.url(), Era::kModern, {{"env_create", {}}});
  auto env = create_env(*client, std::nullopt);
  ASSERT_FALSE(env);
  EXPECT_EQ(env.error().message(),
            "[mcpgym.client.bad_response] tools/call env_create: the tool answered a tool error: "
            "seed out of range (sent nothing, got {\"content\":[{\"text\":\"seed out of range\","
            "\"type\":\"text\"}],\"isError\":true})");
  EXPECT_EQ(params_of(server.seen().at(0)).at("arguments"), json::object());
}

// A two-step game over handles: every environment terminates with reward 1
// after its second move.
class HandleGame {
 public:
  CannedServer::Handler handler() {
    return [this](const SeenRequest& req, httplib::Response& res) {
      const json message = json::parse(req.body);
      res.set_content(answer(message, result(message)), "application/json");
    };
  }

 private:
  json result(const json& message) {
    std::lock_guard lock(mutex_);
    const std::string method = message.at("method");
    const json params = message.value("params", json::object());
    if (method == "tools/call" && params.at("name") == "env_create") {
      const std::string id = "env-" + std::to_string(steps_.size() + 1);
      steps_[id] = 0;
      return text_result({{"env_id", id},
                          {"seed", params["arguments"]["seed"]},
                          {"initial_state", {{"position", 0}}}});
    }
    if (method == "tools/call" && params.at("name") == "lake_move") {
      return text_result({{"position", ++steps_.at(params["arguments"]["env_id"])}});
    }
    if (method == "resources/read") {
      const std::string uri = params.at("uri");
      const std::string id = uri.substr(uri.find("//") + 2, uri.rfind('/') - uri.find("//") - 2);
      const int steps = steps_.at(id);
      json payload = {{"position", 0}};
      if (uri.ends_with("/reward")) payload = {{"reward", steps >= 2 ? 1.0 : 0.0}};
      if (uri.ends_with("/status")) {
        payload = {{"terminated", steps >= 2},
                   {"truncated", false},
                   {"step_count", steps},
                   {"total_reward", steps >= 2 ? 1.0 : 0.0}};
      }
      return {{"contents", json::array({{{"uri", uri}, {"text", payload.dump()}}})}};
    }
    return modern_result(message, {"2026-07-28"});
  }

  std::mutex mutex_;
  std::map<std::string, int> steps_;
};

TEST(Handles, ARolloutRunsOverHandlesAndRecordsWithoutTheHandle) {
  HandleGame game;
  CannedServer server(game.handler());
  ClientOptions options;
  options.timeout = kShort;
  options.era = Era::kModern;
  auto connector = url_connector(server.url(), options);
  RolloutOptions rollout;
  rollout.over_handles = true;
  const auto result = run_rollout(*connector, {{5, json::object()}, {6, json::object()}},
                                  random_policy(1), rollout);
  ASSERT_TRUE(result.ok()) << (result.envs[0].error ? *result.envs[0].error : "")
                           << (result.envs[1].error ? *result.envs[1].error : "");
  for (const auto& env : result.envs) {
    EXPECT_EQ(env.describe(), "env " + std::to_string(env.env_index) + " (seed " +
                                  std::to_string(env.seed) +
                                  "): terminated at step 2, total "
                                  "reward 1.0");
  }
  int moves = 0;
  int closes = 0;
  for (const auto& seen : server.seen()) {
    const json params = params_of(seen);
    if (seen.header("Mcp-Name") == "lake_move") {
      ++moves;
      EXPECT_EQ(seen.header("Mcp-Param-Env-Id"), params["arguments"]["env_id"]);
    }
    if (seen.header("Mcp-Name") == "env_close") ++closes;
    EXPECT_EQ(seen.header("Mcp-Session-Id"), "(absent)");
  }
  EXPECT_EQ(moves, 4);
  EXPECT_EQ(closes, 2);
  const json call = result.recording().front().messages.at(2).at("tool_calls").at(0);
  EXPECT_FALSE(
      json::parse(call.at("function").at("arguments").get<std::string>()).contains("env_id"));
}

}  // namespace
}  // namespace mcpgym::harness
