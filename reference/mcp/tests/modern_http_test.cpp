// The server core serving MCP 2026-07-28 next to legacy sessions on one
// endpoint (docs/spec.md MODERN-*, HANDLE-007, HANDLE-011), over loopback
// HTTP with raw requests, against a fake modern application.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "common/protocol.hpp"
#include "harness/http/raw_http.hpp"
#include "reference/mcp/http_server.hpp"
#include "reference/mcp/tests/modern_fakes.hpp"

namespace mcpgym::mcp {
namespace {

using harness::HeaderList;
using harness::HttpExchange;
using harness::HttpRequest;
using testing::FakeModernApplication;

constexpr std::chrono::milliseconds kIoTimeout{10'000};
const std::string kModern(kModernVersion);

json modern_meta(const std::string& version = kModern) {
  return {{std::string(kMetaProtocolVersion), version},
          {std::string(kMetaClientCapabilities), json::object()},
          {std::string(kMetaClientInfo), {{"name", "test-client"}, {"version", "1"}}}};
}

json modern_request(const json& id, const std::string& method, json params = json::object(),
                    const std::string& version = kModern) {
  params["_meta"] = modern_meta(version);
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}};
}

// The headers a conforming modern client sends with `request`.
HeaderList modern_headers(const json& request) {
  HeaderList h = harness::mcp_post_headers(std::nullopt, kModern);
  const std::string method = request.at("method");
  h.emplace_back("Mcp-Method", method);
  const json& params = request.at("params");
  if (method == "tools/call") h.emplace_back("Mcp-Name", params.at("name").get<std::string>());
  if (method == "resources/read") h.emplace_back("Mcp-Name", params.at("uri").get<std::string>());
  return h;
}

HeaderList without(HeaderList headers, const std::string& name) {
  std::erase_if(headers, [&](const auto& h) { return h.first == name; });
  return headers;
}

HeaderList with(HeaderList headers, const std::string& name, const std::string& value) {
  headers = without(std::move(headers), name);
  headers.emplace_back(name, value);
  return headers;
}

json error_body(const json& id, int code, const std::string& message, const json& data = nullptr) {
  json error = {{"code", code}, {"message", message}};
  if (!data.is_null()) error["data"] = data;
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", error}};
}

json result_body(const json& id, const json& result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", result}};
}

json server_info_meta() {
  return {{std::string(kMetaServerInfo), {{"name", "fake-server"}, {"version", "9.8.7"}}}};
}

json mismatch_data(const std::string& header, const json& header_value, const json& body_value) {
  return {{"mismatch",
           {{"header", header}, {"header_value", header_value}, {"body_value", body_value}}}};
}

::testing::AssertionResult IsReply(const HttpExchange& exchange, int status, const json& body) {
  const json parsed = json::parse(exchange.body, nullptr, false);
  if (exchange.status == status && parsed == body) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got HTTP " << exchange.status << " " << exchange.body
                                       << "\nwant HTTP " << status << " " << body.dump();
}

class ModernHttp : public ::testing::Test {
 protected:
  void SetUp() override { Start(); }
  void TearDown() override { Stop(); }

  void Start() {
    HttpServerOptions options;
    options.worker_threads = 4;
    server_ = std::make_unique<HttpServer>(app_, options);
    auto port = server_->bind();
    ASSERT_TRUE(port) << port.error();
    client_.emplace("127.0.0.1", *port, kIoTimeout);
    serving_ = std::thread([this] { server_->serve(); });
  }
  void Stop() {
    if (!server_) return;
    server_->stop();
    serving_.join();
    server_.reset();
  }

  HttpExchange Send(HttpRequest request) {
    auto exchange = client_->send(std::move(request));
    if (!exchange) throw std::runtime_error(exchange.error());
    return *exchange;
  }
  HttpExchange Post(const json& body, HeaderList headers) {
    return Send({"POST", "/mcp", std::move(headers), body.dump()});
  }
  // A well-formed modern POST of `request`.
  HttpExchange Modern(const json& request) { return Post(request, modern_headers(request)); }
  HttpExchange Get(const std::string& path, HeaderList headers = {}) {
    return Send({"GET", path, std::move(headers), ""});
  }

  FakeModernApplication app_;
  std::unique_ptr<HttpServer> server_;
  std::thread serving_;
  std::optional<harness::RawHttpClient> client_;
};

json move_call(const json& arguments) {
  return modern_request(7, "tools/call", {{"name", "move"}, {"arguments", arguments}});
}

TEST_F(ModernHttp, DiscoverAnswersTheRevisionsShape_MODERN006_MODERN007_MODERN008) {
  app_.info.instructions = "play";
  const auto exchange = Modern(modern_request("d", "server/discover"));
  EXPECT_TRUE(IsReply(exchange, 200,
                      result_body("d", {{"supportedVersions",
                                         {"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"}},
                                        {"capabilities", app_.caps},
                                        {"instructions", "play"},
                                        {"resultType", "complete"},
                                        {"ttlMs", 0},
                                        {"cacheScope", "private"},
                                        {"_meta", server_info_meta()}})));
  EXPECT_FALSE(exchange.has_header("Mcp-Session-Id"));
  EXPECT_EQ(app_.create_calls, 0);
}

TEST_F(ModernHttp, ToolResultsGetResultTypeButNoCacheHints_MODERN007) {
  const json args = {{"env_id", "env-1"}, {"action", "LEFT"}};
  const auto exchange =
      Post(move_call(args), with(modern_headers(move_call(args)), "Mcp-Param-Env-Id", "env-1"));
  EXPECT_TRUE(IsReply(exchange, 200,
                      result_body(7, {{"content", {{{"type", "text"}, {"text", "moved"}}}},
                                      {"arguments", args},
                                      {"resultType", "complete"},
                                      {"_meta", server_info_meta()}})));
}

TEST_F(ModernHttp, StraySessionHeaderIsIgnored_MODERN001) {
  const json request = modern_request(1, "server/discover");
  const auto exchange = Post(request, with(modern_headers(request), "Mcp-Session-Id", "bogus"));
  EXPECT_EQ(exchange.status, 200) << exchange.body;
  EXPECT_FALSE(exchange.has_header("Mcp-Session-Id"));
}

TEST_F(ModernHttp, LegacySessionsKeepWorkingOnTheSameEndpoint_MODERN001) {
  const json initialize = {{"jsonrpc", "2.0"},
                           {"id", 1},
                           {"method", "initialize"},
                           {"params", {{"protocolVersion", "2025-11-25"}}}};
  const auto opened = Post(initialize, harness::mcp_post_headers());
  ASSERT_EQ(opened.status, 200) << opened.body;
  const std::string session = opened.header("Mcp-Session-Id");
  ASSERT_FALSE(session.empty());
  const json call = {
      {"jsonrpc", "2.0"}, {"id", 2}, {"method", "tools/call"}, {"params", {{"name", "x"}}}};
  EXPECT_TRUE(IsReply(Post(call, harness::mcp_post_headers(session, "2025-11-25")), 200,
                      result_body(2, {{"method", "tools/call"}, {"params", {{"name", "x"}}}})));
  // Without the session header a legacy request is still refused as before.
  EXPECT_EQ(Post(call, harness::mcp_post_headers()).status, 400);
}

TEST_F(ModernHttp, MalformedEnvelopeIs400InvalidParams_MODERN002) {
  json request = modern_request(3, "server/discover");
  request["params"]["_meta"].erase(std::string(kMetaClientCapabilities));
  EXPECT_TRUE(IsReply(
      Modern(request), 400,
      error_body(3, -32602,
                 "[mcpgym.modern.bad_envelope] Invalid params: params._meta has no "
                 "\"io.modelcontextprotocol/clientCapabilities\"; a 2026-07-28 request carries "
                 "params._meta with \"io.modelcontextprotocol/protocolVersion\" (a string) and "
                 "\"io.modelcontextprotocol/clientCapabilities\" (an object)")));
  request["params"]["_meta"][std::string(kMetaClientCapabilities)] = json::object();
  request["params"]["_meta"][std::string(kMetaProtocolVersion)] = 20260728;
  EXPECT_TRUE(IsReply(
      Post(request, with(modern_headers(modern_request(3, "server/discover")), "x", "y")), 400,
      error_body(3, -32602,
                 "[mcpgym.modern.bad_envelope] Invalid params: "
                 "\"io.modelcontextprotocol/protocolVersion\" in params._meta is 20260728, not a "
                 "string; a 2026-07-28 request carries params._meta with "
                 "\"io.modelcontextprotocol/protocolVersion\" (a string) and "
                 "\"io.modelcontextprotocol/clientCapabilities\" (an object)")));
}

TEST_F(ModernHttp, MissingOrMismatchedStandardHeadersAre400HeaderMismatch_MODERN003) {
  const json args = {{"action", "LEFT"}};
  const json call = move_call(args);
  EXPECT_TRUE(IsReply(Post(call, without(modern_headers(call), "MCP-Protocol-Version")), 400,
                      error_body(7, -32020,
                                 "[mcpgym.modern.header_mismatch] Header mismatch: the "
                                 "MCP-Protocol-Version header is missing",
                                 mismatch_data("MCP-Protocol-Version", nullptr, kModern))));
  EXPECT_TRUE(IsReply(
      Post(call, with(modern_headers(call), "MCP-Protocol-Version", "2025-11-25")), 400,
      error_body(7, -32020,
                 "[mcpgym.modern.header_mismatch] Header mismatch: MCP-Protocol-Version header "
                 "value \"2025-11-25\" does not match body value \"2026-07-28\"",
                 mismatch_data("MCP-Protocol-Version", "2025-11-25", kModern))));
  EXPECT_TRUE(IsReply(Post(call, without(modern_headers(call), "Mcp-Method")), 400,
                      error_body(7, -32020,
                                 "[mcpgym.modern.header_mismatch] Header mismatch: the Mcp-Method "
                                 "header is missing",
                                 mismatch_data("Mcp-Method", nullptr, "tools/call"))));
  EXPECT_TRUE(
      IsReply(Post(call, with(modern_headers(call), "Mcp-Method", "tools/list")), 400,
              error_body(7, -32020,
                         "[mcpgym.modern.header_mismatch] Header mismatch: Mcp-Method header value "
                         "\"tools/list\" does not match body value \"tools/call\"",
                         mismatch_data("Mcp-Method", "tools/list", "tools/call"))));
  EXPECT_TRUE(IsReply(Post(call, without(modern_headers(call), "Mcp-Name")), 400,
                      error_body(7, -32020,
                                 "[mcpgym.modern.header_mismatch] Header mismatch: the Mcp-Name "
                                 "header is missing",
                                 mismatch_data("Mcp-Name", nullptr, "move"))));
  EXPECT_TRUE(
      IsReply(Post(call, with(modern_headers(call), "Mcp-Name", "jump")), 400,
              error_body(7, -32020,
                         "[mcpgym.modern.header_mismatch] Header mismatch: Mcp-Name header value "
                         "\"jump\" does not match body value \"move\"",
                         mismatch_data("Mcp-Name", "jump", "move"))));
  const json read = modern_request(8, "resources/read", {{"uri", "res://known"}});
  EXPECT_EQ(Post(read, with(modern_headers(read), "Mcp-Name", "res://other")).status, 400);
}

TEST_F(ModernHttp, McpNameMayUseTheBase64Sentinel_MODERN003) {
  const json call = move_call({{"action", "LEFT"}});
  // "move" in Base64.
  EXPECT_EQ(Post(call, with(modern_headers(call), "Mcp-Name", "=?base64?bW92ZQ==?=")).status, 200);
  EXPECT_TRUE(IsReply(
      Post(call, with(modern_headers(call), "Mcp-Name", "=?base64?bW9*ZQ==?=")), 400,
      error_body(7, -32020,
                 "[mcpgym.modern.header_mismatch] Header mismatch: Mcp-Name: the header value "
                 "\"=?base64?bW9*ZQ==?=\" is not valid Base64 inside =?base64?...?=",
                 mismatch_data("Mcp-Name", "=?base64?bW9*ZQ==?=", "move"))));
}

TEST_F(ModernHttp, UnsupportedVersionIs400WithSupportedAndRequested_MODERN004) {
  const json request = modern_request(4, "server/discover", json::object(), "2099-12-31");
  const auto exchange =
      Post(request, with(modern_headers(request), "MCP-Protocol-Version", "2099-12-31"));
  EXPECT_TRUE(IsReply(
      exchange, 400,
      error_body(4, -32022,
                 "[mcpgym.modern.unsupported_version] Unsupported protocol version: 2099-12-31; "
                 "this server supports 2026-07-28, 2025-11-25, 2025-06-18, 2025-03-26 (versions "
                 "before 2026-07-28 through an initialize request without params._meta)",
                 {{"supported", {"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"}},
                  {"requested", "2099-12-31"}})));
}

TEST_F(ModernHttp, UnknownAndRemovedMethodsAre404MethodNotFound_MODERN005) {
  EXPECT_TRUE(
      IsReply(Modern(modern_request(5, "tools/jump")), 404,
              error_body(5, -32601, "[mcpgym.rpc.method_not_found] Method not found: tools/jump")));
  for (const std::string method : {"initialize", "ping"}) {
    EXPECT_TRUE(IsReply(
        Modern(modern_request(6, method)), 404,
        error_body(6, -32601,
                   "[mcpgym.modern.method_removed] Method not found: " + method +
                       " is not a 2026-07-28 method (the revision removed it); a legacy session "
                       "starts with an initialize request without params._meta",
                   {{"method", method}})));
  }
  EXPECT_EQ(app_.create_calls, 0);
}

TEST_F(ModernHttp, ListAndReadResultsCarryCacheHints_MODERN008) {
  EXPECT_TRUE(IsReply(Modern(modern_request(9, "resources/read", {{"uri", "res://known"}})), 200,
                      result_body(9, {{"contents", {{{"uri", "res://known"}, {"text", "hello"}}}},
                                      {"resultType", "complete"},
                                      {"ttlMs", 0},
                                      {"cacheScope", "private"},
                                      {"_meta", server_info_meta()}})));
  const auto listed = json::parse(Modern(modern_request(10, "resources/list")).body);
  EXPECT_EQ(listed["result"]["ttlMs"], 0);
  EXPECT_EQ(listed["result"]["cacheScope"], "private");
  const auto tools = json::parse(Modern(modern_request(11, "tools/list")).body);
  EXPECT_EQ(tools["result"]["ttlMs"], 0);
  EXPECT_EQ(tools["result"]["cacheScope"], "private");
}

TEST_F(ModernHttp, ResourceNotFoundIsInvalidParamsWithUri_MODERN009) {
  EXPECT_TRUE(
      IsReply(Modern(modern_request(12, "resources/read", {{"uri", "res://gone"}})), 200,
              error_body(12, -32602, "[mcpgym.resource.not_found] Resource not found: res://gone",
                         {{"uri", "res://gone"}})));
}

TEST_F(ModernHttp, OriginIsValidatedForModernRequests_MODERN011) {
  const json request = modern_request(13, "server/discover");
  const auto exchange =
      Post(request, with(modern_headers(request), "Origin", "http://evil.example.com"));
  EXPECT_TRUE(IsReply(exchange, 403,
                      error_body(nullptr, -32000,
                                 "[mcpgym.http.forbidden_origin] Forbidden: Origin "
                                 "\"http://evil.example.com\" is not a loopback origin; only "
                                 "local pages may call this server")));
}

TEST_F(ModernHttp, BatchesOfModernRequestsAre400InvalidRequest_MODERN012) {
  const json batch = json::array({modern_request(14, "server/discover")});
  EXPECT_TRUE(IsReply(Post(batch, modern_headers(batch[0])), 400,
                      error_body(nullptr, -32600,
                                 "[mcpgym.modern.batch_rejected] Invalid Request: JSON-RPC "
                                 "batches are not part of MCP 2026-07-28; send one request per "
                                 "POST")));
  const auto get = Get("/mcp", {{"Accept", "text/event-stream"}});
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.header("Allow"), "POST, DELETE");
}

TEST_F(ModernHttp, ModernNotificationIsAccepted) {
  const json notification = {{"jsonrpc", "2.0"},
                             {"method", "notifications/cancelled"},
                             {"params", {{"_meta", modern_meta()}}}};
  const auto exchange = Post(notification, harness::mcp_post_headers(std::nullopt, kModern));
  EXPECT_EQ(exchange.status, 202);
  EXPECT_EQ(exchange.body, "");
}

TEST_F(ModernHttp, ParamHeaderMustMirrorAnnotatedArgument_HANDLE007) {
  const json args = {{"env_id", "env-1"}, {"action", "LEFT"}};
  const json call = move_call(args);
  EXPECT_TRUE(IsReply(
      Modern(call), 400,
      error_body(7, -32020,
                 "[mcpgym.modern.header_mismatch] Header mismatch: the Mcp-Param-Env-Id header "
                 "is missing while arguments.env_id is in the body; the tool's inputSchema marks "
                 "it x-mcp-header",
                 mismatch_data("Mcp-Param-Env-Id", nullptr, "env-1"))));
  EXPECT_TRUE(IsReply(
      Post(call, with(modern_headers(call), "Mcp-Param-Env-Id", "env-2")), 400,
      error_body(7, -32020,
                 "[mcpgym.modern.header_mismatch] Header mismatch: Mcp-Param-Env-Id header value "
                 "\"env-2\" does not match body value \"env-1\" of arguments.env_id",
                 mismatch_data("Mcp-Param-Env-Id", "env-2", "env-1"))));
  EXPECT_TRUE(IsReply(
      Post(call, with(modern_headers(call), "Mcp-Param-Env-Id", "=?base64?!!!!?=")), 400,
      error_body(7, -32020,
                 "[mcpgym.modern.header_mismatch] Header mismatch: Mcp-Param-Env-Id: the header "
                 "value \"=?base64?!!!!?=\" is not valid Base64 inside =?base64?...?=",
                 mismatch_data("Mcp-Param-Env-Id", "=?base64?!!!!?=", "env-1"))));
  // "env-1" in Base64, and header names are case-insensitive.
  EXPECT_EQ(
      Post(call, with(modern_headers(call), "mcp-param-env-id", "=?base64?ZW52LTE=?=")).status,
      200);
  // The annotations were learnt from one tools/list.
  EXPECT_EQ(app_.tools_list_calls.load(), 1);
}

TEST_F(ModernHttp, ParamHeaderComparesIntegersByValueAndIsNotExpectedWithoutTheArgument_HANDLE007) {
  const json call = move_call({{"env_id", "e"}, {"count", 42}, {"action", "LEFT"}});
  HeaderList headers = with(modern_headers(call), "Mcp-Param-Env-Id", "e");
  EXPECT_EQ(Post(call, with(headers, "Mcp-Param-Count", "42.0")).status, 200);
  EXPECT_EQ(Post(call, with(headers, "Mcp-Param-Count", "43")).status, 400);
  const json bare = move_call({{"action", "LEFT"}, {"env_id", nullptr}});
  EXPECT_EQ(Modern(bare).status, 200);
}

TEST_F(ModernHttp, ControlPlaneByHandle_HANDLE011) {
  EXPECT_TRUE(IsReply(Get("/control/reward?env_id=env-1"), 200, {{"reward", 1.5}}));
  EXPECT_TRUE(IsReply(Get("/control/reward?env_id=env%2D1"), 200, {{"reward", 1.5}}));
  EXPECT_TRUE(IsReply(
      Get("/control/reward?env_id=nope"), 404,
      error_body(nullptr, -32000,
                 "[mcpgym.modern.unknown_handle] Not Found: no control \"reward\" for env_id "
                 "\"nope\" (unknown, closed or expired handle, or a name other than reward, "
                 "status, info, initial_state); create one with env_create")));
  EXPECT_TRUE(IsReply(
      Get("/control/reward?env_id="), 400,
      error_body(nullptr, -32000,
                 "[mcpgym.modern.missing_handle] Bad Request: GET /control/reward needs "
                 "?env_id=<handle> (an environment made by env_create) or an Mcp-Session-Id "
                 "header (a legacy session)")));
  // Without env_id, a legacy session's control plane as before (CTRL-009).
  EXPECT_EQ(Get("/control/reward").status, 400);
}

TEST_F(ModernHttp, ApplicationThatThrowsGetsInternalErrorAndTheServerKeepsServing) {
  EXPECT_TRUE(IsReply(Modern(modern_request(15, "boom")), 200,
                      error_body(15, -32603,
                                 "[mcpgym.rpc.internal_error] Internal error while handling boom: "
                                 "kaput")));
  EXPECT_EQ(Modern(modern_request(16, "server/discover")).status, 200);
}

class LegacyOnlyHttp : public ModernHttp {
 protected:
  void SetUp() override {
    app_.modern = false;
    Start();
  }
};

TEST_F(LegacyOnlyHttp, ModernRequestsGetUnsupportedVersionNamingLegacyOnes_MODERN004) {
  EXPECT_TRUE(IsReply(
      Modern(modern_request(1, "server/discover")), 400,
      error_body(1, -32022,
                 "[mcpgym.modern.unsupported_version] Unsupported protocol version: 2026-07-28; "
                 "this server supports 2025-11-25, 2025-06-18, 2025-03-26 (versions before "
                 "2026-07-28 through an initialize request without params._meta)",
                 {{"supported", {"2025-11-25", "2025-06-18", "2025-03-26"}},
                  {"requested", "2026-07-28"}})));
  const json initialize = {{"jsonrpc", "2.0"},
                           {"id", 2},
                           {"method", "initialize"},
                           {"params", {{"protocolVersion", "2025-11-25"}}}};
  const auto opened = Post(initialize, harness::mcp_post_headers());
  EXPECT_EQ(opened.status, 200) << opened.body;
  EXPECT_FALSE(opened.header("Mcp-Session-Id").empty());
}

}  // namespace
}  // namespace mcpgym::mcp
