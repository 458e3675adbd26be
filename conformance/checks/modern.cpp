// The modern transport and lifecycle (docs/spec.md MODERN-*, MCP 2026-07-28)
// for any MCP server: the `_meta` envelope, the metadata headers and their
// errors, unsupported versions, unknown methods, server/discover, resultType,
// cache fields, resource not found and tools/list order. Every request is a
// raw modern POST (wire::post_modern), so the report shows the exact wire
// traffic; wrong requests are built by editing a right one.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/protocol.hpp"
#include "conformance/checks/areas.hpp"
#include "conformance/checks/verify.hpp"
#include "conformance/checks/wire.hpp"
#include "conformance/core/context.hpp"

namespace mcpgym::conformance {
namespace {

using json = nlohmann::json;
using harness::HeaderList;
using verify::expect_http_rpc_error;
using verify::show;

const std::string kModern(mcp::kModernVersion);

// Every modern check: HTTP, any profile, judged in the modern era.
const Needs kModernHttp = {.kinds = {},
                           .features = {},
                           .control = {},
                           .transport = Transport::kHttp,
                           .model = false,
                           .games = {},
                           .era = CheckEra::kModern};

// One wrong request and the error it must get.
struct Wrong {
  std::string what;  // "tools/list without Mcp-Method"
  json message;
  wire::HeaderEdit edit;
};

// Each of `cases` gets HTTP `status` and JSON-RPC error `code`: broken at the
// first that does not.
Outcome expect_each(Context& ctx, const std::vector<Wrong>& cases, int status, int code) {
  std::string held;
  for (const Wrong& w : cases) {
    const std::string expected =
        "HTTP " + std::to_string(status) + " and error " + std::to_string(code) + " for " + w.what;
    auto x = wire::post_modern(ctx, w.message, w.edit);
    if (!x) return Outcome::broken(expected, x.error());
    Outcome o = expect_http_rpc_error(*x, status, code, expected);
    if (o.kind != Outcome::Kind::kHeld) return o;
    held += (held.empty() ? "" : "; ") + w.what + ": " + o.actual;
  }
  return Outcome::held("HTTP " + std::to_string(status) + " and error " + std::to_string(code) +
                           " for each of " + std::to_string(cases.size()) + " wrong requests",
                       held);
}

wire::HeaderEdit drop(std::string name) {
  return [name](HeaderList& h) { harness::remove_header(h, name); };
}
wire::HeaderEdit change(std::string name, std::string value) {
  return [name, value](HeaderList& h) { harness::set_header(h, name, value); };
}

// `message` with params._meta[member] replaced (null: removed).
json with_meta_member(json message, std::string_view member, const json& value) {
  json& meta = message["params"]["_meta"];
  if (value.is_null())
    meta.erase(std::string(member));
  else
    meta[std::string(member)] = value;
  return message;
}

// The result of a right modern request for `method`, or the Outcome that ends the check.
Expected<json, Outcome> modern_call(Context& ctx, const std::string& method, json params,
                                    const std::string& expected) {
  auto x = wire::post_modern(ctx, wire::modern_request(1, method, std::move(params)));
  if (!x) return unexpected(Outcome::broken(expected, x.error()));
  auto result = wire::modern_result(*x);
  if (!result) return unexpected(Outcome::broken(expected, method + ": " + result.error()));
  return *result;
}

// The first tool's name in a modern tools/list, for requests that need one.
std::string some_tool(Context& ctx) {
  auto x = wire::post_modern(ctx, wire::modern_request(1, "tools/list"));
  if (!x) return "mcpgym_conform_tool";
  auto result = wire::modern_result(*x);
  if (!result || !result->contains("tools") || !(*result)["tools"].is_array() ||
      (*result)["tools"].empty() || !(*result)["tools"][0].contains("name")) {
    return "mcpgym_conform_tool";
  }
  return (*result)["tools"][0]["name"].get<std::string>();
}

// MODERN-002: "A modern request without `clientCapabilities`, or with either
// required member of the wrong type, gets HTTP 400 and -32602."
Outcome meta_envelope(Context& ctx) {
  const json list = wire::modern_request(1, "tools/list");
  return expect_each(ctx,
                     {{"tools/list whose _meta lacks clientCapabilities",
                       with_meta_member(list, mcp::kMetaClientCapabilities, nullptr),
                       {}},
                      {"tools/list whose _meta clientCapabilities is a string",
                       with_meta_member(list, mcp::kMetaClientCapabilities, "none"),
                       {}}},
                     400, -32602);
}

// MODERN-003 for MCP-Protocol-Version.
Outcome version_header(Context& ctx) {
  const json list = wire::modern_request(1, "tools/list");
  const std::string header(mcp::kProtocolVersionHeader);
  return expect_each(
      ctx,
      {{"tools/list without " + header, list, drop(header)},
       {"tools/list with " + header + ": 2025-11-25 (the _meta names " + kModern + ")", list,
        change(header, "2025-11-25")}},
      400, mcp::code::kHeaderMismatch);
}

// MODERN-003 for Mcp-Method.
Outcome method_header(Context& ctx) {
  const json list = wire::modern_request(1, "tools/list");
  const std::string header(mcp::kMethodHeader);
  return expect_each(
      ctx,
      {{"tools/list without " + header, list, drop(header)},
       {"tools/list with " + header + ": resources/list", list, change(header, "resources/list")}},
      400, mcp::code::kHeaderMismatch);
}

// MODERN-003 for Mcp-Name.
Outcome name_header(Context& ctx) {
  const std::string tool = some_tool(ctx);
  const json call = wire::modern_request(1, "tools/call", {{"name", tool}, {"arguments", {}}});
  const json read =
      wire::modern_request(2, "resources/read", {{"uri", "game://mcpgym-conform-resource"}});
  const std::string header(mcp::kNameHeader);
  return expect_each(ctx,
                     {{"tools/call of " + tool + " without " + header, call, drop(header)},
                      {"tools/call of " + tool + " with " + header + ": mcpgym_conform_other", call,
                       change(header, "mcpgym_conform_other")},
                      {"resources/read without " + header, read, drop(header)}},
                     400, mcp::code::kHeaderMismatch);
}

// MODERN-004: -32022 with data.supported holding the modern version and data.requested.
Outcome unsupported_version(Context& ctx) {
  const std::string requested = "2099-01-01";
  const std::string expected = "HTTP 400 and error -32022 with data.supported (holding " + kModern +
                               ") and data.requested \"" + requested + "\"";
  auto x = wire::post_modern(
      ctx, wire::modern_request(1, std::string(mcp::kDiscoverMethod), json::object(), requested));
  if (!x) return Outcome::broken(expected, x.error());
  Outcome o = expect_http_rpc_error(*x, 400, mcp::code::kUnsupportedProtocolVersion, expected);
  if (o.kind != Outcome::Kind::kHeld) return o;
  const json error = (*wire::rpc_message(*x))["error"];
  const json data = error.value("data", json());
  const json supported = data.is_object() ? data.value("supported", json()) : json();
  const bool lists_modern = supported.is_array() && std::find(supported.begin(), supported.end(),
                                                              kModern) != supported.end();
  if (!lists_modern || !data.contains("requested") || data["requested"] != requested) {
    return Outcome::broken(expected, "error " + show(error, 300));
  }
  return Outcome::held(expected, "error " + show(error, 200));
}

// MODERN-005: unknown methods, initialize and ping among them, get 404 and -32601.
Outcome unknown_method(Context& ctx) {
  const json init_params = {{"protocolVersion", kModern},
                            {"capabilities", json::object()},
                            {"clientInfo", {{"name", "mcpgym-conform"}, {"version", "0.1.0"}}}};
  return expect_each(
      ctx,
      {{"mcpgym/no-such-method", wire::modern_request(1, "mcpgym/no-such-method"), {}},
       {"initialize with the modern _meta", wire::modern_request(2, "initialize", init_params), {}},
       {"ping with the modern _meta", wire::modern_request(3, "ping"), {}}},
      404, -32601);
}

// Why `result` lacks MODERN-008's cache fields; nothing when it has them.
std::optional<std::string> cache_fields_problem(const json& result) {
  const json ttl = result.value("ttlMs", json());
  if (!ttl.is_number_integer() || ttl.get<long long>() < 0) {
    return "ttlMs is " + (ttl.is_null() ? std::string("missing") : show(ttl, 40));
  }
  const json scope = result.value("cacheScope", json());
  if (scope != "public" && scope != "private") {
    return "cacheScope is " + (scope.is_null() ? std::string("missing") : show(scope, 40));
  }
  return std::nullopt;
}

// MODERN-006: server/discover's shape.
Outcome discover_shape(Context& ctx) {
  const std::string expected =
      "a server/discover result with resultType \"complete\", supportedVersions holding " +
      kModern + ", a capabilities object, ttlMs and cacheScope";
  auto r = modern_call(ctx, std::string(mcp::kDiscoverMethod), json::object(), expected);
  if (!r) return r.error();
  const json& d = *r;
  const json versions = d.value("supportedVersions", json());
  std::string why;
  if (d.value("resultType", json()) != "complete") why = "resultType is not \"complete\"";
  if (!versions.is_array() ||
      std::find(versions.begin(), versions.end(), kModern) == versions.end())
    why = "supportedVersions does not hold " + kModern;
  if (!d.value("capabilities", json()).is_object()) why = "capabilities is not an object";
  if (auto cache = cache_fields_problem(d)) why = *cache;
  if (ctx.profile().is_gym() && why.empty()) {
    const json& caps = d["capabilities"];
    if (!caps.contains("tools") || !caps.contains("resources"))
      why = "an MCP-Gym server's capabilities lack tools or resources";
  }
  if (!why.empty()) return Outcome::broken(expected, why + ": " + show(d, 400));
  return Outcome::held(expected, show(d, 200));
}

// The list methods a server with `capabilities` answers (MODERN-007, MODERN-008).
std::vector<std::string> list_methods(const json& capabilities) {
  std::vector<std::string> methods = {std::string(mcp::kDiscoverMethod)};
  if (capabilities.contains("tools")) methods.emplace_back("tools/list");
  if (capabilities.contains("resources")) {
    methods.emplace_back("resources/list");
    methods.emplace_back("resources/templates/list");
  }
  if (capabilities.contains("prompts")) methods.emplace_back("prompts/list");
  return methods;
}

// The server's capabilities from server/discover, or the Outcome that ends the check.
Expected<json, Outcome> capabilities(Context& ctx) {
  auto d = modern_call(ctx, std::string(mcp::kDiscoverMethod), json::object(),
                       "a server/discover result");
  if (!d) return unexpected(Outcome::could_not_run(d.error().actual));
  return d->value("capabilities", json::object());
}

// Judges the result of each list method the server declares with `problem`.
template <class Problem>
Outcome each_list_result(Context& ctx, const std::string& expected, Problem problem) {
  auto caps = capabilities(ctx);
  if (!caps) return caps.error();
  std::string seen;
  for (const std::string& method : list_methods(*caps)) {
    auto r = modern_call(ctx, method, json::object(), expected);
    if (!r) return r.error();
    if (auto why = problem(*r)) return Outcome::broken(expected, method + ": " + *why);
    seen += (seen.empty() ? "" : ", ") + method;
  }
  return Outcome::held(expected, "so did " + seen);
}

// MODERN-007: resultType "complete".
Outcome result_type(Context& ctx) {
  return each_list_result(ctx, "resultType \"complete\" in every result",
                          [](const json& r) -> std::optional<std::string> {
                            if (r.value("resultType", json()) == "complete") return std::nullopt;
                            return "the result has no resultType \"complete\": " + show(r, 300);
                          });
}

// MODERN-008: ttlMs and cacheScope in discover and list results.
Outcome cache_fields(Context& ctx) {
  return each_list_result(ctx, "ttlMs (an integer >= 0) and cacheScope (public or private)",
                          cache_fields_problem);
}

// MODERN-009: -32602 with data.uri, in-band, whatever the HTTP status.
Outcome resource_not_found(Context& ctx) {
  const std::string uri = "game://mcpgym-conform-no-such-resource";
  const std::string expected = "error -32602 with data.uri \"" + uri + "\"";
  auto x = wire::post_modern(ctx, wire::modern_request(1, "resources/read", {{"uri", uri}}));
  if (!x) return Outcome::broken(expected, x.error());
  auto m = wire::rpc_message(*x);
  const json error = m && m->is_object() ? m->value("error", json()) : json();
  const json data = error.is_object() ? error.value("data", json()) : json();
  if (!error.is_object() || error.value("code", 0) != -32602 || !data.is_object() ||
      data.value("uri", json()) != uri) {
    return Outcome::broken(expected, wire::status_and_body(*x));
  }
  return Outcome::held(expected, wire::status_and_body(*x));
}

// The tool names of a modern tools/list, in order.
Expected<std::vector<std::string>, Outcome> tool_names(Context& ctx, const std::string& expected) {
  auto r = modern_call(ctx, "tools/list", json::object(), expected);
  if (!r) return unexpected(r.error());
  const auto tools = r->find("tools");
  if (tools == r->end() || !tools->is_array()) {
    return unexpected(
        Outcome::broken(expected, "a tools/list result without a tools array: " + show(*r, 200)));
  }
  if (tools->empty()) {
    return unexpected(Outcome::could_not_run("tools/list listed no tool: no order to judge"));
  }
  std::vector<std::string> names;
  for (const json& t : *tools)
    names.push_back(t.is_object() ? t.value("name", "") : "");
  return names;
}

// MODERN-010: the same order on every call.
Outcome tools_order(Context& ctx) {
  const std::string expected = "tools/list in the same order on three calls";
  auto first = tool_names(ctx, expected);
  if (!first) return first.error();
  for (int call = 2; call <= 3; ++call) {
    auto again = tool_names(ctx, expected);
    if (!again) return again.error();
    if (*again != *first) {
      return Outcome::broken(expected, "call " + std::to_string(call) + " listed " +
                                           show(json(*again), 200) + " after " +
                                           show(json(*first), 200));
    }
  }
  return Outcome::held(expected, show(json(*first), 200));
}

Check modern_check(std::string id, std::string spec_id, Level level, std::string rule,
                   Outcome (*run)(Context&)) {
  return Check{.id = "modern." + std::move(id),
               .spec_id = std::move(spec_id),
               .level = level,
               .rule = std::move(rule),
               .needs = kModernHttp,
               .fresh_process = false,
               .run = run};
}

}  // namespace

std::vector<Check> modern_checks() {
  return {
      modern_check("meta-envelope", "MODERN-002", Level::kMust,
                   "A modern request without `clientCapabilities`, or with either required member "
                   "of the wrong type, gets HTTP 400 and -32602.",
                   meta_envelope),
      modern_check("version-header", "MODERN-003", Level::kMust,
                   "Every modern POST carries the header `MCP-Protocol-Version` equal to `_meta`'s "
                   "`io.modelcontextprotocol/protocolVersion`",
                   version_header),
      modern_check("method-header", "MODERN-003", Level::kMust,
                   "Every modern POST carries ... `Mcp-Method` equal to `method`", method_header),
      modern_check("name-header", "MODERN-003", Level::kMust,
                   "Every modern POST carries ... for `tools/call`, `resources/read` and "
                   "`prompts/get`, `Mcp-Name` equal to "
                   "`params.name` (`params.uri` for `resources/read`)",
                   name_header),
      modern_check(
          "unsupported-version", "MODERN-004", Level::kMust,
          "A modern request naming a protocol version that the server does not serve with "
          "per-request metadata gets HTTP 400 and -32022 (UnsupportedProtocolVersion) with "
          "`data.supported`",
          unsupported_version),
      modern_check("unknown-method", "MODERN-005", Level::kMust,
                   "A modern request for a method the server does not implement gets HTTP 404 and "
                   "-32601 (Method not found).",
                   unknown_method),
      modern_check("discover", "MODERN-006", Level::kMust, "`server/discover` is implemented.",
                   discover_shape),
      modern_check("result-type", "MODERN-007", Level::kMust,
                   "Every result of a modern request carries `resultType`; a final result carries "
                   "`\"complete\"`.",
                   result_type),
      modern_check("cache-fields", "MODERN-008", Level::kMust,
                   "The results of `server/discover`, `tools/list`, `prompts/list`, "
                   "`resources/list`, `resources/templates/list` and `resources/read` carry "
                   "`ttlMs`, an integer >= 0 ... and `cacheScope`, `\"public\"` or `\"private\"`.",
                   cache_fields),
      modern_check("resource-not-found", "MODERN-009", Level::kMust,
                   "`resources/read` of a URI the server does not have gets JSON-RPC error -32602 "
                   "with `data.uri` naming the URI",
                   resource_not_found),
      modern_check("tools-order", "MODERN-010", Level::kShould,
                   "`tools/list` returns the tools in a deterministic order: the same order on "
                   "every call while the set of tools has not changed.",
                   tools_order),
  };
}

}  // namespace mcpgym::conformance
