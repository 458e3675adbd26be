// LIFE-001..LIFE-009 over real loopback HTTP.
#include <gtest/gtest.h>

#include "reference/programs/tests/support/in_process_server.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

using HttpLifecycle = HttpFixture;

json ok(const json& id, const json& result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", result}};
}

json initialize_result(RawHttpClient& client, const std::string& version) {
  const auto exchange = post_json(client, initialize_request(1, version));
  json body = parse_body(exchange);
  if (exchange.status != 200 || !body.contains("result")) {
    throw WireFailure("initialize " + version + " failed: " + describe(exchange));
  }
  return body["result"];
}

TEST_F(HttpLifecycle, SupportedVersionsAreEchoed_LIFE001) {
  auto client = Client();
  for (const auto& version : kSupportedVersions) {
    EXPECT_EQ(initialize_result(client, version)["protocolVersion"], version);
  }
}

TEST_F(HttpLifecycle, OtherVersionsNegotiateTheNewest_LIFE002) {
  auto client = Client();
  for (const std::string version : {"2024-11-05", "2099-01-01", "banana", ""}) {
    EXPECT_EQ(initialize_result(client, version)["protocolVersion"], "2025-11-25") << version;
  }
}

TEST_F(HttpLifecycle, ResultDeclaresToolsResourcesAndServerInfo_LIFE003) {
  auto client = Client();
  json result = initialize_result(client, "2025-06-18");
  EXPECT_EQ(result["capabilities"],
            json({{"tools", {{"listChanged", false}}},
                  {"resources", {{"subscribe", false}, {"listChanged", false}}}}));
  EXPECT_EQ(result["serverInfo"], json({{"name", "mcpgym-frozenlake"}, {"version", "0.1.0"}}));
  EXPECT_TRUE(result["instructions"].is_string());
  EXPECT_EQ(result.size(), 4U) << result.dump();
}

TEST_F(HttpLifecycle, InitializedAndUnknownNotificationsAre202_LIFE004) {
  auto client = Client();
  const auto initialized = post_json(client, initialize_request(1));
  const std::string session = initialized.header("Mcp-Session-Id");
  ASSERT_FALSE(session.empty());
  EXPECT_TRUE(
      IsAccepted202(post_json(client, rpc_notification("notifications/initialized"), session)));
  EXPECT_TRUE(
      IsAccepted202(post_json(client, rpc_notification("notifications/cancelled"), session)));
  EXPECT_TRUE(IsAccepted202(post_json(client, rpc_notification("no/such/notification"), session)));
  // A notification is never answered, even with params that are not an object.
  json odd = rpc_notification("notifications/progress");
  odd["params"] = json::array({1, 2});
  EXPECT_TRUE(IsAccepted202(post_json(client, odd, session)));
  EXPECT_EQ(call_result(client, session, "ping"), json::object());
}

TEST_F(HttpLifecycle, PingAnswersEmptyObject_LIFE005) {
  auto client = Client();
  const std::string session = open(client);
  EXPECT_TRUE(IsJsonReply(post_json(client, rpc_request(11, "ping"), session), 200,
                          ok(11, json::object())));
  EXPECT_TRUE(IsJsonReply(post_json(client, rpc_request(12, "ping", json::object()), session), 200,
                          ok(12, json::object())));
}

TEST_F(HttpLifecycle, UnknownMethodIsMethodNotFoundWithHttp200_LIFE006) {
  auto client = Client();
  const std::string session = open(client);
  for (const std::string method : {"bogus/method", "prompts/list", "tools/Call"}) {
    EXPECT_TRUE(IsJsonReply(
        post_json(client, rpc_request("m", method), session), 200,
        error_body("m", -32601, "[mcpgym.rpc.method_not_found] Method not found: " + method,
                   {{"method", method}})));
  }
}

TEST_F(HttpLifecycle, ParamsThatAreNotAnObjectAreInvalidParams_LIFE007) {
  auto client = Client();
  const std::string session = open(client);
  const std::vector<std::pair<json, std::string>> cases = {
      {json::array({1}), "array"}, {"text", "string"}, {5, "number"}, {nullptr, "null"}};
  for (const auto& [params, type] : cases) {
    EXPECT_TRUE(IsJsonReply(
        post_json(client, rpc_request(1, "tools/list", params), session), 200,
        error_body(1, -32602,
                   "[mcpgym.rpc.invalid_params] Invalid params: \"params\" of tools/list must be "
                   "an object, got " +
                       type)));
  }
}

TEST_F(HttpLifecycle, InitializeWithoutStringProtocolVersionIsInvalidParams_LIFE007) {
  auto client = Client();
  json no_version = initialize_request(5);
  no_version["params"].erase("protocolVersion");
  json numeric_version = initialize_request(6);
  numeric_version["params"]["protocolVersion"] = 20251125;
  for (const json& request : {no_version, numeric_version}) {
    const auto exchange = post_json(client, request);
    EXPECT_TRUE(IsJsonReply(exchange, 200,
                            error_body(request["id"], -32602,
                                       "[mcpgym.rpc.invalid_params] Invalid params: initialize "
                                       "needs a string \"protocolVersion\"")));
    EXPECT_FALSE(exchange.has_header("Mcp-Session-Id"));
  }
  const auto array_params = post_json(client, rpc_request(7, "initialize", json::array()));
  EXPECT_TRUE(IsJsonReply(array_params, 200,
                          error_body(7, -32602,
                                     "[mcpgym.rpc.invalid_params] Invalid params: \"params\" of "
                                     "initialize must be an object, got array")));
  EXPECT_FALSE(array_params.has_header("Mcp-Session-Id"));
}

TEST_F(HttpLifecycle, BadToolsCallAndResourcesReadParamsAreInvalidParams_LIFE007) {
  auto client = Client();
  const std::string session = open(client);
  const std::string needs_name =
      "[mcpgym.rpc.invalid_params] Invalid params: tools/call needs a string \"name\"";
  const std::string needs_object =
      "[mcpgym.rpc.invalid_params] Invalid params: tools/call \"arguments\" must be an object";
  const std::string needs_uri =
      "[mcpgym.rpc.invalid_params] Invalid params: resources/read needs a string \"uri\"";
  const std::vector<std::pair<json, std::string>> cases = {
      {rpc_request(1, "tools/call", json::object()), needs_name},
      {rpc_request(2, "tools/call", {{"name", 7}}), needs_name},
      {rpc_request(3, "tools/call", {{"name", "lake_move"}, {"arguments", json::array()}}),
       needs_object},
      {rpc_request(4, "tools/call", {{"name", "lake_move"}, {"arguments", "LEFT"}}), needs_object},
      {rpc_request(5, "resources/read", json::object()), needs_uri},
      {rpc_request(6, "resources/read", {{"uri", 3}}), needs_uri},
  };
  for (const auto& [request, message] : cases) {
    EXPECT_TRUE(IsJsonReply(post_json(client, request, session), 200,
                            error_body(request["id"], -32602, message)));
  }
  EXPECT_EQ(read_payload(client, session, "control://status")["step_count"], 0);
}

struct InvalidCase {
  std::string body;
  json id;
  std::string message;
};

TEST_F(HttpLifecycle, InvalidRequestsAre400WithTheIdRules_LIFE008) {
  auto client = Client();
  const std::string session = open(client);
  const std::string prefix = "[mcpgym.rpc.invalid_request] Invalid Request: ";
  const std::string neither =
      prefix +
      "expected a request (\"method\"), a notification or a response (\"id\" with exactly one of "
      "\"result\"/\"error\")";
  const std::vector<InvalidCase> cases = {
      {R"({"jsonrpc":"1.0","id":5,"method":"ping"})", 5, prefix + "\"jsonrpc\" must be \"2.0\""},
      {R"({"id":"x","method":"ping"})", "x", prefix + "\"jsonrpc\" must be \"2.0\""},
      {R"({"jsonrpc":2.0,"id":6,"method":"ping"})", 6, prefix + "\"jsonrpc\" must be \"2.0\""},
      {R"({"jsonrpc":"2.0","id":null,"method":"ping"})", nullptr,
       prefix + "\"id\" must be a string or an integer, got null (MCP forbids null ids)"},
      {R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})", nullptr,
       prefix + "\"id\" must be a string or an integer, got number"},
      {R"({"jsonrpc":"2.0","id":true,"method":"ping"})", nullptr,
       prefix + "\"id\" must be a string or an integer, got boolean"},
      {R"({"jsonrpc":"2.0","id":{"a":1},"method":"ping"})", nullptr,
       prefix + "\"id\" must be a string or an integer, got object"},
      {R"({"jsonrpc":"2.0","id":3,"method":42})", 3, prefix + "\"method\" must be a string"},
      {R"({"jsonrpc":"2.0","method":["ping"]})", nullptr, prefix + "\"method\" must be a string"},
      {R"(42)", nullptr, prefix + "a JSON-RPC message must be an object, got number"},
      {R"("ping")", nullptr, prefix + "a JSON-RPC message must be an object, got string"},
      {R"(null)", nullptr, prefix + "a JSON-RPC message must be an object, got null"},
      {R"({"jsonrpc":"2.0","id":4})", 4, neither},
      {R"({"jsonrpc":"2.0","id":4,"result":{},"error":{"code":1,"message":"x"}})", 4, neither},
      {R"({"jsonrpc":"2.0","result":{}})", nullptr, neither},
  };
  for (const auto& c : cases) {
    EXPECT_TRUE(
        IsRejection(post_text(client, c.body, post_headers(session)), 400, -32600, c.message, c.id))
        << c.body;
  }
}

TEST_F(HttpLifecycle, IdsAreEchoedExactly_LIFE009) {
  auto client = Client();
  const std::string session = open(client);
  for (const std::string id : {R"("abc")", R"("")", R"("42")", "0", "-7", "9007199254740993",
                               "-9223372036854775808", "18446744073709551615", R"("ünïcødé")"}) {
    const std::string body = R"({"jsonrpc":"2.0","id":)" + id + R"(,"method":"ping"})";
    const auto exchange = post_text(client, body, post_headers(session));
    ASSERT_EQ(exchange.status, 200) << describe(exchange);
    EXPECT_EQ(exchange.body, R"({"id":)" + id + R"(,"jsonrpc":"2.0","result":{}})");
  }
}

TEST_F(HttpLifecycle, EveryResponseHasJsonrpcIdAndExactlyOneOfResultAndError_LIFE009) {
  auto client = Client();
  const std::string session = open(client);
  const std::vector<json> requests = {
      rpc_request(1, "ping"),
      rpc_request("two", "tools/list"),
      rpc_request(3, "nope"),
      rpc_request(4, "tools/call", {{"name", "fly"}}),
      rpc_request(5, "resources/read", {{"uri", "game://nope"}}),
      rpc_request(6, "tools/call", {{"name", "lake_move"}, {"arguments", {{"action", "up"}}}}),
  };
  for (const auto& request : requests) {
    json body = parse_body(post_json(client, request, session));
    EXPECT_EQ(body["jsonrpc"], "2.0") << body.dump();
    EXPECT_EQ(body["id"], request["id"]) << body.dump();
    EXPECT_NE(body.contains("result"), body.contains("error")) << body.dump();
    EXPECT_EQ(body.size(), 3U) << body.dump();
  }
}

}  // namespace
}  // namespace mcpgym::wiretest
