// Data-plane checks (docs/spec.md DATA-*) that need no episode: the tool a
// session lists (DATA-009, the game's tool judged by its schema's meaning), and the error for a
// tool it does not have. The moves themselves are judged in termination.cpp, sessions.cpp and
// determinism.cpp.
//
// Check ids keep their "lifecycle." prefix from when these lived in
// lifecycle.cpp: baselines and reports name checks by id.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "conformance/checks/areas.hpp"
#include "conformance/checks/verify.hpp"
#include "conformance/core/context.hpp"
#include "conformance/games/driver.hpp"

namespace mcpgym::conformance {
namespace {

using json = nlohmann::json;
using verify::expect_rpc_error;
using verify::find_by;
using verify::open_client_session;
using verify::show;

// DATA-009's schema, in words.
std::string action_schema_meaning(const std::vector<std::string>& actions) {
  return "an object requiring a string `action` whose enum is " + json(actions).dump();
}

// What keeps `schema` from meaning an object that requires a string `action`
// from exactly `actions`, in order; nothing when it means that. Annotations
// (description, title, $schema, additionalProperties) say nothing about it.
std::optional<std::string> schema_differs(const json& schema,
                                          const std::vector<std::string>& actions) {
  if (!schema.is_object() || schema.value("type", json()) != "object") {
    return "the schema is not {\"type\": \"object\"}";
  }
  const json required = schema.value("required", json());
  if (!required.is_array() ||
      std::find(required.begin(), required.end(), "action") == required.end()) {
    return "`action` is not required";
  }
  const json properties = schema.value("properties", json());
  if (!properties.is_object() || !properties.contains("action") ||
      !properties["action"].is_object()) {
    return "no property `action`";
  }
  const json& action = properties["action"];
  if (action.value("type", json()) != "string") return "`action` is not of type string";
  if (action.value("enum", json()) != json(actions)) {
    return "the enum of `action` is " + show(action.value("enum", json()), 120) + ", not " +
           json(actions).dump();
  }
  return std::nullopt;
}

// DATA-009: "`tools/list` lists the game's data-plane tool. Its `inputSchema` means an object
// that requires one string property `action` whose allowed values (`enum`) are exactly the
// game's action names, in gymnasium's index order. ..." (DATA-001, withdrawn, judged bytes.)
Outcome tools_list(Context& ctx) {
  const GameDriver& game = ctx.game();
  const std::string expected =
      game.tool() + " with an inputSchema meaning " + action_schema_meaning(game.actions());
  auto tools = verify::list_in_new_session(ctx, "tools/list", "tools", expected);
  if (!tools) return tools.error();
  const json* tool = find_by(*tools, "name", game.tool());
  if (!tool) {
    return Outcome::broken(expected, "no tool named " + game.tool() + " in " + show(*tools, 300));
  }
  if (!tool->contains("inputSchema")) {
    return Outcome::broken(expected, game.tool() + " without an inputSchema: " + show(*tool, 300));
  }
  const json& schema = (*tool)["inputSchema"];
  if (auto wrong = schema_differs(schema, game.actions())) {
    return Outcome::broken(expected, *wrong + ": inputSchema " + show(schema, 300));
  }
  return Outcome::held(expected, "inputSchema " + show(schema, 300));
}

// DATA-007: "`tools/call` naming an unknown tool gets -32602."
Outcome unknown_tool(Context& ctx) {
  auto s = open_client_session(ctx);
  if (!s) return Outcome::could_not_run(s.error());
  return expect_rpc_error(ctx, "tools/call of the unknown tool lake_jump",
                          (*s)->call_tool("lake_jump", {{"action", "LEFT"}}), -32602);
}

}  // namespace

std::vector<Check> data_plane_checks() {
  std::vector<Check> checks;

  checks.push_back(Check{
      .id = "lifecycle.tools-list",
      .spec_id = "DATA-009",
      .level = Level::kMust,
      .rule = "`tools/list` lists the game's data-plane tool. Its `inputSchema` means an object "
              "that requires one string property `action` whose allowed values (`enum`) are "
              "exactly the game's action names, in gymnasium's index order. It is judged by "
              "meaning, not bytes: annotations such as `description` or `title` on the schema or "
              "the property, `$schema` and `additionalProperties` are allowed, as are other "
              "fields of the tool such as `description` and `outputSchema`.",
      .needs = kGym,
      .fresh_process = false,
      .run = tools_list});

  checks.push_back(Check{.id = "lifecycle.unknown-tool",
                         .spec_id = "DATA-007",
                         .level = Level::kMust,
                         .rule = "`tools/call` naming an unknown tool gets -32602.",
                         .needs = kGym,
                         .fresh_process = false,
                         .run = unknown_tool});

  return checks;
}

}  // namespace mcpgym::conformance
