// HTTP-003, HTTP-004, HTTP-010..HTTP-013: request headers, over real loopback HTTP.
#include <gtest/gtest.h>

#include "reference/programs/tests/support/in_process_server.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

using HttpHeaders = HttpFixture;

HeaderList with_accept(std::string accept) {
  return {{"Accept", std::move(accept)}, {"Content-Type", "application/json"}};
}
HeaderList with_content_type(std::string content_type) {
  return {{"Accept", "application/json, text/event-stream"},
          {"Content-Type", std::move(content_type)}};
}

std::string not_acceptable(const std::string& got) {
  return "[mcpgym.http.not_acceptable] Not Acceptable: the Accept header must list both "
         "application/json and text/event-stream; got \"" +
         got + "\"";
}
std::string unsupported_media_type(const std::string& got) {
  return "[mcpgym.http.unsupported_media_type] Unsupported Media Type: Content-Type must be "
         "application/json; got \"" +
         got + "\"";
}
std::string forbidden_origin(const std::string& origin) {
  return "[mcpgym.http.forbidden_origin] Forbidden: Origin \"" + origin +
         "\" is not a loopback origin; only local pages may call this server";
}
std::string forbidden_host(const std::string& host) {
  return "[mcpgym.http.forbidden_host] Forbidden: Host \"" + host +
         "\" is not a loopback host while the server listens on 127.0.0.1 (DNS-rebinding "
         "protection)";
}

// ---- HTTP-003 Accept ----------------------------------------------------------------------

TEST_F(HttpHeaders, AcceptWithoutSseIs406_HTTP003) {
  auto client = Client();
  EXPECT_TRUE(
      IsRejection(post_text(client, initialize_request(1).dump(), with_accept("application/json")),
                  406, -32000, not_acceptable("application/json")));
}

TEST_F(HttpHeaders, AcceptWithoutJsonIs406_HTTP003) {
  auto client = Client();
  EXPECT_TRUE(
      IsRejection(post_text(client, initialize_request(1).dump(), with_accept("text/event-stream")),
                  406, -32000, not_acceptable("text/event-stream")));
}

TEST_F(HttpHeaders, WildcardsDoNotCountAsListingATypeAnd406_HTTP003) {
  auto client = Client();
  for (const std::string accept :
       {"*/*", "application/*, text/*", "*/*, text/event-stream", "application/json, text/*"}) {
    const auto exchange = post_text(client, initialize_request(1).dump(), with_accept(accept));
    EXPECT_TRUE(IsRejection(exchange, 406, -32000, not_acceptable(accept)));
    EXPECT_FALSE(exchange.has_header("Mcp-Session-Id"));
  }
}

TEST_F(HttpHeaders, SimilarMediaTypesDoNotCountAnd406_HTTP003) {
  auto client = Client();
  const std::string accept = "application/jsonx, text/event-streams";
  EXPECT_TRUE(IsRejection(post_text(client, initialize_request(1).dump(), with_accept(accept)), 406,
                          -32000, not_acceptable(accept)));
}

// cpp-httplib's client puts "Accept: */*" on a request that has no Accept
// header, so "no Accept at all" cannot be sent through RawHttpClient; this
// pins what does go on the wire (the 406 message echoes it).
TEST_F(HttpHeaders, AcceptLeftOutGoesOnTheWireAsWildcardAnd406_HTTP003) {
  auto client = Client();
  EXPECT_TRUE(IsRejection(
      post_text(client, initialize_request(1).dump(), {{"Content-Type", "application/json"}}), 406,
      -32000, not_acceptable("*/*")));
}

TEST_F(HttpHeaders, EmptyAcceptListsNeitherAnd406_HTTP003) {
  auto client = Client();
  EXPECT_TRUE(IsRejection(post_text(client, initialize_request(1).dump(), with_accept("")), 406,
                          -32000, not_acceptable("")));
}

TEST_F(HttpHeaders, AcceptWithBothPassesInEitherOrderCaseAndWithParams_HTTP003) {
  auto client = Client();
  for (const std::string accept :
       {"application/json, text/event-stream", "text/event-stream, application/json",
        "APPLICATION/JSON, Text/Event-Stream", "application/json;q=0.9, text/event-stream; q=0.1",
        "text/html, text/event-stream;charset=utf-8 , application/json ;q=1"}) {
    const auto exchange = post_text(client, initialize_request(1).dump(), with_accept(accept));
    EXPECT_EQ(exchange.status, 200) << accept << ": " << describe(exchange);
    EXPECT_FALSE(exchange.header("Mcp-Session-Id").empty()) << accept;
  }
}

TEST_F(HttpHeaders, AcceptIsCheckedOnEveryPostNotOnlyInitialize_HTTP003) {
  auto client = Client();
  const std::string session = open(client);
  HeaderList headers = with_accept("application/json");
  headers.emplace_back("Mcp-Session-Id", session);
  EXPECT_TRUE(IsRejection(post_text(client, rpc_request(2, "ping").dump(), headers), 406, -32000,
                          not_acceptable("application/json")));
}

// ---- HTTP-004 Content-Type ----------------------------------------------------------------

TEST_F(HttpHeaders, TextPlainContentTypeIs415_HTTP004) {
  auto client = Client();
  EXPECT_TRUE(
      IsRejection(post_text(client, initialize_request(1).dump(), with_content_type("text/plain")),
                  415, -32000, unsupported_media_type("text/plain")));
}

TEST_F(HttpHeaders, OtherJsonLikeContentTypesAre415_HTTP004) {
  auto client = Client();
  for (const std::string type : {"application/json-rpc", "application/x-json", "text/json",
                                 "application/jsonx; charset=utf-8"}) {
    EXPECT_TRUE(
        IsRejection(post_text(client, initialize_request(1).dump(), with_content_type(type)), 415,
                    -32000, unsupported_media_type(type)));
  }
}

// A POST without Content-Type: with an empty body cpp-httplib's client sends
// none, so this one really lacks the header on the wire.
TEST_F(HttpHeaders, MissingContentTypeIs415_HTTP004) {
  auto client = Client();
  EXPECT_TRUE(
      IsRejection(post_text(client, "", {{"Accept", "application/json, text/event-stream"}}), 415,
                  -32000, unsupported_media_type("")));
}

// With a body, cpp-httplib's client fills in "Content-Type: text/plain" when
// the caller gives none; this pins what goes on the wire in that case.
TEST_F(HttpHeaders, ContentTypeLeftOutWithABodyGoesOnTheWireAsTextPlainAnd415_HTTP004) {
  auto client = Client();
  EXPECT_TRUE(IsRejection(post_text(client, initialize_request(1).dump(),
                                    {{"Accept", "application/json, text/event-stream"}}),
                          415, -32000, unsupported_media_type("text/plain")));
}

TEST_F(HttpHeaders, JsonWithParametersOrOtherCasePasses_HTTP004) {
  auto client = Client();
  for (const std::string type :
       {"application/json; charset=utf-8", "Application/JSON", "application/json;charset=UTF-8"}) {
    const auto exchange = post_text(client, initialize_request(1).dump(), with_content_type(type));
    EXPECT_EQ(exchange.status, 200) << type << ": " << describe(exchange);
  }
}

// ---- HTTP-010 Origin ----------------------------------------------------------------------

TEST_F(HttpHeaders, NonLoopbackOriginsAre403OnEveryEndpoint_HTTP010) {
  auto client = Client();
  const std::string session = open(client);
  for (const std::string origin :
       {"http://evil.example.com", "null", "http://localhost.evil.example.com",
        "http://127.0.0.1.evil.example.com", "http://evil.example.com@127.0.0.1",
        "file://localhost", "http://10.0.0.1:8080", "https://[::2]"}) {
    SCOPED_TRACE(origin);
    const HeaderList origin_header = {{"Origin", origin}};
    HeaderList post = post_headers(session);
    post.emplace_back("Origin", origin);
    EXPECT_TRUE(IsRejection(post_text(client, rpc_request(1, "ping").dump(), post), 403, -32000,
                            forbidden_origin(origin)));
    HeaderList init = post_headers();
    init.emplace_back("Origin", origin);
    const auto refused_init = post_text(client, initialize_request(1).dump(), init);
    EXPECT_TRUE(IsRejection(refused_init, 403, -32000, forbidden_origin(origin)));
    EXPECT_FALSE(refused_init.has_header("Mcp-Session-Id"));
    EXPECT_TRUE(
        IsRejection(get(client, "/mcp", origin_header), 403, -32000, forbidden_origin(origin)));
    EXPECT_TRUE(IsRejection(delete_session(client, session, origin_header), 403, -32000,
                            forbidden_origin(origin)));
    HeaderList control = origin_header;
    control.emplace_back("Mcp-Session-Id", session);
    EXPECT_TRUE(IsRejection(get(client, "/control/status", control), 403, -32000,
                            forbidden_origin(origin)));
  }
  // None of the refused DELETEs ended the session.
  EXPECT_EQ(call_result(client, session, "ping"), json::object());
}

TEST_F(HttpHeaders, LoopbackOriginsPassOnEveryEndpoint_HTTP010) {
  auto client = Client();
  for (const std::string origin :
       {"http://localhost:1234", "http://127.0.0.1", "https://localhost", "http://[::1]:8080",
        "http://127.1.2.3:9", "http://localhost/"}) {
    SCOPED_TRACE(origin);
    HeaderList init = post_headers();
    init.emplace_back("Origin", origin);
    const auto initialized = post_text(client, initialize_request(1).dump(), init);
    ASSERT_EQ(initialized.status, 200) << describe(initialized);
    const std::string session = initialized.header("Mcp-Session-Id");
    HeaderList post = post_headers(session);
    post.emplace_back("Origin", origin);
    EXPECT_TRUE(IsJsonReply(post_text(client, rpc_request(2, "ping").dump(), post), 200,
                            {{"jsonrpc", "2.0"}, {"id", 2}, {"result", json::object()}}));
    const auto get_mcp = get(client, "/mcp", {{"Origin", origin}});
    EXPECT_EQ(get_mcp.status, 405) << describe(get_mcp);
    const auto control =
        get(client, "/control/status", {{"Origin", origin}, {"Mcp-Session-Id", session}});
    EXPECT_EQ(control.status, 200) << describe(control);
    const auto deleted = delete_session(client, session, {{"Origin", origin}});
    EXPECT_EQ(deleted.status, 200) << describe(deleted);
  }
}

// Regression: the Origin/Host gate once ran only in the handlers of registered
// methods, so other methods on /mcp and /control/* got 404 instead of 403.
TEST_F(HttpHeaders, NonLoopbackOriginOrHostIs403ForEveryMethod_HTTP010_HTTP011) {
  auto client = Client();
  const std::string session = open(client);
  const std::string origin = "http://evil.example.com";
  EXPECT_TRUE(IsRejection(send(client, {"OPTIONS", "/mcp", {{"Origin", origin}}, ""}), 403, -32000,
                          forbidden_origin(origin)));
  HeaderList control = post_headers(session);
  control.emplace_back("Origin", origin);
  EXPECT_TRUE(IsRejection(send(client, {"POST", "/control/status", control, "{}"}), 403, -32000,
                          forbidden_origin(origin)));
  EXPECT_TRUE(IsRejection(send(client, {"OPTIONS", "/mcp", {{"Host", "evil.example.com"}}, ""}),
                          403, -32000, forbidden_host("evil.example.com")));
}

// ---- HTTP-011 Host ------------------------------------------------------------------------

TEST_F(HttpHeaders, NonLoopbackHostsAre403OnEveryEndpoint_HTTP011) {
  auto client = Client();
  const std::string session = open(client);
  const std::string port = std::to_string(Port());
  for (const std::string& host : std::vector<std::string>{
           "evil.example.com", "evil.example.com:" + port, "localhost.evil.example.com",
           "127.0.0.1.nip.io:" + port, "10.0.0.1", "[::2]:" + port}) {
    SCOPED_TRACE(host);
    HeaderList post = post_headers(session);
    post.emplace_back("Host", host);
    EXPECT_TRUE(IsRejection(post_text(client, rpc_request(1, "ping").dump(), post), 403, -32000,
                            forbidden_host(host)));
    HeaderList init = post_headers();
    init.emplace_back("Host", host);
    const auto refused_init = post_text(client, initialize_request(1).dump(), init);
    EXPECT_TRUE(IsRejection(refused_init, 403, -32000, forbidden_host(host)));
    EXPECT_FALSE(refused_init.has_header("Mcp-Session-Id"));
    EXPECT_TRUE(
        IsRejection(get(client, "/mcp", {{"Host", host}}), 403, -32000, forbidden_host(host)));
    EXPECT_TRUE(IsRejection(delete_session(client, session, {{"Host", host}}), 403, -32000,
                            forbidden_host(host)));
    EXPECT_TRUE(
        IsRejection(get(client, "/control/status", {{"Host", host}, {"Mcp-Session-Id", session}}),
                    403, -32000, forbidden_host(host)));
  }
  EXPECT_EQ(call_result(client, session, "ping"), json::object());
}

TEST_F(HttpHeaders, LoopbackHostsPass_HTTP011) {
  auto client = Client();
  const std::string port = std::to_string(Port());
  for (const std::string& host :
       std::vector<std::string>{"localhost:" + port, "localhost", "127.0.0.1:" + port, "127.0.0.1",
                                "127.9.8.7:" + port, "[::1]:" + port, "LOCALHOST:" + port}) {
    HeaderList init = post_headers();
    init.emplace_back("Host", host);
    const auto exchange = post_text(client, initialize_request(1).dump(), init);
    EXPECT_EQ(exchange.status, 200) << host << ": " << describe(exchange);
    EXPECT_FALSE(exchange.header("Mcp-Session-Id").empty()) << host;
  }
}

// ---- HTTP-012 / HTTP-013 MCP-Protocol-Version --------------------------------------------

TEST_F(HttpHeaders, UnsupportedProtocolVersionAfterInitializeIs400_HTTP012) {
  auto client = Client();
  const std::string session = open(client);
  for (const std::string version :
       {"1999-01-01", "2024-11-05", "2025-11-25,2025-06-18", "latest"}) {
    EXPECT_TRUE(IsRejection(
        post_json(client, rpc_request(1, "ping"), session, {{"MCP-Protocol-Version", version}}),
        400, -32000,
        "[mcpgym.http.unsupported_protocol_version] Bad Request: unsupported "
        "MCP-Protocol-Version \"" +
            version + "\"; this session negotiated 2025-11-25"))
        << version;
  }
}

TEST_F(HttpHeaders, UnsupportedProtocolVersionOnControlIs400_HTTP012) {
  auto client = Client();
  const std::string session = open(client, nullptr, "2025-06-18");
  EXPECT_TRUE(
      IsRejection(get(client, "/control/status",
                      {{"Mcp-Session-Id", session}, {"MCP-Protocol-Version", "1999-01-01"}}),
                  400, -32000,
                  "[mcpgym.http.unsupported_protocol_version] Bad Request: unsupported "
                  "MCP-Protocol-Version \"1999-01-01\"; this session negotiated "
                  "2025-06-18"));
}

// Regression: DELETE once skipped the MCP-Protocol-Version check and ended the session.
TEST_F(HttpHeaders, UnsupportedProtocolVersionOnDeleteIs400_HTTP012) {
  auto client = Client();
  const std::string session = open(client);
  EXPECT_TRUE(IsRejection(delete_session(client, session, {{"MCP-Protocol-Version", "1999-01-01"}}),
                          400, -32000,
                          "[mcpgym.http.unsupported_protocol_version] Bad Request: unsupported "
                          "MCP-Protocol-Version \"1999-01-01\"; this session negotiated "
                          "2025-11-25"));
  // The refused DELETE must not have ended the session.
  EXPECT_EQ(post_json(client, rpc_request(2, "ping"), session).status, 200);
}

TEST_F(HttpHeaders, EverySupportedProtocolVersionIsAcceptedInAnySession_HTTP012) {
  auto client = Client();
  for (const auto& negotiated : kSupportedVersions) {
    const std::string session = open(client, nullptr, negotiated);
    for (const auto& version : kSupportedVersions) {
      EXPECT_TRUE(IsJsonReply(
          post_json(client, rpc_request(3, "ping"), session, {{"MCP-Protocol-Version", version}}),
          200, {{"jsonrpc", "2.0"}, {"id", 3}, {"result", json::object()}}))
          << "negotiated " << negotiated << ", header " << version;
      EXPECT_EQ(get(client, "/control/status",
                    {{"Mcp-Session-Id", session}, {"MCP-Protocol-Version", version}})
                    .status,
                200);
    }
  }
}

TEST_F(HttpHeaders, AbsentProtocolVersionIsAccepted_HTTP013) {
  auto client = Client();
  const std::string session = open(client);
  EXPECT_TRUE(IsJsonReply(post_json(client, rpc_request(4, "ping"), session), 200,
                          {{"jsonrpc", "2.0"}, {"id", 4}, {"result", json::object()}}));
}

// Without the header the negotiated version decides, which batches make visible:
// a 2025-03-26 session takes them, a 2025-06-18 one does not.
TEST_F(HttpHeaders, AbsentProtocolVersionMeansTheNegotiatedOne_HTTP013) {
  auto client = Client();
  const std::string old_session = open(client, nullptr, "2025-03-26");
  EXPECT_TRUE(
      IsJsonReply(post_json(client, json::array({rpc_request(1, "ping")}), old_session), 200,
                  json::array({{{"jsonrpc", "2.0"}, {"id", 1}, {"result", json::object()}}})));
  const std::string new_session = open(client, nullptr, "2025-06-18");
  EXPECT_TRUE(IsRejection(post_json(client, json::array({rpc_request(1, "ping")}), new_session),
                          400, -32600,
                          "[mcpgym.rpc.batch_rejected] Invalid Request: JSON-RPC batches are not "
                          "supported in protocol version 2025-06-18 (MCP removed them in "
                          "2025-06-18); send one message per request"));
}

}  // namespace
}  // namespace mcpgym::wiretest
