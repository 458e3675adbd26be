// The modern proxy (docs/spec.md PROXY-014): env_create through the proxy
// starts a backend for that environment, the proxy hands out a handle of its
// own, every call by that handle reaches that one backend, and env_close stops
// it. The backends are the suite's instrumented backend; its audit shows which
// process got which request (each request's Mcp-Name and Mcp-Param-Env-Id),
// so these checks judge what crossed the wire, not what the proxy says. The
// backend's own answer to the proxy's handle, asked directly at its --port,
// shows whether the handle is the proxy's own.
#include <algorithm>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "common/protocol.hpp"
#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/episode.hpp"
#include "conformance/core/context.hpp"
#include "conformance/core/instrumented_backend.hpp"
#include "conformance/core/process_tree.hpp"
#include "conformance/core/target.hpp"
#include "harness/mcp/client.hpp"
#include "harness/rollout/handles.hpp"

namespace mcpgym::conformance {
namespace {

using episode::must_check;
using harness::McpClient;
using json = nlohmann::json;

// Seeds only these checks give (proxy_forwarding.cpp uses 607xx and 608xx,
// proxy_lifetime.cpp 609xx).
constexpr std::uint64_t kSeedRouteA = 61001;
constexpr std::uint64_t kSeedRouteB = 61002;
constexpr std::uint64_t kSeedOwnHandle = 61003;
constexpr std::uint64_t kSeedCloseA = 61004;
constexpr std::uint64_t kSeedCloseB = 61005;

// As proxy_lifetime.cpp: a stop's grace before SIGKILL, then the reaping.
constexpr std::chrono::milliseconds kBackendGoneWithin{5'000};

// A header of an audited request, by name in any case; "" when absent.
std::string header_of(const json& request, std::string_view name) {
  const auto headers = request.find("headers");
  if (headers == request.end() || !headers->is_object()) return "";
  for (const auto& [key, value] : headers->items()) {
    if (value.is_string() && iequals(key, name)) return value.get<std::string>();
  }
  return "";
}

bool is_tool_call(const json& request) {
  return request.value("rpc_method", json()) == "tools/call";
}

// The tools/call requests a backend got other than env_create and env_close:
// the moves (a proxy speaking legacy to its backends sends no Mcp-Name, so
// every such call counts as a move).
int moves_of(const BackendAudit& audit) {
  return static_cast<int>(
      std::count_if(audit.requests.begin(), audit.requests.end(), [](const json& request) {
        const std::string tool = header_of(request, mcp::kNameHeader);
        return is_tool_call(request) && tool != "env_create" && tool != "env_close";
      }));
}

// The audits of backends that started after `before` (audit files) and got a
// tools/call: the environments' backends (not one that only listed tools).
Expected<std::vector<BackendAudit>, std::string> env_backends_since(
    Context& ctx, const std::set<std::string>& before) {
  auto audits = read_backend_audits(ctx.target().audit_dir());
  if (!audits) return unexpected(audits.error());
  std::vector<BackendAudit> found;
  for (auto& audit : *audits) {
    if (before.contains(audit.file)) continue;
    if (std::any_of(audit.requests.begin(), audit.requests.end(), is_tool_call)) {
      found.push_back(std::move(audit));
    }
  }
  return found;
}

// The backends audited so far, by audit file (not pid: a pid comes round again).
Expected<std::set<std::string>, std::string> audited_backends(Context& ctx) {
  auto audits = read_backend_audits(ctx.target().audit_dir());
  if (!audits) return unexpected(audits.error());
  std::set<std::string> files;
  for (const auto& audit : *audits)
    files.insert(audit.file);
  return files;
}

// A modern client of the proxy, after server/discover.
Expected<std::unique_ptr<McpClient>, std::string> modern_client(Context& ctx) {
  harness::ClientOptions options;
  options.era = harness::Era::kModern;
  auto client = ctx.client(options);
  if (!client) return unexpected(client.error());
  if (auto discovered = (*client)->initialize(nullptr); !discovered) {
    return unexpected("server/discover failed: " + discovered.error().message());
  }
  return client;
}

// env_create with `seed`: the handle, or why there is none.
Expected<std::string, std::string> create_env(McpClient& client, std::uint64_t seed) {
  auto created = harness::create_env(client, seed);
  if (!created) return unexpected("env_create failed: " + created.error().message());
  return created->env_id;
}

// `count` moves of the game's first action on `handle`.
Expected<void, std::string> move(Context& ctx, McpClient& client, const std::string& handle,
                                 int count) {
  const GameDriver& game = ctx.game();
  for (int i = 0; i < count; ++i) {
    auto moved =
        client.call_tool(game.tool(), json{{"env_id", handle}, {"action", game.actions().front()}});
    if (!moved) return unexpected(game.tool() + " failed: " + moved.error().message());
  }
  return {};
}

void close_envs(McpClient& client, const std::vector<std::string>& handles) {
  for (const auto& handle : handles)
    (void)client.call_tool("env_close", json{{"env_id", handle}});
}

std::string describe_moves(const std::vector<BackendAudit>& backends) {
  std::string out;
  for (const auto& b : backends) {
    out += (out.empty() ? "" : ", ") + std::string("backend pid ") + std::to_string(b.pid) +
           " got " + std::to_string(moves_of(b)) + " move(s)";
  }
  return out.empty() ? "no backend got a move" : out;
}

// PROXY-014: two handles, two backends; every move by a handle reaches its own.
Outcome handles_reach_their_backends(Context& ctx) {
  const std::string expected =
      "two env_create calls start two backends; 2 moves by the first handle and 1 by the second "
      "reach one backend each (2 and 1)";
  auto before = audited_backends(ctx);
  if (!before) return Outcome::could_not_run(before.error());
  auto client = modern_client(ctx);
  if (!client) return Outcome::could_not_run(client.error());
  auto a = create_env(**client, kSeedRouteA);
  if (!a) return Outcome::could_not_run(a.error());
  auto b = create_env(**client, kSeedRouteB);
  if (!b) {
    close_envs(**client, {*a});
    return Outcome::could_not_run(b.error());
  }
  auto moved = move(ctx, **client, *a, 2);
  if (moved) moved = move(ctx, **client, *b, 1);
  auto backends = env_backends_since(ctx, *before);
  close_envs(**client, {*a, *b});
  if (!moved) return Outcome::broken(expected, moved.error());
  if (!backends) return Outcome::could_not_run(backends.error());
  if (backends->size() != 2) {
    return Outcome::broken(
        expected, std::to_string(backends->size()) +
                      " backend(s) got the two environments' calls: " + describe_moves(*backends));
  }
  std::multiset<int> counts = {moves_of((*backends)[0]), moves_of((*backends)[1])};
  if (counts != std::multiset<int>{1, 2}) {
    return Outcome::broken(expected, describe_moves(*backends));
  }
  return Outcome::held(expected, describe_moves(*backends));
}

// A modern client straight to an audited backend, at the --port of its argv.
Expected<std::unique_ptr<McpClient>, std::string> backend_client(Context& ctx,
                                                                 const BackendAudit& audit) {
  const auto port = std::find(audit.argv.begin(), audit.argv.end(), "--port");
  if (port == audit.argv.end() || port + 1 == audit.argv.end()) {
    return unexpected("backend pid " + std::to_string(audit.pid) + " has no --port argument");
  }
  harness::ClientOptions options;
  options.era = harness::Era::kModern;
  options.timeout = ctx.call_timeout;
  return harness::connect_http("http://127.0.0.1:" + *(port + 1) + "/mcp", options);
}

// PROXY-014 (HANDLE-002): the handle the client gets is the proxy's, not the backend's.
Outcome handles_are_the_proxys_own(Context& ctx) {
  const std::string expected =
      "the environment's backend knows it under a handle other than the one the proxy handed "
      "out: game://<proxy's handle>/initial_state read at the backend is -32602, and no request "
      "reaching the backend carries the proxy's handle in Mcp-Param-Env-Id";
  auto before = audited_backends(ctx);
  if (!before) return Outcome::could_not_run(before.error());
  auto client = modern_client(ctx);
  if (!client) return Outcome::could_not_run(client.error());
  auto handle = create_env(**client, kSeedOwnHandle);
  if (!handle) return Outcome::could_not_run(handle.error());
  auto moved = move(ctx, **client, *handle, 1);
  auto backends = env_backends_since(ctx, *before);
  if (!moved || !backends || backends->size() != 1) {
    close_envs(**client, {*handle});
    if (!moved) return Outcome::could_not_run(moved.error());
    if (!backends) return Outcome::could_not_run(backends.error());
    return Outcome::could_not_run("the environment's calls reached " +
                                  std::to_string(backends->size()) + " backends, not one");
  }
  const BackendAudit& audit = backends->front();
  for (const json& request : audit.requests) {
    if (header_of(request, std::string(mcp::kParamHeaderPrefix) + "Env-Id") == *handle) {
      close_envs(**client, {*handle});
      return Outcome::broken(expected, "backend pid " + std::to_string(audit.pid) +
                                           " got Mcp-Param-Env-Id: " + *handle +
                                           ", the handle the proxy handed out");
    }
  }
  auto direct = backend_client(ctx, audit);
  if (!direct) {
    close_envs(**client, {*handle});
    return Outcome::could_not_run(direct.error());
  }
  const std::string uri = "game://" + *handle + "/initial_state";
  auto read = (*direct)->read_resource(uri);
  close_envs(**client, {*handle});
  if (read) {
    return Outcome::broken(expected, "backend pid " + std::to_string(audit.pid) + " answers " +
                                         uri + ": the proxy handed out the backend's own handle");
  }
  const json error = read.error().rpc_error.value_or(json());
  if (!error.is_object() || error.value("code", 0) != mcp::code::kInvalidParams) {
    return Outcome::could_not_run("reading " + uri +
                                  " at the backend failed otherwise: " + read.error().message());
  }
  return Outcome::held(
      expected, "backend pid " + std::to_string(audit.pid) + " answered " + uri + " with -32602");
}

// The running backend that got the calls of the one environment created since `before`.
Expected<SeenProcess, std::string> sole_new_backend(Context& ctx,
                                                    const std::set<std::string>& before) {
  auto backends = env_backends_since(ctx, before);
  if (!backends) return unexpected(backends.error());
  if (backends->size() != 1) {
    return unexpected(std::to_string(backends->size()) +
                      " new backends got the environment's env_create, not one");
  }
  const auto seen = see_process(backends->front().pid);
  if (!seen) {
    return unexpected("backend pid " + std::to_string(backends->front().pid) +
                      " is not running right after env_create");
  }
  return *seen;
}

// PROXY-014 (PROXY-011 per handle): env_close stops that backend and no other.
Outcome env_close_stops_its_backend(Context& ctx) {
  const std::string expected =
      "env_close of the first of two environments stops its backend within " +
      std::to_string(kBackendGoneWithin.count()) +
      " ms while the second's keeps running; env_close of the second then stops that one";
  auto client = modern_client(ctx);
  if (!client) return Outcome::could_not_run(client.error());
  std::vector<std::string> handles;
  std::vector<SeenProcess> processes;
  for (std::uint64_t seed : {kSeedCloseA, kSeedCloseB}) {
    auto before = audited_backends(ctx);
    if (!before) return Outcome::could_not_run(before.error());
    auto handle = create_env(**client, seed);
    if (!handle) {
      close_envs(**client, handles);
      return Outcome::could_not_run(handle.error());
    }
    handles.push_back(*handle);
    auto process = sole_new_backend(ctx, *before);
    if (!process) {
      close_envs(**client, handles);
      return Outcome::could_not_run(process.error());
    }
    processes.push_back(*process);
  }
  const auto pid = [](const SeenProcess& p) { return std::to_string(p.pid); };
  close_envs(**client, {handles[0]});
  if (!wait_until_gone(processes[0], kBackendGoneWithin)) {
    close_envs(**client, {handles[1]});
    return Outcome::broken(expected, "backend pid " + pid(processes[0]) + " still runs " +
                                         std::to_string(kBackendGoneWithin.count()) +
                                         " ms after env_close of its environment");
  }
  if (!still_running(processes[1])) {
    return Outcome::broken(
        expected, "backend pid " + pid(processes[1]) + " of the other environment stopped too");
  }
  close_envs(**client, {handles[1]});
  if (!wait_until_gone(processes[1], kBackendGoneWithin)) {
    return Outcome::broken(expected, "backend pid " + pid(processes[1]) + " still runs " +
                                         std::to_string(kBackendGoneWithin.count()) +
                                         " ms after env_close of its environment");
  }
  return Outcome::held(expected, "backends " + pid(processes[0]) + " and " + pid(processes[1]) +
                                     " stopped, each at its environment's env_close");
}

// Proxy profiles over HTTP, judged in the modern era.
const Needs kModernProxy = {.kinds = {ProfileKind::kProxy},
                            .features = {},
                            .control = {},
                            .transport = Transport::kHttp,
                            .model = false,
                            .games = {},
                            .era = CheckEra::kModern};

}  // namespace

std::vector<Check> proxy_modern_checks() {
  return {
      // PROXY-014: "`env_create` through the proxy starts a backend process for that
      // environment ..." and "Every later call carrying the handle ... reaches that backend".
      must_check("proxy-modern.handle-per-backend", "PROXY-014",
                 "Every later call carrying the handle, in the body or in `Mcp-Param-Env-Id`, and "
                 "every control read by it (HANDLE-008, HANDLE-011) reaches that backend with the "
                 "backend's handle in place of the proxy's.",
                 kModernProxy, handles_reach_their_backends),
      // PROXY-014: "the proxy mints a handle of its own (HANDLE-002; never the backend's ...)".
      must_check("proxy-modern.own-handles", "PROXY-014",
                 "the proxy mints a handle of its own (HANDLE-002; never the backend's, never "
                 "derived from it) and maps it to (backend, the backend's handle).",
                 kModernProxy, handles_are_the_proxys_own),
      // PROXY-014: "`env_close`, the handle's idle expiry and the proxy's shutdown stop that
      // backend".
      must_check("proxy-modern.env-close-stops-backend", "PROXY-014",
                 "`env_close`, the handle's idle expiry and the proxy's shutdown stop that "
                 "backend (PROXY-011 per handle).",
                 kModernProxy, env_close_stops_its_backend),
  };
}

}  // namespace mcpgym::conformance
