// send_head_only: returns once the head (and a Content-Length body) has come,
// without waiting for a stream the server holds open; says what went wrong.
#include "harness/http/head_only.hpp"

#include <gtest/gtest.h>

#include "harness/http/tests/scripted_server.hpp"

namespace mcpgym::harness {
namespace {

using testing::ScriptedServer;
using Connection = ScriptedServer::Connection;

// Long enough never to be met when the call works: a call that waited for a
// held stream would end here, with an error, and fail the test.
constexpr std::chrono::milliseconds kTimeout{20'000};

HttpRequest get_mcp() {
  return {
      .method = "GET", .path = "/mcp", .headers = {{"Accept", "text/event-stream"}}, .body = ""};
}

TEST(SendHeadOnly, ReadsTheHeadAndAContentLengthBody) {
  ScriptedServer server([](const Connection& c) {
    c.write(
        "HTTP/1.1 405 Method Not Allowed\r\nAllow: POST, DELETE\r\nContent-Length: 4\r\n\r\n"
        "nope and more");
    c.hold();
  });
  auto x = send_head_only("127.0.0.1", server.port(), get_mcp(), kTimeout);
  ASSERT_TRUE(x) << x.error();
  EXPECT_EQ(x->status, 405);
  EXPECT_EQ(x->header("allow"), "POST, DELETE");
  EXPECT_EQ(x->body, "nope");
  EXPECT_EQ(x->request.method, "GET");
}

TEST(SendHeadOnly, ReturnsAHeldEventStreamWithWhatCameWithTheHead) {
  ScriptedServer server([](const Connection& c) {
    c.write(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\r\n"
        ": first\n\n");
    c.hold();  // the stream stays open until the server is destroyed
  });
  auto x = send_head_only("127.0.0.1", server.port(), get_mcp(), kTimeout);
  ASSERT_TRUE(x) << x.error();
  EXPECT_EQ(x->status, 200);
  EXPECT_EQ(x->body, ": first\n\n");
}

TEST(SendHeadOnly, ReturnsAHeldChunkedBody) {
  ScriptedServer server([](const Connection& c) {
    c.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    c.hold();
  });
  auto x = send_head_only("127.0.0.1", server.port(), get_mcp(), kTimeout);
  ASSERT_TRUE(x) << x.error();
  EXPECT_EQ(x->status, 200);
  EXPECT_EQ(x->body, "");
}

TEST(SendHeadOnly, AnAnswerWithoutAHeadIsAnErrorAtTheDeadline) {
  ScriptedServer server([](const Connection& c) {
    c.write("HTTP/1.1 200 OK\r\n");
    c.hold();
  });
  auto x = send_head_only("127.0.0.1", server.port(), get_mcp(), std::chrono::milliseconds(300));
  ASSERT_FALSE(x);
  EXPECT_EQ(x.error(),
            R"(GET /mcp: no complete answer within 300 ms (got HTTP/1.1 200 OK\x0d\x0a))");
}

TEST(SendHeadOnly, AMalformedStatusLineIsNamed) {
  ScriptedServer server([](const Connection& c) { c.write("SPDY/9 what\r\n\r\n"); });
  auto x = send_head_only("127.0.0.1", server.port(), get_mcp(), kTimeout);
  ASSERT_FALSE(x);
  EXPECT_EQ(
      x.error(),
      R"(GET /mcp: the answer does not start with an HTTP/1.x status line: "SPDY/9 what\x0d")");
}

TEST(SendHeadOnly, ARefusedConnectionIsNamed) {
  int port = 0;
  {
    ScriptedServer closed([](const Connection&) {});
    port = closed.port();
  }
  auto x = send_head_only("127.0.0.1", port, get_mcp(), kTimeout);
  ASSERT_FALSE(x);
  EXPECT_EQ(x.error(), "GET /mcp: cannot connect to 127.0.0.1:" + std::to_string(port));
}

}  // namespace
}  // namespace mcpgym::harness
