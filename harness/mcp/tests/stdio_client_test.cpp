// The stdio client over pipes: against the reference StdioServer on a thread,
// and against scripted peers that misbehave. Every read has a deadline.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <future>
#include <system_error>
#include <thread>

#include "common/fd_io.hpp"
#include "common/testing/pipe.hpp"
#include "harness/mcp/client.hpp"
#include "harness/mcp/tests/pipe_process.hpp"
#include "reference/gym/games/frozenlake/frozenlake_game.hpp"
#include "reference/gym/gym_app.hpp"
#include "reference/mcp/stdio_server.hpp"

namespace mcpgym::harness {
namespace {

using testing::PipeProcess;

using json = nlohmann::json;

// The reference FrozenLake StdioServer serving a PipeProcess on a thread; it
// closes its output when serve() returns, as a process that exits would.
class ReferenceStdio : public PipeProcess {
 public:
  ReferenceStdio() : app_(gym::frozenlake_game()), server_(app_) {
    thread_ = std::thread([this] {
      served_.set_value(server_.serve(to_server.read_fd(), from_server.write_fd()));
      from_server.close_write();
    });
  }
  ~ReferenceStdio() override {
    server_.stop();
    thread_.join();
  }
  // Whether serve() returned (and what it returned) within five seconds.
  std::optional<bool> served() {
    auto future = served_.get_future();
    if (future.wait_for(std::chrono::seconds(5)) != std::future_status::ready) return std::nullopt;
    return future.get();
  }

 private:
  gym::GymApp app_;
  mcp::StdioServer server_;
  std::promise<bool> served_;
  std::thread thread_;
};

ClientOptions short_timeout() {
  ClientOptions options;
  options.timeout = std::chrono::milliseconds(300);
  return options;
}

const json kExtra = {{"seed", 5}, {"config", {{"desc", {"SG", "FF"}}}}};
const std::string kPingSent = R"({"jsonrpc":"2.0","id":1,"method":"ping"})";

TEST(StdioReference, InitializeToolCallAndResources) {
  ReferenceStdio process;
  auto client = connect_stdio(process);
  auto result = client->initialize(kExtra);
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_EQ(result->at("serverInfo").at("name"), "mcpgym-frozenlake");
  EXPECT_EQ(client->session_id(), std::nullopt);
  EXPECT_EQ(client->negotiated_version(), "2025-11-25");

  auto initial = client->read_resource("game://initial_state");
  ASSERT_TRUE(initial) << initial.error().message();
  EXPECT_EQ(*initial, json::parse(R"({"position":0,"grid":"PG\nFF","map":["SG","FF"],"seed":5,)"
                                  R"("size":2,"is_slippery":false})"));
  auto moved = client->call_tool("lake_move", {{"action", "RIGHT"}});
  ASSERT_TRUE(moved) << moved.error().message();
  EXPECT_EQ(moved->at("structuredContent"),
            json::parse(R"({"position":1,"grid":"SP\nFF","action":"RIGHT"})"));
  EXPECT_EQ(*client->read_resource("control://reward"),
            json::parse(R"({"reward":1.0,"step_count":1})"));
  EXPECT_EQ(
      *client->read_resource("control://status"),
      json::parse(R"({"terminated":true,"truncated":false,"step_count":1,"total_reward":1.0})"));
  EXPECT_EQ(*client->read_resource("control://info"), json::parse(R"({"prob":1.0})"));
  auto over = client->call_tool("lake_move", {{"action", "LEFT"}});
  ASSERT_TRUE(over) << over.error().message();
  EXPECT_EQ(over->at("isError"), true);
  EXPECT_EQ(*client->request("ping", nullptr), json::object());
}

TEST(StdioReference, RpcErrorHasTheWholeStory) {
  ReferenceStdio process;
  auto client = connect_stdio(process);
  ASSERT_TRUE(client->initialize(kExtra));
  auto result = client->request("no/such", nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().rpc_error->at("code"), -32601);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.rpc_error] no/such: the server answered JSON-RPC error -32601: "
            "[mcpgym.rpc.method_not_found] Method not found: no/such (sent "
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"no/such\"}, got {\"error\":{\"code\":"
            "-32601,\"data\":{\"method\":\"no/such\"},\"message\":\"[mcpgym.rpc.method_not_found] "
            "Method not found: no/such\"},\"id\":2,\"jsonrpc\":\"2.0\"})");
}

TEST(StdioReference, CloseEndsTheServersInput) {
  ReferenceStdio process;
  auto client = connect_stdio(process);
  ASSERT_TRUE(client->initialize(kExtra));
  ASSERT_TRUE(client->close());
  EXPECT_EQ(process.served(), std::optional<bool>(true));  // STDIO-003: end of input ends it
  EXPECT_TRUE(client->close());
  auto used = client->request("ping", nullptr);
  ASSERT_FALSE(used);
  EXPECT_EQ(used.error().message(),
            "[mcpgym.client.closed] ping: the client was closed (its stdin is closed); launch a "
            "new process");
  EXPECT_EQ(process.stdin_fd(), -1);
}

TEST(StdioReference, ControlEndpointNeedsHttp) {
  ReferenceStdio process;
  auto client = connect_stdio(process);
  auto result = client->read_control_http("reward");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.unsupported] GET /control/reward: the HTTP control plane needs the "
            "HTTP transport; on stdio read the control:// resources");
}

TEST(StdioPeer, ServerMessagesAndBlankLinesAreSkipped) {
  PipeProcess process;
  process.answer(
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{}}\n"
      "\n"
      "{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"method\":\"ping\"}\r\n"
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"a\":1}}\n"
      "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"b\":2}}\n");
  auto client = connect_stdio(process, short_timeout());
  EXPECT_EQ(*client->request("ping", nullptr), json::parse(R"({"a":1})"));
  EXPECT_EQ(*client->request("ping", nullptr), json::parse(R"({"b":2})"));
  EXPECT_EQ(process.written(),
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n"
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}\n");
  ASSERT_TRUE(client->notify("notifications/initialized", nullptr));
  EXPECT_EQ(process.written(), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n");
}

TEST(StdioPeer, ALastLineWithoutNewlineBeforeEndOfOutputCounts) {
  PipeProcess process;
  process.answer(R"({"jsonrpc":"2.0","id":1,"result":{}})");
  process.from_server.close_write();
  auto client = connect_stdio(process, short_timeout());
  EXPECT_EQ(*client->request("ping", nullptr), json::object());
}

TEST(StdioPeer, GarbageAndWrongIds) {
  PipeProcess process;
  process.answer("hello\n{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}\n");
  auto client = connect_stdio(process, short_timeout());
  auto garbage = client->request("ping", nullptr);
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().message(),
            "[mcpgym.client.bad_response] ping: a line on stdout is not JSON (sent " + kPingSent +
                ", got hello)");
  auto wrong = client->request("ping", nullptr);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().message(),
            "[mcpgym.client.bad_response] ping: the answer's id is 5, not 2 (the request's) (sent "
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}, got "
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}})");
}

TEST(StdioPeer, AnAnswerAfterAStrayLineIsSkippedByTheNextCall) {
  PipeProcess process;
  process.answer(
      "log: starting\n"
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"first\":true}}\n"
      "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"first\":false}}\n");
  auto client = connect_stdio(process, short_timeout());
  EXPECT_EQ(client->request("ping", nullptr).error().kind, CallErrorKind::kBadResponse);
  EXPECT_EQ(*client->request("ping", nullptr), json::parse(R"({"first":false})"));
}

TEST(StdioPeer, SilentPeerTimesOutAndItsLateAnswerIsSkipped) {
  PipeProcess process;
  auto client = connect_stdio(process, short_timeout());
  auto silent = client->request("ping", nullptr);
  ASSERT_FALSE(silent);
  EXPECT_EQ(silent.error().message(),
            "[mcpgym.client.transport] ping: no answer on stdout within 300 ms (sent " + kPingSent +
                ", got nothing)");
  // The answer to request 1 arrives late; request 2 skips it.
  process.answer(
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"late\":true}}\n"
      "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"late\":false}}\n");
  EXPECT_EQ(*client->request("ping", nullptr), json::parse(R"({"late":false})"));
}

TEST(StdioPeer, PartialLineAtTimeoutIsReported) {
  PipeProcess process;
  process.answer(R"({"jsonrpc":"2.0","id":1,)");
  auto client = connect_stdio(process, short_timeout());
  auto result = client->request("ping", nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.transport] ping: no answer on stdout within 300 ms (sent " + kPingSent +
                ", got {\"jsonrpc\":\"2.0\",\"id\":1,)");
}

// A server that sends bytes without a newline costs the cap, not the memory:
// the client stops reading one byte past max_line_bytes.
TEST(StdioPeer, LineOverTheCapIsRefusedAndTheStreamGivenUp) {
  PipeProcess process;
  process.answer(std::string(60'000, 'x'));  // fits the pipe; no newline
  ClientOptions options = short_timeout();
  options.max_line_bytes = 10'000;
  auto client = connect_stdio(process, options);
  auto result = client->request("ping", nullptr);
  ASSERT_FALSE(result);
  const std::string why =
      "[mcpgym.client.line_too_long] the process wrote more than 10000 bytes (max_line_bytes) to "
      "stdout without a newline; the rest was not read and the stream cannot be used any more";
  EXPECT_EQ(result.error().message(), "[mcpgym.client.bad_response] ping: " + why + " (sent " +
                                          kPingSent + ", got " + std::string(300, 'x') + "...)");
  EXPECT_LE(60'000 - process.unread_output(), 10'001);
  auto again = client->request("ping", nullptr);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message(), "[mcpgym.client.closed] ping: " + why);
}

TEST(StdioPeer, DeepLineIsRefusedByItsDepth) {
  PipeProcess process;
  process.answer(std::string(60'000, '[') + "\n");
  auto client = connect_stdio(process, short_timeout());
  auto result = client->request("ping", nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().why,
            "a line on stdout is refused: [mcpgym.json.too_deep] the JSON text nests arrays and "
            "objects deeper than 128 levels (at byte 128 of 60000); it was not parsed");
}

TEST(StdioPeer, PeerThatClosedItsStdoutIsClosed) {
  PipeProcess process;
  process.from_server.close_write();
  auto client = connect_stdio(process, short_timeout());
  auto result = client->request("ping", nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.closed] ping: the process closed its stdout (sent " + kPingSent +
                ", got nothing)");
  EXPECT_EQ(client->initialize(nullptr).error().message(),
            "[mcpgym.client.closed] initialize: the process closed its stdout");
}

TEST(StdioPeer, PeerThatClosedItsStdinIsClosedNotSigpipe) {
  PipeProcess process;
  process.to_server.close_read();
  auto client = connect_stdio(process, short_timeout());
  auto result = client->request("ping", nullptr);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "[mcpgym.client.closed] ping: the process closed its stdin (sent " + kPingSent +
                ", got nothing)");
  EXPECT_EQ(client->notify("notifications/initialized", nullptr).error().kind,
            CallErrorKind::kClosed);
}

TEST(StdioPeer, PeerThatStopsReadingCostsTheDeadline) {
  PipeProcess process;
  auto client = connect_stdio(process, short_timeout());
  // Fill the pipe: 1 MiB of arguments cannot fit in a 64 KiB pipe nobody reads.
  auto result = client->call_tool("t", {{"blob", std::string(1 << 20, 'x')}});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, CallErrorKind::kTransport);
  EXPECT_EQ(result.error().why, "the process did not read its stdin within 300 ms");
  EXPECT_EQ(client->request("ping", nullptr).error().message(),
            "[mcpgym.client.closed] ping: an earlier message was only partly written to stdin "
            "before its deadline");
}

TEST(StdioPeer, ProcessWithoutPipes) {
  class NoPipes : public PipeProcess {
   public:
    int stdin_fd() const override { return -1; }
    int stdout_fd() const override { return -1; }
  } process;
  auto client = connect_stdio(process, short_timeout());
  EXPECT_EQ(client->request("ping", nullptr).error().message(),
            "[mcpgym.client.closed] ping: the process has no stdin/stdout pipes (launch it with "
            "stdio_pipes)");
  EXPECT_TRUE(client->close());
}

}  // namespace
}  // namespace mcpgym::harness
