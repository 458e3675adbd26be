// What the proxy forwards, and to whom (docs/spec.md PROXY-001..005, 008,
// 010). The proxy's backends are the suite's instrumented backend (the
// profile's {backend}), whose audit files under Target::audit_dir() record
// every request with its headers and every session with its id and seed. The
// audit accumulates over the run, so each check finds its own backends by
// the distinctive seeds its sessions give.
#include <signal.h>
#include <sys/types.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/episode.hpp"
#include "conformance/core/context.hpp"
#include "conformance/core/instrumented_backend.hpp"
#include "conformance/core/process_tree.hpp"
#include "conformance/core/target.hpp"
#include "harness/mcp/client.hpp"
#include "harness/rollout/policy.hpp"
#include "harness/rollout/rollout.hpp"

namespace mcpgym::conformance {
namespace {

using episode::must_check;
namespace fs = std::filesystem;
using harness::McpClient;
using json = nlohmann::json;

// Seeds only these checks give, so their backends can be told apart in the
// run's shared audit directory.
constexpr std::uint64_t kSeedHeaders = 60711;
constexpr std::uint64_t kSeedStrict = 60712;
constexpr std::uint64_t kSeedIsolationA = 60713;
constexpr std::uint64_t kSeedIsolationB = 60714;
constexpr std::uint64_t kSeedOwnIds = 60715;
constexpr std::uint64_t kSeedGiven = 60716;
constexpr std::uint64_t kSeedMethods = 60717;
constexpr std::uint64_t kSeedCrashA = 60721;
constexpr std::uint64_t kSeedCrashB = 60722;
constexpr std::uint64_t kSeedMaxEnvs = 60800;  // + i
// The most sessions the max-envs check opens (each one a backend process).
constexpr int kMaxEnvsReachable = 16;

std::string seed_text(std::uint64_t seed) {
  return std::to_string(seed);
}

// Closes every session it holds (DELETE) when it goes, on every return path.
class Sessions {
 public:
  Sessions() = default;
  Sessions(const Sessions&) = delete;
  Sessions& operator=(const Sessions&) = delete;
  ~Sessions() {
    for (auto& c : clients_)
      (void)c->close();
  }
  McpClient& add(std::unique_ptr<McpClient> client) {
    clients_.push_back(std::move(client));
    return *clients_.back();
  }

 private:
  std::vector<std::unique_ptr<McpClient>> clients_;
};

Expected<McpClient*, std::string> open(Context& ctx, Sessions& sessions, const json& extra) {
  auto client = ctx.session(extra);
  if (!client) return unexpected(client.error());
  return &sessions.add(std::move(client).value());
}

// The backends whose sessions include `seed`.
std::vector<const BackendAudit*> with_seed(const std::vector<BackendAudit>& audits,
                                           std::uint64_t seed) {
  std::vector<const BackendAudit*> found;
  for (const BackendAudit& a : audits) {
    if (std::find(a.seeds.begin(), a.seeds.end(), seed) != a.seeds.end()) found.push_back(&a);
  }
  return found;
}

// The one backend that served the session with `seed`, or why there is none.
Expected<const BackendAudit*, std::string> backend_of(const std::vector<BackendAudit>& audits,
                                                      std::uint64_t seed) {
  auto found = with_seed(audits, seed);
  if (audits.empty()) return unexpected(never_started("({backend})"));
  if (found.empty()) {
    return unexpected(
        "no backend of the suite's instrumented backend ({backend}) got a session "
        "with seed " +
        seed_text(seed) + " (" + std::to_string(audits.size()) +
        " backend(s) in its audit directory): the session did not reach it");
  }
  if (found.size() > 1) {
    std::string pids;
    for (const auto* a : found)
      pids += (pids.empty() ? "" : ", ") + std::to_string(a->pid);
    return unexpected("the session with seed " + seed_text(seed) + " reached " +
                      std::to_string(found.size()) + " backend processes (pids " + pids +
                      "), not one");
  }
  return found.front();
}

std::string header_of(const json& request, const std::string& name) {
  const auto headers = request.find("headers");
  if (headers == request.end() || !headers->is_object()) return {};
  const auto value = headers->find(name);
  return value != headers->end() && value->is_string() ? value->get<std::string>() : std::string();
}

std::string rpc_method_of(const json& request) {
  const auto m = request.find("rpc_method");
  return m != request.end() && m->is_string() ? m->get<std::string>() : std::string();
}

int count_rpc(const BackendAudit& audit, const std::string& method) {
  int n = 0;
  for (const json& r : audit.requests)
    n += rpc_method_of(r) == method ? 1 : 0;
  return n;
}

std::string argv_value(const BackendAudit& audit, const std::string& flag) {
  for (std::size_t i = 0; i + 1 < audit.argv.size(); ++i) {
    if (audit.argv[i] == flag) return audit.argv[i + 1];
  }
  return {};
}

// The game's data-plane call of `action` (its own name for it when the game
// has one, else its first action): lake_move RIGHT for FrozenLake.
harness::Result<json> move_by_name(Context& ctx, harness::McpClient& client,
                                   const std::string& action) {
  const GameDriver& game = ctx.game();
  const std::string name = game.action_index(action) ? action : game.actions().front();
  return client.call_tool(game.tool(), json{{"action", name}});
}

std::string describe_backend(const BackendAudit& a) {
  std::string ids;
  for (const auto& id : a.session_ids)
    ids += (ids.empty() ? "" : ", ") + excerpt(id, 60);
  return "backend pid " + std::to_string(a.pid) + " (session id(s) " + ids + ", " +
         std::to_string(a.requests.size()) + " request(s))";
}

Expected<std::vector<BackendAudit>, std::string> audits_of(Context& ctx) {
  return read_backend_audits(ctx.target().audit_dir());
}

// ---------------------------------------------------------------- PROXY-004

// The problems of one POST the backend received (PROXY-004's headers).
std::vector<std::string> post_problems(const json& r, const BackendAudit& b,
                                       const std::string& what, const std::string& method) {
  std::vector<std::string> problems;
  const std::string accept = header_of(r, "accept");
  const std::string type = header_of(r, "content-type");
  if (lower(accept).find("application/json") == std::string::npos ||
      lower(accept).find("text/event-stream") == std::string::npos) {
    problems.push_back(what + " had Accept '" + excerpt(accept, 100) + "'");
  }
  if (lower(type).rfind("application/json", 0) != 0) {
    problems.push_back(what + " had Content-Type '" + excerpt(type, 100) + "'");
  }
  if (method != "initialize") {
    const std::string id = header_of(r, "mcp-session-id");
    if (std::find(b.session_ids.begin(), b.session_ids.end(), id) == b.session_ids.end()) {
      problems.push_back(what + " had Mcp-Session-Id '" + excerpt(id, 80) +
                         "', not the id the backend issued");
    }
    if (header_of(r, "mcp-protocol-version").empty()) {
      problems.push_back(what + " had no MCP-Protocol-Version");
    }
  }
  return problems;
}

// "GET /control/reward (Accept '*/*', Content-Type 'application/json')".
std::string describe_request(const json& r) {
  const std::string type = header_of(r, "content-type");
  return r.value("method", "?") + " " + excerpt(r.value("path", "?"), 80) + " (Accept '" +
         excerpt(header_of(r, "accept"), 80) + "'" +
         (type.empty() ? std::string() : ", Content-Type '" + excerpt(type, 60) + "'") + ")";
}

// The client's own requests other than POSTs, which a proxy may forward as
// they are: its GET /control/<name>, by path, with how many it sent.
using ClientGets = std::map<std::string, int>;

// The problems of a request other than a POST: the proxy's DELETE of the
// backend's session, or one of the client's own GETs forwarded as such;
// anything else is a request the proxy made up.
std::vector<std::string> other_request_problems(const json& r, const BackendAudit& b,
                                                ClientGets& client_gets) {
  const std::string method = r.value("method", "");
  const std::string path = r.value("path", "");
  const std::string id = header_of(r, "mcp-session-id");
  const bool own_session =
      std::find(b.session_ids.begin(), b.session_ids.end(), id) != b.session_ids.end();
  if (method == "DELETE" && own_session) return {};
  if (method == "GET" && client_gets[path] > 0) {
    --client_gets[path];
    // Forwarded as the client sent it: Accept listing application/json, no Content-Type.
    std::vector<std::string> problems;
    const std::string what = describe_request(r) + ", the client's own GET,";
    if (!own_session) {
      problems.push_back(what + " had Mcp-Session-Id '" + excerpt(id, 80) +
                         "', not the id the backend issued");
    }
    if (lower(header_of(r, "accept")).find("application/json") == std::string::npos) {
      problems.push_back(what + " lost the client's Accept: application/json");
    }
    if (!header_of(r, "content-type").empty()) problems.push_back(what + " gained a Content-Type");
    return problems;
  }
  return {describe_request(r) +
          ": not a POST, and not a request the client sent as such: the proxy made it up"};
}

Outcome forwarded_headers(Context& ctx) {
  const std::string expected =
      "every request the backend receives is a POST carrying Accept listing application/json "
      "and text/event-stream, Content-Type application/json and, after initialize, the "
      "backend's own session id and MCP-Protocol-Version (besides the DELETE of that session "
      "and the client's own GET /control/* forwarded as such)";
  Sessions sessions;
  auto client = open(ctx, sessions, json{{"seed", kSeedHeaders}});
  if (!client) return Outcome::could_not_run(client.error());
  auto moved = move_by_name(ctx, **client, "RIGHT");
  if (!moved) {
    return Outcome::could_not_run(ctx.game().tool() + " failed: " + moved.error().message());
  }
  auto ping = (*client)->request("ping", json::object());
  if (!ping) return Outcome::could_not_run("ping failed: " + ping.error().message());
  // A control-plane read in each form the profile offers, of two different
  // controls so that the backend's requests tell which read made which:
  // field report 004's proxy turned resources/read into a header-poor GET.
  ClientGets client_gets;
  if (ctx.profile().offers(ControlPlane::kResources)) {
    auto read = (*client)->read_resource("control://reward");
    ctx.note("resources/read control://reward -> " +
             (read ? excerpt(read->dump(), 200) : excerpt(read.error().message(), 300)));
  }
  if (ctx.profile().offers(ControlPlane::kHttp)) {
    ++client_gets["/control/status"];
    auto read = (*client)->read_control_http("status");
    ctx.note("GET /control/status -> " +
             (read ? excerpt(read->dump(), 200) : excerpt(read.error().message(), 300)));
  }
  auto audits = audits_of(ctx);
  if (!audits) return Outcome::could_not_run(audits.error());
  auto backend = backend_of(*audits, kSeedHeaders);
  if (!backend) return Outcome::broken(expected, backend.error());
  const BackendAudit& b = **backend;
  ctx.note(describe_backend(b));

  std::vector<std::string> problems;
  int posts = 0;
  bool saw_call = false;
  std::string accept_seen, type_seen, version_seen;
  for (const json& r : b.requests) {
    if (r.value("method", "") != "POST") {
      for (auto& p : other_request_problems(r, b, client_gets))
        problems.push_back(std::move(p));
      continue;
    }
    ++posts;
    const std::string method = rpc_method_of(r);
    saw_call = saw_call || method == "tools/call";
    const std::string what = "POST #" + std::to_string(posts) + " (" +
                             (method.empty() ? std::string("batch or unparsed") : method) + ")";
    for (auto& p : post_problems(r, b, what, method))
      problems.push_back(std::move(p));
    accept_seen = header_of(r, "accept");
    type_seen = header_of(r, "content-type");
    if (const std::string v = header_of(r, "mcp-protocol-version"); !v.empty()) version_seen = v;
  }
  if (!saw_call) {
    problems.push_back("the client's lake_move never reached the backend as a tools/call POST");
  }
  if (!problems.empty()) {
    std::string actual;
    for (std::size_t i = 0; i < problems.size() && i < 4; ++i) {
      actual += (i == 0 ? "" : "; ") + problems[i];
    }
    if (problems.size() > 4) actual += "; and " + std::to_string(problems.size() - 4) + " more";
    return Outcome::broken(expected, actual);
  }
  return Outcome::held(expected, "all " + std::to_string(b.requests.size()) +
                                     " requests were POSTs or the client's own; the " +
                                     std::to_string(posts) + " POSTs carried Accept '" +
                                     excerpt(accept_seen, 80) + "', Content-Type '" +
                                     excerpt(type_seen, 60) +
                                     "', the backend's session id and MCP-Protocol-Version '" +
                                     excerpt(version_seen, 40) + "'");
}

Outcome strict_backend_episode(Context& ctx) {
  if (ctx.profile().launch != LaunchMode::kSpawn) {
    return Outcome::not_applicable(
        "the proxy is not started by the suite, so it cannot be given a strict backend");
  }
  const std::string expected =
      "behind a strict backend (HTTP 406 for any Accept without both application/json and "
      "text/event-stream, and for a GET without application/json; 415 for a GET with a "
      "Content-Type), an episode through the proxy runs to its end";
  const fs::path tmp = fs::absolute(ctx.temp_dir()).lexically_normal();
  const fs::path script = tmp / "strict" / "backend.sh";
  const fs::path audit_dir = tmp / "audit";
  auto written = write_backend_launcher({.script = script,
                                         .reference_backend = ctx.paths().reference_backend,
                                         .audit_dir = audit_dir,
                                         .strict = true,
                                         .extra_args = game_args(ctx.game().name())});
  if (!written) return Outcome::could_not_run(written.error());
  auto proxy = ctx.launch({.values = {{"backend", script.string()}},
                           .working_directory = std::nullopt,
                           .name = "proxy-strict-backend"});
  if (!proxy) {
    return Outcome::could_not_run(
        "another instance of the proxy, with a strict backend, did not "
        "start: " +
        excerpt(proxy.error(), 600));
  }
  ctx.note("started a proxy whose {backend} is strict (--strict-get, no --lenient-accept): " +
           script.string());

  harness::ClientOptions client_options;
  client_options.timeout = ctx.call_timeout;
  auto connector = harness::url_connector((*proxy)->url(), client_options);
  // The driver's way to the end of its short episode: FrozenLake's one RIGHT
  // onto G, CliffWalking's 13-move safe path.
  const GameDriver& game = ctx.game();
  harness::RolloutOptions options;
  options.tool = game.tool();
  options.actions = game.actions();
  options.max_steps = 40;
  options.record = false;
  options.control_plane = ctx.profile().offers(ControlPlane::kResources)
                              ? harness::ControlPlaneForm::kResources
                              : harness::ControlPlaneForm::kHttp;
  const harness::EnvironmentSpec env{.seed = kSeedStrict, .config = game.short_episode_config()};
  const harness::RolloutResult result =
      harness::run_rollout(*connector, {env}, plan_policy(game), options);
  if (result.envs.empty()) return Outcome::could_not_run("the rollout returned no environment");
  const harness::EnvOutcome& outcome = result.envs.front();
  ctx.note("episode through the proxy: " + excerpt(outcome.describe(), 600));
  if (outcome.error) return Outcome::broken(expected, excerpt(outcome.describe(), 800));
  if (!outcome.terminated) {
    return Outcome::broken(
        expected, "the episode did not terminate: " + excerpt(outcome.describe(), 600) + " (the " +
                      game.name() + " driver's way to the end of config " + env.config.dump() +
                      ")");
  }
  auto audits = read_backend_audits(audit_dir);
  if (!audits) return Outcome::could_not_run(audits.error());
  if (with_seed(*audits, kSeedStrict).empty()) {
    return Outcome::broken(expected,
                           "the episode ran, but not on the strict backend: its audit "
                           "has no session with seed " +
                               seed_text(kSeedStrict));
  }
  return Outcome::held(expected, outcome.describe() + ", on the strict backend");
}

// ---------------------------------------------------------------- PROXY-001

Outcome session_per_backend(Context& ctx) {
  const std::string expected =
      "two sessions are served by two backend processes, each session's requests reaching only "
      "its own backend";
  Sessions sessions;
  auto a = open(ctx, sessions, json{{"seed", kSeedIsolationA}});
  if (!a) return Outcome::could_not_run("session A: " + a.error());
  auto b = open(ctx, sessions, json{{"seed", kSeedIsolationB}});
  if (!b) return Outcome::could_not_run("session B: " + b.error());
  // A makes two lake_move calls, B one, interleaved.
  for (auto [client, name] : {std::pair{*a, "A"}, std::pair{*b, "B"}, std::pair{*a, "A"}}) {
    auto moved = move_by_name(ctx, *client, "DOWN");
    if (!moved) {
      return Outcome::could_not_run(std::string("lake_move in session ") + name +
                                    " failed: " + moved.error().message());
    }
  }
  ctx.note("session A (seed " + seed_text(kSeedIsolationA) + "): 2 lake_move; session B (seed " +
           seed_text(kSeedIsolationB) + "): 1 lake_move");
  auto audits = audits_of(ctx);
  if (!audits) return Outcome::could_not_run(audits.error());
  auto ba = backend_of(*audits, kSeedIsolationA);
  if (!ba) return Outcome::broken(expected, "session A: " + ba.error());
  auto bb = backend_of(*audits, kSeedIsolationB);
  if (!bb) return Outcome::broken(expected, "session B: " + bb.error());
  ctx.note("A: " + describe_backend(**ba));
  ctx.note("B: " + describe_backend(**bb));
  if ((*ba)->pid == (*bb)->pid) {
    return Outcome::broken(expected, "both sessions were served by one backend process, pid " +
                                         std::to_string((*ba)->pid) + " (it holds " +
                                         std::to_string((*ba)->session_ids.size()) + " sessions)");
  }
  for (auto [audit, name] : {std::pair{*ba, "A"}, std::pair{*bb, "B"}}) {
    if (audit->session_ids.size() != 1) {
      return Outcome::broken(expected, std::string("session ") + name + "'s backend, pid " +
                                           std::to_string(audit->pid) + ", served " +
                                           std::to_string(audit->session_ids.size()) +
                                           " sessions, not just this one");
    }
  }
  const int calls_a = count_rpc(**ba, "tools/call");
  const int calls_b = count_rpc(**bb, "tools/call");
  if (calls_a != 2 || calls_b != 1) {
    return Outcome::broken(
        expected, "session A made 2 lake_move calls and B 1, but A's backend (pid " +
                      std::to_string((*ba)->pid) + ") received " + std::to_string(calls_a) +
                      " tools/call and B's (pid " + std::to_string((*bb)->pid) + ") " +
                      std::to_string(calls_b));
  }
  return Outcome::held(expected, "session A -> backend pid " + std::to_string((*ba)->pid) +
                                     " (2 tools/call), session B -> backend pid " +
                                     std::to_string((*bb)->pid) + " (1 tools/call)");
}

// ---------------------------------------------------------------- PROXY-002

Outcome own_session_ids(Context& ctx) {
  const std::string expected =
      "the session id the client gets is the proxy's own, not the id "
      "its backend issued";
  Sessions sessions;
  auto client = open(ctx, sessions, json{{"seed", kSeedOwnIds}});
  if (!client) return Outcome::could_not_run(client.error());
  const std::string client_id = (*client)->session_id().value_or("");
  if (client_id.empty()) {
    return Outcome::broken(expected, "initialize through the proxy gave the client no session id");
  }
  auto audits = audits_of(ctx);
  if (!audits) return Outcome::could_not_run(audits.error());
  auto backend = backend_of(*audits, kSeedOwnIds);
  if (!backend) return Outcome::could_not_run(backend.error());
  ctx.note("client's session id " + excerpt(client_id, 80) + "; " + describe_backend(**backend));
  for (const std::string& id : (*backend)->session_ids) {
    if (id == client_id) {
      return Outcome::broken(expected, "the client got '" + excerpt(client_id, 80) +
                                           "', the very id its backend (pid " +
                                           std::to_string((*backend)->pid) + ") issued");
    }
    // An id that embeds the backend's (long) id hands it out all the same.
    if (id.size() >= 16 && client_id.find(id) != std::string::npos) {
      return Outcome::broken(expected, "the client got '" + excerpt(client_id, 80) +
                                           "', which contains the id its backend issued ('" +
                                           excerpt(id, 80) + "')");
    }
  }
  return Outcome::held(expected, "the client got '" + excerpt(client_id, 80) +
                                     "', the backend issued '" +
                                     excerpt((*backend)->session_ids.front(), 80) + "'");
}

// ---------------------------------------------------------------- PROXY-003

Outcome seed_reaches_backend(Context& ctx) {
  const std::string expected =
      "the backend's session has the seed the client gave (" + seed_text(kSeedGiven) +
      "), and its command's --seed, if any, agrees; a session without a seed gets one drawn by "
      "the proxy, the same in the backend's initialize and its --seed";
  auto before = audits_of(ctx);
  if (!before) return Outcome::could_not_run(before.error());
  std::set<std::string> old_files;  // by audit file: a pid comes round again
  for (const auto& a : *before)
    old_files.insert(a.file);

  Sessions sessions;
  auto given = open(ctx, sessions, json{{"seed", kSeedGiven}, {"config", json::object()}});
  if (!given) return Outcome::could_not_run("the session with a seed: " + given.error());
  auto drawn = open(ctx, sessions, nullptr);
  if (!drawn) return Outcome::could_not_run("the session without a seed: " + drawn.error());
  auto audits = audits_of(ctx);
  if (!audits) return Outcome::could_not_run(audits.error());

  auto backend = backend_of(*audits, kSeedGiven);
  if (!backend && !with_seed(*audits, kSeedGiven).empty()) {
    return Outcome::broken(expected, backend.error());
  }
  const BackendAudit* seeded = backend ? *backend : nullptr;
  std::vector<const BackendAudit*> fresh;
  for (const auto& a : *audits) {
    if (!old_files.contains(a.file)) fresh.push_back(&a);
  }
  if (!seeded) {
    std::string seen;
    for (const auto* a : fresh) {
      for (auto s : a->seeds)
        seen += (seen.empty() ? "" : ", ") + seed_text(s);
    }
    return Outcome::broken(expected, "no backend got seed " + seed_text(kSeedGiven) +
                                         "; the backends this check started got seed(s) " +
                                         (seen.empty() ? std::string("none") : seen));
  }
  ctx.note("seeded session: " + describe_backend(*seeded) + ", --seed " +
           (argv_value(*seeded, "--seed").empty() ? std::string("absent")
                                                  : argv_value(*seeded, "--seed")));
  const std::string arg = argv_value(*seeded, "--seed");
  if (!arg.empty() && arg != seed_text(kSeedGiven)) {
    return Outcome::broken(expected, "the backend's initialize had seed " + seed_text(kSeedGiven) +
                                         " but its command said --seed " + excerpt(arg, 40));
  }
  // The session without a seed: the other backend this check started.
  std::string drawn_text = "(the unseeded session's backend was not found)";
  for (const auto* a : fresh) {
    if (a == seeded || a->seeds.empty()) continue;
    const std::string drawn_arg = argv_value(*a, "--seed");
    const std::string drawn_seed = seed_text(a->seeds.front());
    ctx.note("unseeded session: " + describe_backend(*a) + ", seed " + drawn_seed + ", --seed " +
             (drawn_arg.empty() ? std::string("absent") : drawn_arg));
    if (!drawn_arg.empty() && drawn_arg != drawn_seed) {
      return Outcome::broken(expected,
                             "for the session without a seed, the backend's initialize "
                             "had seed " +
                                 drawn_seed + " but its command said --seed " +
                                 excerpt(drawn_arg, 40));
    }
    drawn_text = "the unseeded session's backend got seed " + drawn_seed +
                 (drawn_arg.empty() ? std::string(" (no --seed in its command)") : " in both");
  }
  return Outcome::held(
      expected,
      "the backend (pid " + std::to_string(seeded->pid) + ") got seed " + seed_text(kSeedGiven) +
          (arg.empty() ? std::string(" (no --seed in its command)") : " in initialize and --seed") +
          "; " + drawn_text);
}

// ---------------------------------------------------------------- PROXY-005

Outcome methods_from_backend(Context& ctx) {
  const std::string expected =
      "tools/list and resources/list are answered by the session's backend (each reaches it), and "
      "a backend's JSON-RPC error reaches the client unchanged";
  Sessions sessions;
  auto client = open(ctx, sessions, json{{"seed", kSeedMethods}});
  if (!client) return Outcome::could_not_run(client.error());
  auto before = audits_of(ctx);
  if (!before) return Outcome::could_not_run(before.error());
  auto backend_before = backend_of(*before, kSeedMethods);
  if (!backend_before) return Outcome::broken(expected, backend_before.error());
  const int tools_before = count_rpc(**backend_before, "tools/list");
  const int resources_before = count_rpc(**backend_before, "resources/list");
  const int pid = (*backend_before)->pid;

  auto tools = (*client)->request("tools/list", json::object());
  if (!tools) return Outcome::broken(expected, "tools/list failed: " + tools.error().message());
  auto resources = (*client)->request("resources/list", json::object());
  if (!resources) {
    return Outcome::broken(expected, "resources/list failed: " + resources.error().message());
  }
  auto unknown = (*client)->request("mcpgym/no-such-method", json::object());

  auto after = audits_of(ctx);
  if (!after) return Outcome::could_not_run(after.error());
  auto backend = backend_of(*after, kSeedMethods);
  if (!backend) return Outcome::broken(expected, backend.error());
  const int tools_seen = count_rpc(**backend, "tools/list") - tools_before;
  const int resources_seen = count_rpc(**backend, "resources/list") - resources_before;
  const int unknown_seen = count_rpc(**backend, "mcpgym/no-such-method");
  ctx.note("backend pid " + std::to_string(pid) + " received " + std::to_string(tools_seen) +
           " tools/list, " + std::to_string(resources_seen) + " resources/list and " +
           std::to_string(unknown_seen) + " mcpgym/no-such-method while the client sent one each");
  std::vector<std::string> problems;
  if (tools_seen < 1) problems.push_back("the client's tools/list never reached the backend");
  if (resources_seen < 1)
    problems.push_back("the client's resources/list never reached the backend");
  if (unknown_seen < 1) {
    problems.push_back("the client's mcpgym/no-such-method request never reached the backend");
  }
  // The backend's own answer to the unknown method, asked directly (its
  // --port from the audit), must be what the client got through the proxy.
  const std::string port = argv_value(**backend, "--port");
  if (unknown_seen >= 1 && !port.empty()) {
    harness::ClientOptions options;
    options.timeout = ctx.call_timeout;
    auto direct = harness::connect_http("http://127.0.0.1:" + port + "/mcp", options);
    std::optional<json> direct_error;
    if (direct && (*direct)->initialize(json{{"seed", kSeedMethods}})) {
      auto answer = (*direct)->request("mcpgym/no-such-method", json::object());
      if (!answer && answer.error().rpc_error) direct_error = *answer.error().rpc_error;
      (void)(*direct)->close();
    }
    const std::optional<json> proxied = unknown ? std::nullopt : unknown.error().rpc_error;
    if (direct_error) {
      ctx.note("mcpgym/no-such-method: backend directly -> " + excerpt(direct_error->dump(), 200) +
               "; through the proxy -> " +
               (unknown ? "a result " + excerpt(unknown->dump(), 200)
                        : excerpt(unknown.error().message(), 300)));
      const auto same = [&](const char* key) {
        return proxied && proxied->is_object() &&
               proxied->value(key, json()) == direct_error->value(key, json());
      };
      if (!same("code") || !same("message")) {
        problems.push_back("the backend answers mcpgym/no-such-method with " +
                           excerpt(direct_error->dump(), 200) + ", but the client got " +
                           (proxied   ? excerpt(proxied->dump(), 200)
                            : unknown ? "a result " + excerpt(unknown->dump(), 120)
                                      : excerpt(unknown.error().message(), 200)));
      }
    }
  }
  if (!problems.empty()) {
    std::string actual;
    for (const auto& p : problems)
      actual += (actual.empty() ? "" : "; ") + p;
    return Outcome::broken(expected, actual);
  }
  return Outcome::held(expected, "the backend (pid " + std::to_string(pid) +
                                     ") received the client's tools/list, resources/list and "
                                     "unknown method, and its error came back unchanged");
}

// ---------------------------------------------------------------- PROXY-008

Outcome max_envs_limit(Context& ctx) {
  const auto limit = ctx.profile().max_envs;
  if (!limit) {
    return Outcome::not_applicable(
        "the profile gives no max_envs (the proxy's session limit), so "
        "the suite does not try to reach it");
  }
  if (*limit < 1 || *limit > kMaxEnvsReachable) {
    return Outcome::not_applicable("the profile's max_envs " + std::to_string(*limit) +
                                   " is outside what the suite opens (1.." +
                                   std::to_string(kMaxEnvsReachable) + " sessions)");
  }
  const std::string n = std::to_string(*limit);
  const std::string expected = "with " + n + " live sessions (max_envs " + n +
                               "), another initialize fails with a JSON-RPC error naming the "
                               "limit " +
                               n + ", and no backend is started for it";
  Sessions sessions;
  for (int i = 0; i < *limit; ++i) {
    auto s = open(ctx, sessions, json{{"seed", kSeedMaxEnvs + static_cast<std::uint64_t>(i)}});
    if (!s) {
      return Outcome::broken(expected, "session " + std::to_string(i + 1) + " of " + n +
                                           " was refused: " + excerpt(s.error(), 500));
    }
  }
  auto before = audits_of(ctx);
  if (!before) return Outcome::could_not_run(before.error());
  auto extra = ctx.client();
  if (!extra) return Outcome::could_not_run(extra.error());
  const std::uint64_t extra_seed = kSeedMaxEnvs + static_cast<std::uint64_t>(*limit);
  auto init = (*extra)->initialize(json{{"seed", extra_seed}});
  if (init) {
    sessions.add(std::move(extra).value());
    return Outcome::broken(expected, "initialize " + std::to_string(*limit + 1) +
                                         " succeeded: the proxy went past its limit of " + n);
  }
  const harness::CallError& error = init.error();
  ctx.note("initialize " + std::to_string(*limit + 1) + " -> " + excerpt(error.message(), 400));
  if (!error.rpc_error) {
    return Outcome::broken(
        expected, "initialize " + std::to_string(*limit + 1) +
                      " failed without a JSON-RPC error: " + excerpt(error.message(), 400));
  }
  const std::string text = error.rpc_error->dump();
  if (text.find(n) == std::string::npos) {
    return Outcome::broken(
        expected, "the JSON-RPC error does not name the limit " + n + ": " + excerpt(text, 300));
  }
  auto after = audits_of(ctx);
  if (!after) return Outcome::could_not_run(after.error());
  if (!with_seed(*after, extra_seed).empty()) {
    return Outcome::broken(expected, "the initialize was refused (" + excerpt(text, 200) +
                                         "), but a backend was started and initialized for it");
  }
  if (after->size() > before->size()) {
    return Outcome::broken(expected, "the initialize was refused (" + excerpt(text, 200) +
                                         "), but " +
                                         std::to_string(after->size() - before->size()) +
                                         " backend process(es) were started for it");
  }
  return Outcome::held(expected, "sessions 1.." + n + " opened; initialize " +
                                     std::to_string(*limit + 1) + " got " + excerpt(text, 300));
}

// ---------------------------------------------------------------- PROXY-010

Outcome backend_crash_isolated(Context& ctx) {
  harness::Process* proxy = ctx.target().process();
  if (proxy == nullptr) {
    return Outcome::not_applicable(
        "the proxy was not started by the suite, so the suite cannot "
        "tell its backends from processes it must not signal");
  }
  const std::string expected =
      "after session A's backend is killed (SIGKILL), A's next request fails with a JSON-RPC "
      "error and session B goes on";
  Sessions sessions;
  // A FrozenLake map without holes: B's moves stay ordinary moves, whatever the seed.
  const json config = ctx.game().name() == "frozenlake"
                          ? json{{"desc", {"SFFF", "FFFF", "FFFF", "FFFG"}}}
                          : ctx.game().long_episode_config();
  auto a = open(ctx, sessions, json{{"seed", kSeedCrashA}, {"config", config}});
  if (!a) return Outcome::could_not_run("session A: " + a.error());
  auto b = open(ctx, sessions, json{{"seed", kSeedCrashB}, {"config", config}});
  if (!b) return Outcome::could_not_run("session B: " + b.error());
  for (auto [client, name] : {std::pair{*a, "A"}, std::pair{*b, "B"}}) {
    auto moved = move_by_name(ctx, *client, "RIGHT");
    if (!moved) {
      return Outcome::could_not_run(std::string("lake_move in session ") + name +
                                    " failed before any crash: " + moved.error().message());
    }
  }
  auto audits = audits_of(ctx);
  if (!audits) return Outcome::could_not_run(audits.error());
  auto ba = backend_of(*audits, kSeedCrashA);
  if (!ba) return Outcome::could_not_run("session A: " + ba.error());
  auto bb = backend_of(*audits, kSeedCrashB);
  if (!bb) return Outcome::could_not_run("session B: " + bb.error());
  const pid_t victim = (*ba)->pid;
  if (victim == (*bb)->pid) {
    return Outcome::broken(expected, "sessions A and B are served by one backend process (pid " +
                                         std::to_string(victim) +
                                         "), so a crash of A's backend cannot spare B");
  }
  const pid_t proxy_pid = proxy->pid();
  if (victim == proxy_pid || !descends_from(victim, proxy_pid)) {
    return Outcome::could_not_run("session A's backend (pid " + std::to_string(victim) +
                                  ") is not a descendant of the proxy (pid " +
                                  std::to_string(proxy_pid) +
                                  "); the suite signals only processes it started");
  }
  if (::kill(victim, SIGKILL) != 0) {
    return Outcome::could_not_run("cannot kill session A's backend (pid " + std::to_string(victim) +
                                  ")");
  }
  ctx.note("SIGKILL to session A's backend, pid " + std::to_string(victim) + " (B's is pid " +
           std::to_string((*bb)->pid) + ")");

  const auto started = std::chrono::steady_clock::now();
  auto after_a = move_by_name(ctx, **a, "DOWN");
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  auto after_b = move_by_name(ctx, **b, "DOWN");
  ctx.note("A's lake_move after the crash (" + std::to_string(took.count()) + " ms) -> " +
           (after_a ? "result " + excerpt(after_a->dump(), 200)
                    : excerpt(after_a.error().message(), 400)));
  ctx.note("B's lake_move after the crash -> " + (after_b
                                                      ? "result " + excerpt(after_b->dump(), 200)
                                                      : excerpt(after_b.error().message(), 400)));
  if (after_a) {
    return Outcome::broken(expected,
                           "after its backend was killed, session A's lake_move "
                           "succeeded: " +
                               excerpt(after_a->dump(), 200));
  }
  const harness::CallError& error = after_a.error();
  if (error.kind != harness::CallErrorKind::kRpcError &&
      error.kind != harness::CallErrorKind::kHttpStatus) {
    return Outcome::broken(
        expected, "session A's lake_move got no error answer: " + excerpt(error.message(), 400));
  }
  if (!after_b) {
    return Outcome::broken(expected, "A failed as it should, but session B failed too: " +
                                         excerpt(after_b.error().message(), 400));
  }
  if (after_b->value("isError", false)) {
    return Outcome::broken(expected,
                           "A failed as it should, but session B's lake_move was a tool "
                           "error: " +
                               excerpt(after_b->dump(), 300));
  }
  return Outcome::held(
      expected, "A's lake_move failed in " + std::to_string(took.count()) + " ms with " +
                    excerpt(error.rpc_error ? error.rpc_error->dump() : error.message(), 300) +
                    "; B's lake_move answered");
}

const std::set<ProfileKind> kProxyOnly = {ProfileKind::kProxy};
const Needs kProxyNeeds = {.kinds = kProxyOnly, .features = {}, .control = {}, .transport = {}};

}  // namespace

std::vector<Check> proxy_forwarding_checks() {
  constexpr const char* kRule004 =
      "Every request the proxy forwards is a POST carrying `Accept: application/json, "
      "text/event-stream`, `Content-Type: application/json`, the backend's own "
      "session id and `MCP-Protocol-Version`; the proxy reads JSON and SSE answers.";
  return {
      // PROXY-004: "Every request the proxy forwards is a POST carrying `Accept:
      // application/json, text/event-stream`, `Content-Type: application/json`, the backend's
      // own session id and `MCP-Protocol-Version` ..."
      must_check("proxy-forwarding.forwarded-headers", "PROXY-004", kRule004, kProxyNeeds,
                 forwarded_headers),

      // PROXY-004: "... carrying `Accept: application/json, text/event-stream` ..." (a strict
      // backend answers 406 otherwise, HTTP-003)
      must_check("proxy-forwarding.strict-backend-episode", "PROXY-004", kRule004,
                 {.kinds = kProxyOnly,
                  .features = {},
                  .control = {},
                  .transport = Transport::kHttp,
                  .model = true,  // the driver's way to the end of a short episode
                  .games = {}},
                 strict_backend_episode),

      // PROXY-001: "At `initialize` the proxy starts one backend process for the new session,
      // and every later request of that session ... reaches that backend ..."
      must_check("proxy-forwarding.session-per-backend", "PROXY-001",
                 "At `initialize` the proxy starts one backend process for the new session, and "
                 "every later request of that session (tool calls, resource reads, "
                 "`/control/*`, `ping`) reaches that backend for the session's whole life.",
                 kProxyNeeds, session_per_backend),

      // PROXY-002: "The proxy issues its own session ids ... (never the backend's ids ...)"
      must_check("proxy-forwarding.own-session-ids", "PROXY-002",
                 "The proxy issues its own session ids under SESS-001..012 (never the backend's "
                 "ids, and never derived from timestamps, request counts or object addresses).",
                 kProxyNeeds, own_session_ids),

      // PROXY-003: "The client's `clientInfo._extra` reaches the backend both ways ... A seed
      // the client did not give is drawn by the proxy and sent both ways."
      must_check("proxy-forwarding.seed-reaches-backend", "PROXY-003",
                 "The client's `clientInfo._extra` reaches the backend both ways: in the "
                 "backend's own `initialize` and through the `{seed}` and `{config}` "
                 "placeholders of its command. A seed the client did not give is drawn by the "
                 "proxy and sent both ways.",
                 kProxyNeeds, seed_reaches_backend),

      // PROXY-005: "`tools/list`, `resources/list` and every other method come from the
      // backend itself ... A backend's JSON-RPC error answer reaches the client unchanged."
      must_check("proxy-forwarding.methods-from-backend", "PROXY-005",
                 "`tools/list`, `resources/list` and every other method come from the backend "
                 "itself, not from a copy in the proxy. A backend's JSON-RPC error answer "
                 "reaches the client unchanged.",
                 kProxyNeeds, methods_from_backend),

      // PROXY-008: "An `initialize` that would exceed `--max-envs` live sessions fails with a
      // JSON-RPC error naming the limit; no backend is started."
      // Run in a fresh process: sessions other checks left open would count against the limit.
      must_check("proxy-forwarding.max-envs", "PROXY-008",
                 "An `initialize` that would exceed `--max-envs` live sessions fails with a "
                 "JSON-RPC error naming the limit; no backend is started.",
                 kProxyNeeds, max_envs_limit, /*fresh_process=*/true),

      // PROXY-010: "A backend that dies mid-episode makes that session's requests fail with
      // JSON-RPC errors saying so; other sessions go on unaffected."
      must_check("proxy-forwarding.backend-crash-isolated", "PROXY-010",
                 "A backend that dies mid-episode makes that session's requests fail with "
                 "JSON-RPC errors saying so; other sessions go on unaffected.",
                 kProxyNeeds, backend_crash_isolated),
  };
}

}  // namespace mcpgym::conformance
