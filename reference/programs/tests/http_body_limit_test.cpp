// HTTP-005: request bodies over the configured limit get 413.
#include <gtest/gtest.h>

#include <cstdio>
#include <optional>

#include "common/testing/raw_socket.hpp"
#include "reference/programs/tests/support/in_process_server.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

class HttpBodyLimit : public HttpFixture {
 protected:
  void SetUp() override {
    auto options = test_server_options();
    options.max_body_bytes = 1024;
    Start({}, options);
  }
};

const char* const kTooLarge1024 =
    "[mcpgym.http.payload_too_large] Payload Too Large: the request body exceeds 1024 bytes (the "
    "server's --max-body)";

// A valid initialize padded with trailing whitespace to exactly `size` bytes.
std::string initialize_of_size(std::size_t size) {
  std::string body = initialize_request(1).dump();
  body.resize(size, ' ');
  return body;
}

TEST_F(HttpBodyLimit, BodyAtTheLimitIsServed_HTTP005) {
  auto client = Client();
  const auto exchange = post_text(client, initialize_of_size(1024), post_headers());
  EXPECT_EQ(exchange.status, 200) << describe(exchange);
  EXPECT_FALSE(exchange.header("Mcp-Session-Id").empty());
}

TEST_F(HttpBodyLimit, BodyOneByteOverTheLimitIs413_HTTP005) {
  auto client = Client();
  const auto exchange = post_text(client, initialize_of_size(1025), post_headers());
  EXPECT_TRUE(IsRejection(exchange, 413, -32000, kTooLarge1024));
  EXPECT_FALSE(exchange.has_header("Mcp-Session-Id"));
}

TEST_F(HttpBodyLimit, ServerKeepsServingAfterA413_HTTP005) {
  {
    auto client = Client();
    EXPECT_TRUE(IsRejection(post_text(client, initialize_of_size(64 * 1024), post_headers()), 413,
                            -32000, kTooLarge1024));
  }
  auto fresh = Client();
  const auto exchange = post_json(fresh, initialize_request(2));
  EXPECT_EQ(exchange.status, 200) << describe(exchange);
  const std::string session = exchange.header("Mcp-Session-Id");
  ASSERT_FALSE(session.empty());
  EXPECT_EQ(call_result(fresh, session, "ping"), json::object());
}

// Reference order of checks: the size comes first, whatever the session or path.
TEST_F(HttpBodyLimit, OversizedBodyIs413InASessionAndOnAnyPath_HTTP005) {
  std::string session;
  {
    auto client = Client();
    session = open(client);
  }
  {
    auto client = Client();
    EXPECT_TRUE(IsRejection(post_text(client, std::string(1025, ' '), post_headers(session)), 413,
                            -32000, kTooLarge1024));
  }
  {
    auto client = Client();
    EXPECT_TRUE(IsRejection(send(client, {"POST", "/elsewhere", {}, std::string(4096, 'x')}), 413,
                            -32000, kTooLarge1024));
  }
  auto client = Client();
  EXPECT_EQ(call_result(client, session, "ping"), json::object());
}

// The body in HTTP/1.1 chunked transfer coding, as one chunk.
std::string chunked(const std::string& body) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx", body.size());
  return std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n";
}

// A chunked POST exactly as sent: harness::RawHttpClient adds Content-Length
// to every body, and Content-Length with Transfer-Encoding is refused (HTTP-016).
std::optional<testkit::RawResponse> post_chunked(int port, const std::string& body) {
  testkit::RawSocket socket(port);
  if (!socket.send("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Accept: application/json, text/event-stream\r\n"
                   "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                   chunked(body))) {
    return std::nullopt;
  }
  return socket.read_response(kIoTimeout);
}

// The server does read chunked bodies (so the next test exercises the limit, not the coding).
TEST_F(HttpBodyLimit, ChunkedBodyWithinTheLimitIsServed_HTTP005) {
  const auto response = post_chunked(Port(), initialize_of_size(1000));
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 200) << response->body;
  EXPECT_NE(response->head.find("Mcp-Session-Id: "), std::string::npos) << response->head;
}

// Regression: cpp-httplib 0.11 enforced its payload limit only for Content-Length
// bodies; the server counts chunked bodies as they arrive.
TEST_F(HttpBodyLimit, ChunkedBodyOverTheLimitIs413_HTTP005) {
  const auto response = post_chunked(Port(), initialize_of_size(2000));
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(json::parse(response->body, nullptr, false),
            error_body(nullptr, -32000, kTooLarge1024));
  EXPECT_EQ(response->head.find("Mcp-Session-Id"), std::string::npos) << response->head;
}

using HttpDefaultBodyLimit = HttpFixture;

TEST_F(HttpDefaultBodyLimit, DefaultLimitIsFourMebibytes_HTTP005) {
  EXPECT_EQ(mcp::HttpServerOptions{}.max_body_bytes, 4194304U);
  auto client = Client();
  EXPECT_TRUE(IsRejection(post_text(client, initialize_of_size(4194305), post_headers()), 413,
                          -32000,
                          "[mcpgym.http.payload_too_large] Payload Too Large: the request body "
                          "exceeds 4194304 bytes (the server's --max-body)"));
  auto fresh = Client();
  const auto exchange = post_text(fresh, initialize_of_size(4194304), post_headers());
  EXPECT_EQ(exchange.status, 200) << describe(exchange);
}

}  // namespace
}  // namespace mcpgym::wiretest
