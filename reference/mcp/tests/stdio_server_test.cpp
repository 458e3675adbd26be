#include "reference/mcp/stdio_server.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "reference/mcp/tests/fakes.hpp"
#include "reference/mcp/tests/stdio_harness.hpp"

namespace mcpgym::mcp {
namespace {

using testing::FakeApplication;
using testing::run_stdio;
using testing::StdioRun;

std::string initialize_line(const std::string& version, int id = 1) {
  return json{{"jsonrpc", "2.0"},
              {"id", id},
              {"method", "initialize"},
              {"params", {{"protocolVersion", version}, {"capabilities", json::object()}}}}
      .dump();
}

const std::string kInitialized = R"({"jsonrpc":"2.0","method":"notifications/initialized"})";

json error_response(const json& id, int code, const std::string& message) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

// The server's whole output as JSON messages. Every line must be one JSON value with no raw
// newline inside (STDIO-001) and the output must end with a newline.
std::vector<json> messages(const StdioRun& run) {
  EXPECT_TRUE(run.finished) << "serve() did not return at end of input";
  EXPECT_EQ(run.exception, "");
  EXPECT_TRUE(run.served);
  std::vector<json> out;
  if (!run.output.empty()) {
    EXPECT_EQ(run.output.back(), '\n') << run.output;
  }
  for (const auto& line : run.lines()) {
    json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(parsed.is_discarded()) << "not JSON: " << line;
    out.push_back(std::move(parsed));
  }
  return out;
}

std::vector<json> converse(FakeApplication& app, const std::string& input) {
  return messages(run_stdio(app, input));
}

json echo_result(const json& id, const std::string& method, const json& params) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", {{"method", method}, {"params", params}}}};
}

TEST(StdioServer, InitializeThenRequestsOneLineEach_STDIO001_STDIO003) {
  FakeApplication app;
  const auto out = converse(app, initialize_line("2025-11-25") + "\n" + kInitialized + "\n" +
                                     R"({"jsonrpc":"2.0","id":2,"method":"tools/call",)"
                                     R"("params":{"name":"x"}})"
                                     "\n");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].at("id"), 1);
  EXPECT_EQ(out[0].at("result").at("protocolVersion"), "2025-11-25");
  EXPECT_EQ(out[0].at("result").at("serverInfo").at("name"), "fake-server");
  EXPECT_EQ(out[1], echo_result(2, "tools/call", {{"name", "x"}}));
  // The notification reached the session and got no line (LIFE-004).
  EXPECT_EQ(app.notified, std::vector<std::string>{"notifications/initialized"});
  EXPECT_EQ(app.create_calls, 1);
}

TEST(StdioServer, EmptyInputEndsCleanlyWithNoOutput_STDIO003) {
  FakeApplication app;
  EXPECT_TRUE(converse(app, "").empty());
  EXPECT_EQ(app.create_calls, 0);
}

TEST(StdioServer, NotificationsAndResponsesGetNoLine_LIFE004) {
  FakeApplication app;
  const auto out = converse(app, initialize_line("2025-11-25") + "\n" + kInitialized + "\n" +
                                     R"({"jsonrpc":"2.0","method":"notifications/other"})"
                                     "\n"
                                     R"({"jsonrpc":"2.0","id":77,"result":{}})"
                                     "\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(app.notified,
            (std::vector<std::string>{"notifications/initialized", "notifications/other"}));
}

TEST(StdioServer, BlankLinesAreIgnored_STDIO001) {
  FakeApplication app;
  const auto out =
      converse(app, "\n   \n\t\n\r\n" + initialize_line("2025-11-25") + "\n\n \t \r\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].at("id"), 1);
}

TEST(StdioServer, CrlfLineEndingsAreTolerated_STDIO001) {
  FakeApplication app;
  const auto out = converse(app, initialize_line("2025-11-25") + "\r\n" +
                                     R"({"jsonrpc":"2.0","id":2,"method":"m"})"
                                     "\r\n");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1], echo_result(2, "m", json::object()));
}

TEST(StdioServer, FinalLineWithoutNewlineIsAnswered_STDIO001) {
  FakeApplication app;
  const auto out = converse(
      app, initialize_line("2025-11-25") + "\n" + R"({"jsonrpc":"2.0","id":2,"method":"last"})");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1], echo_result(2, "last", json::object()));
}

TEST(StdioServer, FinalNotificationWithoutNewlineGetsNoLine_LIFE004) {
  FakeApplication app;
  const auto out = converse(app, initialize_line("2025-11-25") + "\n" + kInitialized);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(app.notified, std::vector<std::string>{"notifications/initialized"});
}

TEST(StdioServer, UnparseableLineIsParseErrorWithNullId_STDIO003) {
  FakeApplication app;
  const auto out = converse(app, "{not json\n" + initialize_line("2025-11-25") +
                                     "\n{\"jsonrpc\":\"2.0\",\"id\":2,\n\x01\x02\n");
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0], error_response(nullptr, -32700,
                                   "[mcpgym.rpc.parse_error] Parse error: the line is not valid "
                                   "JSON: \"{not json\""));
  // The server keeps serving after a parse error.
  EXPECT_EQ(out[1].at("id"), 1);
  // A message split across lines is two bad lines, not one message (STDIO-001).
  EXPECT_EQ(out[2], error_response(nullptr, -32700,
                                   "[mcpgym.rpc.parse_error] Parse error: the line is not valid "
                                   "JSON: \"{\"jsonrpc\":\"2.0\",\"id\":2,\""));
  // Control bytes are shown escaped, so the message stays printable.
  EXPECT_EQ(out[3], error_response(nullptr, -32700,
                                   "[mcpgym.rpc.parse_error] Parse error: the line is not valid "
                                   "JSON: \"\\x01\\x02\""));
}

TEST(StdioServer, LongUnparseableLineIsExcerpted) {
  FakeApplication app;
  const auto out = converse(app, std::string(500, 'x') + "\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].at("error").at("message"),
            "[mcpgym.rpc.parse_error] Parse error: the line is not valid JSON: \"" +
                std::string(120, 'x') + "...\"");
}

// A hundred thousand nested arrays: refused before any tree is built (a
// recursive walk of it would overflow the stack), and the server goes on.
TEST(StdioServer, DeeplyNestedLineIsRefusedUnparsed) {
  FakeApplication app;
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const auto out = converse(app, deep + "\n" + initialize_line("2025-11-25") + "\n");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], error_response(nullptr, -32600,
                                   "[mcpgym.json.too_deep] the JSON text nests arrays and objects "
                                   "deeper than 128 levels (at byte 128 of 200000); it was not "
                                   "parsed"));
  EXPECT_EQ(out[1].at("id"), 1);
}

// A line over the limit is answered once, dropped as it streams in (never
// held whole), and the next line is served; also when it arrives in pieces.
TEST(StdioServer, OverlongLineIsAnsweredOnceAndDropped) {
  for (const std::size_t chunk : {std::size_t{0}, std::size_t{7}}) {
    FakeApplication app;
    const std::string input = std::string(5000, 'x') + "\n" + initialize_line("2025-11-25") + "\n" +
                              std::string(3000, 'y');
    const auto out = messages(run_stdio(app, input, chunk, 1024));
    ASSERT_EQ(out.size(), 3u) << chunk;
    const json too_long = error_response(
        nullptr, -32600,
        "[mcpgym.stdio.line_too_long] Invalid Request: a line exceeds 1024 bytes; it "
        "was dropped unread up to its newline");
    EXPECT_EQ(out[0], too_long);
    EXPECT_EQ(out[1].at("id"), 1);
    EXPECT_EQ(out[2], too_long) << "an overlong last line without a newline";
  }
}

TEST(StdioServer, RequestBeforeInitializeIsInvalidRequest_STDIO003) {
  FakeApplication app;
  const auto out = converse(app, R"({"jsonrpc":"2.0","id":"t","method":"tools/list"})"
                                 "\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], error_response("t", -32600,
                                   "[mcpgym.rpc.not_initialized] Invalid Request: tools/list "
                                   "before initialize; send initialize first"));
}

TEST(StdioServer, PingBeforeInitializeIsAnswered_STDIO003_LIFE005) {
  FakeApplication app;
  const auto out = converse(app, R"({"jsonrpc":"2.0","id":4,"method":"ping"})"
                                 "\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], json::parse(R"({"jsonrpc":"2.0","id":4,"result":{}})"));
  EXPECT_EQ(app.create_calls, 0);
}

TEST(StdioServer, NotificationBeforeInitializeGetsNoLine_LIFE004) {
  FakeApplication app;
  EXPECT_TRUE(converse(app, kInitialized + "\n").empty());
}

TEST(StdioServer, SecondInitializeIsInvalidRequest_STDIO003) {
  FakeApplication app;
  const auto out =
      converse(app, initialize_line("2025-11-25") + "\n" + initialize_line("2025-06-18", 2) + "\n");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1], error_response(2, -32600,
                                   "[mcpgym.rpc.already_initialized] Invalid Request: this "
                                   "session is already initialized; start a new session to "
                                   "initialize again"));
  EXPECT_EQ(app.create_calls, 1);
}

TEST(StdioServer, FailedInitializeCreatesNoSessionAndMayBeRetried_STDIO003) {
  FakeApplication app;
  auto make_echo = app.factory;
  app.factory = [&app, make_echo](
                    const json& params,
                    std::string_view negotiated) -> Expected<std::unique_ptr<Session>, RpcError> {
    if (app.create_calls == 1) {
      return unexpected(
          RpcError{-32602, "[mcpgym.config.invalid_seed] Invalid params: no", nullptr});
    }
    return make_echo(params, negotiated);
  };
  const auto out = converse(app, initialize_line("2025-11-25") + "\n" +
                                     R"({"jsonrpc":"2.0","id":2,"method":"m"})"
                                     "\n" +
                                     initialize_line("2025-11-25", 3) + "\n" +
                                     R"({"jsonrpc":"2.0","id":4,"method":"m"})"
                                     "\n");
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0], error_response(1, -32602, "[mcpgym.config.invalid_seed] Invalid params: no"));
  EXPECT_EQ(out[1].at("error").at("message"),
            "[mcpgym.rpc.not_initialized] Invalid Request: m before initialize; send initialize "
            "first");
  EXPECT_EQ(out[2].at("result").at("protocolVersion"), "2025-11-25");
  EXPECT_EQ(out[3], echo_result(4, "m", json::object()));
}

TEST(StdioServer, InvalidMessageIsInvalidRequestEchoingValidId_LIFE008) {
  FakeApplication app;
  const auto out = converse(app, R"({"jsonrpc":"1.0","id":3,"method":"ping"})"
                                 "\n"
                                 R"({"jsonrpc":"2.0","id":null,"method":"ping"})"
                                 "\n"
                                 "17\n");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0], error_response(3, -32600,
                                   "[mcpgym.rpc.invalid_request] Invalid Request: \"jsonrpc\" "
                                   "must be \"2.0\""));
  EXPECT_EQ(out[1], error_response(nullptr, -32600,
                                   "[mcpgym.rpc.invalid_request] Invalid Request: \"id\" must be "
                                   "a string or an integer, got null (MCP forbids null ids)"));
  EXPECT_EQ(out[2], error_response(nullptr, -32600,
                                   "[mcpgym.rpc.invalid_request] Invalid Request: a JSON-RPC "
                                   "message must be an object, got number"));
}

TEST(StdioServer, SessionErrorsAndExceptionsReachTheClient) {
  FakeApplication app;
  const auto out = converse(app, initialize_line("2025-11-25") + "\n" +
                                     R"({"jsonrpc":"2.0","id":2,"method":"boom"})"
                                     "\n"
                                     R"({"jsonrpc":"2.0","id":3,"method":"fail"})"
                                     "\n"
                                     R"({"jsonrpc":"2.0","id":4,"method":"ok"})"
                                     "\n");
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[1], error_response(2, -32603,
                                   "[mcpgym.rpc.internal_error] Internal error while handling "
                                   "boom: kaput"));
  EXPECT_EQ(out[2], json::parse(R"({"jsonrpc":"2.0","id":3,)"
                                R"("error":{"code":-32099,"message":"[test.fail] failed",)"
                                R"("data":{"k":1}}})"));
  EXPECT_EQ(out[3], echo_result(4, "ok", json::object()));
}

TEST(StdioServer, BatchBeforeInitializeIsNotInitialized_STDIO003) {
  FakeApplication app;
  const auto out = converse(app, "[" + initialize_line("2025-03-26") + "]\n[]\n");
  ASSERT_EQ(out.size(), 2u);
  const json expected = error_response(nullptr, -32600,
                                       "[mcpgym.rpc.not_initialized] Invalid Request: a batch "
                                       "before initialize; send initialize first, on its own");
  EXPECT_EQ(out[0], expected);
  EXPECT_EQ(out[1], expected);
  EXPECT_EQ(app.create_calls, 0);
}

TEST(StdioServer, BatchIn20250326SessionIsAnsweredAsArray_HTTP014) {
  FakeApplication app;
  const auto out =
      converse(app, initialize_line("2025-03-26") + "\n" +
                        R"([{"jsonrpc":"2.0","id":1,"method":"a"},{"jsonrpc":"2.0","method":"n"},)"
                        R"({"jsonrpc":"2.0","id":2,"method":"b","params":{"x":1}},)"
                        R"({"jsonrpc":"2.0","id":9,"result":{}}])"
                        "\n");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1],
            json::array({echo_result(1, "a", json::object()), echo_result(2, "b", {{"x", 1}})}));
  EXPECT_EQ(app.notified, std::vector<std::string>{"n"});
}

TEST(StdioServer, BatchOfOnlyNotificationsGetsNoLine_HTTP014) {
  FakeApplication app;
  const auto out = converse(app, initialize_line("2025-03-26") + "\n" +
                                     R"([{"jsonrpc":"2.0","method":"n1"},)"
                                     R"({"jsonrpc":"2.0","method":"n2"}])"
                                     "\n");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(app.notified, (std::vector<std::string>{"n1", "n2"}));
}

TEST(StdioServer, EmptyBatchIsInvalidRequest_HTTP014) {
  FakeApplication app;
  const auto out = converse(app, initialize_line("2025-03-26") + "\n[]\n");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1], error_response(nullptr, -32600,
                                   "[mcpgym.rpc.invalid_request] Invalid Request: an empty batch"));
}

TEST(StdioServer, InitializeInsideBatchIsRefusedPerElement_HTTP014) {
  FakeApplication app;
  const auto out =
      converse(app, initialize_line("2025-03-26") + "\n[" + initialize_line("2025-03-26", 5) +
                        R"(,{"jsonrpc":"2.0","id":6,"method":"m"}])"
                        "\n");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1], json::array({error_response(5, -32600,
                                                "[mcpgym.rpc.invalid_request] Invalid Request: "
                                                "initialize must not be part of a batch"),
                                 echo_result(6, "m", json::object())}));
  EXPECT_EQ(app.create_calls, 1);
}

TEST(StdioServer, InvalidBatchElementsGetTheirOwnErrors_HTTP014_LIFE008) {
  FakeApplication app;
  const auto out = converse(app, initialize_line("2025-03-26") + "\n" +
                                     R"([5,{"jsonrpc":"2.0","id":{"a":1},"method":"m"}])"
                                     "\n");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1],
            json::array({error_response(nullptr, -32600,
                                        "[mcpgym.rpc.invalid_request] Invalid Request: a JSON-RPC "
                                        "message must be an object, got number"),
                         error_response(nullptr, -32600,
                                        "[mcpgym.rpc.invalid_request] Invalid Request: \"id\" "
                                        "must be a string or an integer, got object")}));
}

// Regression: stdio's own batch loop once read element.value("method") before
// validating the element and threw on a non-string method, ending the process.
TEST(StdioServer, NonStringMethodInBatchIsInvalidRequest_HTTP014_LIFE008) {
  FakeApplication app;
  const StdioRun run = run_stdio(app, initialize_line("2025-03-26") + "\n" +
                                          R"([{"jsonrpc":"2.0","id":1,"method":5}])"
                                          "\n");
  EXPECT_EQ(run.exception, "");
  const auto lines = run.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(json::parse(lines[1]),
            json::array({error_response(1, -32600,
                                        "[mcpgym.rpc.invalid_request] Invalid Request: \"method\" "
                                        "must be a string")}));
}

// Regression: an initialize inside a batch was once answered before the element's
// envelope was checked, echoing an invalid id.
TEST(StdioServer, InitializeInBatchWithObjectIdAnswersNullId_LIFE008) {
  FakeApplication app;
  const auto out = converse(app, initialize_line("2025-03-26") + "\n" +
                                     R"([{"jsonrpc":"2.0","id":{"a":1},"method":"initialize"}])"
                                     "\n");
  ASSERT_EQ(out.size(), 2u);
  ASSERT_TRUE(out[1].is_array());
  ASSERT_EQ(out[1].size(), 1u);
  EXPECT_EQ(out[1][0].at("id"), nullptr) << out[1].dump();
  EXPECT_EQ(out[1][0].at("error").at("code"), -32600);
}

// Regression: a notification-form initialize inside a batch was once answered.
TEST(StdioServer, InitializeNotificationInBatchIsNotAnswered_LIFE004) {
  FakeApplication app;
  const auto out = converse(app, initialize_line("2025-03-26") + "\n" +
                                     R"([{"jsonrpc":"2.0","method":"initialize"},)"
                                     R"({"jsonrpc":"2.0","id":2,"method":"m"}])"
                                     "\n");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1], json::array({echo_result(2, "m", json::object())}));
}

TEST(StdioServer, BatchIn20250618SessionIsRejected_HTTP014) {
  for (const char* version : {"2025-06-18", "2025-11-25"}) {
    FakeApplication app;
    const auto out = converse(app, initialize_line(version) + "\n" +
                                       R"([{"jsonrpc":"2.0","id":1,"method":"a"}])"
                                       "\n[]\n");
    ASSERT_EQ(out.size(), 3u);
    const json expected = error_response(
        nullptr, -32600,
        std::string("[mcpgym.rpc.batch_rejected] Invalid Request: JSON-RPC batches "
                    "are not supported in protocol version ") +
            version + " (MCP removed them in 2025-06-18); send one message per request");
    EXPECT_EQ(out[1], expected) << version;
    EXPECT_EQ(out[2], expected) << version;
  }
}

TEST(StdioServer, OutputLinesHoldNoRawNewline_STDIO001) {
  FakeApplication app;
  // Strings with escaped newlines and control bytes come back inside results and errors.
  const StdioRun run = run_stdio(app, R"({"jsonrpc":"2.0","id":1,"method":"a\nb\r\u0000c"})"
                                      "\n" +
                                          initialize_line("2025-11-25", 2) + "\n" +
                                          R"({"jsonrpc":"2.0","id":3,"method":"x",)"
                                          R"("params":{"text":"line1\nline2\u2028"}})"
                                          "\n");
  const auto out = messages(run);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(std::count(run.output.begin(), run.output.end(), '\n'), 3);
  EXPECT_EQ(out[0].at("error").at("message"),
            // Untrusted text is echoed through excerpt(): control bytes escaped.
            "[mcpgym.rpc.not_initialized] Invalid Request: a\\x0ab\\x0d\\x00c before initialize; "
            "send initialize first");
  EXPECT_EQ(out[2], echo_result(3, "x", {{"text", "line1\nline2\u2028"}}));
}

TEST(StdioServer, InputArrivingByteByByteGivesTheSameAnswers_STDIO001) {
  FakeApplication whole_app;
  FakeApplication bytes_app;
  const std::string input = initialize_line("2025-11-25") + "\r\n" + kInitialized + "\n\n" +
                            R"({"jsonrpc":"2.0","id":2,"method":"m","params":{"k":"v"}})";
  const auto whole = converse(whole_app, input);
  const auto bytes = messages(run_stdio(bytes_app, input, 1));
  ASSERT_EQ(whole.size(), 2u);
  EXPECT_EQ(bytes, whole);
}

TEST(StdioServer, LinesLongerThanTheReadBufferAreAnswered) {
  FakeApplication app;
  const std::string big(300'000, 'y');
  const auto out =
      converse(app, initialize_line("2025-11-25") + "\n" +
                        R"({"jsonrpc":"2.0","id":2,"method":"m","params":{"s":")" + big + "\"}}\n");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1], echo_result(2, "m", {{"s", big}}));
}

TEST(StdioServer, ManyRequestsInOneWriteAreAnsweredInOrder_STDIO001) {
  FakeApplication app;
  std::string input = initialize_line("2025-11-25") + "\n";
  for (int i = 2; i < 500; ++i) {
    input += json{{"jsonrpc", "2.0"}, {"id", i}, {"method", "m"}}.dump() + "\n";
  }
  const auto out = converse(app, input);
  ASSERT_EQ(out.size(), 499u);
  for (int i = 2; i < 500; ++i)
    EXPECT_EQ(out[static_cast<std::size_t>(i - 1)].at("id"), i);
}

TEST(StdioServer, WriteFailureMakesServeReturnFalse) {
  FakeApplication app;
  StdioServer server(app);
  testing::Pipe in;
  ASSERT_TRUE(mcpgym::write_all(in.write_fd(), R"({"jsonrpc":"2.0","id":1,"method":"ping"})"
                                               "\n"));
  in.close_write();
  // A closed descriptor: write() fails with EBADF instead of raising SIGPIPE.
  EXPECT_FALSE(server.serve(in.read_fd(), -1));
}

TEST(StdioServer, StopBeforeServeMakesServeReturnAtOnce) {
  FakeApplication app;
  StdioServer server(app);
  testing::Pipe in;  // stays open: only stop() can end serve()
  testing::Pipe out;
  server.stop();
  const auto served = testing::serve_bounded(server, in, out);
  EXPECT_TRUE(served.in_time) << "serve() ignored an earlier stop()";
  EXPECT_TRUE(served.result);
}

TEST(StdioServer, StopFromAnotherThreadEndsServeWhileInputStaysOpen) {
  FakeApplication app;
  StdioServer server(app);
  testing::Pipe in;
  testing::Pipe out;
  std::string output;
  const auto served = testing::serve_bounded(server, in, out, [&] {
    ASSERT_TRUE(mcpgym::write_all(in.write_fd(), initialize_line("2025-11-25") + "\n"));
    // Once the answer is out, serve() is back to waiting on the open input.
    EXPECT_EQ(testing::read_bounded(out.read_fd(), output, 1), testing::ReadEnd::kEnough);
    server.stop();
  });
  EXPECT_TRUE(served.in_time) << "serve() ignored stop()";
  EXPECT_TRUE(served.result);
  EXPECT_EQ(json::parse(output).at("id"), 1);
}

}  // namespace
}  // namespace mcpgym::mcp
