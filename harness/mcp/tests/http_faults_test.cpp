// The HTTP client against servers that misbehave: bad URLs, refused
// connections, a server that never answers, and canned wrong answers.
#include <gtest/gtest.h>

#include "harness/mcp/client.hpp"
#include "harness/mcp/tests/support.hpp"

namespace mcpgym::harness {
namespace {

using testing::CannedServer;
using testing::SeenRequest;

constexpr auto kShort = std::chrono::milliseconds(300);

const std::string kInitSent =
    "POST /mcp {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
    "\"capabilities\":{},\"clientInfo\":{\"name\":\"mcpgym-harness\",\"version\":\"0.1.0\"},"
    "\"protocolVersion\":\"2025-11-25\"}}";
const std::string kPingSent = "POST /mcp {\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}";

std::string init_result(const std::string& version = "2025-06-18") {
  return json{{"protocolVersion", version},
              {"capabilities", json::object()},
              {"serverInfo", {{"name", "canned"}, {"version", "1"}}}}
      .dump();
}

std::string response(int id, const std::string& result_json) {
  return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"result":)" + result_json + "}";
}

// A well-behaved initialize (session "abc"), 202 for notifications, and
// `answer` for everything else.
CannedServer::Handler after_initialize(CannedServer::Handler answer) {
  return [answer](const SeenRequest& req, httplib::Response& res) {
    if (req.method == "POST") {
      const json message = json::parse(req.body);
      if (message.at("method") == "initialize") {
        res.set_header("Mcp-Session-Id", "abc");
        res.set_content(response(message.at("id"), init_result()), "application/json");
        return;
      }
      if (!message.contains("id")) {
        res.status = 202;
        return;
      }
    }
    answer(req, res);
  };
}

// Every request after initialize gets `body` as `content_type` with `status`.
CannedServer::Handler canned(std::string body, std::string content_type = "application/json",
                             int status = 200) {
  return after_initialize([=](const SeenRequest&, httplib::Response& res) {
    res.status = status;
    if (content_type.empty()) {
      res.body = body;
    } else {
      res.set_content(body, content_type.c_str());
    }
  });
}

std::unique_ptr<McpClient> connect(const std::string& url) {
  ClientOptions options;
  options.timeout = kShort;
  auto client = connect_http(url, options);
  EXPECT_TRUE(client) << client.error();
  return std::move(*client);
}

std::unique_ptr<McpClient> initialized(const CannedServer& server) {
  auto client = connect(server.url());
  auto result = client->initialize(nullptr);
  EXPECT_TRUE(result) << result.error().message();
  return client;
}

// The message of a ping sent after initialize to a server answering with `handler`.
std::string ping_error(CannedServer::Handler handler) {
  CannedServer server(std::move(handler));
  auto client = initialized(server);
  auto result = client->request("ping", nullptr);
  if (result) return "(no error: " + result->dump() + ")";
  return result.error().message();
}

TEST(HttpUrl, BadUrlsAreRefusedWithTheReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "expected http://host:port/path (https and other schemes are not supported)"},
      {"localhost:8000/mcp",
       "expected http://host:port/path (https and other schemes are not supported)"},
      {"https://127.0.0.1:8000/mcp",
       "expected http://host:port/path (https and other schemes are not supported)"},
      {"http:///mcp", "no host"},
      {"http://127.0.0.1:/mcp", "an empty port"},
      {"http://127.0.0.1:http/mcp", "the port is not a number from 1 to 65535"},
      {"http://127.0.0.1:0/mcp", "the port is not a number from 1 to 65535"},
      {"http://127.0.0.1:65536/mcp", "the port is not a number from 1 to 65535"},
      {"http://127.0.0.1:99999999999999999999/mcp", "the port is not a number from 1 to 65535"},
      {"http://user@127.0.0.1:80/mcp", "user information is not supported"},
      {"http://[::1/mcp", "an IPv6 address without its closing ']'"},
      {"http://127.0.0.1:80/a b", "the path has a space or a non-ASCII character"},
  };
  for (const auto& [url, why] : cases) {
    auto client = connect_http(url);
    ASSERT_FALSE(client) << url;
    EXPECT_EQ(client.error(), "[mcpgym.client.bad_url] cannot use \"" + url + "\": " + why);
  }
}

TEST(HttpUrl, GoodUrlsAreAccepted) {
  for (const std::string url :
       {"http://127.0.0.1:8000/mcp", "HTTP://localhost/mcp", "http://[::1]:8000/mcp",
        "http://127.0.0.1:8000", "http://127.0.0.1:8000/mcp?x=1#frag"}) {
    EXPECT_TRUE(connect_http(url)) << url;
  }
}

TEST(HttpTransport, RefusedConnectionIsATransportError) {
  const int port = testing::refused_port();
  auto client = connect(testing::url_for(port));
  auto result = client->initialize(nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, CallErrorKind::kTransport);
  EXPECT_EQ(result.error().http_status, 0);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.transport] initialize: [mcpgym.http_client.refused] POST "
            "http://127.0.0.1:" +
                std::to_string(port) +
                "/mcp: the connection was refused (nothing listens on 127.0.0.1:" +
                std::to_string(port) + ") (sent " + kInitSent + ", got nothing)");
  EXPECT_FALSE(initialize_probe(kShort)(testing::url_for(port)));
}

TEST(HttpTransport, ServerThatNeverAnswersIsATimeoutNotAHang) {
  testing::RawListener silent;
  auto client = connect(testing::url_for(silent.port()));
  auto result = client->initialize(nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.transport] initialize: [mcpgym.http_client.hang] POST "
            "http://127.0.0.1:" +
                std::to_string(silent.port()) +
                "/mcp: nothing arrived within the call's deadline of 300 ms (sent " + kInitSent +
                ", got nothing)");
}

TEST(HttpHeaders, EveryRequestCarriesTheMcpHeaders) {
  CannedServer server(after_initialize([](const SeenRequest& req, httplib::Response& res) {
    if (req.method == "POST") {
      res.set_content(response(json::parse(req.body).at("id"), "{}"), "application/json");
    } else if (req.method == "GET") {
      res.set_content(R"({"reward":0.0})", "application/json");
    }  // DELETE: 200, empty
  }));
  auto client = initialized(server);
  EXPECT_EQ(client->session_id(), "abc");
  EXPECT_EQ(client->negotiated_version(), "2025-06-18");
  ASSERT_TRUE(client->request("ping", nullptr));
  auto control = client->read_control_http("reward");
  ASSERT_TRUE(control) << control.error().message();
  EXPECT_EQ(*control, json::parse(R"({"reward":0.0})"));
  ASSERT_TRUE(client->close());
  ASSERT_TRUE(client->close());

  const auto seen = server.seen();
  ASSERT_EQ(seen.size(), 5u);  // initialize, initialized, ping, GET, one DELETE
  for (const auto& req : seen) {
    if (req.method == "POST") {
      EXPECT_EQ(req.path, "/mcp");
      EXPECT_EQ(req.header("Accept"), "application/json, text/event-stream");
      EXPECT_EQ(req.header("Content-Type"), "application/json");
    }
  }
  EXPECT_EQ(seen[0].header("Mcp-Session-Id"), "(absent)");
  EXPECT_EQ(seen[0].header("MCP-Protocol-Version"), "(absent)");
  EXPECT_EQ(json::parse(seen[1].body),
            json::parse(R"({"jsonrpc":"2.0","method":"notifications/initialized"})"));
  for (std::size_t i = 1; i <= 2; ++i) {
    EXPECT_EQ(seen[i].header("Mcp-Session-Id"), "abc") << i;
    EXPECT_EQ(seen[i].header("MCP-Protocol-Version"), "2025-06-18") << i;
  }
  EXPECT_EQ(seen[3].method, "GET");
  EXPECT_EQ(seen[3].path, "/control/reward");
  EXPECT_EQ(seen[3].header("Mcp-Session-Id"), "abc");
  EXPECT_EQ(seen[4].method, "DELETE");
  EXPECT_EQ(seen[4].path, "/mcp");
  EXPECT_EQ(seen[4].header("Mcp-Session-Id"), "abc");
  EXPECT_EQ(seen[4].header("MCP-Protocol-Version"), "2025-06-18");
}

// accept_override (testing only) replaces the Accept header of every POST, and nothing else.
TEST(HttpHeaders, AcceptOverrideReplacesTheAcceptOfEveryPost) {
  CannedServer server(after_initialize([](const SeenRequest& req, httplib::Response& res) {
    res.set_content(response(json::parse(req.body).at("id"), "{}"), "application/json");
  }));
  ClientOptions options;
  options.timeout = kShort;
  options.accept_override = "application/json";
  auto client = connect_http(server.url(), options);
  ASSERT_TRUE(client) << client.error();
  ASSERT_TRUE((*client)->initialize(nullptr));
  ASSERT_TRUE((*client)->request("ping", nullptr));

  const auto seen = server.seen();
  ASSERT_EQ(seen.size(), 3u);  // initialize, initialized, ping
  for (const auto& req : seen) {
    EXPECT_EQ(req.header("Accept"), "application/json");
    EXPECT_EQ(req.header("Content-Type"), "application/json");
  }
  EXPECT_EQ(seen[2].header("Mcp-Session-Id"), "abc");
  EXPECT_EQ(seen[2].header("MCP-Protocol-Version"), "2025-06-18");
}

TEST(HttpAnswers, SseStreamWithServerMessagesBeforeTheResponse) {
  const std::string stream =
      ": comment\n\n"
      "id: 0\ndata:\n\n"
      "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
      "\"params\":{}}\n\n"
      "data: {\"jsonrpc\":\"2.0\",\"id\":\"srv-1\",\"method\":\"ping\"}\n\n"
      "event: other\ndata: {\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"wrong\":true}}\n\n"
      "event: message\r\ndata: {\"jsonrpc\":\"2.0\",\r\ndata: \"id\":2,\"result\":{\"ok\":1}}"
      "\r\n\r\n";
  EXPECT_EQ(ping_error(canned(stream, "text/event-stream; charset=utf-8")),
            "(no error: {\"ok\":1})");
}

TEST(HttpAnswers, ContentTypeParametersAndCaseAreAccepted) {
  EXPECT_EQ(ping_error(canned(response(2, "{}"), "Application/JSON; charset=utf-8")),
            "(no error: {})");
}

TEST(HttpAnswers, BodyThatIsNotJson) {
  EXPECT_EQ(ping_error(canned("not json\n")),
            "[mcpgym.client.bad_response] ping: the body is not JSON (sent " + kPingSent +
                ", got HTTP 200: not json\\x0a)");
}

TEST(HttpAnswers, WrongContentType) {
  EXPECT_EQ(ping_error(canned(response(2, "{}"), "text/plain")),
            "[mcpgym.client.bad_response] ping: the answer's Content-Type is \"text/plain\"; "
            "expected application/json or text/event-stream (sent " +
                kPingSent + ", got HTTP 200: {\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}})");
}

TEST(HttpAnswers, MissingContentType) {
  // cpp-httplib's server adds Content-Type: text/plain to any body, so this one is raw.
  const std::string body = response(1, init_result());
  testing::RawListener server("HTTP/1.1 200 OK\r\nMcp-Session-Id: abc\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  auto client = connect(testing::url_for(server.port()));
  auto result = client->initialize(nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.bad_response] initialize: the answer has no Content-Type; expected "
            "application/json or text/event-stream (sent " +
                kInitSent + ", got HTTP 200: " + body + ")");
}

// What goes on the wire, byte for byte: the MCP headers, and what cpp-httplib
// adds on its own (Host, User-Agent, Content-Length), all in its order
// (sorted by name), not ours.
TEST(HttpHeaders, ExactInitializeRequestOnTheWire) {
  testing::RawListener server(
      "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n"
      "Connection: close\r\n\r\n");
  auto client = connect(testing::url_for(server.port()));
  EXPECT_EQ(client->initialize(nullptr).error().http_status, 500);
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const std::string body = kInitSent.substr(std::string("POST /mcp ").size());
  EXPECT_EQ(requests[0],
            "POST /mcp HTTP/1.1\r\n"
            "Host: 127.0.0.1:" +
                std::to_string(server.port()) +
                "\r\n"
                "Accept: application/json, text/event-stream\r\n"
                "Content-Type: application/json\r\n"
                "User-Agent: mcpgym-harness\r\n"
                "Content-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body);
}

TEST(HttpAnswers, WrongId) {
  EXPECT_EQ(
      ping_error(canned(response(7, "{}"))),
      "[mcpgym.client.bad_response] ping: the answer's id is 7, not 2 (the request's) (sent " +
          kPingSent + ", got HTTP 200: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}})");
  EXPECT_EQ(ping_error(canned(R"({"jsonrpc":"2.0","id":"2","result":{}})")),
            "[mcpgym.client.bad_response] ping: the answer's id is \"2\", not 2 (the request's) "
            "(sent " +
                kPingSent + ", got HTTP 200: {\"jsonrpc\":\"2.0\",\"id\":\"2\",\"result\":{}})");
  EXPECT_EQ(ping_error(canned(R"({"jsonrpc":"2.0","result":{}})")),
            "[mcpgym.client.bad_response] ping: the answer has no id; expected 2 (sent " +
                kPingSent + ", got HTTP 200: {\"jsonrpc\":\"2.0\",\"result\":{}})");
}

TEST(HttpAnswers, WrongIdInAnEventStream) {
  EXPECT_EQ(
      ping_error(canned("data: " + response(9, "{}") + "\n\n", "text/event-stream")),
      "[mcpgym.client.bad_response] ping: the answer's id is 9, not 2 (the request's) (sent " +
          kPingSent +
          ", got HTTP 200: data: {\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{}}\\x0a\\x0a)");
}

TEST(HttpAnswers, EventStreamWithoutAResponse) {
  EXPECT_EQ(ping_error(canned(": only\n\nid: 0\ndata:\n\n", "text/event-stream")),
            "[mcpgym.client.bad_response] ping: the event stream (1 event(s)) holds no response to "
            "request 2 (sent " +
                kPingSent + ", got HTTP 200: : only\\x0a\\x0aid: 0\\x0adata:\\x0a\\x0a)");
  EXPECT_EQ(ping_error(canned("", "text/event-stream")),
            "[mcpgym.client.bad_response] ping: the event stream (0 event(s)) holds no response to "
            "request 2 (sent " +
                kPingSent + ", got HTTP 200 with an empty body)");
}

TEST(HttpAnswers, EventDataThatIsNotJson) {
  EXPECT_EQ(ping_error(canned("data: {oops\n\n", "text/event-stream")),
            "[mcpgym.client.bad_response] ping: a message event's data is not JSON: {oops (sent " +
                kPingSent + ", got HTTP 200: data: {oops\\x0a\\x0a)");
}

TEST(HttpAnswers, MalformedResponses) {
  const auto why = [](const std::string& body) {
    const std::string message = ping_error(canned(body));
    const auto start = std::string("[mcpgym.client.bad_response] ping: ").size();
    return message.substr(start, message.find(" (sent ") - start);
  };
  EXPECT_EQ(why("[1]"), "the answer is an array of 1 element(s), not a JSON-RPC response");
  EXPECT_EQ(why("3"), "the answer is 3, not a JSON-RPC response");
  EXPECT_EQ(why(R"({"id":2,"result":{}})"), "the answer's \"jsonrpc\" is missing, not \"2.0\"");
  EXPECT_EQ(why(R"({"jsonrpc":"1.0","id":2,"result":{}})"),
            "the answer's \"jsonrpc\" is \"1.0\", not \"2.0\"");
  EXPECT_EQ(why(R"({"jsonrpc":"2.0","id":2})"), "the answer has neither \"result\" nor \"error\"");
  EXPECT_EQ(why(R"({"jsonrpc":"2.0","id":2,"result":{},"error":{"code":1,"message":"x"}})"),
            "the answer has both \"result\" and \"error\"");
  EXPECT_EQ(why(R"({"jsonrpc":"2.0","id":2,"error":{"code":"x","message":"m"}})"),
            "the answer's \"error\" is not a JSON-RPC error object (an integer \"code\" and a "
            "string \"message\")");
  EXPECT_EQ(why(R"({"jsonrpc":"2.0","id":2.0,"result":{}})"),
            "the answer's id is 2.0, not 2 (the request's)");
  EXPECT_EQ(why(R"({"jsonrpc":"2.0","method":"ping","id":2})"),
            "the body is a request or notification, not the response");
}

TEST(HttpAnswers, RpcErrorAnswer) {
  CannedServer server(canned(R"({"jsonrpc":"2.0","id":2,"error":{"code":-1,"message":"no"}})"));
  auto client = initialized(server);
  auto result = client->request("ping", nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().rpc_error, json::parse(R"({"code":-1,"message":"no"})"));
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.rpc_error] ping: the server answered JSON-RPC error -1: no (sent " +
                kPingSent +
                ", got HTTP 200: {\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-1,\"message\":"
                "\"no\"}})");
}

TEST(HttpAnswers, UnexpectedStatusKeepsTheRpcErrorOfTheBody) {
  CannedServer server(
      canned(R"({"jsonrpc":"2.0","id":null,"error":{"code":-32000,"message":"down"}})",
             "application/json", 503));
  auto client = initialized(server);
  auto result = client->request("ping", nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().http_status, 503);
  EXPECT_EQ(result.error().rpc_error, json::parse(R"({"code":-32000,"message":"down"})"));
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.http_status] ping: the server answered HTTP 503 where 200 with a "
            "JSON-RPC response was expected (sent " +
                kPingSent +
                ", got HTTP 503: {\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,"
                "\"message\":\"down\"}})");
}

TEST(HttpAnswers, LongBodiesAreCut) {
  const std::string message = ping_error(canned(std::string(1000, 'x')));
  EXPECT_EQ(message, "[mcpgym.client.bad_response] ping: the body is not JSON (sent " + kPingSent +
                         ", got HTTP 200: " + std::string(300, 'x') + "...)");
}

TEST(HttpInitialize, MissingSessionHeader) {
  CannedServer server([](const SeenRequest&, httplib::Response& res) {
    res.set_content(response(1, init_result()), "application/json");
  });
  auto client = connect(server.url());
  auto result = client->initialize(nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.bad_response] initialize: the answer carries no Mcp-Session-Id "
            "header; MCP-Gym requires a session (SESS-001) (sent " +
                kInitSent + ", got HTTP 200: " + response(1, init_result()) + ")");
  EXPECT_EQ(client->session_id(), std::nullopt);
  EXPECT_EQ(server.seen().size(), 1u);  // no notifications/initialized
}

TEST(HttpInitialize, SessionHeaderThatIsNotVisibleAscii) {
  CannedServer server([](const SeenRequest&, httplib::Response& res) {
    res.set_header("Mcp-Session-Id", "a b");
    res.set_content(response(1, init_result()), "application/json");
  });
  auto client = connect(server.url());
  auto result = client->initialize(nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().why,
            "the Mcp-Session-Id header \"a b\" is empty or not visible ASCII (SESS-002)");
}

TEST(HttpInitialize, ProtocolVersionThatIsNotAString) {
  const std::string body = R"({"jsonrpc":"2.0","id":1,"result":{"protocolVersion":20251125}})";
  CannedServer server([body](const SeenRequest& req, httplib::Response& res) {
    res.set_header("Mcp-Session-Id", "abc");
    if (req.method == "POST") res.set_content(body, "application/json");
  });
  auto client = connect(server.url());
  auto result = client->initialize(nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.bad_response] initialize: the initialize result has no string "
            "\"protocolVersion\" (sent " +
                kInitSent + ", got HTTP 200: " + body + ")");
  // The session was created, so close() still ends it.
  EXPECT_EQ(client->session_id(), "abc");
  ASSERT_TRUE(client->close());
  EXPECT_EQ(server.seen().back().method, "DELETE");
}

TEST(HttpInitialize, InitializedNotificationNotAccepted) {
  CannedServer server([](const SeenRequest& req, httplib::Response& res) {
    res.set_header("Mcp-Session-Id", "abc");
    if (json::parse(req.body).contains("id")) {
      res.set_content(response(1, init_result()), "application/json");
    } else {
      res.set_content("{}", "application/json");  // 200 instead of 202
    }
  });
  auto client = connect(server.url());
  auto result = client->initialize(nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.http_status] notifications/initialized: the server answered HTTP 200 "
            "where 202 Accepted was expected for a notification (sent POST /mcp "
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}, got HTTP 200: {})");
}

TEST(HttpResults, ResourceAndToolResultsOfTheWrongShape) {
  const auto first_error = [](const std::string& result_json, bool tool) {
    CannedServer server(canned(response(2, result_json)));
    auto client = initialized(server);
    auto result = tool ? client->call_tool("t", json::object()) : client->read_resource("r://x");
    return result ? std::string("(no error)") : result.error().why;
  };
  EXPECT_EQ(first_error("[]", true),
            "the tools/call result is an array of 0 element(s), not an object");
  EXPECT_EQ(first_error("{}", false), "the result for r://x has no string \"contents[0].text\"");
  EXPECT_EQ(first_error(R"({"contents":[]})", false),
            "the result for r://x has no string \"contents[0].text\"");
  EXPECT_EQ(first_error(R"({"contents":[{"text":1}]})", false),
            "the result for r://x has no string \"contents[0].text\"");
  EXPECT_EQ(first_error(R"({"contents":[{"text":"nope"}]})", false),
            "\"contents[0].text\" of r://x is not JSON: nope");
  EXPECT_EQ(first_error(R"({"contents":[{"text":"[1]"}]})", false), "(no error)");
}

TEST(HttpControl, WrongAnswersToTheControlEndpoint) {
  const auto control_error = [](CannedServer::Handler handler) {
    CannedServer server(std::move(handler));
    auto client = initialized(server);
    auto result = client->read_control_http("re ward");
    return result ? std::string("(no error)") : result.error().message();
  };
  EXPECT_EQ(control_error(canned("nope")),
            "[mcpgym.client.bad_response] GET /control/re%20ward: the body is not JSON (sent GET "
            "/control/re%20ward, got HTTP 200: nope)");
  EXPECT_EQ(control_error(canned("{}", "text/event-stream")),
            "[mcpgym.client.bad_response] GET /control/re%20ward: the answer's Content-Type is "
            "\"text/event-stream\"; expected application/json (sent GET /control/re%20ward, got "
            "HTTP 200: {})");
  EXPECT_EQ(control_error(canned("", "", 404)),
            "[mcpgym.client.http_status] GET /control/re%20ward: the server answered HTTP 404 "
            "where 200 with the control payload was expected (sent GET /control/re%20ward, got "
            "HTTP 404 with an empty body)");
}

TEST(HttpClose, DeleteRefusedWith405IsFineOtherStatusesAreNot) {
  {
    CannedServer server(canned("", "", 405));
    auto client = initialized(server);
    EXPECT_TRUE(client->close());
  }
  CannedServer server(canned("", "", 500));
  auto client = initialized(server);
  auto closed = client->close();
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().message(),
            "[mcpgym.client.http_status] DELETE /mcp: the server answered HTTP 500 where 200 was "
            "expected; the session may still exist (sent DELETE /mcp, got HTTP 500 with an empty "
            "body)");
  EXPECT_TRUE(client->close());  // once only
  EXPECT_EQ(server.seen().size(), 3u);
}

}  // namespace
}  // namespace mcpgym::harness
