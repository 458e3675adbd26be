// Control-plane checks (docs/spec.md CTRL-*) that need no episode: the
// resources a session lists, and the error for one it does not have. The
// payloads are judged in termination.cpp and metadata.cpp.
//
// Check ids keep their "lifecycle." prefix from when these lived in
// lifecycle.cpp: baselines and reports name checks by id.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "conformance/checks/areas.hpp"
#include "conformance/checks/verify.hpp"
#include "conformance/core/context.hpp"
#include "conformance/core/eras.hpp"

namespace mcpgym::conformance {
namespace {

using json = nlohmann::json;
using verify::expect_rpc_error;
using verify::find_by;
using verify::open_client_session;
using verify::show;

// The resources a session must list: game://initial_state, and with the
// resources control-plane form the three control:// resources.
std::vector<std::string> wanted_resources(bool resources_form) {
  std::vector<std::string> wanted = {"game://initial_state"};
  if (resources_form) {
    for (const char* u : {"control://reward", "control://status", "control://info"}) {
      wanted.emplace_back(u);
    }
  }
  return wanted;
}

std::string listed_text(const std::vector<std::string>& wanted, bool resources_form) {
  std::string expected;
  for (const auto& u : wanted)
    expected += (expected.empty() ? "" : ", ") + u;
  expected += " listed, each with mimeType application/json";
  if (!resources_form) expected += ", and no control:// resource (control plane form http only)";
  return expected;
}

// Why `list` lacks one of `wanted` as application/json; nothing when it has them all.
std::optional<std::string> missing_resource(const json& list,
                                            const std::vector<std::string>& wanted) {
  for (const auto& u : wanted) {
    const json* item = find_by(list, "uri", u);
    if (!item) return u + " is not listed: " + show(list, 400);
    if (!item->contains("mimeType") || (*item)["mimeType"] != "application/json") {
      return u + " is listed as " + show(*item, 300);
    }
  }
  return std::nullopt;
}

// The first control:// URI in `list`, if any.
std::optional<json> control_uri(const json& list) {
  for (const auto& item : list) {
    const json uri = item.is_object() ? item.value("uri", json()) : json();
    if (uri.is_string() && uri.get<std::string>().rfind("control://", 0) == 0) return uri;
  }
  return std::nullopt;
}

// CTRL-001: "`resources/list` lists `game://initial_state`, `control://reward`,
// `control://status` and `control://info`, each with `mimeType`
// `application/json` (with the `http` form only, just `game://initial_state`, CTRL-010)."
Outcome resources_list(Context& ctx) {
  const bool resources_form = ctx.profile().offers(ControlPlane::kResources);
  const std::vector<std::string> wanted = wanted_resources(resources_form);
  const std::string expected = listed_text(wanted, resources_form);
  auto list = verify::list_in_new_session(ctx, "resources/list", "resources", expected);
  if (!list) return list.error();
  if (auto why = missing_resource(*list, wanted)) return Outcome::broken(expected, *why);
  if (!resources_form) {
    if (auto uri = control_uri(*list)) {
      return Outcome::broken(expected, "the http-only server lists " + show(*uri, 80));
    }
  }
  return Outcome::held(expected, std::to_string(list->size()) + " resources, as expected");
}

// Whether an answer is JSON-RPC error `code`.
bool is_rpc_error(const harness::Result<json>& r, int code) {
  if (r || !r.error().rpc_error) return false;
  const json& e = *r.error().rpc_error;
  return e.is_object() && e.contains("code") && e["code"] == code;
}

// docs/spec.md "Decisions for the modern era": a dual-era server's legacy session may
// answer an unknown resource with -32602, as MCP 2026-07-28 does (SDK v2 cannot send -32002
// at all). Dual-era: a modern server/discover is answered too (the suite's era probe).
// (Over stdio only the legacy era is judged, so no URL is asked.)
bool also_serves_modern(Context& ctx) {
  if (ctx.profile().launch == LaunchMode::kStdio) return false;
  return probe_eras(ctx.profile(), ctx.url(), ctx.call_timeout).modern;
}

// CTRL-008: "Reading an unknown resource URI gets -32002 with `data.uri` naming it."
Outcome unknown_resource(Context& ctx) {
  auto s = open_client_session(ctx);
  if (!s) return Outcome::could_not_run(s.error());
  const std::string uri = "game://mcpgym-conform-no-such-resource";
  const std::string sent = "resources/read of " + uri;
  auto r = (*s)->request("resources/read", {{"uri", uri}});
  const int code = is_rpc_error(r, -32602) && also_serves_modern(ctx) ? -32602 : -32002;
  if (code == -32602) ctx.note("-32602 accepted: the server serves the modern era too");
  Outcome o = expect_rpc_error(ctx, sent, r, code);
  if (o.kind != Outcome::Kind::kHeld) return o;
  const json& e = *r.error().rpc_error;
  const std::string expected = "error " + std::to_string(code) + " with data.uri \"" + uri + "\"";
  if (!e.contains("data") || !e["data"].is_object() || !e["data"].contains("uri") ||
      e["data"]["uri"] != uri) {
    return Outcome::broken(expected, "error " + show(e, 300));
  }
  return Outcome::held(expected, "error " + show(e, 200));
}

}  // namespace

std::vector<Check> control_plane_checks() {
  std::vector<Check> checks;

  checks.push_back(Check{
      .id = "lifecycle.resources-list",
      .spec_id = "CTRL-001",
      .level = Level::kMust,
      .rule = "`resources/list` lists `game://initial_state`, `control://reward`, "
              "`control://status` and `control://info`, each with `mimeType` `application/json` "
              "(with the `http` form only, just `game://initial_state`, CTRL-010).",
      // Under eval-protocol neither form is required (EVP-003): conventions.cpp judges it.
      .needs = {.kinds = kGymKinds,
                .features = {},
                .control = {},
                .transport = {},
                .convention = Convention::kMcpgym},
      .fresh_process = false,
      .run = resources_list});

  checks.push_back(
      Check{.id = "lifecycle.unknown-resource",
            .spec_id = "CTRL-008",
            .level = Level::kMust,
            .rule = "Reading an unknown resource URI gets -32002 with `data.uri` naming it.",
            .needs = kGym,
            .fresh_process = false,
            .run = unknown_resource});

  return checks;
}

}  // namespace mcpgym::conformance
