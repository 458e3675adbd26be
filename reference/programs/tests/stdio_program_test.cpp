// STDIO-001..STDIO-003: mcpgym-frozenlake --transport stdio, through the
// process's own stdin and stdout.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>

#include "common/protocol.hpp"
#include "harness/http/modern_headers.hpp"
#include "reference/programs/tests/support/child_process.hpp"
#include "reference/programs/tests/support/wire.hpp"

namespace mcpgym::wiretest {
namespace {

using namespace std::chrono_literals;

const std::string kBinary = MCPGYM_FROZENLAKE_BIN;

class StdioProgram : public testing::Test {
 protected:
  StdioProgram() : process_(kBinary, {"--transport", "stdio", "--log-level", "debug"}, true) {}

  void Send(const json& message) { process_.write_stdin(message.dump() + "\n"); }
  void SendLine(const std::string& line) { process_.write_stdin(line + "\n"); }

  // The next stdout line, which must be one JSON object or array.
  json Receive() {
    const auto line = process_.read_line(10s);
    if (!line) {
      throw WireFailure(std::string("waited 10 s for a line on stdout; got ") +
                        (process_.stdout_closed() ? "end of stdout" : "nothing") +
                        "; stderr: " + process_.stderr_text());
    }
    json message = json::parse(*line, nullptr, false);
    if (message.is_discarded() || !(message.is_object() || message.is_array())) {
      throw WireFailure("stdout line is not a JSON message: " + *line);
    }
    return message;
  }
  json Exchange(const json& message) {
    Send(message);
    return Receive();
  }
  json Initialize(const json& extra = seeded_extra(4, classic_config())) {
    return Exchange(initialize_request(1, kLatestVersion, extra));
  }
  // Closes stdin; the process must end with status 0 and write nothing more.
  void ExpectCleanEndOfInput() {
    process_.close_stdin();
    const auto status = process_.wait_for_exit(10s);
    ASSERT_TRUE(status) << "waited 10 s for exit after end of input";
    EXPECT_EQ(*status, Exited(0));
    EXPECT_EQ(process_.read_rest(5s), "") << "stdout holds more than the answers";
  }

  ChildProcess process_;
};

json ok(const json& id, const json& result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", result}};
}

TEST_F(StdioProgram, InitializeToolsCallAndResourcesReadOverStdio_STDIO001_STDIO003) {
  json initialized = Initialize();
  EXPECT_EQ(initialized["id"], 1);
  EXPECT_EQ(initialized["result"]["protocolVersion"], "2025-11-25");
  EXPECT_EQ(initialized["result"]["serverInfo"]["name"], "mcpgym-frozenlake");
  Send(rpc_notification("notifications/initialized"));  // never answered
  json moved = Exchange(
      rpc_request(2, "tools/call", {{"name", "lake_move"}, {"arguments", {{"action", " down "}}}}));
  EXPECT_EQ(moved["id"], 2);  // the notification got no line of its own
  EXPECT_EQ(moved["result"]["structuredContent"],
            json({{"position", 4}, {"grid", "SFFF\nPHFH\nFFFH\nHFFG"}, {"action", "DOWN"}}));
  json read = Exchange(rpc_request("r", "resources/read", {{"uri", "control://status"}}));
  EXPECT_EQ(read,
            ok("r", {{"contents",
                      json::array({{{"uri", "control://status"},
                                    {"mimeType", "application/json"},
                                    {"text", R"({"step_count":1,"terminated":false,)"
                                             R"("total_reward":0.0,"truncated":false})"}}})}}));
  json initial = Exchange(rpc_request(4, "resources/read", {{"uri", "game://initial_state"}}));
  EXPECT_EQ(json::parse(initial["result"]["contents"][0]["text"].get<std::string>())["seed"], 4);
  EXPECT_EQ(Exchange(rpc_request(5, "ping")), ok(5, json::object()));
  ExpectCleanEndOfInput();
}

// The modern era on stdio (docs/spec.md, "Decisions for the modern era"): a
// line whose _meta names 2026-07-28 is served without initialize, by handle,
// and the process's one legacy session still opens beside it.
TEST_F(StdioProgram, ModernLinesAreServedBesideTheLegacySession_MODERN001_HANDLE001) {
  const json meta = harness::modern_meta(mcp::kModernVersion, {{"name", "t"}, {"version", "1"}});
  const auto modern = [&](const json& id, std::string_view method, json params) {
    return rpc_request(id, method, harness::with_modern_meta(std::move(params), meta));
  };
  const json discovered = Exchange(modern(1, "server/discover", json::object()));
  EXPECT_EQ(discovered["result"]["supportedVersions"][0], std::string(mcp::kModernVersion))
      << discovered.dump();
  const json created = Exchange(
      modern(2, "tools/call",
             {{"name", "env_create"}, {"arguments", {{"seed", 4}, {"config", classic_config()}}}}));
  EXPECT_EQ(created["result"]["resultType"], "complete") << created.dump();
  const std::string handle = created["result"]["structuredContent"].value("env_id", "");
  const json moved = Exchange(
      modern(3, "tools/call",
             {{"name", "lake_move"}, {"arguments", {{"env_id", handle}, {"action", "DOWN"}}}}));
  EXPECT_EQ(moved["result"]["structuredContent"],
            json({{"position", 4}, {"grid", "SFFF\nPHFH\nFFFH\nHFFG"}, {"action", "DOWN"}}))
      << moved.dump();
  EXPECT_EQ(moved["result"]["resultType"], "complete");

  EXPECT_EQ(Initialize()["result"]["protocolVersion"], "2025-11-25");
  const json legacy = Exchange(
      rpc_request(5, "tools/call", {{"name", "lake_move"}, {"arguments", {{"action", "DOWN"}}}}));
  // The session's own environment, one step old, answered by the legacy rules.
  EXPECT_EQ(legacy["result"]["structuredContent"]["position"], 4) << legacy.dump();
  EXPECT_FALSE(legacy["result"].contains("resultType"));
  ExpectCleanEndOfInput();
}

TEST_F(StdioProgram, SameErrorsAsHttp_STDIO003) {
  Initialize();
  EXPECT_EQ(Exchange(rpc_request(2, "tools/call", {{"name", "fly"}})),
            error_body(2, -32602,
                       "[mcpgym.tool.unknown_tool] Unknown tool \"fly\"; this server has one "
                       "tool, lake_move",
                       {{"tool", "fly"}}));
  EXPECT_EQ(Exchange(rpc_request(3, "nope")),
            error_body(3, -32601, "[mcpgym.rpc.method_not_found] Method not found: nope",
                       {{"method", "nope"}}));
  EXPECT_EQ(Exchange(rpc_request(4, "resources/read", {{"uri", "game://nope"}})),
            error_body(4, -32002, "[mcpgym.resource.not_found] Resource not found: game://nope",
                       {{"uri", "game://nope"}}));
  EXPECT_EQ(Exchange(rpc_request(5, "tools/list", json::array())),
            error_body(5, -32602,
                       "[mcpgym.rpc.invalid_params] Invalid params: \"params\" of tools/list "
                       "must be an object, got array"));
  EXPECT_EQ(
      Exchange(json{{"jsonrpc", "1.0"}, {"id", 6}, {"method", "ping"}}),
      error_body(6, -32600,
                 "[mcpgym.rpc.invalid_request] Invalid Request: \"jsonrpc\" must be \"2.0\""));
  json invalid_action = Exchange(
      rpc_request(7, "tools/call", {{"name", "lake_move"}, {"arguments", {{"action", "JUMP"}}}}));
  EXPECT_EQ(invalid_action["result"]["isError"], true);
  EXPECT_EQ(invalid_action["result"]["content"][0]["text"],
            "[mcpgym.tool.invalid_action] Invalid action \"JUMP\"; expected one of LEFT, DOWN, "
            "RIGHT, UP");
  ExpectCleanEndOfInput();
}

TEST_F(StdioProgram, UnparsableLineIsParseErrorWithNullId_STDIO003) {
  Initialize();
  SendLine("{oops");
  EXPECT_EQ(Receive(), error_body(nullptr, -32700,
                                  "[mcpgym.rpc.parse_error] Parse error: the line is not valid "
                                  "JSON: \"{oops\""));
  // The process goes on.
  EXPECT_EQ(Exchange(rpc_request(2, "ping")), ok(2, json::object()));
  ExpectCleanEndOfInput();
}

TEST_F(StdioProgram, BeforeInitializeOnlyPingIsAnswered_STDIO003) {
  EXPECT_EQ(Exchange(rpc_request(1, "tools/list")),
            error_body(1, -32600,
                       "[mcpgym.rpc.not_initialized] Invalid Request: tools/list before "
                       "initialize; send initialize first"));
  Send(rpc_notification("notifications/initialized"));  // no answer
  EXPECT_EQ(Exchange(rpc_request(2, "ping")), ok(2, json::object()));
  json initialized = Exchange(initialize_request(3, "2025-06-18", seeded_extra(1)));
  EXPECT_EQ(initialized["result"]["protocolVersion"], "2025-06-18");
  EXPECT_EQ(Exchange(rpc_request(4, "tools/list"))["result"]["tools"][0]["name"], "lake_move");
  ExpectCleanEndOfInput();
}

TEST_F(StdioProgram, SecondInitializeIsInvalidRequest_STDIO003) {
  Initialize();
  EXPECT_EQ(Exchange(initialize_request(2)),
            error_body(2, -32600,
                       "[mcpgym.rpc.already_initialized] Invalid Request: this session is already "
                       "initialized; start a new session to initialize again"));
  // The first session is still the one in use.
  json read = Exchange(rpc_request(3, "resources/read", {{"uri", "game://initial_state"}}));
  EXPECT_EQ(json::parse(read["result"]["contents"][0]["text"].get<std::string>())["seed"], 4);
  ExpectCleanEndOfInput();
}

TEST_F(StdioProgram, FailedInitializeCreatesNoSessionAndALaterOneWorks_STDIO003) {
  EXPECT_EQ(Exchange(initialize_request(1, kLatestVersion, {{"seed", 42.5}})),
            error_body(1, -32602,
                       "[mcpgym.config.invalid_seed] Invalid params: clientInfo._extra.seed must "
                       "be an integer from 0 to 9007199254740991 (2^53-1); got 42.5",
                       {{"key", "clientInfo._extra.seed"}}));
  EXPECT_EQ(Exchange(rpc_request(2, "tools/list"))["error"]["code"], -32600);
  EXPECT_EQ(Exchange(initialize_request(3))["result"]["protocolVersion"], "2025-11-25");
  ExpectCleanEndOfInput();
}

TEST_F(StdioProgram, BatchFollowsTheNegotiatedVersion_STDIO003) {
  Initialize();
  EXPECT_EQ(Exchange(json::array({rpc_request(2, "ping")})),
            error_body(nullptr, -32600,
                       "[mcpgym.rpc.batch_rejected] Invalid Request: JSON-RPC batches are not "
                       "supported in protocol version 2025-11-25 (MCP removed them in "
                       "2025-06-18); send one message per request"));
  ExpectCleanEndOfInput();
}

// Answers are one line each even when the payload holds newlines (the grid).
TEST_F(StdioProgram, EveryAnswerIsOneLine_STDIO001) {
  Initialize(seeded_extra(3, {{"map_name", "8x8"}, {"p", 1.0}}));  // no holes
  for (int i = 0; i < 5; ++i) {
    json moved = Exchange(rpc_request(
        10 + i, "tools/call", {{"name", "lake_move"}, {"arguments", {{"action", "RIGHT"}}}}));
    EXPECT_EQ(moved["id"], 10 + i);
    const std::string grid = moved.at("result").at("structuredContent").at("grid");
    EXPECT_EQ(std::count(grid.begin(), grid.end(), '\n'), 7);
  }
  ExpectCleanEndOfInput();
}

TEST_F(StdioProgram, LastLineWithoutNewlineIsAnsweredAtEndOfInput_STDIO001) {
  Initialize();
  process_.write_stdin(rpc_request(9, "ping").dump());  // no trailing newline
  process_.close_stdin();
  EXPECT_EQ(Receive(), ok(9, json::object()));
  const auto status = process_.wait_for_exit(10s);
  ASSERT_TRUE(status) << "waited 10 s for exit after end of input";
  EXPECT_EQ(*status, Exited(0));
}

// Debug logging is on in this fixture, and still only answers reach stdout.
TEST_F(StdioProgram, StdoutCarriesOnlyMessages_STDIO002) {
  Initialize();
  Send(rpc_notification("notifications/initialized"));
  SendLine("");
  SendLine("   ");
  EXPECT_EQ(Exchange(rpc_request(2, "ping")), ok(2, json::object()));
  ExpectCleanEndOfInput();
  // Nothing of the protocol leaks to stderr either.
  EXPECT_EQ(process_.stderr_text().find("\"jsonrpc\""), std::string::npos)
      << process_.stderr_text();
}

TEST_F(StdioProgram, SigtermEndsTheProcessWithStatus0_REF002) {
  Initialize();
  process_.send_signal(SIGTERM);
  const auto status = process_.wait_for_exit(10s);
  ASSERT_TRUE(status) << "waited 10 s for exit after SIGTERM";
  EXPECT_EQ(*status, Exited(0));
  EXPECT_EQ(process_.read_rest(5s), "");
}

}  // namespace
}  // namespace mcpgym::wiretest
