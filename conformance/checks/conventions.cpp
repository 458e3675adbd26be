// Convention checks (docs/spec.md "Conventions", EVP-*): under --convention
// eval-protocol, the rules that replace the ones the convention changes (the
// client's key names the environment, /control/* by that key, reset_session,
// the initial state), and one rule the convention keeps that eval-protocol's
// server breaks: the Origin check on the control routes (HTTP-010), judged in
// both conventions. Every other rule is judged by its own area's checks,
// unchanged: the suite's sessions carry keys of their own under eval-protocol
// (Context::client).
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/bounded_json.hpp"
#include "common/random_id.hpp"
#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/verify.hpp"
#include "conformance/core/context.hpp"
#include "conformance/games/driver.hpp"
#include "harness/mcp/eval_protocol.hpp"

namespace mcpgym::conformance {
namespace {

using json = nlohmann::json;
using verify::ClientSession;
using verify::show;

constexpr int kSeed = 7;

// The checks of the eval-protocol convention: a gym over Streamable HTTP judged under it.
const Needs kEvalProtocol = {.kinds = kGymKinds,
                             .features = {},
                             .control = {},
                             .transport = Transport::kHttp,
                             .convention = Convention::kEvalProtocol};

// A key of the form eval-protocol's client mints (an md5 hex digest), for a row of our own.
std::string fresh_key() {
  harness::EvalProtocolRow row;
  row.seed = kSeed;
  row.row_id = "mcpgym-conform-" + random_uuid_v4();
  return harness::eval_protocol_key(row);
}

// A session whose initialize carries `key` as clientInfo._extra.session_id (EVP-001).
struct KeyedSession {
  ClientSession session;
  std::string key;
};

Expected<KeyedSession, std::string> open_keyed(Context& ctx, const std::string& key) {
  const json extra = {{"session_id", key},
                      {"seed", kSeed},
                      {"config", json::object()},
                      {"dataset_row_id", "mcpgym-conform"},
                      {"model_id", "unknown"}};
  auto client = ctx.session(extra);
  if (!client) return unexpected(client.error());
  return KeyedSession{ClientSession(std::move(*client)), key};
}

// One request to a control route, with `key` in mcp-session-id (none when empty).
Expected<harness::HttpExchange, std::string> control_request(
    Context& ctx, const std::string& method, const std::string& name, const std::string& key,
    const std::string& body = "", harness::HeaderList more = {}) {
  harness::HeaderList headers = {{"Accept", "application/json"}};
  if (!key.empty()) headers.emplace_back("mcp-session-id", key);
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  headers.insert(headers.end(), more.begin(), more.end());
  auto exchange = ctx.raw().send({method, "/control/" + name, std::move(headers), body});
  if (exchange) ctx.note(*exchange);
  return exchange;
}

// The JSON object of a 200 application/json answer, or what was wrong with it.
Expected<json, std::string> json_payload(const Expected<harness::HttpExchange, std::string>& x,
                                         int status = 200) {
  if (!x) return unexpected(x.error());
  const std::string line = describe_exchange(*x);
  if (x->status != status) return unexpected(line);
  if (media_type(x->header("Content-Type")) != "application/json") {
    return unexpected("not application/json: " + line);
  }
  auto payload = parse_json(x->body);
  if (!payload || !payload->is_object()) return unexpected("not a JSON object: " + line);
  return std::move(*payload);
}

// EVP-004's refusal: `status` with {"error": <text>} as application/json; why not, if not.
std::optional<std::string> refusal_problem(const Expected<harness::HttpExchange, std::string>& x,
                                           int status) {
  auto payload = json_payload(x, status);
  if (!payload) return payload.error();
  if (!payload->contains("error") || !(*payload)["error"].is_string()) {
    return "no string \"error\": " + show(*payload);
  }
  return std::nullopt;
}

// The key's step count as /control/status says, or why it cannot be read.
Expected<int, std::string> step_count(Context& ctx, const std::string& key) {
  auto status = json_payload(control_request(ctx, "GET", "status", key));
  if (!status) return unexpected(status.error());
  auto steps = verify::int_field(*status, "step_count");
  if (!steps) return unexpected("status without an integer step_count: " + show(*status));
  return *steps;
}

// One move of the game's first action through the session's tool.
std::optional<std::string> move_once(Context& ctx, KeyedSession& s) {
  auto r = s.session->call_tool(ctx.game().tool(), {{"action", ctx.game().actions().front()}});
  if (!r) return r.error().message();
  if (r->value("isError", false)) return "the move was a tool error: " + show(*r);
  return std::nullopt;
}

// EVP-002: "Convention `eval-protocol`: distinct keys never share an
// environment (SESS-008), and a key reaches the same environment through tool
// calls on its MCP session and through `/control/*` (SESS-007)."
Outcome distinct_keys_isolated(Context& ctx) {
  const std::string expected =
      "two sessions with distinct keys and one seed: a move in the first shows as step_count 1 "
      "under its key and leaves the second's step_count 0";
  auto first = open_keyed(ctx, fresh_key());
  if (!first) return Outcome::could_not_run(first.error());
  auto second = open_keyed(ctx, fresh_key());
  if (!second) return Outcome::could_not_run(second.error());
  if (auto why = move_once(ctx, *first)) return Outcome::could_not_run(*why);
  auto moved = step_count(ctx, first->key);
  if (!moved) return Outcome::broken(expected, "the first key's status: " + moved.error());
  auto other = step_count(ctx, second->key);
  if (!other) return Outcome::broken(expected, "the second key's status: " + other.error());
  const std::string actual =
      "step_count " + std::to_string(*moved) + " and " + std::to_string(*other);
  if (*moved != 1 || *other != 0) return Outcome::broken(expected, actual);
  return Outcome::held(expected, actual);
}

// EVP-001: "The key only names the environment: an `initialize` whose key
// names a live environment gets a fresh one under that key (the old one ends),
// so a key never joins another client's episode."
Outcome same_key_fresh_environment(Context& ctx) {
  const std::string expected =
      "after a move under key K, a second initialize with K gets a fresh environment: "
      "step_count 0 under K";
  const std::string key = fresh_key();
  auto first = open_keyed(ctx, key);
  if (!first) return Outcome::could_not_run(first.error());
  if (auto why = move_once(ctx, *first)) return Outcome::could_not_run(*why);
  auto second = open_keyed(ctx, key);
  if (!second) return Outcome::broken(expected, "the second initialize: " + second.error());
  auto steps = step_count(ctx, key);
  if (!steps) return Outcome::broken(expected, steps.error());
  const std::string actual = "step_count " + std::to_string(*steps) + " under K";
  if (*steps != 0) return Outcome::broken(expected, actual + ": the second client joined");
  return Outcome::held(expected, actual);
}

// EVP-004, the reads: "a `/control/*` request without the `mcp-session-id`
// header gets 400, and one whose key names no environment gets 404, each with
// the body `{"error": <text>}` as `application/json`".
Outcome control_refusals(Context& ctx) {
  const std::string expected =
      "GET /control/reward, status and info: 400 without mcp-session-id, 404 for an unknown "
      "key, each {\"error\": <text>} as application/json";
  const std::string unknown = fresh_key();
  for (const std::string name : {"reward", "status", "info"}) {
    if (auto why = refusal_problem(control_request(ctx, "GET", name, ""), 400)) {
      return Outcome::broken(expected, "without the header: " + *why);
    }
    if (auto why = refusal_problem(control_request(ctx, "GET", name, unknown), 404)) {
      return Outcome::broken(expected, "an unknown key: " + *why);
    }
  }
  return Outcome::held(expected, "400 and 404 with {\"error\"} bodies");
}

// EVP-004: "`GET /control/initial_state` for an unknown key is a 404 too: it
// never creates an environment."
Outcome unknown_key_initial_state(Context& ctx) {
  const std::string expected =
      "GET /control/initial_state for an unknown key: 404 {\"error\": <text>}, and the key "
      "still names nothing afterwards (GET /control/status 404)";
  const std::string unknown = fresh_key();
  if (auto why = refusal_problem(control_request(ctx, "GET", "initial_state", unknown), 404)) {
    return Outcome::broken(expected, *why);
  }
  if (auto why = refusal_problem(control_request(ctx, "GET", "status", unknown), 404)) {
    return Outcome::broken(expected, "status afterwards: " + *why);
  }
  return Outcome::held(expected, "404, and nothing created");
}

// The first string member of `payload` holding an ESC (0x1b), if any.
std::optional<std::string> escaped_member(const json& payload) {
  for (const auto& [name, value] : payload.items()) {
    if (value.is_string() &&
        value.get_ref<const std::string&>().find('\x1b') != std::string::npos) {
      return name;
    }
  }
  return std::nullopt;
}

// What keeps `state` from being FrozenLake's {"position": <int>, "grid": <string>}.
std::optional<std::string> frozenlake_fields_missing(const json& state) {
  if (!verify::int_field(state, "position")) return "no integer `position`";
  if (!state.contains("grid") || !state["grid"].is_string()) return "no string `grid`";
  return std::nullopt;
}

// EVP-005: "`GET /control/initial_state` is the game's observation at the
// start of the episode without `action`: for FrozenLake `{"position": <int>,
// "grid": <string>}`, the grid as DATA-004 (plain letters, no ANSI escape codes)."
Outcome initial_state_fields(Context& ctx) {
  const bool frozenlake = ctx.game().name() == "frozenlake";
  const std::string expected =
      std::string("GET /control/initial_state by the key: 200, a JSON object without `action`") +
      (frozenlake ? ", with an integer `position` and a string `grid`" : "") +
      ", no string member holding an ANSI escape (ESC, 0x1b)";
  auto s = open_keyed(ctx, fresh_key());
  if (!s) return Outcome::could_not_run(s.error());
  auto state = json_payload(control_request(ctx, "GET", "initial_state", s->key));
  if (!state) return Outcome::broken(expected, state.error());
  if (state->contains("action")) return Outcome::broken(expected, "`action` in " + show(*state));
  if (frozenlake) {
    if (auto why = frozenlake_fields_missing(*state)) {
      return Outcome::broken(expected, *why + ": " + show(*state));
    }
  }
  if (auto name = escaped_member(*state)) {
    return Outcome::broken(expected, "`" + *name + "` holds ESC: " + show((*state)[*name], 300));
  }
  return Outcome::held(expected, show(*state, 300));
}

// What is wrong with the state right after reset_session with seed 0.
std::optional<std::string> not_restarted(Context& ctx, const std::string& key) {
  auto steps = step_count(ctx, key);
  if (!steps) return "status: " + steps.error();
  if (*steps != 0) return "step_count " + std::to_string(*steps) + " after the reset";
  auto state = json_payload(control_request(ctx, "GET", "initial_state", key));
  if (!state) return "initial_state: " + state.error();
  if (state->contains("seed") && (*state)["seed"] != 0) {
    return "initial_state says seed " + show((*state)["seed"]) + " after a reset with seed 0";
  }
  return std::nullopt;
}

// EVP-006: "`POST /control/reset_session` with the session header (under
// `mcpgym` the `Mcp-Session-Id`, under `eval-protocol` the key) and the body
// `{"seed": n}` replaces that environment with a new episode of the same
// configuration, seeded with `n` (any integer SEED-003 allows, 0 included)".
Outcome reset_session(Context& ctx) {
  const std::string expected =
      "after a move, POST /control/reset_session {\"seed\": 0} by the key: 200 "
      "{\"message\": \"Session reset successfully\"}, then step_count 0 (and seed 0 where the "
      "initial state names it); an unknown key 404, no header 400";
  auto s = open_keyed(ctx, fresh_key());
  if (!s) return Outcome::could_not_run(s.error());
  if (auto why = move_once(ctx, *s)) return Outcome::could_not_run(*why);
  const std::string body = R"({"seed": 0})";
  auto answer = json_payload(control_request(ctx, "POST", "reset_session", s->key, body));
  if (!answer) return Outcome::broken(expected, answer.error());
  if (*answer != json{{"message", "Session reset successfully"}}) {
    return Outcome::broken(expected, "answered " + show(*answer));
  }
  if (auto why = not_restarted(ctx, s->key)) return Outcome::broken(expected, *why);
  auto unknown = control_request(ctx, "POST", "reset_session", fresh_key(), body);
  if (auto why = refusal_problem(unknown, 404)) {
    return Outcome::broken(expected, "an unknown key: " + *why);
  }
  if (auto why = refusal_problem(control_request(ctx, "POST", "reset_session", "", body), 400)) {
    return Outcome::broken(expected, "without the header: " + *why);
  }
  return Outcome::held(expected, "reset, restarted, and the refusals as expected");
}

// A live session and what names its environment on the control routes: the
// key under eval-protocol, the transport's session id under mcpgym.
Expected<KeyedSession, std::string> open_named(Context& ctx) {
  if (ctx.profile().convention == Convention::kEvalProtocol) return open_keyed(ctx, fresh_key());
  auto s = verify::open_client_session(ctx);
  if (!s) return unexpected(s.error());
  const auto id = (*s)->session_id();
  if (!id) return unexpected("the session has no Mcp-Session-Id");
  return KeyedSession{std::move(*s), *id};
}

struct ControlRoute {
  std::string method;
  std::string name;
  std::string body;
};

// HTTP-010: "Any request to `/mcp` or `/control/*` gets HTTP 403 if it has an
// `Origin` header that is not a loopback origin."
Outcome control_origin(Context& ctx) {
  const std::string expected =
      "GET /control/status and POST /control/reset_session of a live session with "
      "`Origin: http://evil.example.com`: HTTP 403";
  auto s = open_named(ctx);
  if (!s) return Outcome::could_not_run(s.error());
  const harness::HeaderList origin = {{"Origin", "http://evil.example.com"}};
  const ControlRoute routes[] = {{"GET", "status", ""},
                                 {"POST", "reset_session", R"({"seed": 1})"}};
  for (const auto& route : routes) {
    auto x = control_request(ctx, route.method, route.name, s->key, route.body, origin);
    if (!x) return Outcome::broken(expected, x.error());
    if (x->status != 403) return Outcome::broken(expected, describe_exchange(*x));
  }
  return Outcome::held(expected, "403 on both routes");
}

Check convention_check(std::string id, std::string spec_id, std::string rule,
                       Outcome (*run)(Context&), int sessions) {
  return Check{.id = std::move(id),
               .spec_id = std::move(spec_id),
               .level = Level::kMust,
               .rule = std::move(rule),
               .needs = kEvalProtocol,
               .fresh_process = false,
               .run = run,
               .sessions = sessions};
}

}  // namespace

std::vector<Check> convention_checks() {
  std::vector<Check> checks;
  checks.push_back(convention_check(
      "conventions.distinct-keys-isolated", "EVP-002",
      "Convention `eval-protocol`: distinct keys never share an environment (SESS-008), and a key "
      "reaches the same environment through tool calls on its MCP session and through "
      "`/control/*` (SESS-007).",
      distinct_keys_isolated, 2));
  checks.push_back(convention_check(
      "conventions.same-key-fresh-environment", "EVP-001",
      "The key only names the environment: an `initialize` whose key names a live environment "
      "gets a fresh one under that key (the old one ends), so a key never joins another "
      "client's episode.",
      same_key_fresh_environment, 2));
  checks.push_back(convention_check(
      "conventions.control-refusals", "EVP-004",
      "Convention `eval-protocol`: a `/control/*` request without the `mcp-session-id` header "
      "gets 400, and one whose key names no environment gets 404, each with the body "
      "`{\"error\": <text>}` as `application/json`",
      control_refusals, 0));
  checks.push_back(convention_check(
      "conventions.unknown-key-initial-state", "EVP-004",
      "`GET /control/initial_state` for an unknown key is a 404 too: it never creates an "
      "environment.",
      unknown_key_initial_state, 0));
  checks.push_back(convention_check(
      "conventions.initial-state", "EVP-005",
      "Convention `eval-protocol`: `GET /control/initial_state` is the game's observation at the "
      "start of the episode without `action`: for FrozenLake `{\"position\": <int>, \"grid\": "
      "<string>}`, the grid as DATA-004 (plain letters, no ANSI escape codes).",
      initial_state_fields, 1));
  checks.push_back(convention_check(
      "conventions.reset-session", "EVP-006",
      "Both conventions: `POST /control/reset_session` with the session header (under `mcpgym` "
      "the `Mcp-Session-Id`, under `eval-protocol` the key) and the body `{\"seed\": n}` "
      "replaces that environment with a new episode of the same configuration, seeded with `n` "
      "(any integer SEED-003 allows, 0 included)",
      reset_session, 1));
  Check origin = convention_check(
      "conventions.control-origin", "HTTP-010",
      "Any request to `/mcp` or `/control/*` gets HTTP 403 if it has an `Origin` header that is "
      "not a loopback origin.",
      control_origin, 1);
  // Both conventions: the control routes are where eval-protocol's server skips the check.
  origin.needs.convention = std::nullopt;
  origin.needs.control = {ControlPlane::kHttp};
  checks.push_back(std::move(origin));
  return checks;
}

}  // namespace mcpgym::conformance
