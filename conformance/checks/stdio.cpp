// stdio transport checks (docs/spec.md STDIO-*): one process of the
// implementation spoken to line by line, so that what crosses stdin and
// stdout is judged as it came, not as the harness client reads it.
//
// Check ids keep their "lifecycle." prefix from when these lived in
// lifecycle.cpp: baselines and reports name checks by id.
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/bounded_json.hpp"
#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/verify.hpp"
#include "conformance/checks/wire.hpp"
#include "conformance/core/context.hpp"
#include "harness/mcp/stdio_lines.hpp"

namespace mcpgym::conformance {
namespace {

using json = nlohmann::json;
using verify::show;

// One stdio process of the implementation, every line written and read noted.
Expected<std::unique_ptr<harness::StdioLines>, std::string> start_peer(Context& ctx) {
  auto p = ctx.launch({.values = {}, .working_directory = {}, .name = "stdio"});
  if (!p) return unexpected(p.error());
  return std::make_unique<harness::StdioLines>(std::move(p).value(),
                                               [&ctx](const std::string& s) { ctx.note(s); });
}

std::string initialize_line(int id) {
  return wire::request(id, "initialize", wire::initialize_params()).dump();
}

// Writes initialize (id 1), notifications/initialized and ping (id 2) without
// waiting for answers; false when stdin was closed.
bool write_handshake_and_ping(harness::StdioLines& p) {
  return p.write_line(initialize_line(1)) &&
         p.write_line(wire::notification("notifications/initialized").dump()) &&
         p.write_line(wire::request(2, "ping").dump());
}

// Sends initialize (id 1) and waits for its result; what came instead when it failed.
std::optional<std::string> initialize(Context& ctx, harness::StdioLines& p) {
  p.write_line(initialize_line(1));
  auto first = p.read_message(ctx.call_timeout);
  if (!first || !first->is_object() || !first->contains("result")) {
    return "initialize got " + (first ? show(*first) : std::string("no answer"));
  }
  return std::nullopt;
}

// A fresh process is sent `line` as its first; its answer must be error `code` carrying `id`.
Outcome expect_first_line_error(Context& ctx, const std::string& line, int code, const json& id,
                                const std::string& what) {
  auto peer = start_peer(ctx);
  if (!peer) return Outcome::could_not_run(peer.error());
  (*peer)->write_line(line);
  return verify::expect_error_message((*peer)->read_message(ctx.call_timeout), code, id, what);
}

// Reads up to 10 lines until ids 1 and 2 are answered; each line must be JSON.
Outcome expect_two_json_answers(Context& ctx, harness::StdioLines& p, const std::string& expected) {
  int answered = 0;
  for (int i = 0; i < 10 && answered < 2; ++i) {
    auto line = p.read_line(ctx.call_timeout);
    if (!line) {
      return Outcome::broken(expected, std::to_string(answered) + " answer(s), then " +
                                           (p.eof() ? "end of output" : "nothing"));
    }
    const json m = parse_json_or_discarded(*line);
    if (m.is_discarded()) {
      return Outcome::broken(expected,
                             "the line `" + excerpt(*line, 200) + "`, which is not a JSON message");
    }
    if (m.is_object() && m.contains("id") && (m["id"] == 1 || m["id"] == 2)) ++answered;
  }
  if (answered < 2) return Outcome::broken(expected, "no answers to ids 1 and 2");
  return Outcome::held(expected, "two answer lines, each a JSON message");
}

// Reads stdout to its end (at most 50 lines); each line must be a JSON-RPC
// message, and at least 3 must come.
Outcome expect_only_messages(Context& ctx, harness::StdioLines& p, const std::string& expected) {
  int lines = 0;
  for (; lines < 50; ++lines) {
    auto line = p.read_line(ctx.call_timeout);
    if (!line) break;
    const json m = parse_json_or_discarded(*line);
    const bool message = m.is_object() && m.contains("jsonrpc") && m["jsonrpc"] == "2.0";
    if (!message) {
      return Outcome::broken(expected, "stdout line " + std::to_string(lines + 1) + " is `" +
                                           excerpt(*line, 200) + "`");
    }
  }
  if (lines < 3) {
    return Outcome::broken(expected, "only " + std::to_string(lines) + " line(s) before " +
                                         (p.eof() ? "end of output" : "silence") +
                                         ", where 3 answers were due");
  }
  return Outcome::held(expected, std::to_string(lines) + " lines, each a JSON-RPC message");
}

// STDIO-001: "Messages are newline-delimited JSON-RPC on stdin and stdout: one
// message per line, with no embedded newlines."
Outcome stdio_line_delimited(Context& ctx) {
  auto peer = start_peer(ctx);
  if (!peer) return Outcome::could_not_run(peer.error());
  const std::string expected =
      "the answers to initialize (id 1) and ping (id 2), each a "
      "JSON message on one line";
  if (!write_handshake_and_ping(**peer)) return Outcome::broken(expected, "stdin was closed");
  return expect_two_json_answers(ctx, **peer, expected);
}

// STDIO-002: "Nothing but MCP messages goes to stdout. Logs go to stderr."
Outcome stdio_stdout_messages_only(Context& ctx) {
  auto peer = start_peer(ctx);
  if (!peer) return Outcome::could_not_run(peer.error());
  auto& p = **peer;
  write_handshake_and_ping(p);
  p.write_line(wire::request(3, "mcpgym-conform/no-such-method").dump());
  p.process().close_stdin();
  return expect_only_messages(
      ctx, p, "only JSON-RPC messages on stdout, from start-up to the end of output");
}

// STDIO-003: "... Before it, a request other than `initialize` or `ping` gets -32600. ..."
Outcome stdio_before_initialize(Context& ctx) {
  return expect_first_line_error(ctx, wire::request(5, "tools/list").dump(), -32600, 5,
                                 "tools/list before initialize");
}

// STDIO-003: "... A second `initialize` gets -32600. ..."
Outcome stdio_second_initialize(Context& ctx) {
  auto peer = start_peer(ctx);
  if (!peer) return Outcome::could_not_run(peer.error());
  auto& p = **peer;
  if (auto why = initialize(ctx, p)) return Outcome::could_not_run("the first " + *why);
  p.write_line(wire::notification("notifications/initialized").dump());
  p.write_line(initialize_line(2));
  return verify::expect_error_message(p.read_message(ctx.call_timeout), -32600, 2,
                                      "a second initialize");
}

// STDIO-003: "... A line that cannot be parsed gets -32700 with `id` null. ..."
Outcome stdio_parse_error(Context& ctx) {
  return expect_first_line_error(ctx, R"({"jsonrpc":"2.0","id":7,)", -32700, nullptr,
                                 "the line {\"jsonrpc\":\"2.0\",\"id\":7,");
}

// STDIO-003: "... End of input ends the process with exit status 0."
Outcome stdio_exit_on_eof(Context& ctx) {
  auto peer = start_peer(ctx);
  if (!peer) return Outcome::could_not_run(peer.error());
  auto& p = **peer;
  if (auto why = initialize(ctx, p)) return Outcome::could_not_run(*why);
  p.process().close_stdin();
  ctx.note("stdin closed");
  const std::string expected = "exit status 0 after end of input";
  auto status = p.process().wait_exit(ctx.call_timeout);
  if (!status) {
    return Outcome::broken(expected, "still running " + std::to_string(ctx.call_timeout.count()) +
                                         " ms after end of input");
  }
  if (status->signaled || status->code != 0) return Outcome::broken(expected, status->describe());
  return Outcome::held(expected, status->describe());
}

}  // namespace

std::vector<Check> stdio_checks() {
  std::vector<Check> checks;

  checks.push_back(Check{
      .id = "lifecycle.stdio-line-delimited",
      .spec_id = "STDIO-001",
      .level = Level::kMust,
      .rule = "Messages are newline-delimited JSON-RPC on stdin and stdout: one message per line, "
              "with no embedded newlines.",
      .needs = kStdioOnly,
      .fresh_process = false,
      .run = stdio_line_delimited});

  checks.push_back(Check{.id = "lifecycle.stdio-stdout-messages-only",
                         .spec_id = "STDIO-002",
                         .level = Level::kMust,
                         .rule = "Nothing but MCP messages goes to stdout. Logs go to stderr.",
                         .needs = kStdioOnly,
                         .fresh_process = false,
                         .run = stdio_stdout_messages_only});

  checks.push_back(Check{
      .id = "lifecycle.stdio-before-initialize",
      .spec_id = "STDIO-003",
      .level = Level::kMust,
      .rule = "stdio has the same methods, payloads and errors as HTTP ... Each process has one "
              "session, created by `initialize`. Before it, a request other than `initialize` or "
              "`ping` gets -32600.",
      .needs = kStdioOnly,
      .fresh_process = false,
      .run = stdio_before_initialize});

  checks.push_back(
      Check{.id = "lifecycle.stdio-second-initialize",
            .spec_id = "STDIO-003",
            .level = Level::kMust,
            .rule = "... Each process has one session, created by `initialize`. ... A second "
                    "`initialize` gets -32600.",
            .needs = kStdioOnly,
            .fresh_process = false,
            .run = stdio_second_initialize});

  checks.push_back(Check{.id = "lifecycle.stdio-parse-error",
                         .spec_id = "STDIO-003",
                         .level = Level::kMust,
                         .rule = "... A line that cannot be parsed gets -32700 with `id` null.",
                         .needs = kStdioOnly,
                         .fresh_process = false,
                         .run = stdio_parse_error});

  checks.push_back(Check{.id = "lifecycle.stdio-exit-on-eof",
                         .spec_id = "STDIO-003",
                         .level = Level::kMust,
                         .rule = "... End of input ends the process with exit status 0.",
                         .needs = kStdioOnly,
                         .fresh_process = false,
                         .run = stdio_exit_on_eof});

  return checks;
}

}  // namespace mcpgym::conformance
