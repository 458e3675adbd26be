// The mcpgym-frozenlake program over HTTP: REF-001, REF-002, SEED-002 (--seed),
// CTRL-010 (--control-plane), HTTP-005 (--max-body), and a port already taken.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>

#include "common/testing/raw_socket.hpp"
#include "reference/programs/tests/support/child_process.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

using namespace std::chrono_literals;
using testing::HasSubstr;

const std::string kBinary = MCPGYM_FROZENLAKE_BIN;

// A started HTTP server process and the port its readiness line named.
struct Server {
  explicit Server(const std::vector<std::string>& args) : process(kBinary, args) {
    port = wait_for_listening_line(process, 10s);
  }
  RawHttpClient client() const { return RawHttpClient("127.0.0.1", port, kIoTimeout); }
  // SIGTERM, then the exit status (awaited with a deadline, not timed).
  ExitStatus terminate() {
    process.send_signal(SIGTERM);
    const auto status = process.wait_for_exit(10s);
    if (!status) throw WireFailure("waited 10 s for the server to exit after SIGTERM");
    return *status;
  }
  ChildProcess process;
  int port = 0;
};

// The transport's deadlines and cap come from flags (HTTP-018, HTTP-019).
TEST(Program, ConnectionFlagsReachTheHttpTransport_HTTP018_HTTP019) {
  Server server(
      {"--request-timeout", "0.2", "--keep-alive-timeout", "0.2", "--max-connections", "2"});
  {
    testkit::RawSocket silent(server.port);
    EXPECT_TRUE(silent.closed_within(5s)) << "--keep-alive-timeout 0.2 did not close it";
  }
  {
    testkit::RawSocket half(server.port);
    ASSERT_TRUE(half.send("POST /mcp HTTP/1.1\r\n"));
    const auto answer = half.read_response(5s);
    ASSERT_TRUE(answer.has_value()) << "--request-timeout 0.2 did not cut a half request";
    EXPECT_EQ(answer->status, 408);
  }
  {
    testkit::RawSocket first(server.port);
    testkit::RawSocket second(server.port);
    auto client = server.client();
    EXPECT_FALSE(open(client).empty());
    EXPECT_TRUE(first.closed_within(5s)) << "--max-connections 2 did not make room";
  }
  EXPECT_EQ(server.terminate(), Exited(0));
}

TEST(Program, PrintsExactlyOneListeningLineAndAnswersInitialize_REF001) {
  Server server({"--port", "0"});
  {
    auto client = server.client();
    const auto opened = open_session(client);
    EXPECT_EQ(opened.result["serverInfo"]["name"], "mcpgym-frozenlake");
    EXPECT_EQ(call_result(client, opened.id, "ping"), json::object());
  }
  EXPECT_EQ(server.terminate(), Exited(0));
  EXPECT_EQ(server.process.read_rest(5s), "") << "stdout holds more than the readiness line";
  EXPECT_THAT(server.process.stderr_text(), HasSubstr("mcpgym-frozenlake: info: stopped\n"));
}

TEST(Program, WithoutFlagsListensOnAFreeLoopbackPort_REF001_HTTP002) {
  Server server({});
  EXPECT_GT(server.port, 0);
  {
    auto client = server.client();
    EXPECT_FALSE(open(client).empty());
  }
  EXPECT_EQ(server.terminate(), Exited(0));
  EXPECT_EQ(server.process.read_rest(5s), "");
}

TEST(Program, TwoInstancesGetDifferentPorts_REF001) {
  Server first({"--port", "0"});
  Server second({"--port", "0"});
  EXPECT_NE(first.port, second.port);
  EXPECT_EQ(first.terminate(), Exited(0));
  EXPECT_EQ(second.terminate(), Exited(0));
}

class ProgramSignal : public testing::TestWithParam<int> {};

TEST_P(ProgramSignal, SignalShutsDownWithStatus0_REF002) {
  Server server({"--port", "0"});
  {
    auto client = server.client();
    const std::string session = open(client);  // a live session does not hold the exit up
    EXPECT_EQ(lake_move(client, session, "DOWN").value("isError", true), false);
  }
  server.process.send_signal(GetParam());
  const auto status = server.process.wait_for_exit(10s);
  ASSERT_TRUE(status) << "waited 10 s for exit after signal " << GetParam();
  EXPECT_EQ(*status, Exited(0)) << status->describe();
  EXPECT_EQ(server.process.read_rest(5s), "");
}

INSTANTIATE_TEST_SUITE_P(TermAndInt, ProgramSignal, testing::Values(SIGTERM, SIGINT),
                         [](const testing::TestParamInfo<int>& info) {
                           return info.param == SIGTERM ? std::string("SIGTERM")
                                                        : std::string("SIGINT");
                         });

// Regression: cpp-httplib's workers wait out an idle keep-alive connection (5 s)
// before serve() returns; the program no longer waits for them. The bound below
// guards against that 5 s wait, with a wide margin for a loaded machine.
TEST(Program, SigtermWithAnIdleKeepAliveConnectionExitsWithinOneSecond_REF002) {
  Server server({"--port", "0"});
  auto client = server.client();
  const std::string session = open(client);  // the connection stays open and idle
  const auto start = std::chrono::steady_clock::now();
  server.process.send_signal(SIGTERM);
  const auto status = server.process.wait_for_exit(10s);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(status) << "waited 10 s for exit after SIGTERM";
  EXPECT_EQ(*status, Exited(0));
  // One second is the rule; the margin absorbs scheduling noise, not the 5 s wait.
  EXPECT_LT(took, 3s) << "exit took "
                      << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                      << " ms";
}

std::string nested_arrays(int depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

std::string initialize_with_seed_text(const std::string& seed) {
  return R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":)"
         R"("2025-11-25","capabilities":{},"clientInfo":{"name":"x","version":"1",)"
         R"("_extra":{"seed":)" +
         seed + "}}}}";
}

const std::string kNestedSeedRefusal =
    "[mcpgym.config.invalid_seed] Invalid params: clientInfo._extra.seed must be an integer from "
    "0 to 9007199254740991 (2^53-1); got an array of 1 element(s)";

// Nested as deep as the request depth limit (HTTP-020) allows: refused by
// the seed check, which describes the value without rendering it.
TEST(Program, NestedSeedIsRefusedWithABoundedExcerpt_SEED003) {
  Server server({});
  {
    auto client = server.client();
    EXPECT_TRUE(IsJsonReply(
        post_text(client, initialize_with_seed_text(nested_arrays(124)), post_headers()), 200,
        error_body(1, -32602, kNestedSeedRefusal, {{"key", "clientInfo._extra.seed"}})));
  }
  EXPECT_EQ(server.terminate(), Exited(0));
}

// Regression: the refusal once rendered the value with json::dump(), which
// recurses per nesting level; 100000 levels overflowed the stack and killed
// the server. Now such a body is refused before it is parsed (HTTP-020).
TEST(Program, DeeplyNestedSeedIsRefusedNotACrash_SEED003_CONF002_HTTP020) {
  Server server({});
  auto client = server.client();
  const std::string body = initialize_with_seed_text(nested_arrays(100000));
  const auto exchange = client.send({"POST", "/mcp", post_headers(), body});
  ASSERT_TRUE(exchange.has_value())
      << exchange.error() << "; the server "
      << (server.process.wait_for_exit(5s).value_or(Exited(-1))).describe();
  // Four objects enclose the seed, so the 125th '[' is the 129th level.
  EXPECT_TRUE(IsRejection(*exchange, 400, -32600,
                          "[mcpgym.json.too_deep] the JSON text nests arrays and objects deeper "
                          "than 128 levels (at byte " +
                              std::to_string(body.find('[') + 124) + " of " +
                              std::to_string(body.size()) + "); it was not parsed"));
  auto fresh = server.client();
  EXPECT_FALSE(open(fresh).empty());
}

TEST(Program, SeedFlagIsUsedWhenExtraHasNone_SEED002) {
  Server server({"--seed", "42"});
  {
    auto client = server.client();
    EXPECT_EQ(read_payload(client, open(client), "game://initial_state")["seed"], 42);
    EXPECT_EQ(read_payload(client, open(client, json::object()), "game://initial_state")["seed"],
              42);
    // _extra.seed still wins.
    EXPECT_EQ(read_payload(client, open(client, seeded_extra(7)), "game://initial_state")["seed"],
              7);
    // Same seed, same map, whichever way it came.
    EXPECT_EQ(read_payload(client, open(client), "game://initial_state"),
              read_payload(client, open(client, seeded_extra(42)), "game://initial_state"));
  }
  EXPECT_EQ(server.terminate(), Exited(0));
}

TEST(Program, ControlPlaneResourcesOnlyHasNoControlEndpoints_CTRL010) {
  Server server({"--control-plane", "resources"});
  {
    auto client = server.client();
    const std::string session = open(client);
    EXPECT_TRUE(IsRejection(get_control(client, "status", session), 404, -32000,
                            "[mcpgym.http.not_found] Not Found: no endpoint at GET "
                            "/control/status; MCP is served at POST /mcp"));
    EXPECT_EQ(read_payload(client, session, "control://status")["step_count"], 0);
  }
  EXPECT_EQ(server.terminate(), Exited(0));
}

TEST(Program, ControlPlaneHttpOnlyHasNoControlResources_CTRL010) {
  Server server({"--control-plane", "http"});
  {
    auto client = server.client();
    const std::string session = open(client);
    EXPECT_TRUE(IsJsonReply(
        post_json(client, rpc_request(1, "resources/read", {{"uri", "control://status"}}), session),
        200,
        error_body(1, -32002, "[mcpgym.resource.not_found] Resource not found: control://status",
                   {{"uri", "control://status"}})));
    EXPECT_EQ(control_payload(client, session, "status")["step_count"], 0);
  }
  EXPECT_EQ(server.terminate(), Exited(0));
}

TEST(Program, MaxBodyFlagSetsTheLimit_HTTP005) {
  Server server({"--max-body", "2048"});
  {
    auto client = server.client();
    EXPECT_TRUE(IsRejection(post_text(client, std::string(2049, ' '), post_headers()), 413, -32000,
                            "[mcpgym.http.payload_too_large] Payload Too Large: the request body "
                            "exceeds 2048 bytes (the server's --max-body)"));
  }
  auto fresh = server.client();
  std::string body = initialize_request(1).dump();
  body.resize(2048, ' ');
  EXPECT_EQ(post_text(fresh, body, post_headers()).status, 200);
}

TEST(Program, AddressItCannotBindIsAClearErrorAndExit1_REF001) {
  // 192.0.2.1 (TEST-NET-1) is no address of this machine.
  ChildProcess process(kBinary, {"--host", "192.0.2.1", "--port", "0"});
  const auto status = process.wait_for_exit(10s);
  ASSERT_TRUE(status) << "waited 10 s for the process to give up";
  EXPECT_EQ(*status, Exited(1));
  EXPECT_EQ(process.read_rest(5s), "");
  EXPECT_EQ(process.stderr_text(),
            "mcpgym-frozenlake: error: [mcpgym.cli.cannot_listen] cannot listen on 192.0.2.1:0 "
            "(address in use, or not an address of this machine)\n");
}

// Regression: cpp-httplib's default SO_REUSEPORT let a second server bind the same
// port and take half the connections.
TEST(Program, SecondInstanceOnATakenPortFailsClearly_REF001) {
  Server first({"--port", "0"});
  ChildProcess second(kBinary, {"--port", std::to_string(first.port)});
  // Either a readiness line (the bug) or the end of stdout (the process gave up).
  const auto line = second.read_line(10s);
  ASSERT_FALSE(line.has_value()) << "the second instance listens on the first one's port too: "
                                 << line.value_or("");
  const auto status = second.wait_for_exit(10s);
  ASSERT_TRUE(status) << "waited 10 s for the second instance to give up on port " << first.port;
  EXPECT_EQ(*status, Exited(1));
  EXPECT_EQ(second.stderr_text(),
            "mcpgym-frozenlake: error: [mcpgym.cli.cannot_listen] cannot listen on 127.0.0.1:" +
                std::to_string(first.port) +
                " (address in use, or not an address of this machine)\n");
  // The first one is unaffected.
  auto client = first.client();
  EXPECT_FALSE(open(client).empty());
}

}  // namespace
}  // namespace mcpgym::wiretest
