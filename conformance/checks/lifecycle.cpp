// Lifecycle checks (docs/spec.md LIFE-*): version negotiation, the initialize
// result, notifications, ping and the JSON-RPC error rules every session meets.
//
// Checks that judge the initialize answer itself (LIFE-001..003) initialize
// over raw HTTP, so that a wrong protocolVersion is seen as it came rather than
// as the harness client's complaint about it; on stdio they use the client.
// Checks that only need a session use the harness client, so they run on any
// transport. Every session a check opens is ended again (a proxy runs one
// backend process per session and may have a small --max-envs).
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/text.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/verify.hpp"
#include "conformance/checks/wire.hpp"
#include "conformance/core/context.hpp"

namespace mcpgym::conformance {
namespace {

using json = nlohmann::json;
using verify::expect_accepted;
using verify::expect_rpc_error;
using verify::show;

constexpr const char* kVersions[] = {"2025-03-26", "2025-06-18", "2025-11-25"};
constexpr const char* kNewest = "2025-11-25";

// The `initialize` result for a requested `version`; the session is ended again.
// An error says what came instead of a result.
Expected<json, std::string> initialize_result(Context& ctx, const std::string& version) {
  if (ctx.profile().launch == LaunchMode::kStdio) {
    harness::ClientOptions options;
    options.protocol_version = version;
    auto c = ctx.client(options);
    if (!c) return unexpected("no client: " + c.error());
    verify::ClientSession s(std::move(c).value());
    auto r = s->initialize(nullptr);
    if (!r) return unexpected(r.error().message());
    ctx.note("initialize " + version + " -> " + show(*r, 300));
    return *r;
  }
  auto http = ctx.raw();
  auto x =
      wire::post(ctx, http, wire::request(1, "initialize", wire::initialize_params(version)).dump(),
                 harness::mcp_post_headers());
  if (!x) return unexpected(x.error());
  // No MCP-Protocol-Version: the answer under test may have named an unsupported version.
  wire::close_session(http, ctx.path(), {x->header("mcp-session-id"), "", json()});
  auto m = wire::rpc_message(*x);
  if (!m || !m->is_object() || !m->contains("result") || !(*m)["result"].is_object()) {
    return unexpected("initialize requesting " + version + " was answered " +
                      wire::status_and_body(*x));
  }
  return (*m)["result"];
}

std::string version_of(const json& result) {
  const auto v = result.find("protocolVersion");
  if (v == result.end()) return "no protocolVersion";
  return "protocolVersion " + show(*v, 60);
}

// LIFE-001: "When the requested `protocolVersion` is 2025-03-26, 2025-06-18 or
// 2025-11-25, the `initialize` result echoes it."
Outcome version_echo(Context& ctx) {
  for (const std::string version : kVersions) {
    const std::string expected =
        "protocolVersion \"" + version + "\" when " + version + " is requested";
    auto r = initialize_result(ctx, version);
    if (!r) return Outcome::broken(expected, r.error());
    if ((*r)["protocolVersion"] != version) {
      return Outcome::broken(expected, version_of(*r) + " when " + version + " is requested");
    }
  }
  return Outcome::held("each of 2025-03-26, 2025-06-18, 2025-11-25 echoed", "each echoed");
}

// LIFE-002: "For any other requested version, the `initialize` result names a
// version the server supports, the newest: 2025-11-25."
Outcome version_unknown(Context& ctx) {
  const std::string expected =
      std::string("protocolVersion \"") + kNewest + "\" when 1999-01-01 is requested";
  auto r = initialize_result(ctx, "1999-01-01");
  if (!r) return Outcome::broken(expected, r.error());
  if ((*r)["protocolVersion"] != kNewest) {
    return Outcome::broken(expected, version_of(*r) + " when 1999-01-01 is requested");
  }
  return Outcome::held(expected, version_of(*r));
}

// LIFE-003: "The `initialize` result has `capabilities` declaring `tools` and
// `resources`, and `serverInfo` with `name` and `version`."
Outcome initialize_result_declares(Context& ctx) {
  const std::string expected =
      "capabilities.tools and capabilities.resources objects, serverInfo.name and "
      "serverInfo.version strings";
  auto r = initialize_result(ctx, kNewest);
  if (!r) return Outcome::broken(expected, r.error());
  std::vector<std::string> missing;
  const json caps = r->value("capabilities", json());
  for (const char* c : {"tools", "resources"}) {
    if (!caps.is_object() || !caps.contains(c) || !caps[c].is_object()) {
      missing.push_back(std::string("capabilities.") + c);
    }
  }
  const json info = r->value("serverInfo", json());
  for (const char* f : {"name", "version"}) {
    if (!info.is_object() || !info.contains(f) || !info[f].is_string()) {
      missing.push_back(std::string("serverInfo.") + f);
    }
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing)
      list += (list.empty() ? "" : ", ") + m;
    return Outcome::broken(
        expected, "missing or of the wrong type: " + list + "; the result was " + show(*r, 300));
  }
  return Outcome::held(expected,
                       "capabilities " + show(caps, 120) + ", serverInfo " + show(info, 120));
}

// LIFE-004: "`notifications/initialized` is accepted: HTTP 202 with no body
// (HTTP-007) ... A notification never gets a response."
Outcome initialized_notification(Context& ctx) {
  auto http = ctx.raw();
  auto init =
      wire::post(ctx, http, wire::request(1, "initialize", wire::initialize_params()).dump(),
                 harness::mcp_post_headers());
  if (!init) return Outcome::could_not_run(init.error());
  // Ended without MCP-Protocol-Version: the version is not known yet.
  wire::OpenSession guard(std::move(http), ctx.path(),
                          {init->header("mcp-session-id"), "", json()});
  auto m = wire::rpc_message(*init);
  if (init->status != 200 || !m || !m->contains("result") || guard.session.id.empty()) {
    return Outcome::could_not_run("initialize was refused: " + wire::status_and_body(*init));
  }
  const std::string version = (*m)["result"].value("protocolVersion", std::string(kNewest));
  auto x = wire::post(ctx, guard.http, wire::notification("notifications/initialized").dump(),
                      harness::mcp_post_headers(guard.session.id, version));
  if (!x) return Outcome::broken("HTTP 202 with no body for notifications/initialized", x.error());
  return expect_accepted(*x, "notifications/initialized");
}

// LIFE-004: "... Unknown notifications are ignored. A notification never gets a response."
Outcome unknown_notification(Context& ctx) {
  return wire::in_session(ctx, [&](wire::OpenSession& r) -> Outcome {
    const std::string what = "the unknown notification notifications/mcpgym-conform/unknown";
    auto x = wire::post_in(ctx, r.http, r.session,
                           wire::notification("notifications/mcpgym-conform/unknown",
                                              {{"detail", "sent by the conformance suite"}}));
    if (!x) return Outcome::broken("HTTP 202 with no body for " + what, x.error());
    Outcome accepted = expect_accepted(*x, what);
    if (accepted.kind != Outcome::Kind::kHeld) return accepted;
    // Ignored: the session goes on as before.
    auto ping = wire::post_in(ctx, r.http, r.session, wire::request(2, "ping"));
    const std::string expected = "the session still answers ping with {} afterwards";
    if (!ping) return Outcome::broken(expected, ping.error());
    auto pm = wire::rpc_message(*ping);
    if (ping->status != 200 || !pm || !pm->is_object() || !pm->contains("result") ||
        (*pm)["result"] != json::object()) {
      return Outcome::broken(expected, "ping was answered " + wire::status_and_body(*ping));
    }
    return Outcome::held("HTTP 202 with no body, and the session unaffected",
                         "HTTP 202 with an empty body; ping still answered {}");
  });
}

// LIFE-005: "`ping` is answered with the empty result `{}`."
Outcome ping(Context& ctx) {
  auto s = verify::open_client_session(ctx);
  if (!s) return Outcome::could_not_run(s.error());
  auto r = (*s)->request("ping", json::object());
  if (!r) {
    ctx.note("ping -> " + excerpt(r.error().message(), 400));
    return Outcome::broken("the result {}", excerpt(r.error().message(), 300));
  }
  ctx.note("ping -> " + show(*r));
  if (*r != json::object()) return Outcome::broken("the result {}", "the result " + show(*r));
  return Outcome::held("the result {}", "the result {}");
}

// LIFE-006: "A request for an unknown method gets -32601 (Method not found)."
Outcome unknown_method(Context& ctx) {
  auto s = verify::open_client_session(ctx);
  if (!s) return Outcome::could_not_run(s.error());
  const std::string method = "mcpgym-conform/no-such-method";
  return expect_rpc_error(ctx, "the request " + method, (*s)->request(method, json::object()),
                          -32601);
}

// LIFE-007: "Invalid params get -32602. Examples: `params` that is not an
// object, ... `tools/call` without a string `name` ..."
Outcome invalid_params(Context& ctx) {
  auto s = verify::open_client_session(ctx);
  if (!s) return Outcome::could_not_run(s.error());
  struct Case {
    std::string sent;
    std::string method;
    json params;
  };
  const std::vector<Case> cases = {
      {"tools/list with params [1] (not an object)", "tools/list", json::array({1})},
      {"tools/call without \"name\"", "tools/call", {{"arguments", {{"action", "LEFT"}}}}},
  };
  std::string held;
  for (const auto& c : cases) {
    Outcome o = expect_rpc_error(ctx, c.sent, (*s)->request(c.method, c.params), -32602);
    if (o.kind != Outcome::Kind::kHeld) return o;
    held += (held.empty() ? "" : "; ") + o.actual;
  }
  return Outcome::held(
      "JSON-RPC error -32602 for params not an object and for tools/call "
      "without a name",
      held);
}

// LIFE-008: "An invalid request gets -32600 (Invalid Request), with the
// message's `id` when it is a valid one and `"id": null` otherwise. ..."
Outcome invalid_request(Context& ctx) {
  return wire::in_session(ctx, [&](wire::OpenSession& r) -> Outcome {
    struct Case {
      std::string what;
      json message;
      json id;  // the id the error must carry
    };
    const std::vector<Case> cases = {
        {"\"jsonrpc\": \"1.0\" with id 7", {{"jsonrpc", "1.0"}, {"id", 7}, {"method", "ping"}}, 7},
        {"\"method\": 42 with id \"conform-8\"",
         {{"jsonrpc", "2.0"}, {"id", "conform-8"}, {"method", 42}},
         "conform-8"},
        {"\"id\": null", {{"jsonrpc", "2.0"}, {"id", nullptr}, {"method", "ping"}}, nullptr},
        {"\"id\": 1.5", {{"jsonrpc", "2.0"}, {"id", 1.5}, {"method", "ping"}}, nullptr},
        {"a message that is the JSON string \"ping\"", "ping", nullptr},
    };
    for (const auto& c : cases) {
      const std::string expected = "error -32600 with id " + c.id.dump() + " for " + c.what;
      auto x = wire::post_in(ctx, r.http, r.session, c.message);
      if (!x) return Outcome::broken(expected, x.error());
      auto m = wire::rpc_message(*x);
      if (!m || !m->is_object()) return Outcome::broken(expected, wire::status_and_body(*x));
      const auto code = wire::rpc_error_code(*x);
      if (!code || *code != -32600) {
        return Outcome::broken(expected, wire::status_and_body(*x));
      }
      if (!m->contains("id") || (*m)["id"] != c.id) {
        return Outcome::broken(expected, "error -32600 with " +
                                             (m->contains("id") ? "id " + show((*m)["id"], 60)
                                                                : std::string("no id")) +
                                             ": " + wire::status_and_body(*x));
      }
    }
    return Outcome::held("-32600 with the valid id or null, in 5 invalid messages",
                         "each as expected");
  });
}

// LIFE-009: "Every response carries `"jsonrpc": "2.0"`, the `id` of the request
// it answers, and exactly one of `result` and `error`. ..."
Outcome response_shape(Context& ctx) {
  return wire::in_session(ctx, [&](wire::OpenSession& r) -> Outcome {
    struct Case {
      std::string what;
      json id;
      std::string method;
    };
    const std::vector<Case> cases = {
        {"ping with id \"conform-ping\"", "conform-ping", "ping"},
        {"ping with id 41", 41, "ping"},
        {"the unknown method mcpgym-conform/none with id 42 (an error)", 42, "mcpgym-conform/none"},
    };
    for (const auto& c : cases) {
      const std::string expected = "a response with \"jsonrpc\": \"2.0\", id " + c.id.dump() +
                                   " and exactly one of result and error, for " + c.what;
      const json message = {
          {"jsonrpc", "2.0"}, {"id", c.id}, {"method", c.method}, {"params", json::object()}};
      auto x = wire::post_in(ctx, r.http, r.session, message);
      if (!x) return Outcome::broken(expected, x.error());
      auto m = wire::rpc_message(*x);
      if (!m || !m->is_object()) {
        return Outcome::broken(expected, "no JSON-RPC response: " + wire::status_and_body(*x));
      }
      std::string wrong;
      if (!m->contains("jsonrpc") || (*m)["jsonrpc"] != "2.0") {
        wrong = "\"jsonrpc\" is " +
                (m->contains("jsonrpc") ? show((*m)["jsonrpc"], 40) : std::string("missing"));
      } else if (!m->contains("id") || (*m)["id"] != c.id) {
        wrong = "the id is " + (m->contains("id") ? show((*m)["id"], 60) : std::string("missing"));
      } else if (m->contains("result") == m->contains("error")) {
        wrong = m->contains("result") ? "it has both result and error"
                                      : "it has neither result nor error";
      }
      if (!wrong.empty()) return Outcome::broken(expected, wrong + ": " + show(*m, 300));
    }
    return Outcome::held("well-formed responses to 3 requests (string id, integer id, error)",
                         "each well-formed");
  });
}

}  // namespace

std::vector<Check> lifecycle_checks() {
  std::vector<Check> checks;

  checks.push_back(Check{
      .id = "lifecycle.version-echo",
      .spec_id = "LIFE-001",
      .level = Level::kMust,
      .rule = "When the requested `protocolVersion` is 2025-03-26, 2025-06-18 or 2025-11-25, the "
              "`initialize` result echoes it.",
      .needs = kAny,
      .fresh_process = false,
      .run = version_echo});

  checks.push_back(
      Check{.id = "lifecycle.version-unknown",
            .spec_id = "LIFE-002",
            .level = Level::kMust,
            .rule = "For any other requested version, the `initialize` result names a version the "
                    "server supports, the newest: 2025-11-25.",
            .needs = kAny,
            .fresh_process = false,
            .run = version_unknown});

  checks.push_back(Check{
      .id = "lifecycle.initialize-result",
      .spec_id = "LIFE-003",
      .level = Level::kMust,
      .rule = "The `initialize` result has `capabilities` declaring `tools` and `resources`, and "
              "`serverInfo` with `name` and `version`.",
      .needs = kAny,
      .fresh_process = false,
      .run = initialize_result_declares});

  checks.push_back(Check{
      .id = "lifecycle.initialized-notification",
      .spec_id = "LIFE-004",
      .level = Level::kMust,
      .rule = "`notifications/initialized` is accepted: HTTP 202 with no body (HTTP-007), and no "
              "reply on stdio. ... A notification never gets a response.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = initialized_notification});

  checks.push_back(
      Check{.id = "lifecycle.unknown-notification",
            .spec_id = "LIFE-004",
            .level = Level::kMust,
            .rule = "... Unknown notifications are ignored. A notification never gets a response.",
            .needs = kHttpOnly,
            .fresh_process = false,
            .run = unknown_notification});

  checks.push_back(Check{.id = "lifecycle.ping",
                         .spec_id = "LIFE-005",
                         .level = Level::kMust,
                         .rule = "`ping` is answered with the empty result `{}`.",
                         .needs = kAny,
                         .fresh_process = false,
                         .run = ping});

  checks.push_back(Check{.id = "lifecycle.unknown-method",
                         .spec_id = "LIFE-006",
                         .level = Level::kMust,
                         .rule = "A request for an unknown method gets -32601 (Method not found).",
                         .needs = kAny,
                         .fresh_process = false,
                         .run = unknown_method});

  checks.push_back(Check{
      .id = "lifecycle.invalid-params",
      .spec_id = "LIFE-007",
      .level = Level::kMust,
      .rule = "Invalid params get -32602. Examples: `params` that is not an object, `initialize` "
              "without a string `protocolVersion`, `tools/call` without a string `name` or with "
              "`arguments` that is not an object, `resources/read` without a string `uri`.",
      .needs = kAny,
      .fresh_process = false,
      .run = invalid_params});

  checks.push_back(Check{
      .id = "lifecycle.invalid-request",
      .spec_id = "LIFE-008",
      .level = Level::kMust,
      .rule = "An invalid request gets -32600 (Invalid Request), with the message's `id` when it "
              "is a valid one and `\"id\": null` otherwise. A message is invalid if it is not a "
              "JSON object, if `jsonrpc` is not exactly `\"2.0\"`, if `method` is not a string, "
              "or if `id` is present but is neither a string nor an integer (MCP forbids `null` "
              "ids).",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = invalid_request});

  checks.push_back(Check{
      .id = "lifecycle.response-shape",
      .spec_id = "LIFE-009",
      .level = Level::kMust,
      .rule = "Every response carries `\"jsonrpc\": \"2.0\"`, the `id` of the request it answers, "
              "and exactly one of `result` and `error`. The `id` is `null` only where HTTP-006, "
              "HTTP-015 or LIFE-008 say so.",
      .needs = kHttpOnly,
      .fresh_process = false,
      .run = response_shape});

  return checks;
}

}  // namespace mcpgym::conformance
