// The MCP client against hostile HTTP servers: an SSE answer is taken as soon
// as it arrives however long the stream goes on, a stream without the answer
// ends at the deadline or the cap, and a million-deep JSON answer is refused
// by its depth, never walked.
#include <gtest/gtest.h>

#include "harness/http/tests/hostile_exchange.hpp"
#include "harness/http/tests/scripted_server.hpp"
#include "harness/mcp/client.hpp"

namespace mcpgym::harness {
namespace {

using namespace testing;  // harness::testing: the scripted server and the hostile bounds
using std::chrono::milliseconds;
using Connection = ScriptedServer::Connection;

const std::string kPingSent = R"(POST /mcp {"jsonrpc":"2.0","id":1,"method":"ping"})";
const std::string kSseHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n";

std::string url(const ScriptedServer& server) {
  return "http://127.0.0.1:" + std::to_string(server.port()) + "/mcp";
}
std::string on(const ScriptedServer& server) {
  return testing::on(server.port());
}

struct Call {
  Result<json> result;
  Clock::duration took;
};

// One ping (no initialize: the scripted server answers anything) within kDeadline.
Call ping(const ScriptedServer& server, HttpLimits limits = {}, milliseconds timeout = kDeadline) {
  ClientOptions options;
  options.timeout = timeout;
  options.http_limits = limits;
  auto client = connect_http(url(server), options);
  EXPECT_TRUE(client);
  const auto start = Clock::now();
  auto result = (*client)->request("ping", nullptr);
  return {std::move(result), Clock::now() - start};
}

std::string message_of(const Call& call) {
  return call.result ? "(no error: " + call.result->dump() + ")" : call.result.error().message();
}

// The event stream is written after `events`, then comments forever.
ScriptedServer::Script stream_then_comments(std::string events) {
  return [events](const Connection& c) {
    if (!c.write(kSseHead + events)) return;
    while (c.write(": keep-alive\n\n") && c.pause(1)) {
    }
  };
}

TEST(HttpHostile, SseAnswerIsTakenWhileTheStreamGoesOn) {
  ScriptedServer server(
      stream_then_comments("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n"
                           "data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"ok\":true}}\n\n"));
  const Call call = ping(server);
  ASSERT_TRUE(call.result) << call.result.error().message();
  EXPECT_EQ(*call.result, json({{"ok", true}}));
  EXPECT_LT(call.took, kDeadline);  // it did not wait for the stream's end
}

TEST(HttpHostile, SseAnswerSplitAcrossPiecesIsAssembled) {
  ScriptedServer server([](const Connection& c) {
    const std::string stream =
        kSseHead + "data: {\"jsonrpc\":\"2.0\",\r\ndata: \"id\":1,\"result\":{}}\r\n\r\n";
    for (char byte : stream) {
      if (!c.write(std::string(1, byte))) return;
    }
    c.hold();
  });
  const Call call = ping(server);
  ASSERT_TRUE(call.result) << call.result.error().message();
  EXPECT_EQ(*call.result, json::object());
}

TEST(HttpHostile, SseWithoutAnswerEndsAtTheDeadline) {
  ScriptedServer server(stream_then_comments(""));
  const Call call = ping(server);
  EXPECT_EQ(counts_masked(message_of(call)),
            "[mcpgym.client.transport] ping: " + testing::deadline_passed_masked(server.port()) +
                " (sent " + kPingSent + ", got nothing)");
  EXPECT_LT(call.took, kDeadline + kMargin);
}

TEST(HttpHostile, SseWithoutAnswerEndsAtTheStreamCap) {
  ScriptedServer server([](const Connection& c) {
    if (!c.write(kSseHead)) return;
    while (c.write(": " + std::string(4096, 'k') + "\n\n")) {
    }
  });
  HttpLimits limits;
  limits.max_sse_bytes = 1024 * 1024;
  const Call call = ping(server, limits);
  EXPECT_EQ(message_of(call),
            "[mcpgym.client.transport] ping: [mcpgym.http_client.body_too_large] " + on(server) +
                "the event stream passed the cap of 1048576 bytes (max_sse_bytes); the rest was "
                "not read (sent " +
                kPingSent + ", got nothing)");
  EXPECT_LT(call.took, kDeadline + kMargin);
}

TEST(HttpHostile, MillionDeepJsonResultIsRefusedNotWalked) {
  const std::string deep = std::string(1'000'000, '[') + std::string(1'000'000, ']');
  const std::string body = R"({"jsonrpc":"2.0","id":1,"result":)" + deep + "}";
  ScriptedServer server([body](const Connection& c) {
    c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body);
  });
  const Call call = ping(server);
  EXPECT_EQ(
      message_of(call),
      "[mcpgym.client.bad_response] ping: the body is refused: [mcpgym.json.too_deep] the "
      "JSON text nests arrays and objects deeper than 128 levels (at byte 160 of 2000034); it "
      "was not parsed (sent " +
          kPingSent + ", got HTTP 200: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" +
          std::string(267, '[') + "...)");
}

TEST(HttpHostile, MillionDeepJsonInAnEventIsRefusedNotWalked) {
  const std::string deep = std::string(1'000'000, '[') + std::string(1'000'000, ']');
  ScriptedServer server(stream_then_comments("data: " + deep + "\n\n"));
  const Call call = ping(server);
  ASSERT_FALSE(call.result);
  EXPECT_EQ(call.result.error().why,
            "a message event's data is refused: [mcpgym.json.too_deep] the JSON text nests arrays "
            "and objects deeper than 128 levels (at byte 128 of 2000000); it was not parsed");
  EXPECT_LT(call.took, kDeadline);
}

// The largest answers a client call takes (docs/reliability.md quotes the
// peak RSS of these two tests under /usr/bin/time -v).
std::string json_answer(const std::string& result) {
  const std::string body = R"({"jsonrpc":"2.0","id":1,"result":)" + result + "}";
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(HttpHostile, JsonAnswerAtTheJsonSizeLimitIsParsed) {
  const std::size_t elements = (JsonLimits{}.max_bytes - 64) / 2;
  std::string zeros = "[0";
  zeros.reserve(2 * elements + 1);
  for (std::size_t i = 1; i < elements; ++i)
    zeros += ",0";
  zeros += "]";
  ScriptedServer server([answer = json_answer(zeros)](const Connection& c) { c.write(answer); });
  zeros = {};
  const Call call = ping(server, {}, milliseconds(20'000));
  ASSERT_TRUE(call.result) << call.result.error().message();
  EXPECT_EQ(call.result->size(), elements);
}

TEST(HttpHostile, BodyAtTheBodyCapIsRefusedByItsJsonSize) {
  const std::size_t cap = HttpLimits{}.max_body_bytes;
  ScriptedServer server([cap](const Connection& c) {
    const std::string head =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
        std::to_string(cap) + "\r\n\r\n";
    if (!c.write(head + "[")) return;
    const std::string spaces(64 * 1024, ' ');
    for (std::size_t sent = 1; sent < cap; sent += spaces.size()) {
      if (!c.write(std::string_view(spaces).substr(0, std::min(spaces.size(), cap - sent)))) return;
    }
  });
  const Call call = ping(server, {}, milliseconds(20'000));
  ASSERT_FALSE(call.result);
  EXPECT_EQ(
      call.result.error().why,
      "the body is refused: [mcpgym.json.too_large] the JSON text is 67108864 bytes, over the "
      "limit of 16777216 bytes; it was not parsed");
}

}  // namespace
}  // namespace mcpgym::harness
