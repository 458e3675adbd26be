// The reference HTTP transport against hostile clients (docs/spec.md
// HTTP-016..HTTP-020, issue 9): malformed framing is refused at once, deep
// JSON is refused unparsed, and slow or silent clients cannot starve others.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/testing/raw_socket.hpp"
#include "reference/programs/tests/support/in_process_server.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

using namespace std::chrono_literals;
using testkit::RawResponse;
using testkit::RawSocket;

// The old cpp-httplib server refused only after waiting 5 s for a body that
// never came; these tests never send it, so an answer at all proves that
// nobody waited for the body.
constexpr auto kPromptly = 3s;

// A well-formed MCP POST head with the given extra header lines (each ending in CRLF).
std::string post_head(const std::string& extra) {
  return "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
         "Accept: application/json, text/event-stream\r\n"
         "Content-Type: application/json\r\n" +
         extra + "\r\n";
}

testing::AssertionResult IsRawRejection(const std::optional<RawResponse>& response, int status,
                                        int code, const std::string& message) {
  if (!response) return testing::AssertionFailure() << "no response before the deadline";
  const json body = json::parse(response->body, nullptr, false);
  const json expected = error_body(nullptr, code, message);
  if (response->status != status || body != expected) {
    return testing::AssertionFailure() << "got " << response->status << " " << response->body
                                       << "\nexpected " << status << " " << expected.dump();
  }
  if (response->head.find("Content-Type: application/json") == std::string::npos) {
    return testing::AssertionFailure() << "not application/json: " << response->head;
  }
  return testing::AssertionSuccess();
}

using HttpHostileClients = HttpFixture;

TEST_F(HttpHostileClients, ConflictingContentLengthsAre400_HTTP016) {
  RawSocket socket(Port());
  ASSERT_TRUE(socket.send(post_head("Content-Length: 2\r\nContent-Length: 3\r\n") + "{}"));
  EXPECT_TRUE(IsRawRejection(
      socket.read_response(kPromptly), 400, -32600,
      "[mcpgym.http.bad_request] Bad Request: conflicting Content-Length values (2 and 3)"));
  EXPECT_TRUE(socket.closed_within(5s)) << "the connection stays open after a bad framing";
}

TEST_F(HttpHostileClients, ImpossibleContentLengthIsRefusedBeforeTheBody_HTTP005_HTTP016) {
  {
    RawSocket socket(Port());
    ASSERT_TRUE(socket.send(post_head("Content-Length: 9223372036854775807\r\n")));
    EXPECT_TRUE(IsRawRejection(
        socket.read_response(kPromptly), 413, -32000,
        "[mcpgym.http.payload_too_large] Payload Too Large: the request body exceeds 4194304 "
        "bytes (the server's --max-body)"));
  }
  {
    RawSocket socket(Port());
    ASSERT_TRUE(socket.send(post_head("Content-Length: -1\r\n")));
    EXPECT_TRUE(IsRawRejection(socket.read_response(kPromptly), 400, -32600,
                               "[mcpgym.http.bad_request] Bad Request: malformed Content-Length "
                               "\"-1\""));
  }
  auto client = Client();
  EXPECT_EQ(post_json(client, initialize_request(1)).status, 200);
}

TEST_F(HttpHostileClients, TransferEncodingWithContentLengthIs400_HTTP016) {
  RawSocket socket(Port());
  ASSERT_TRUE(socket.send(post_head("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n")));
  EXPECT_TRUE(IsRawRejection(socket.read_response(kPromptly), 400, -32600,
                             "[mcpgym.http.bad_request] Bad Request: both Transfer-Encoding and "
                             "Content-Length; send one of them"));
}

TEST_F(HttpHostileClients, MultipartFormDataIs415_HTTP004) {
  auto client = Client();
  HeaderList headers = {{"Accept", "application/json, text/event-stream"},
                        {"Content-Type", "multipart/form-data; boundary=xyz"}};
  const auto exchange = post_text(client,
                                  "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" +
                                      initialize_request(1).dump() + "\r\n--xyz--\r\n",
                                  headers);
  EXPECT_TRUE(IsRejection(exchange, 415, -32000,
                          "[mcpgym.http.unsupported_media_type] Unsupported Media Type: "
                          "Content-Type must be application/json; got \"multipart/form-data; "
                          "boundary=xyz\""));
}

// The body of a tools/call whose arguments.action is `depth` nested arrays.
std::string deeply_nested_call(std::size_t depth) {
  const std::string before =
      R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"lake_move","arguments":{"action":)";
  return before + std::string(depth, '[') + std::string(depth, ']') + "}}}";
}

// "[mcpgym.json.too_deep] ..." for deeply_nested_call(depth): the 129th level is
// the 126th '[' (three objects enclose the arrays).
std::string too_deep_message(std::size_t depth) {
  const std::string body = deeply_nested_call(depth);
  return "[mcpgym.json.too_deep] the JSON text nests arrays and objects deeper than 128 levels "
         "(at byte " +
         std::to_string(body.find('[') + 125) + " of " + std::to_string(body.size()) +
         "); it was not parsed";
}

TEST_F(HttpHostileClients, DeeplyNestedJsonIs400AndTheServerGoesOn_HTTP020) {
  auto client = Client();
  const std::string session = open(client);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(IsRejection(post_text(client, deeply_nested_call(100'000), post_headers(session)),
                            400, -32600, too_deep_message(100'000)));
  }
  EXPECT_EQ(lake_move(client, session, "DOWN").value("isError", true), false);
}

// Slowloris: connections that send nothing or half a head, held open, cost
// the server no worker; a new client is served at once.
TEST_F(HttpHostileClients, TwoHundredHalfOpenConnectionsDoNotStarveANewClient_HTTP018) {
  std::vector<RawSocket> held;
  for (int i = 0; i < 200; ++i) {
    held.emplace_back(Port());
    if (i % 2 == 1) {
      ASSERT_TRUE(held.back().send("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    }
  }
  harness::RawHttpClient client("127.0.0.1", Port(), 3s);
  const auto exchange = client.send({"POST", "/mcp", post_headers(), initialize_request(1).dump()});
  ASSERT_TRUE(exchange.has_value()) << exchange.error();
  EXPECT_EQ(exchange->status, 200) << describe(*exchange);
}

TEST_F(HttpHostileClients, TooManyHeaderFieldsAre431_HTTP017) {
  std::string fields;
  for (int i = 0; i < 101; ++i)
    fields += "X-Field-" + std::to_string(i) + ": v\r\n";
  RawSocket socket(Port());
  ASSERT_TRUE(socket.send(post_head(fields + "Content-Length: 2\r\n") + "{}"));
  EXPECT_TRUE(IsRawRejection(socket.read_response(kPromptly), 431, -32000,
                             "[mcpgym.http.request_header_fields_too_large] Request Header Fields "
                             "Too Large: the request head exceeds 65536 bytes or 100 header "
                             "fields"));
}

TEST_F(HttpHostileClients, HeadOverSixtyFourKibibytesIs431EvenUnfinished_HTTP017) {
  RawSocket socket(Port());
  // Never finished: the server refuses once the head is too large, not at its end.
  ASSERT_TRUE(socket.send("POST /mcp HTTP/1.1\r\nX-Big: " + std::string(65 * 1024, 'a')));
  EXPECT_TRUE(IsRawRejection(socket.read_response(kPromptly), 431, -32000,
                             "[mcpgym.http.request_header_fields_too_large] Request Header Fields "
                             "Too Large: the request head exceeds 65536 bytes or 100 header "
                             "fields"));
}

class HttpSlowClients : public HttpFixture {
 protected:
  void SetUp() override {
    auto options = test_server_options();
    options.request_timeout = 300ms;
    options.keep_alive_timeout = 300ms;
    Start({}, options);
  }
};

// A client dripping one byte at a time keeps the connection busy, yet the
// whole request has one deadline from its first byte: it is cut there.
TEST_F(HttpSlowClients, DripFeedingIsCutAtTheWholeRequestDeadline_HTTP018) {
  RawSocket socket(Port());
  const std::string request = post_head("Content-Length: 2\r\n") + "{}";
  const auto start = RawSocket::Clock::now();
  std::optional<RawResponse> response;
  for (std::size_t i = 0; i < request.size() && !response; ++i) {
    if (!socket.send(request.substr(i, 1))) break;
    response = socket.read_response(20ms);  // the drip's pace, ending when the server answers
  }
  if (!response) response = socket.read_response(kPromptly);
  const bool refused = response.has_value();
  ASSERT_TRUE(refused) << "no 408 within 5 s";
  EXPECT_TRUE(IsRawRejection(response, 408, -32000,
                             "[mcpgym.http.request_timeout] Request Timeout: the request was not "
                             "complete within 300 ms of its first byte (the server's "
                             "--request-timeout); the connection is closed"));
  EXPECT_LT(RawSocket::Clock::now() - start, 5s);
  EXPECT_TRUE(socket.closed_within(5s));
}

TEST_F(HttpSlowClients, SilentConnectionIsClosedAfterTheKeepAliveTimeout_HTTP018) {
  RawSocket silent(Port());
  EXPECT_TRUE(silent.closed_within(5s)) << "a silent connection was still open after 5 s";
  EXPECT_EQ(silent.received(), "") << "closing an idle connection says nothing";
  // And after an answered request, the idle connection closes too.
  RawSocket socket(Port());
  ASSERT_TRUE(socket.send(
      post_head("Content-Length: " + std::to_string(initialize_request(1).dump().size()) + "\r\n") +
      initialize_request(1).dump()));
  const auto response = socket.read_response(kPromptly);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(socket.closed_within(5s));
}

class HttpConnectionCap : public HttpFixture {
 protected:
  void SetUp() override {
    auto options = test_server_options();
    options.max_connections = 3;
    Start({}, options);
  }
};

// Past the cap the connection waiting longest for a request is closed, so
// idle or slow connections cannot lock new clients out.
TEST_F(HttpConnectionCap, NewClientPastTheCapClosesTheLongestWaiting_HTTP019) {
  std::vector<RawSocket> held;
  for (int i = 0; i < 3; ++i)
    held.emplace_back(Port());
  ASSERT_TRUE(held[1].send("POST /mcp HTTP/1.1\r\n"));
  auto client = Client();
  EXPECT_EQ(post_json(client, initialize_request(1)).status, 200);
  EXPECT_TRUE(held[0].closed_within(kPromptly)) << "the oldest idle connection stays open";
}

}  // namespace
}  // namespace mcpgym::wiretest
