// The HTTP client against the reference server in-process, once with JSON
// answers and once with SSE answers (HTTP-008: clients accept both).
#include <gtest/gtest.h>

#include "harness/mcp/client.hpp"
#include "harness/mcp/tests/support.hpp"

namespace mcpgym::harness {
namespace {

using testing::ReferenceServer;

const json kExtra = {{"seed", 5}, {"config", {{"desc", {"SG", "FF"}}}}};

class HttpReference : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { server_ = std::make_unique<ReferenceServer>(GetParam()); }
  void TearDown() override { server_.reset(); }

  std::unique_ptr<McpClient> Connect(ClientOptions options = {}) {
    auto client = connect_http(server_->url(), options);
    EXPECT_TRUE(client) << client.error();
    return std::move(*client);
  }
  std::unique_ptr<McpClient> Initialized(const json& extra = kExtra) {
    auto client = Connect();
    auto result = client->initialize(extra);
    EXPECT_TRUE(result) << result.error().message();
    return client;
  }
  // A body as the reference frames it in this mode, for whole-message checks.
  std::string Framed(const std::string& body) const {
    return GetParam()
               ? ": mcpgym-frozenlake\\x0a\\x0aid: 0\\x0adata:\\x0a\\x0aevent: message\\x0aid: "
                 "1\\x0adata: " +
                     body + "\\x0a\\x0a"
               : body;
  }

  std::unique_ptr<ReferenceServer> server_;
};

INSTANTIATE_TEST_SUITE_P(Answers, HttpReference, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Sse" : "Json"; });

TEST_P(HttpReference, InitializeSeedsTheEnvironmentFromExtra) {
  auto client = Connect();
  EXPECT_EQ(client->session_id(), std::nullopt);
  EXPECT_EQ(client->negotiated_version(), "");
  auto result = client->initialize(kExtra);
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(result->at("protocolVersion"), "2025-11-25");
  EXPECT_EQ(result->at("serverInfo").at("name"), "mcpgym-frozenlake");
  ASSERT_TRUE(client->session_id().has_value());
  EXPECT_EQ(client->session_id()->size(), 36u);  // a UUID
  EXPECT_EQ(client->negotiated_version(), "2025-11-25");
  auto initial = client->read_resource("game://initial_state");
  ASSERT_TRUE(initial) << initial.error().message();
  EXPECT_EQ(*initial, json::parse(R"({"position":0,"grid":"PG\nFF","map":["SG","FF"],"seed":5,)"
                                  R"("size":2,"is_slippery":false})"));
}

TEST_P(HttpReference, InitializeWithoutExtraSendsNoExtra) {
  auto client = Connect();
  auto result = client->initialize(nullptr);
  ASSERT_TRUE(result) << result.error().message();
  auto initial = client->read_resource("game://initial_state");
  ASSERT_TRUE(initial) << initial.error().message();
  EXPECT_EQ(initial->at("size"), 4);  // the default 4x4 map
}

TEST_P(HttpReference, AnOlderRequestedVersionIsNegotiatedAndSentBack) {
  ClientOptions options;
  options.protocol_version = "2025-03-26";
  auto client = Connect(options);
  auto result = client->initialize(kExtra);
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(client->negotiated_version(), "2025-03-26");
  auto moved = client->call_tool("lake_move", {{"action", "RIGHT"}});
  ASSERT_TRUE(moved) << moved.error().message();
}

TEST_P(HttpReference, ToolCallThenEveryControlResourceAndEndpoint) {
  auto client = Initialized();
  auto moved = client->call_tool("lake_move", {{"action", "right"}});
  ASSERT_TRUE(moved) << moved.error().message();
  EXPECT_EQ(moved->at("structuredContent"),
            json::parse(R"({"position":1,"grid":"SP\nFF","action":"RIGHT"})"));
  EXPECT_EQ(moved->at("isError"), false);

  const std::vector<std::pair<std::string, json>> expected = {
      {"reward", json::parse(R"({"reward":1.0,"step_count":1})")},
      {"status",
       json::parse(R"({"terminated":true,"truncated":false,"step_count":1,"total_reward":1.0})")},
      {"info", json::parse(R"({"prob":1.0})")},
  };
  for (const auto& [name, payload] : expected) {
    auto resource = client->read_resource("control://" + name);
    ASSERT_TRUE(resource) << resource.error().message();
    EXPECT_EQ(*resource, payload) << name;
    auto endpoint = client->read_control_http(name);
    ASSERT_TRUE(endpoint) << endpoint.error().message();
    EXPECT_EQ(*endpoint, payload) << name;
  }
  auto initial = client->read_control_http("initial_state");
  ASSERT_TRUE(initial) << initial.error().message();
  EXPECT_EQ(initial->at("map"), json::parse(R"(["SG","FF"])"));
}

TEST_P(HttpReference, PingAndNotifications) {
  auto client = Initialized();
  auto pong = client->request("ping", nullptr);
  ASSERT_TRUE(pong) << pong.error().message();
  EXPECT_EQ(*pong, json::object());
  auto notified = client->notify("notifications/cancelled", {{"requestId", 99}});
  EXPECT_TRUE(notified) << notified.error().message();
}

TEST_P(HttpReference, ToolErrorIsAResult) {
  auto client = Initialized();
  auto result = client->call_tool("lake_move", {{"action", "jump"}});
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(result->at("isError"), true);
  EXPECT_EQ(result->at("content").at(0).at("text"),
            "[mcpgym.tool.invalid_action] Invalid action \"jump\"; expected one of LEFT, DOWN, "
            "RIGHT, UP");
}

TEST_P(HttpReference, UnknownMethodIsAnRpcError) {
  auto client = Initialized();
  auto result = client->request("no/such", json::object());
  ASSERT_FALSE(result);
  const CallError& e = result.error();
  EXPECT_EQ(e.kind, CallErrorKind::kRpcError);
  ASSERT_TRUE(e.rpc_error.has_value());
  EXPECT_EQ(e.rpc_error->at("code"), -32601);
  EXPECT_EQ(e.http_status, 200);
  EXPECT_EQ(e.message(),
            "[mcpgym.client.rpc_error] no/such: the server answered JSON-RPC error -32601: "
            "[mcpgym.rpc.method_not_found] Method not found: no/such (sent POST /mcp "
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"no/such\",\"params\":{}}, got HTTP 200: " +
                Framed("{\"error\":{\"code\":-32601,\"data\":{\"method\":\"no/such\"},"
                       "\"message\":\"[mcpgym.rpc.method_not_found] Method not found: "
                       "no/such\"},\"id\":2,\"jsonrpc\":\"2.0\"}") +
                ")");
}

TEST_P(HttpReference, UnknownToolIsAnRpcError) {
  auto client = Initialized();
  auto result = client->call_tool("fly", json::object());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, CallErrorKind::kRpcError);
  EXPECT_EQ(result.error().rpc_error->at("code"), -32602);
}

TEST_P(HttpReference, UnknownResourceIsAnRpcError) {
  auto client = Initialized();
  auto result = client->read_resource("control://nope");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, CallErrorKind::kRpcError);
  EXPECT_EQ(result.error().rpc_error->at("code"), -32002);
}

TEST_P(HttpReference, UnknownControlNameIsAnHttpStatusError) {
  auto client = Initialized();
  auto result = client->read_control_http("nope");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.http_status] GET /control/nope: the server answered HTTP 404 where 200 "
            "with the control payload was expected (sent GET /control/nope, got HTTP 404: "
            "{\"error\":{\"code\":-32000,\"message\":\"[mcpgym.http.unknown_control] Not Found: no "
            "control \\\"nope\\\"; expected one of reward, status, info, initial_state\"},\"id\":"
            "null,\"jsonrpc\":\"2.0\"})");
  ASSERT_TRUE(result.error().rpc_error.has_value());
  EXPECT_EQ(result.error().rpc_error->at("code"), -32000);
}

TEST_P(HttpReference, RequestBeforeInitializeIsRejectedByTheServer) {
  auto client = Connect();
  auto result = client->request("tools/list", nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.http_status] tools/list: the server answered HTTP 400 where 200 with a "
            "JSON-RPC response was expected (sent POST /mcp {\"jsonrpc\":\"2.0\",\"id\":1,"
            "\"method\":\"tools/list\"}, got HTTP 400: {\"error\":{\"code\":-32000,\"message\":"
            "\"[mcpgym.http.missing_session] Bad Request: missing Mcp-Session-Id header; send the "
            "id returned by initialize, or initialize first\"},\"id\":null,\"jsonrpc\":\"2.0\"})");
}

TEST_P(HttpReference, CloseEndsTheSessionOnce) {
  auto client = Initialized();
  const std::string session = *client->session_id();
  auto closed = client->close();
  ASSERT_TRUE(closed) << closed.error().message();

  RawHttpClient raw("127.0.0.1", server_->port(), std::chrono::seconds(5));
  auto after = raw.send({"POST", "/mcp", mcp_post_headers(session, "2025-11-25"),
                         R"({"jsonrpc":"2.0","id":1,"method":"ping"})"});
  ASSERT_TRUE(after) << after.error();
  EXPECT_EQ(after->status, 404);  // SESS-005/006

  EXPECT_TRUE(client->close());  // idempotent, sends nothing
  auto used = client->call_tool("lake_move", {{"action", "LEFT"}});
  ASSERT_FALSE(used);
  EXPECT_EQ(used.error().message(),
            "[mcpgym.client.closed] tools/call: the client was closed; connect and initialize a "
            "new session");
  EXPECT_EQ(client->read_control_http("reward").error().kind, CallErrorKind::kClosed);
  EXPECT_EQ(client->notify("notifications/initialized", nullptr).error().kind,
            CallErrorKind::kClosed);
}

TEST_P(HttpReference, CloseWithoutASessionSendsNothing) {
  auto client = Connect();
  EXPECT_TRUE(client->close());
  EXPECT_EQ(client->initialize(kExtra).error().kind, CallErrorKind::kClosed);
}

TEST_P(HttpReference, SessionsAreIndependent) {
  auto a = Initialized();
  auto b = Initialized();
  EXPECT_NE(*a->session_id(), *b->session_id());
  ASSERT_TRUE(a->call_tool("lake_move", {{"action", "DOWN"}}));
  EXPECT_EQ(a->read_resource("control://status")->at("step_count"), 1);
  EXPECT_EQ(b->read_resource("control://status")->at("step_count"), 0);
}

TEST_P(HttpReference, WrongPathIsAnHttpStatusError) {
  auto client = connect_http(testing::url_for(server_->port(), "/nope"));
  ASSERT_TRUE(client);
  auto result = (*client)->initialize(nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, CallErrorKind::kHttpStatus);
  EXPECT_EQ(result.error().http_status, 404);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.http_status] initialize: the server answered HTTP 404 where 200 with a "
            "JSON-RPC response was expected (sent POST /nope {\"jsonrpc\":\"2.0\",\"id\":1,"
            "\"method\":\"initialize\",\"params\":{\"capabilities\":{},\"clientInfo\":{\"name\":"
            "\"mcpgym-harness\",\"version\":\"0.1.0\"},\"protocolVersion\":\"2025-11-25\"}}, got "
            "HTTP 404: {\"error\":{\"code\":-32000,\"message\":\"[mcpgym.http.not_found] Not "
            "Found: no endpoint at POST /nope; MCP is served at POST /mcp\"},\"id\":null,"
            "\"jsonrpc\":\"2.0\"})");
}

TEST_P(HttpReference, InitializeProbeSucceedsAndLeavesNoSession) {
  const auto probe = initialize_probe(std::chrono::seconds(5));
  EXPECT_TRUE(probe(server_->url()));
  EXPECT_EQ(server_->sessions(), 0u);
  EXPECT_FALSE(probe(testing::url_for(server_->port(), "/nope")));
}

}  // namespace
}  // namespace mcpgym::harness
