// HTTP-001, HTTP-006..HTTP-009, HTTP-015 over real loopback HTTP.
#include <gtest/gtest.h>

#include "reference/programs/tests/support/in_process_server.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

using HttpTransport = HttpFixture;

const char* const kMethodNotAllowedTail =
    " /mcp; this server offers no server-to-client SSE stream, use POST (and DELETE to end a "
    "session)";

TEST_F(HttpTransport, PostToMcpAnswersInitialize_HTTP001) {
  auto client = Client();
  const auto exchange = post_json(client, initialize_request(1));
  ASSERT_EQ(exchange.status, 200) << describe(exchange);
  json body = parse_body(exchange);
  EXPECT_EQ(body["jsonrpc"], "2.0");
  EXPECT_EQ(body["id"], 1);
  EXPECT_EQ(body["result"]["protocolVersion"], "2025-11-25");
  EXPECT_FALSE(exchange.header("Mcp-Session-Id").empty());
}

// /mcp/ is the endpoint too (EVP-009, eval-protocol's client posts there);
// anything longer is not.
TEST_F(HttpTransport, PostElsewhereIsNotFoundWithAJsonBody_HTTP001) {
  auto client = Client();
  for (const std::string path : {"/mcp/x", "/mcp//", "/mcpx"}) {
    const auto exchange =
        send(client, {"POST", path, post_headers(), initialize_request(1).dump()});
    EXPECT_TRUE(IsRejection(exchange, 404, -32000,
                            "[mcpgym.http.not_found] Not Found: no endpoint at POST " + path +
                                "; MCP is served at POST /mcp"));
    EXPECT_FALSE(exchange.has_header("Mcp-Session-Id"));
  }
}

TEST_F(HttpTransport, UnknownPathIsNotFoundWithAJsonBody_HTTP015) {
  auto client = Client();
  EXPECT_TRUE(IsRejection(get(client, "/nope"), 404, -32000,
                          "[mcpgym.http.not_found] Not Found: no endpoint at GET /nope; MCP is "
                          "served at POST /mcp"));
  EXPECT_TRUE(IsRejection(send(client, {"DELETE", "/sse", {}, ""}), 404, -32000,
                          "[mcpgym.http.not_found] Not Found: no endpoint at DELETE /sse; MCP is "
                          "served at POST /mcp"));
}

TEST_F(HttpTransport, UnparsableBodyIs400ParseErrorWithNullId_HTTP006) {
  auto client = Client();
  const std::string session = open(client);
  EXPECT_TRUE(IsRejection(post_text(client, "{not json", post_headers(session)), 400, -32700,
                          "[mcpgym.rpc.parse_error] Parse error: the body is not valid JSON: "
                          "\"{not json\""));
  // Without a session too: parsing comes before the session check.
  EXPECT_TRUE(IsRejection(post_text(client, "{not json", post_headers()), 400, -32700,
                          "[mcpgym.rpc.parse_error] Parse error: the body is not valid JSON: "
                          "\"{not json\""));
}

TEST_F(HttpTransport, EmptyBodyIs400ParseError_HTTP006) {
  auto client = Client();
  EXPECT_TRUE(IsRejection(post_text(client, "", post_headers()), 400, -32700,
                          "[mcpgym.rpc.parse_error] Parse error: the body is not valid JSON: "
                          "\"\""));
}

TEST_F(HttpTransport, TruncatedJsonIs400ParseError_HTTP006) {
  auto client = Client();
  const std::string session = open(client);
  EXPECT_TRUE(IsRejection(
      post_text(client, R"({"jsonrpc":"2.0","id":1,"method":"ping")", post_headers(session)), 400,
      -32700,
      "[mcpgym.rpc.parse_error] Parse error: the body is not valid JSON: "
      "\"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"\""));
}

TEST_F(HttpTransport, InitializedNotificationIs202WithNoBody_HTTP007) {
  auto client = Client();
  const auto opened = post_json(client, initialize_request(1));
  const std::string session = opened.header("Mcp-Session-Id");
  ASSERT_FALSE(session.empty()) << describe(opened);
  EXPECT_TRUE(
      IsAccepted202(post_json(client, rpc_notification("notifications/initialized"), session)));
}

TEST_F(HttpTransport, JsonRpcResultResponseIs202WithNoBody_HTTP007) {
  auto client = Client();
  const std::string session = open(client);
  EXPECT_TRUE(IsAccepted202(
      post_json(client, json{{"jsonrpc", "2.0"}, {"id", 5}, {"result", json::object()}}, session)));
}

TEST_F(HttpTransport, JsonRpcErrorResponseIs202WithNoBody_HTTP007) {
  auto client = Client();
  const std::string session = open(client);
  EXPECT_TRUE(IsAccepted202(post_json(
      client, json{{"jsonrpc", "2.0"}, {"id", "s-1"}, {"error", {{"code", -1}, {"message", "no"}}}},
      session)));
  // The session is unaffected.
  EXPECT_EQ(call_result(client, session, "ping"), json::object());
}

TEST_F(HttpTransport, RequestIsAnsweredWithOneJsonObject_HTTP008) {
  auto client = Client();
  const std::string session = open(client);
  const auto exchange = post_json(client, rpc_request(42, "tools/list"), session);
  ASSERT_EQ(exchange.status, 200) << describe(exchange);
  EXPECT_EQ(exchange.header("Content-Type"), "application/json");
  json body = parse_body(exchange);
  ASSERT_TRUE(body.is_object()) << describe(exchange);
  EXPECT_EQ(body["id"], 42);
  EXPECT_TRUE(body["result"].contains("tools"));
}

TEST_F(HttpTransport, InitializeIsAnsweredAsApplicationJson_HTTP008) {
  auto client = Client();
  const auto exchange = post_json(client, initialize_request("init"));
  EXPECT_EQ(exchange.status, 200);
  EXPECT_EQ(exchange.header("Content-Type"), "application/json");
  EXPECT_TRUE(parse_body(exchange).is_object());
}

TEST_F(HttpTransport, GetMcpIs405AllowingPostAndDelete_HTTP009) {
  auto client = Client();
  const std::string session = open(client);
  for (const auto& headers :
       {HeaderList{}, HeaderList{{"Accept", "text/event-stream"}, {"Mcp-Session-Id", session}}}) {
    const auto exchange = get(client, "/mcp", headers);
    EXPECT_TRUE(
        IsRejection(exchange, 405, -32000,
                    std::string("[mcpgym.http.method_not_allowed] Method Not Allowed: GET") +
                        kMethodNotAllowedTail));
    EXPECT_EQ(exchange.header("Allow"), "POST, DELETE");
  }
}

TEST_F(HttpTransport, PutAndPatchOnMcpAre405_HTTP009) {
  auto client = Client();
  for (const std::string method : {"PUT", "PATCH"}) {
    const auto exchange = send(client, {method, "/mcp", post_headers(), "{}"});
    EXPECT_TRUE(IsRejection(
        exchange, 405, -32000,
        "[mcpgym.http.method_not_allowed] Method Not Allowed: " + method + kMethodNotAllowedTail));
    EXPECT_EQ(exchange.header("Allow"), "POST, DELETE");
  }
}

// One rejection of every HTTP-level kind: each is application/json and a
// JSON-RPC error response with "jsonrpc":"2.0", a null id, and the code the
// rule names (-32700 parse, -32600 invalid request, -32000 otherwise).
TEST_F(HttpTransport, EveryRejectionIsAJsonRpcError_HTTP015) {
  Start({}, [] {
    auto options = test_server_options();
    options.max_body_bytes = 1024;
    return options;
  }());
  auto client = Client();
  const std::string session = open(client);
  struct Case {
    HttpRequest request;
    int status;
    int code;
  };
  HeaderList json_only = {{"Accept", "application/json"}, {"Content-Type", "application/json"}};
  HeaderList text_plain = {{"Accept", "application/json, text/event-stream"},
                           {"Content-Type", "text/plain"}};
  HeaderList evil_origin = post_headers(session);
  evil_origin.emplace_back("Origin", "http://evil.example.com");
  HeaderList evil_host = post_headers(session);
  evil_host.emplace_back("Host", "evil.example.com");
  const std::string ping = rpc_request(1, "ping").dump();
  const std::vector<Case> cases = {
      {{"POST", "/mcp", post_headers(session), "{not json"}, 400, -32700},
      {{"POST", "/mcp", post_headers(session), R"({"jsonrpc":"1.0","method":"ping"})"},
       400,
       -32600},
      {{"POST", "/mcp", post_headers(session), "[]"}, 400, -32600},
      {{"POST", "/mcp", post_headers(), ping}, 400, -32000},
      {{"POST", "/mcp", evil_origin, ping}, 403, -32000},
      {{"POST", "/mcp", evil_host, ping}, 403, -32000},
      {{"POST", "/mcp", post_headers("no-such-session"), ping}, 404, -32000},
      {{"GET", "/elsewhere", {}, ""}, 404, -32000},
      {{"GET", "/mcp", {}, ""}, 405, -32000},
      {{"POST", "/mcp", json_only, ping}, 406, -32000},
      {{"POST", "/mcp", post_headers(session), std::string(2000, ' ')}, 413, -32000},
      {{"POST", "/mcp", text_plain, ping}, 415, -32000},
  };
  for (const auto& c : cases) {
    const auto exchange = send(client, c.request);
    SCOPED_TRACE(describe(exchange));
    EXPECT_EQ(exchange.status, c.status);
    EXPECT_EQ(exchange.header("Content-Type"), "application/json");
    json body = json::parse(exchange.body, nullptr, false);
    ASSERT_TRUE(body.is_object());
    EXPECT_EQ(body.size(), 3U);
    EXPECT_EQ(body["jsonrpc"], "2.0");
    EXPECT_TRUE(body["id"].is_null());
    ASSERT_TRUE(body["error"].is_object());
    EXPECT_EQ(body["error"]["code"], c.code);
    ASSERT_TRUE(body["error"]["message"].is_string());
    EXPECT_EQ(body["error"]["message"].get<std::string>().rfind("[mcpgym.", 0), 0U);
    if (c.status == 413) client = Client();  // a fresh connection after a refused body
  }
}

}  // namespace
}  // namespace mcpgym::wiretest
