// Data-plane checks (docs/spec.md DATA-*) that need no episode: the tool a
// session lists, and the error for a tool it does not have. The moves
// themselves are judged in termination.cpp, sessions.cpp and determinism.cpp.
//
// Check ids keep their "lifecycle." prefix from when these lived in
// lifecycle.cpp: baselines and reports name checks by id.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "conformance/checks/areas.hpp"
#include "conformance/checks/verify.hpp"
#include "conformance/core/context.hpp"

namespace mcpgym::conformance {
namespace {

using json = nlohmann::json;
using verify::expect_rpc_error;
using verify::find_by;
using verify::list_all;
using verify::open_client_session;
using verify::show;

}  // namespace

std::vector<Check> data_plane_checks() {
  std::vector<Check> checks;

  // DATA-001: "`tools/list` lists the tool `lake_move` with `inputSchema` exactly {...}."
  checks.push_back(Check{
      .id = "lifecycle.tools-list",
      .spec_id = "DATA-001",
      .level = Level::kMust,
      .rule = "`tools/list` lists the tool `lake_move` with `inputSchema` exactly "
              "`{\"type\":\"object\",\"properties\":{\"action\":{\"type\":\"string\",\"enum\":"
              "[\"LEFT\",\"DOWN\",\"RIGHT\",\"UP\"]}},\"required\":[\"action\"]}`. Other fields, "
              "such as `description` and `outputSchema`, are allowed.",
      .needs = kGym,
      .fresh_process = false,
      .run = [](Context& ctx) -> Outcome {
        static const json kSchema = json::parse(  // bounded-json-ok: a literal
            R"({"type":"object","properties":{"action":{"type":"string","enum":["LEFT","DOWN","RIGHT","UP"]}},"required":["action"]})");
        const std::string expected = "lake_move with inputSchema " + kSchema.dump();
        auto s = open_client_session(ctx);
        if (!s) return Outcome::could_not_run(s.error());
        auto tools = list_all(ctx, s->get(), "tools/list", "tools");
        if (!tools) return Outcome::broken(expected, tools.error());
        const json* tool = find_by(*tools, "name", "lake_move");
        if (!tool)
          return Outcome::broken(expected, "no tool named lake_move in " + show(*tools, 300));
        if (!tool->contains("inputSchema")) {
          return Outcome::broken(expected, "lake_move without an inputSchema: " + show(*tool, 300));
        }
        if ((*tool)["inputSchema"] != kSchema) {
          return Outcome::broken(expected, "inputSchema " + show((*tool)["inputSchema"], 300));
        }
        return Outcome::held(expected, "inputSchema " + show((*tool)["inputSchema"], 300));
      }});

  // DATA-007: "`tools/call` naming an unknown tool gets -32602."
  checks.push_back(Check{.id = "lifecycle.unknown-tool",
                         .spec_id = "DATA-007",
                         .level = Level::kMust,
                         .rule = "`tools/call` naming an unknown tool gets -32602.",
                         .needs = kGym,
                         .fresh_process = false,
                         .run = [](Context& ctx) -> Outcome {
                           auto s = open_client_session(ctx);
                           if (!s) return Outcome::could_not_run(s.error());
                           return expect_rpc_error(
                               ctx, "tools/call of the unknown tool lake_jump",
                               (*s)->call_tool("lake_jump", {{"action", "LEFT"}}), -32602);
                         }});

  return checks;
}

}  // namespace mcpgym::conformance
