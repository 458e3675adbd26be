// mcpgym-frozenlake: the reference FrozenLake MCP-Gym backend. A thin program:
// flags in, the FrozenLake application wired into the MCP core's HTTP or stdio
// transport, one readiness line out.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <optional>

#include "reference/common/cli.hpp"
#include "reference/common/log.hpp"
#include "reference/common/signals.hpp"
#include "reference/gym/env_config.hpp"
#include "reference/gym/frozen_lake_app.hpp"
#include "reference/mcp/http_server.hpp"
#include "reference/mcp/serve_until_signalled.hpp"
#include "reference/mcp/stdio_server.hpp"

namespace {

using namespace mcpgym;

struct Options {
  std::string transport = "http";
  std::string control_plane = "both";
  mcp::HttpServerOptions http;
  std::optional<std::uint64_t> seed;
  std::optional<int> exit_after_calls;
};

cli::Parser make_parser() {
  cli::Parser parser("mcpgym-frozenlake", "[flags]",
                     "The reference FrozenLake MCP-Gym server (docs/spec.md). Over HTTP it prints\n"
                     "'listening on http://HOST:PORT/mcp' once ready; logs go to stderr.");
  parser.option("port", "N", "TCP port; 0 picks a free one (default 0)")
      .option("host", "ADDR", "address to bind (default 127.0.0.1)")
      .option("seed", "N", "seed for sessions whose initialize carries none (0..2^53-1)")
      .option("transport", "http|stdio", "MCP transport (default http)")
      .option("response-mode", "json|sse",
              "answer requests as one JSON body or as an SSE stream (default json)")
      .option("control-plane", "resources|http|both",
              "control-plane form: MCP resources, GET /control/*, or both (default both)")
      .option("session-idle-timeout", "SECONDS",
              "end sessions idle this long; 0 never (default 600)")
      .option("max-body", "BYTES", "largest request body accepted (default 4194304)")
      .option("threads", "N", "HTTP worker threads = concurrent connections (default 64)")
      .option("log-level", "error|warn|info|debug", "stderr verbosity (default info)")
      .option("exit-after-calls", "N",
              "testing: exit with status 3 on the N-th tools/call, across all sessions, without "
              "answering it");
  return parser;
}

// Every flag is validated before anything starts, so a typo never leaves a
// half-started server behind.
Expected<Options, std::string> read_options(const cli::Args& args) {
  Options o;
  if (auto v = args.get("port")) {
    auto port = cli::to_integer("port", *v, 0, 65535);
    if (!port) return unexpected(port.error());
    o.http.port = static_cast<int>(*port);
  }
  if (auto v = args.get("host")) o.http.host = *v;
  if (auto v = args.get("seed")) {
    auto seed = cli::to_integer("seed", *v, 0, static_cast<long long>(gym::kMaxSeed));
    if (!seed) return unexpected(seed.error());
    o.seed = static_cast<std::uint64_t>(*seed);
  }
  if (auto v = args.get("transport")) {
    auto t = cli::to_choice("transport", *v, {"http", "stdio"});
    if (!t) return unexpected(t.error());
    o.transport = *t;
  }
  if (auto v = args.get("response-mode")) {
    auto m = cli::to_choice("response-mode", *v, {"json", "sse"});
    if (!m) return unexpected(m.error());
    o.http.sse_responses = *m == "sse";
  }
  if (auto v = args.get("control-plane")) {
    auto c = cli::to_choice("control-plane", *v, {"resources", "http", "both"});
    if (!c) return unexpected(c.error());
    o.control_plane = *c;
  }
  if (auto v = args.get("session-idle-timeout")) {
    auto s = cli::to_number("session-idle-timeout", *v, 0, 365.0 * 24 * 3600);
    if (!s) return unexpected(s.error());
    o.http.session_idle_timeout = std::chrono::milliseconds(static_cast<long long>(*s * 1000));
  }
  if (auto v = args.get("max-body")) {
    auto b = cli::to_integer("max-body", *v, 1024, 1LL << 30);
    if (!b) return unexpected(b.error());
    o.http.max_body_bytes = static_cast<std::size_t>(*b);
  }
  if (auto v = args.get("threads")) {
    auto t = cli::to_integer("threads", *v, 1, 4096);
    if (!t) return unexpected(t.error());
    o.http.worker_threads = static_cast<int>(*t);
  }
  if (auto v = args.get("log-level")) {
    auto level = cli::to_log_level("log-level", *v);
    if (!level) return unexpected(level.error());
    set_log_level(*level);
  }
  if (auto v = args.get("exit-after-calls")) {
    // A negative-control hook for tests of clients and the proxy: a crash mid-episode.
    auto n = cli::to_integer("exit-after-calls", *v, 1, 1'000'000'000);
    if (!n) return unexpected(n.error());
    o.exit_after_calls = static_cast<int>(*n);
  }
  o.http.control_http = o.control_plane != "resources";
  return o;
}

int serve_http(gym::FrozenLakeApp& app, const Options& o) {
  mcp::HttpServer server(app, o.http);
  return mcp::serve_until_signalled(server);
}

int serve_stdio(gym::FrozenLakeApp& app) {
  mcp::StdioServer server(app);
  TerminationSignals signals([&server](int) { server.stop(); });
  return server.serve(STDIN_FILENO, STDOUT_FILENO) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  set_log_program("mcpgym-frozenlake");
  auto args = make_parser().parse_command_line(argc, argv);
  if (const int* status = std::get_if<int>(&args)) return *status;
  auto options = read_options(std::get<cli::Args>(args));
  if (!options) {
    std::cerr << "mcpgym-frozenlake: " << options.error() << "\n";
    return cli::kExitUsage;
  }
  gym::FrozenLakeApp app(
      {options->seed, options->control_plane != "http", options->exit_after_calls});
  return options->transport == "stdio" ? serve_stdio(app) : serve_http(app, *options);
}
