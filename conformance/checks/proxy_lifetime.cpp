// How long a proxy's backends live (docs/spec.md PROXY-009, PROXY-011,
// PROXY-012): a backend that cannot start fails its initialize and makes no
// session; a session's backend goes when the session ends (DELETE, idle
// expiry) and when the proxy ends (SIGTERM, SIGKILL); a session outlives its
// client's connection and an idle pause. The backends are the suite's
// instrumented backend, whose audit records each one's pid (and its parent's),
// so the suite sees which are alive. The suite signals only the proxies it
// started; a backend left running after its proxy is gone is killed by pid,
// once /proc shows it is a descendant of the suite (see docs/conformance.md).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/episode.hpp"
#include "conformance/checks/wire.hpp"
#include "conformance/core/context.hpp"
#include "conformance/core/instrumented_backend.hpp"
#include "conformance/core/process_tree.hpp"
#include "conformance/core/target.hpp"
#include "harness/mcp/client.hpp"

namespace mcpgym::conformance {
namespace {

using episode::must_check;
namespace fs = std::filesystem;
using harness::McpClient;
using json = nlohmann::json;

// Seeds only these checks give, so their backends can be told apart in the
// run's shared audit directory (proxy_forwarding.cpp uses 607xx and 608xx).
constexpr std::uint64_t kSeedDelete = 60901;
constexpr std::uint64_t kSeedIdleExpiry = 60902;
constexpr std::uint64_t kSeedSignalA = 60903;
constexpr std::uint64_t kSeedSignalB = 60904;
constexpr std::uint64_t kSeedReconnect = 60905;
constexpr std::uint64_t kSeedPause = 60906;
constexpr std::uint64_t kSeedFailing = 60907;

// How long a backend may take to be gone once it should be: a stop's grace
// before SIGKILL (the reference proxy's is 2 s), then the reaping.
constexpr std::chrono::milliseconds kBackendGoneWithin{5'000};
// How long a signalled proxy may take to exit.
constexpr std::chrono::milliseconds kProxyExitWithin{10'000};
// The idle pause between two requests of one session.
constexpr std::chrono::milliseconds kIdlePause{1'500};
// What the failing backend writes to stderr before it exits, for PROXY-009.
constexpr const char* kFailingBackendLine =
    "mcpgym-conform: this backend exits at start on purpose (PROXY-009 check)";

std::string seed_text(std::uint64_t seed) {
  return std::to_string(seed);
}

std::string pid_text(pid_t pid) {
  return std::to_string(pid);
}

// The data-plane call of the game's first action.
harness::Result<json> move_once(Context& ctx, McpClient& client) {
  const GameDriver& game = ctx.game();
  return client.call_tool(game.tool(), json{{"action", game.actions().front()}});
}

json move_request(Context& ctx, int id) {
  const GameDriver& game = ctx.game();
  return wire::request(
      id, "tools/call",
      json{{"name", game.tool()}, {"arguments", json{{"action", game.actions().front()}}}});
}

// The one backend audit whose sessions include `seed`, or why there is none.
Expected<const BackendAudit*, std::string> audit_with_seed(const std::vector<BackendAudit>& audits,
                                                           std::uint64_t seed) {
  const BackendAudit* found = nullptr;
  int count = 0;
  for (const BackendAudit& a : audits) {
    if (std::find(a.seeds.begin(), a.seeds.end(), seed) == a.seeds.end()) continue;
    found = &a;
    ++count;
  }
  if (count == 1) return found;
  return unexpected(count == 0 ? "no instrumented backend ({backend}) got the session with seed " +
                                     seed_text(seed) + " (" + std::to_string(audits.size()) +
                                     " backend(s) in the audit directory)"
                               : "the session with seed " + seed_text(seed) + " reached " +
                                     std::to_string(count) + " backend processes, not one");
}

// A backend process seen running, and the process that started it (its audit's ppid).
struct LiveBackend {
  SeenProcess process;
  pid_t parent = 0;
};

std::string describe(const LiveBackend& backend) {
  return "backend pid " + pid_text(backend.process.pid) + " (started by pid " +
         pid_text(backend.parent) + ")";
}

// The running backend process of the session with `seed`.
Expected<LiveBackend, std::string> running_backend(const fs::path& audit_dir, std::uint64_t seed) {
  auto audits = read_backend_audits(audit_dir);
  if (!audits) return unexpected(audits.error());
  auto audit = audit_with_seed(*audits, seed);
  if (!audit) return unexpected(audit.error());
  const auto seen = see_process((*audit)->pid);
  if (!seen) {
    return unexpected("the backend of the session with seed " + seed_text(seed) + " (pid " +
                      pid_text((*audit)->pid) + ") is not running while its session is open");
  }
  return LiveBackend{*seen, static_cast<pid_t>((*audit)->ppid)};
}

Outcome not_spawned() {
  return Outcome::not_applicable(
      "the proxy is not started by the suite, so its backends may not run on this machine and "
      "the suite may not signal it");
}

bool spawned(Context& ctx) {
  return ctx.profile().launch == LaunchMode::kSpawn;
}

// ---------------------------------------------------------------- PROXY-011

Outcome delete_stops_backend(Context& ctx) {
  if (!spawned(ctx)) return not_spawned();
  const std::string expected = "after DELETE of a session, its backend process is gone within " +
                               std::to_string(kBackendGoneWithin.count() / 1000) + " s";
  auto client = ctx.session(json{{"seed", kSeedDelete}});
  if (!client) return Outcome::could_not_run(client.error());
  if (auto moved = move_once(ctx, **client); !moved) {
    return Outcome::could_not_run(ctx.game().tool() + " failed: " + moved.error().message());
  }
  auto backend = running_backend(ctx.target().audit_dir(), kSeedDelete);
  if (!backend) return Outcome::could_not_run(backend.error());
  if (auto closed = (*client)->close(); !closed) {
    return Outcome::could_not_run("DELETE of the session failed: " + closed.error().message());
  }
  ctx.note("DELETE of the session with seed " + seed_text(kSeedDelete) + ", served by " +
           describe(*backend));
  if (!wait_until_gone(backend->process, kBackendGoneWithin)) {
    return Outcome::broken(expected, describe(*backend) + " still runs " +
                                         std::to_string(kBackendGoneWithin.count()) +
                                         " ms after DELETE of its session");
  }
  return Outcome::held(expected, describe(*backend) + " was gone after DELETE");
}

Outcome idle_expiry_stops_backend(Context& ctx) {
  if (!spawned(ctx)) return not_spawned();
  const auto idle = ctx.profile().idle_timeout;
  if (!idle) {
    return Outcome::not_applicable(
        "the profile gives no idle_timeout_ms (the proxy's session idle timeout), so the suite "
        "does not wait for an expiry");
  }
  const auto within = *idle + kBackendGoneWithin;
  const std::string expected = "a session left idle past the profile's idle timeout (" +
                               std::to_string(idle->count()) +
                               " ms) expires, and its backend process is gone within " +
                               std::to_string(within.count()) + " ms of its last request";
  if (within > ctx.call_timeout * 4) {
    return Outcome::not_applicable("the profile's idle timeout (" + std::to_string(idle->count()) +
                                   " ms) is too long for one check to wait for");
  }
  auto client = ctx.session(json{{"seed", kSeedIdleExpiry}});
  if (!client) return Outcome::could_not_run(client.error());
  if (auto moved = move_once(ctx, **client); !moved) {
    return Outcome::could_not_run(ctx.game().tool() + " failed: " + moved.error().message());
  }
  auto backend = running_backend(ctx.target().audit_dir(), kSeedIdleExpiry);
  if (!backend) return Outcome::could_not_run(backend.error());
  ctx.note("the session with seed " + seed_text(kSeedIdleExpiry) + ", served by " +
           describe(*backend) + ", left idle");
  if (!wait_until_gone(backend->process, within)) {
    return Outcome::broken(expected, describe(*backend) + " still runs " +
                                         std::to_string(within.count()) +
                                         " ms after its session's last request");
  }
  return Outcome::held(expected, describe(*backend) + " was gone after the idle timeout");
}

// A proxy the suite starts under a shell that stays when the proxy ends, so
// that backends a signalled proxy leaves behind can be seen before the
// supervisor clears them away with the shell.
struct KeptProxy {
  std::unique_ptr<harness::Process> shell;
  pid_t proxy = 0;
  fs::path audit_dir;
};

// "$@" is the profile's command; the shell waits for it, then sleeps until stopped.
constexpr const char* kKeepScript =
    "\"$@\" & wait $!; echo \"mcpgym-conform: the proxy exited with status $?\" >&2; "
    "exec sleep 2147483647";

Expected<KeptProxy, std::string> start_kept_proxy(Context& ctx, const std::string& name) {
  const fs::path dir = fs::absolute(ctx.temp_dir()).lexically_normal() / name;
  KeptProxy kept;
  kept.audit_dir = dir / "audit";
  auto written = write_backend_launcher({.script = dir / "backend.sh",
                                         .reference_backend = ctx.paths().reference_backend,
                                         .audit_dir = kept.audit_dir,
                                         .strict = false,
                                         .extra_args = game_args(ctx.profile().game)});
  if (!written) return unexpected(written.error());
  auto shell =
      ctx.launch({.values = {{"backend", (dir / "backend.sh").string()}},
                  .working_directory = std::nullopt,
                  .name = name},
                 "/bin/sh -c " + harness::template_word(kKeepScript) + " mcpgym-conform-keep");
  if (!shell) {
    return unexpected("another instance of the proxy did not start: " +
                      excerpt(shell.error(), 600));
  }
  const auto children = children_of((*shell)->pid());
  if (children.size() != 1) {
    return unexpected("the shell the suite started the proxy under (pid " +
                      pid_text((*shell)->pid()) + ") has " + std::to_string(children.size()) +
                      " children, not the one proxy");
  }
  kept.shell = std::move(*shell);
  kept.proxy = children.front();
  return kept;
}

// Sessions on the kept proxy, one per seed, each with one move; their
// backends, running.
Expected<std::vector<LiveBackend>, std::string> open_backends(
    Context& ctx, KeptProxy& kept, const std::vector<std::uint64_t>& seeds,
    std::vector<std::unique_ptr<McpClient>>& clients) {
  harness::ClientOptions options;
  options.timeout = ctx.call_timeout;
  std::vector<LiveBackend> backends;
  for (const std::uint64_t seed : seeds) {
    auto client = harness::connect_http(kept.shell->url(), options);
    if (!client) return unexpected(client.error());
    if (auto init = (*client)->initialize(json{{"seed", seed}}); !init) {
      return unexpected("initialize (seed " + seed_text(seed) +
                        ") failed: " + init.error().message());
    }
    if (auto moved = move_once(ctx, **client); !moved) {
      return unexpected(ctx.game().tool() + " failed: " + moved.error().message());
    }
    clients.push_back(std::move(*client));
    auto backend = running_backend(kept.audit_dir, seed);
    if (!backend) return unexpected(backend.error());
    backends.push_back(*backend);
  }
  return backends;
}

// Kills, by pid, the backends still running that are the suite's own
// descendants (re-parented to the supervisor's keeper once their proxy died);
// the supervisor's stop of the shell is the backstop.
void kill_leftovers(Context& ctx, const std::vector<LiveBackend>& left) {
  for (const LiveBackend& backend : left) {
    const pid_t pid = backend.process.pid;
    if (!still_running(backend.process) || !descends_from(pid, ::getpid())) continue;
    ::kill(pid, SIGKILL);
    ctx.note("the suite killed the leftover " + describe(backend) +
             " (a descendant of the suite, known from the audit)");
  }
}

Outcome signalled_proxy_leaves_no_backend(Context& ctx, int sig) {
  if (!spawned(ctx)) return not_spawned();
  const std::string signal_name = sig == SIGKILL ? "SIGKILL" : "SIGTERM";
  const std::string expected = "after " + signal_name +
                               " of the proxy, every backend of its sessions is gone" +
                               (sig == SIGTERM ? " and the proxy has exited" : "");
  auto kept = start_kept_proxy(ctx, sig == SIGKILL ? "proxy-sigkill" : "proxy-sigterm");
  if (!kept) return Outcome::could_not_run(kept.error());
  std::vector<std::unique_ptr<McpClient>> clients;
  auto backends = open_backends(ctx, *kept, {kSeedSignalA, kSeedSignalB}, clients);
  if (!backends) return Outcome::could_not_run(backends.error());
  const auto proxy = see_process(kept->proxy);
  if (!proxy) return Outcome::could_not_run("the proxy (pid " + pid_text(kept->proxy) + ") ended");
  ctx.note(signal_name + " to the proxy, pid " + pid_text(kept->proxy) + ", serving " +
           describe((*backends)[0]) + " and " + describe((*backends)[1]));
  ::kill(kept->proxy, sig);
  if (!wait_until_gone(*proxy, kProxyExitWithin)) {
    (void)kept->shell->stop();
    return Outcome::broken(expected, "the proxy still runs " +
                                         std::to_string(kProxyExitWithin.count()) + " ms after " +
                                         signal_name);
  }
  std::vector<LiveBackend> left;
  for (const LiveBackend& backend : *backends) {
    if (!wait_until_gone(backend.process, kBackendGoneWithin)) left.push_back(backend);
  }
  kill_leftovers(ctx, left);
  (void)kept->shell->stop();
  if (!left.empty()) {
    std::string pids;
    for (const auto& b : left)
      pids += (pids.empty() ? "" : ", ") + pid_text(b.process.pid);
    return Outcome::broken(
        expected, std::to_string(left.size()) + " of " + std::to_string(backends->size()) +
                      " backends (pid " + pids + ") still ran " +
                      std::to_string(kBackendGoneWithin.count()) + " ms after the proxy was gone");
  }
  return Outcome::held(expected, "the proxy exited after " + signal_name + " and its " +
                                     std::to_string(backends->size()) + " backends were gone");
}

Outcome sigterm_stops_backends(Context& ctx) {
  return signalled_proxy_leaves_no_backend(ctx, SIGTERM);
}

Outcome sigkill_leaves_no_backend(Context& ctx) {
  return signalled_proxy_leaves_no_backend(ctx, SIGKILL);
}

// ---------------------------------------------------------------- PROXY-009

Outcome failed_backend_fails_initialize(Context& ctx) {
  if (!spawned(ctx)) return not_spawned();
  const std::string expected =
      "with a backend that writes a line to stderr and exits at start, initialize fails with a "
      "JSON-RPC error holding that line, and no Mcp-Session-Id";
  const fs::path script =
      fs::absolute(ctx.temp_dir()).lexically_normal() / "failing" / "backend.sh";
  std::error_code ec;
  fs::create_directories(script.parent_path(), ec);
  {
    std::ofstream out(script);
    out << "#!/bin/sh\necho '" << kFailingBackendLine << "' >&2\nexit 3\n";
  }
  fs::permissions(script, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) return Outcome::could_not_run("cannot write " + script.string() + ": " + ec.message());
  auto proxy = ctx.launch({.values = {{"backend", script.string()}},
                           .working_directory = std::nullopt,
                           .name = "proxy-failing-backend"});
  if (!proxy) {
    return Outcome::could_not_run(
        "another instance of the proxy, with a backend that exits at "
        "start, did not start: " +
        excerpt(proxy.error(), 600));
  }
  const auto port = (*proxy)->port();
  if (!port) return Outcome::could_not_run("the proxy's command has no {port}");
  harness::RawHttpClient http("127.0.0.1", *port, ctx.call_timeout);
  const json init = wire::request(
      1, "initialize", wire::initialize_params(wire::kLatestVersion, json{{"seed", kSeedFailing}}));
  auto answer = wire::post(ctx, http, init.dump(), harness::mcp_post_headers());
  if (!answer) return Outcome::broken(expected, "initialize got no answer: " + answer.error());
  const auto message = wire::rpc_message(*answer);
  if (!message || !message->contains("error")) {
    return Outcome::broken(expected, "initialize did not fail with a JSON-RPC error: " +
                                         wire::status_and_body(*answer));
  }
  const std::string error = (*message)["error"].dump();
  if (error.find(kFailingBackendLine) == std::string::npos) {
    return Outcome::broken(expected,
                           "the JSON-RPC error does not hold the backend's stderr line '" +
                               std::string(kFailingBackendLine) + "': " + excerpt(error, 600));
  }
  if (answer->has_header("Mcp-Session-Id")) {
    return Outcome::broken(expected,
                           "the failed initialize still created a session: its answer "
                           "carries Mcp-Session-Id '" +
                               excerpt(answer->header("Mcp-Session-Id"), 80) + "'");
  }
  return Outcome::held(expected, "initialize failed with " + excerpt(error, 300));
}

// ---------------------------------------------------------------- PROXY-012

// The number of tools/call requests the backend of the session with `seed` received.
Expected<int, std::string> calls_reaching_backend(Context& ctx, std::uint64_t seed) {
  auto audits = read_backend_audits(ctx.target().audit_dir());
  if (!audits) return unexpected(audits.error());
  auto audit = audit_with_seed(*audits, seed);
  if (!audit) return unexpected(audit.error());
  int calls = 0;
  for (const json& r : (*audit)->requests) {
    calls += r.value("rpc_method", json()) == "tools/call" ? 1 : 0;
  }
  return calls;
}

// A tools/call answered with a result (not an error) over `http`.
Expected<void, std::string> raw_move(Context& ctx, harness::RawHttpClient& http,
                                     const wire::RawSession& session, int id) {
  auto answer = wire::post_in(ctx, http, session, move_request(ctx, id));
  if (!answer) return unexpected(answer.error());
  const auto message = wire::rpc_message(*answer);
  if (answer->status != 200 || !message || !message->contains("result")) {
    return unexpected(wire::status_and_body(*answer));
  }
  return {};
}

Outcome reconnect_keeps_session(Context& ctx) {
  const std::string expected =
      "after the connection that carried initialize closes, a request of the session on a new "
      "TCP connection is answered by the same backend";
  wire::RawSession session;
  {
    harness::RawHttpClient first = ctx.raw();
    auto opened = wire::open_session(ctx, first, json{{"seed", kSeedReconnect}});
    if (!opened) return Outcome::could_not_run(opened.error());
    session = *opened;
    if (auto moved = raw_move(ctx, first, session, 2); !moved) {
      wire::close_session(ctx, first, session);
      return Outcome::could_not_run("the first move failed: " + moved.error());
    }
  }  // the first connection closes here
  ctx.note("closed the connection that carried initialize; a new connection follows");
  harness::RawHttpClient second = ctx.raw();
  auto moved = raw_move(ctx, second, session, 3);
  wire::close_session(ctx, second, session);
  if (!moved) {
    return Outcome::broken(expected,
                           "the move on the new connection failed: " + excerpt(moved.error(), 600));
  }
  auto calls = calls_reaching_backend(ctx, kSeedReconnect);
  if (!calls) return Outcome::broken(expected, calls.error());
  if (*calls != 2) {
    return Outcome::broken(expected, "the session's backend received " + std::to_string(*calls) +
                                         " tools/call, not the client's 2");
  }
  return Outcome::held(expected, "both moves, one per connection, reached the session's backend");
}

Outcome idle_pause_keeps_session(Context& ctx) {
  const auto pause = ctx.profile().idle_timeout
                         ? std::min(kIdlePause, *ctx.profile().idle_timeout / 2)
                         : kIdlePause;
  const std::string expected = "after an idle pause of " + std::to_string(pause.count()) +
                               " ms, a request of the session is answered by the same backend";
  auto client = ctx.session(json{{"seed", kSeedPause}});
  if (!client) return Outcome::could_not_run(client.error());
  if (auto moved = move_once(ctx, **client); !moved) {
    return Outcome::could_not_run(ctx.game().tool() + " failed: " + moved.error().message());
  }
  // The pause is the point, not a wait for something to get ready.
  std::this_thread::sleep_for(pause);
  auto moved = move_once(ctx, **client);
  (void)(*client)->close();
  if (!moved) {
    return Outcome::broken(
        expected, "the move after the pause failed: " + excerpt(moved.error().message(), 600));
  }
  auto calls = calls_reaching_backend(ctx, kSeedPause);
  if (!calls) return Outcome::broken(expected, calls.error());
  if (*calls != 2) {
    return Outcome::broken(expected, "the session's backend received " + std::to_string(*calls) +
                                         " tools/call, not the client's 2");
  }
  return Outcome::held(expected, "both moves reached the session's backend");
}

const std::set<ProfileKind> kProxyOnly = {ProfileKind::kProxy};
const Needs kProxyNeeds = {.kinds = kProxyOnly, .features = {}, .control = {}, .transport = {}};
const Needs kProxyHttp = {
    .kinds = kProxyOnly, .features = {}, .control = {}, .transport = Transport::kHttp};

}  // namespace

std::vector<Check> proxy_lifetime_checks() {
  constexpr const char* kRule011 =
      "`DELETE` of a session, or its idle expiry, stops its backend. SIGTERM stops every "
      "backend, then the proxy exits. A proxy killed with SIGKILL leaves no backend running.";
  constexpr const char* kRule012 =
      "A session outlives the connection that carried its `initialize`: a request on a new TCP "
      "connection, and a request after an idle pause shorter than the proxy's idle timeout, "
      "reach the session's backend.";
  return {
      // PROXY-009: "A backend that exits or is not ready within `--backend-ready-timeout`
      // fails the `initialize` with a JSON-RPC error holding the last lines of its stderr; no
      // session is created."
      must_check("proxy-lifetime.failed-backend", "PROXY-009",
                 "A backend that exits or is not ready within `--backend-ready-timeout` fails "
                 "the `initialize` with a JSON-RPC error holding the last lines of its stderr; "
                 "no session is created.",
                 kProxyHttp, failed_backend_fails_initialize),
      // PROXY-011: "`DELETE` of a session ... stops its backend."
      must_check("proxy-lifetime.delete-stops-backend", "PROXY-011", kRule011, kProxyNeeds,
                 delete_stops_backend),
      // PROXY-011: "... or its idle expiry, stops its backend."
      must_check("proxy-lifetime.idle-expiry-stops-backend", "PROXY-011", kRule011, kProxyNeeds,
                 idle_expiry_stops_backend),
      // PROXY-011: "SIGTERM stops every backend, then the proxy exits."
      must_check("proxy-lifetime.sigterm-stops-backends", "PROXY-011", kRule011, kProxyHttp,
                 sigterm_stops_backends),
      // PROXY-011: "A proxy killed with SIGKILL leaves no backend running."
      must_check("proxy-lifetime.sigkill-leaves-no-backend", "PROXY-011", kRule011, kProxyHttp,
                 sigkill_leaves_no_backend),
      // PROXY-012: "... a request on a new TCP connection ... reach[es] the session's backend."
      must_check("proxy-lifetime.reconnect-keeps-session", "PROXY-012", kRule012, kProxyHttp,
                 reconnect_keeps_session),
      // PROXY-012: "... and a request after an idle pause ... reach the session's backend."
      must_check("proxy-lifetime.idle-pause-keeps-session", "PROXY-012", kRule012, kProxyNeeds,
                 idle_pause_keeps_session),
  };
}

}  // namespace mcpgym::conformance
