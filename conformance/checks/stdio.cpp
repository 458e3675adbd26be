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

}  // namespace

std::vector<Check> stdio_checks() {
  std::vector<Check> checks;

  // STDIO-001: "Messages are newline-delimited JSON-RPC on stdin and stdout: one
  // message per line, with no embedded newlines."
  checks.push_back(Check{
      .id = "lifecycle.stdio-line-delimited",
      .spec_id = "STDIO-001",
      .level = Level::kMust,
      .rule = "Messages are newline-delimited JSON-RPC on stdin and stdout: one message per line, "
              "with no embedded newlines.",
      .needs = kStdioOnly,
      .fresh_process = false,
      .run = [](Context& ctx) -> Outcome {
        auto peer = start_peer(ctx);
        if (!peer) return Outcome::could_not_run(peer.error());
        const std::string expected =
            "the answers to initialize (id 1) and ping (id 2), each a "
            "JSON message on one line";
        if (!(*peer)->write_line(initialize_line(1)) ||
            !(*peer)->write_line(wire::notification("notifications/initialized").dump()) ||
            !(*peer)->write_line(wire::request(2, "ping").dump())) {
          return Outcome::broken(expected, "stdin was closed");
        }
        int answered = 0;
        for (int i = 0; i < 10 && answered < 2; ++i) {
          auto line = (*peer)->read_line(ctx.call_timeout);
          if (!line) {
            return Outcome::broken(expected, std::to_string(answered) + " answer(s), then " +
                                                 ((*peer)->eof() ? "end of output" : "nothing"));
          }
          const json m = parse_json_or_discarded(*line);
          if (m.is_discarded()) {
            return Outcome::broken(
                expected, "the line `" + excerpt(*line, 200) + "`, which is not a JSON message");
          }
          if (m.is_object() && m.contains("id") && (m["id"] == 1 || m["id"] == 2)) ++answered;
        }
        if (answered < 2) return Outcome::broken(expected, "no answers to ids 1 and 2");
        return Outcome::held(expected, "two answer lines, each a JSON message");
      }});

  // STDIO-002: "Nothing but MCP messages goes to stdout. Logs go to stderr."
  checks.push_back(Check{
      .id = "lifecycle.stdio-stdout-messages-only",
      .spec_id = "STDIO-002",
      .level = Level::kMust,
      .rule = "Nothing but MCP messages goes to stdout. Logs go to stderr.",
      .needs = kStdioOnly,
      .fresh_process = false,
      .run = [](Context& ctx) -> Outcome {
        auto peer = start_peer(ctx);
        if (!peer) return Outcome::could_not_run(peer.error());
        const std::string expected =
            "only JSON-RPC messages on stdout, from start-up to the end of output";
        auto& p = **peer;
        p.write_line(initialize_line(1));
        p.write_line(wire::notification("notifications/initialized").dump());
        p.write_line(wire::request(2, "ping").dump());
        p.write_line(wire::request(3, "mcpgym-conform/no-such-method").dump());
        p.process().close_stdin();
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
      }});

  // STDIO-003: "... Before it, a request other than `initialize` or `ping` gets -32600. ..."
  checks.push_back(Check{
      .id = "lifecycle.stdio-before-initialize",
      .spec_id = "STDIO-003",
      .level = Level::kMust,
      .rule = "stdio has the same methods, payloads and errors as HTTP ... Each process has one "
              "session, created by `initialize`. Before it, a request other than `initialize` or "
              "`ping` gets -32600.",
      .needs = kStdioOnly,
      .fresh_process = false,
      .run = [](Context& ctx) -> Outcome {
        auto peer = start_peer(ctx);
        if (!peer) return Outcome::could_not_run(peer.error());
        (*peer)->write_line(wire::request(5, "tools/list").dump());
        return verify::expect_error_message((*peer)->read_message(ctx.call_timeout), -32600, 5,
                                            "tools/list before initialize");
      }});

  // STDIO-003: "... A second `initialize` gets -32600. ..."
  checks.push_back(
      Check{.id = "lifecycle.stdio-second-initialize",
            .spec_id = "STDIO-003",
            .level = Level::kMust,
            .rule = "... Each process has one session, created by `initialize`. ... A second "
                    "`initialize` gets -32600.",
            .needs = kStdioOnly,
            .fresh_process = false,
            .run = [](Context& ctx) -> Outcome {
              auto peer = start_peer(ctx);
              if (!peer) return Outcome::could_not_run(peer.error());
              auto& p = **peer;
              p.write_line(initialize_line(1));
              auto first = p.read_message(ctx.call_timeout);
              if (!first || !first->is_object() || !first->contains("result")) {
                return Outcome::could_not_run("the first initialize got " +
                                              (first ? show(*first) : std::string("no answer")));
              }
              p.write_line(wire::notification("notifications/initialized").dump());
              p.write_line(initialize_line(2));
              return verify::expect_error_message(p.read_message(ctx.call_timeout), -32600, 2,
                                                  "a second initialize");
            }});

  // STDIO-003: "... A line that cannot be parsed gets -32700 with `id` null. ..."
  checks.push_back(Check{.id = "lifecycle.stdio-parse-error",
                         .spec_id = "STDIO-003",
                         .level = Level::kMust,
                         .rule = "... A line that cannot be parsed gets -32700 with `id` null.",
                         .needs = kStdioOnly,
                         .fresh_process = false,
                         .run = [](Context& ctx) -> Outcome {
                           auto peer = start_peer(ctx);
                           if (!peer) return Outcome::could_not_run(peer.error());
                           (*peer)->write_line(R"({"jsonrpc":"2.0","id":7,)");
                           return verify::expect_error_message(
                               (*peer)->read_message(ctx.call_timeout), -32700, nullptr,
                               "the line {\"jsonrpc\":\"2.0\",\"id\":7,");
                         }});

  // STDIO-003: "... End of input ends the process with exit status 0."
  checks.push_back(
      Check{.id = "lifecycle.stdio-exit-on-eof",
            .spec_id = "STDIO-003",
            .level = Level::kMust,
            .rule = "... End of input ends the process with exit status 0.",
            .needs = kStdioOnly,
            .fresh_process = false,
            .run = [](Context& ctx) -> Outcome {
              auto peer = start_peer(ctx);
              if (!peer) return Outcome::could_not_run(peer.error());
              auto& p = **peer;
              p.write_line(initialize_line(1));
              auto first = p.read_message(ctx.call_timeout);
              if (!first || !first->is_object() || !first->contains("result")) {
                return Outcome::could_not_run("initialize got " +
                                              (first ? show(*first) : std::string("no answer")));
              }
              p.process().close_stdin();
              ctx.note("stdin closed");
              const std::string expected = "exit status 0 after end of input";
              auto status = p.process().wait_exit(ctx.call_timeout);
              if (!status) {
                return Outcome::broken(expected, "still running " +
                                                     std::to_string(ctx.call_timeout.count()) +
                                                     " ms after end of input");
              }
              if (status->signaled || status->code != 0)
                return Outcome::broken(expected, status->describe());
              return Outcome::held(expected, status->describe());
            }});

  return checks;
}

}  // namespace mcpgym::conformance
