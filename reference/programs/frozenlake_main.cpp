// mcpgym-frozenlake (also built as mcpgym-gym): the reference MCP-Gym backend.
// A thin program: flags in, the generic MCP-Gym application over the game
// chosen by --game wired into the MCP core's HTTP or stdio transport, one
// readiness line out.
//
// One main for both names: mcpgym-gym is a symlink to mcpgym-frozenlake made
// at build time (reference/programs/CMakeLists.txt), so the program names
// itself after argv[0]. The old name stays, as README, docs, tests and the
// proxy's default backend use it; it serves FrozenLake unless told otherwise.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "common/cli.hpp"
#include "common/log.hpp"
#include "common/signals.hpp"
#include "reference/gym/games/registry.hpp"
#include "reference/gym/gym_app.hpp"
#include "reference/gym/session_config.hpp"
#include "reference/mcp/http_server.hpp"
#include "reference/mcp/serve_until_signalled.hpp"
#include "reference/mcp/stdio_server.hpp"
#include "reference/programs/audit_log.hpp"

namespace {

using namespace mcpgym;

constexpr std::string_view kDefaultName = "mcpgym-frozenlake";
constexpr std::string_view kGymName = "mcpgym-gym";

// The name this program was started under: mcpgym-gym through its symlink,
// mcpgym-frozenlake otherwise (whatever path or argv[0] a test spawns it with).
std::string program_name(const char* argv0) {
  const std::string_view path = argv0 == nullptr ? "" : argv0;
  const std::string_view base = path.substr(path.find_last_of('/') + 1);
  return std::string(base == kGymName ? kGymName : kDefaultName);
}

struct Options {
  const gym::Game* game = gym::all_games().front();
  std::string transport = "http";
  std::string control_plane = "both";
  gym::Convention convention = gym::Convention::kMcpgym;
  mcp::HttpServerOptions http;
  std::optional<std::uint64_t> seed;
  std::optional<int> exit_after_calls;
  gym::Faults faults;
  std::optional<std::string> audit_dir;
};

// --fault NAME: the generic faults of the MCP-Gym application (gym::Faults
// says which bug each reproduces) and the chosen game's own (GameInfo::faults),
// then the one of the HTTP server. The game's come after the seed faults, so
// the list reads setup, dynamics, episode end, control plane.
using AppFault = std::pair<std::string_view, bool gym::Faults::*>;
constexpr std::array<AppFault, 2> kSetupFaults = {{
    {"shared-state", &gym::Faults::shared_state},
    {"ignore-seed", &gym::Faults::ignore_seed},
}};
constexpr std::array<AppFault, 4> kEpisodeFaults = {{
    {"moves-after-end", &gym::Faults::moves_after_end},
    {"stale-status", &gym::Faults::stale_status},
    {"empty-control-plane", &gym::Faults::empty_control_plane},
    {"terminate-after-first-step", &gym::Faults::terminate_after_first_step},
}};
// The modern era's field bugs (handles, docs/spec.md HANDLE-*).
constexpr std::array<AppFault, 4> kHandleFaults = {{
    {"handle-from-seed", &gym::Faults::handle_from_seed},
    {"handle-ignored", &gym::Faults::handle_ignored},
    {"control-cacheable", &gym::Faults::control_cacheable},
    {"unknown-handle-creates", &gym::Faults::unknown_handle_creates},
}};
// The eval-protocol convention's field bugs (eval-protocol 000c2a4).
constexpr std::array<AppFault, 7> kConventionFaults = {{
    {"ignore-config", &gym::Faults::ignore_config},
    {"unknown-key-creates", &gym::Faults::unknown_key_creates},
    {"key-joins-environment", &gym::Faults::key_joins_environment},
    {"unknown-tool-as-tool-error", &gym::Faults::unknown_tool_as_tool_error},
    {"unknown-resource-code-zero", &gym::Faults::unknown_resource_code_zero},
    {"ansi-grid", &gym::Faults::ansi_grid},
    {"lenient-reset", &gym::Faults::lenient_reset},
}};
constexpr std::string_view kSessionFault = "new-session-per-request";
constexpr std::string_view kControlOriginFault = "control-skips-origin";
// The server core's modern-era fault (HANDLE-007), listed last.
constexpr std::string_view kHeaderFault = "header-not-validated";

// The fault names --fault accepts with `game` chosen, in the order they are listed.
std::vector<std::string> fault_names(const gym::Game& game) {
  std::vector<std::string> names = {std::string(kSessionFault)};
  for (const auto& [name, field] : kSetupFaults)
    names.emplace_back(name);
  for (const auto& name : game.info().faults)
    names.push_back(name);
  for (const auto& [name, field] : kEpisodeFaults)
    names.emplace_back(name);
  for (const auto& [name, field] : kHandleFaults)
    names.emplace_back(name);
  for (const auto& [name, field] : kConventionFaults)
    names.emplace_back(name);
  names.emplace_back(kControlOriginFault);
  names.emplace_back(kHeaderFault);
  return names;
}

void apply_fault(const std::string& name, Options& o) {
  if (name == kSessionFault) o.http.new_session_per_request = true;
  if (name == kHeaderFault) o.http.header_not_validated = true;
  for (const auto& [fault, field] : kSetupFaults) {
    if (name == fault) o.faults.*field = true;
  }
  for (const auto& [fault, field] : kEpisodeFaults) {
    if (name == fault) o.faults.*field = true;
  }
  for (const auto& [fault, field] : kHandleFaults) {
    if (name == fault) o.faults.*field = true;
  }
  for (const auto& [fault, field] : kConventionFaults) {
    if (name == fault) o.faults.*field = true;
  }
  if (name == kControlOriginFault) o.http.control_skips_origin = true;
  const auto& own = o.game->info().faults;
  if (std::find(own.begin(), own.end(), name) != own.end()) o.faults.game.insert(name);
}

// "frozenlake|cliffwalking", from the registry.
std::string game_choices() {
  std::string choices;
  for (const auto& name : gym::game_names())
    choices += (choices.empty() ? "" : "|") + name;
  return choices;
}

// The generic faults, then each game's own: "... (frozenlake: no-hole-termination)".
std::string fault_help() {
  std::string help =
      "testing: reproduce a known bug (a negative control; docs/design.md); repeatable or "
      "comma-separated. NAME is one of " +
      std::string(kSessionFault);
  for (const auto& [name, field] : kSetupFaults)
    help += ", " + std::string(name);
  for (const auto& [name, field] : kEpisodeFaults)
    help += ", " + std::string(name);
  for (const auto& [name, field] : kHandleFaults)
    help += ", " + std::string(name);
  for (const auto& [name, field] : kConventionFaults)
    help += ", " + std::string(name);
  help += ", " + std::string(kControlOriginFault);
  help += ", " + std::string(kHeaderFault);
  help += ", or one of the game's own (";
  for (const gym::Game* game : gym::all_games()) {
    const auto& info = game->info();
    help += (game == gym::all_games().front() ? "" : "; ") + info.name + ":";
    for (const auto& name : info.faults)
      help += " " + name;
    if (info.faults.empty()) help += " none";
  }
  return help + ")";
}

cli::Parser make_parser(const std::string& name) {
  cli::Parser parser(name, "[flags]",
                     "The reference MCP-Gym server (docs/spec.md). Over HTTP it prints\n"
                     "'listening on http://HOST:PORT/mcp' once ready; logs go to stderr.");
  parser
      .option("game", game_choices(),
              "the game to serve (default " + gym::all_games().front()->info().name + ")")
      .option("port", "N", "TCP port; 0 picks a free one (default 0)")
      .option("host", "ADDR", "address to bind (default 127.0.0.1)")
      .option("seed", "N", "seed for sessions whose initialize carries none (0..2^53-1)")
      .option("transport", "http|stdio", "MCP transport (default http)")
      .option("response-mode", "json|sse",
              "answer requests as one JSON body or as an SSE stream (default json)")
      .option("control-plane", "resources|http|both",
              "control-plane form: MCP resources, GET /control/*, or both (default both)")
      .option("convention", "mcpgym|eval-protocol",
              "wire convention (docs/spec.md \"Conventions\"; default mcpgym). eval-protocol: "
              "clientInfo._extra.session_id keys the environment, /control/* and "
              "reset_session find it by that key in the mcp-session-id header and refuse with "
              "{\"error\": ...}; needs HTTP and the http control plane")
      .option("session-idle-timeout", "SECONDS",
              "end sessions and environment handles idle this long; 0 never (default 600)")
      .option("max-body", "BYTES", "largest request body accepted (default 4194304)")
      .option("threads", "N",
              "most HTTP worker threads = requests computed at once, started as needed; "
              "open connections cost none (default 64)")
      .option("max-connections", "N",
              "most open HTTP connections; past it the one waiting longest for a request is "
              "closed (default 512)")
      .option("request-timeout", "SECONDS",
              "deadline for reading a whole request, from its first byte (default 30)")
      .option("keep-alive-timeout", "SECONDS",
              "close a connection idle this long between requests (default 60)")
      .option("log-level", "error|warn|info|debug", "stderr verbosity (default info)")
      .heading("testing (negative controls and instrumentation, never for normal use)")
      .option("exit-after-calls", "N",
              "testing: exit with status 3 on the N-th tools/call, across all sessions, without "
              "answering it")
      .option("fault", "NAME", fault_help())
      .option("audit-dir", "DIR",
              "testing: append the start-up, every HTTP request and every new session as JSON "
              "lines to DIR/backend-<pid>.jsonl (backend-<pid>-<n>.jsonl when a reused pid finds "
              "one there)")
      .flag("lenient-accept", "testing: accept any Accept header (no 406, HTTP-003)")
      .flag("strict-get",
            "testing: refuse a GET /control/* whose Accept lacks application/json (406) or "
            "that carries a Content-Type (415), as a strict FastMCP or TypeScript SDK server");
  return parser;
}

// Every flag is validated before anything starts, so a typo never leaves a
// half-started server behind.
Expected<Options, std::string> read_options(const cli::Args& args) {
  Options o;
  if (auto v = args.get("game")) {
    auto name = cli::to_choice("game", *v, gym::game_names());
    if (!name) return unexpected(name.error());
    o.game = gym::find_game(*name);
  }
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
  if (auto v = args.get("convention")) {
    auto c = cli::to_choice("convention", *v, {"mcpgym", "eval-protocol"});
    if (!c) return unexpected(c.error());
    if (*c == "eval-protocol") o.convention = gym::Convention::kEvalProtocol;
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
  if (auto v = args.get("max-connections")) {
    auto n = cli::to_integer("max-connections", *v, 1, 1'000'000);
    if (!n) return unexpected(n.error());
    o.http.max_connections = static_cast<std::size_t>(*n);
  }
  for (auto [flag, field] :
       {std::pair{"request-timeout", &mcp::HttpServerOptions::request_timeout},
        std::pair{"keep-alive-timeout", &mcp::HttpServerOptions::keep_alive_timeout}}) {
    if (auto v = args.get(flag)) {
      auto s = cli::to_number(flag, *v, 0.001, 24.0 * 3600);
      if (!s) return unexpected(s.error());
      o.http.*field = std::chrono::milliseconds(static_cast<long long>(*s * 1000));
    }
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
  auto faults = cli::to_choices("fault", args.get_all("fault"), fault_names(*o.game));
  if (!faults) return unexpected(faults.error());
  for (const auto& name : *faults)
    apply_fault(name, o);
  o.audit_dir = args.get("audit-dir");
  o.http.lenient_accept = args.has("lenient-accept");
  o.http.strict_get = args.has("strict-get");
  o.http.control_http = o.control_plane != "resources";
  // EVP-003: the convention's control plane is GET /control/* keyed by the client.
  if (o.convention == gym::Convention::kEvalProtocol &&
      (o.transport != "http" || !o.http.control_http)) {
    return unexpected(std::string(
        "[mcpgym.cli.invalid_value] --convention eval-protocol needs --transport http and "
        "--control-plane http or both (its control plane is GET /control/* keyed by the "
        "client)"));
  }
  return o;
}

int serve_http(gym::GymApp& app, const Options& o) {
  mcp::HttpServer server(app, o.http);
  return mcp::serve_until_signalled(server);
}

int serve_stdio(gym::GymApp& app) {
  mcp::StdioServer server(app);
  TerminationSignals signals([&server](int) { server.stop(); });
  return server.serve(STDIN_FILENO, STDOUT_FILENO) ? 0 : 1;
}

// --audit-dir: the start line now, then a line per HTTP request and per new session.
Expected<std::unique_ptr<AuditLog>, std::string> start_audit(Options& o, int argc, char** argv) {
  auto log = AuditLog::open(*o.audit_dir);
  if (!log) return unexpected(log.error());
  (*log)->start(std::vector<std::string>(argv, argv + argc));
  AuditLog* audit = log->get();  // outlives the server, which main() destroys first
  o.http.on_request = [audit](const mcp::RequestRecord& record) { audit->request(record); };
  o.http.on_session = [audit](const std::string& id, mcp::Session& session) {
    // The seed in use, as game://initial_state reports it (CTRL-003).
    auto initial = session.read_control("initial_state");
    audit->session(id, initial ? initial->value("seed", mcp::json()) : mcp::json());
  };
  return log;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string name = program_name(argc > 0 ? argv[0] : nullptr);
  set_log_program(name);
  auto args = make_parser(name).parse_command_line(argc, argv);
  if (const int* status = std::get_if<int>(&args)) return *status;
  auto options = read_options(std::get<cli::Args>(args));
  if (!options) {
    std::cerr << name << ": " << options.error() << "\n";
    return cli::kExitUsage;
  }
  std::unique_ptr<AuditLog> audit;
  if (options->audit_dir) {
    auto started = start_audit(*options, argc, argv);
    if (!started) {
      std::cerr << name << ": " << started.error() << "\n";
      return cli::kExitUsage;
    }
    audit = std::move(*started);
  }
  gym::GymApp app(*options->game, {.default_seed = options->seed,
                                   .control_resources = options->control_plane != "http",
                                   .exit_after_tool_calls = options->exit_after_calls,
                                   .faults = options->faults,
                                   .convention = options->convention,
                                   // HANDLE-006: handles expire as sessions do.
                                   .handle_idle_timeout = options->http.session_idle_timeout});
  return options->transport == "stdio" ? serve_stdio(app) : serve_http(app, *options);
}
