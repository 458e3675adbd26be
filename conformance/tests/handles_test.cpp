// The handle checks (conformance/checks/handles.cpp, HANDLE-*): each passes
// against the reference backend in the modern era, and each of the
// reference's handle faults trips exactly its checks. The whole suite's view
// of the same faults is conformance/tests/negative_controls_test.cpp; here
// only the handle area runs, so a failure names the check at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "conformance/tests/front_fixture.hpp"
#include "conformance/tests/support.hpp"

namespace mcpgym::conformance::testing {
namespace {

using namespace std::chrono_literals;

// The reference backend judged in the modern era only, with `flags`.
Profile modern_reference(const std::vector<std::string>& flags = {}) {
  Profile p = reference_backend_profile(flags);
  p.era = EraChoice::kModern;
  return p;
}

TEST(HandleChecks, TheReferencePassesEveryOneThatApplies) {
  const auto results = run_checks(modern_reference(), {"handles.*"});
  EXPECT_TRUE(not_passing(results).empty()) << explain(results);
  EXPECT_EQ(ids_with(results, Verdict::kSkip), std::vector<std::string>{"handles.idle-expiry"});
}

TEST(HandleChecks, IdleExpiryIsSkippedWithTheReasonWithoutATimeout) {
  const CheckResult r = run_check(modern_reference(), "handles.idle-expiry");
  EXPECT_EQ(r.verdict, Verdict::kSkip);
  EXPECT_EQ(r.actual,
            "the profile gives no idle timeout (idle_timeout_ms): the suite does not know how "
            "long to leave a handle idle");
}

TEST(HandleChecks, IdleExpiryPassesWhenTheProfileGivesTheTimeout) {
  Profile p = modern_reference({"--session-idle-timeout", "1"});
  p.idle_timeout = 1000ms;
  const CheckResult r = run_check(p, "handles.idle-expiry");
  EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
}

TEST(HandleChecks, ALegacyOnlyRunSkipsThemWithTheReason) {
  Profile p = reference_backend_profile();
  p.era = EraChoice::kLegacy;
  const CheckResult r = run_check(p, "handles.create-shape");
  EXPECT_EQ(r.verdict, Verdict::kSkip);
  EXPECT_EQ(r.actual, "not judged: --era legacy");
}

// HANDLE-014's mutant: every tools/list answer without its x-mcp-header
// annotations (the server behind still validates the headers).
void drop_annotations(const ForwardedRequest&, ForwardedResponse& res) {
  json answer = json::parse(res.body, nullptr, false);
  if (!answer.is_object() || !answer.contains("result")) return;
  auto tools = answer["result"].find("tools");
  if (tools == answer["result"].end() || !tools->is_array()) return;
  for (json& tool : *tools) {
    auto schema = tool.find("inputSchema");
    if (schema == tool.end() || !schema->contains("properties")) continue;
    for (auto& [name, property] : (*schema)["properties"].items())
      property.erase("x-mcp-header");
  }
  res.body = answer.dump();
}

TEST(HandleChecks, EnvIdAnnotatedWarnsNamingEveryToolThatDoesNotAnnotate) {
  Mutant m({}, drop_annotations);
  const CheckResult r = run_check(m.profile, "handles.env-id-annotated");
  EXPECT_EQ(r.verdict, Verdict::kWarn) << describe(r);
  EXPECT_EQ(r.actual,
            "not annotated as Env-Id: env_close (no x-mcp-header), lake_move (no x-mcp-header)");
  const CheckResult clean = run_check(modern_reference(), "handles.env-id-annotated");
  EXPECT_EQ(clean.actual, "annotated: env_close (Mcp-Param-Env-Id), lake_move (Mcp-Param-Env-Id)");
}

struct HandleFault {
  const char* name;  // the reference's --fault
  std::set<std::string> tripped;
};

void PrintTo(const HandleFault& fault, std::ostream* out) {
  *out << fault.name;
}

class HandleFaults : public ::testing::TestWithParam<HandleFault> {};

TEST_P(HandleFaults, TripExactlyTheirChecks) {
  const auto results = run_checks(modern_reference({"--fault", GetParam().name}), {"handles.*"});
  EXPECT_EQ(not_passing(results), GetParam().tripped) << explain(results);
}

const HandleFault kHandleFaults[] = {
    {"handle-from-seed",
     {"handles.not-from-seed:fail", "handles.unpredictable:fail", "handles.isolated:fail",
      "handles.same-seed-same-trajectory:fail"}},
    {"handle-ignored",
     {"handles.dead-handle:fail", "handles.unknown-handle-uri:fail", "handles.control-http:fail",
      "handles.isolated:fail", "handles.same-seed-same-trajectory:fail"}},
    {"control-cacheable", {"handles.reads-not-cacheable:fail"}},
    {"unknown-handle-creates",
     {"handles.dead-handle:fail", "handles.unknown-handle-uri:fail", "handles.control-http:fail"}},
    {"header-not-validated", {"handles.env-id-header:fail"}},
};

INSTANTIATE_TEST_SUITE_P(Reference, HandleFaults, ::testing::ValuesIn(kHandleFaults),
                         testing::fault_test_name<HandleFault>);

// --- Mutant fronts: a check no reference fault reaches, each broken on the wire

// The JSON answer to every POST whose body calls `method` (for tools/call,
// the tool `tool`), edited in place.
MutantFront::ResponseHook edit_answers(std::string method, std::string tool,
                                       std::function<void(nlohmann::json&)> edit) {
  return [=](const ForwardedRequest& req, ForwardedResponse& res) {
    const nlohmann::json body = body_of(req);
    if (method_of(req) != method) return;
    if (!tool.empty() && (!body.contains("params") || body["params"].value("name", "") != tool))
      return;
    nlohmann::json answer = nlohmann::json::parse(res.body, nullptr, false);
    if (!answer.is_object()) return;
    edit(answer);
    res.body = answer.dump();
  };
}

// A tool result's payload, in structuredContent and in its text, edited alike.
void edit_payload(nlohmann::json& answer, const std::function<void(nlohmann::json&)>& edit) {
  if (!answer.contains("result") || !answer["result"].is_object()) return;
  nlohmann::json& result = answer["result"];
  if (result.contains("structuredContent")) edit(result["structuredContent"]);
  if (!result.contains("content") || !result["content"].is_array()) return;
  for (auto& block : result["content"]) {
    if (!block.is_object() || !block.contains("text") || !block["text"].is_string()) continue;
    auto payload = nlohmann::json::parse(block["text"].get<std::string>(), nullptr, false);
    if (!payload.is_object()) continue;
    edit(payload);
    block["text"] = payload.dump();
  }
}

struct HandleMutant {
  const char* name;  // also the test's name
  MutantFront::ResponseHook on_response;
  std::set<std::string> tripped;
};

void PrintTo(const HandleMutant& mutant, std::ostream* out) {
  *out << mutant.name;
}

std::vector<HandleMutant> handle_mutants() {
  using nlohmann::json;
  return {
      // HANDLE-001: env_create's result does not echo the seed in use.
      {"CreateWithoutSeed",
       edit_answers("tools/call", "env_create",
                    [](json& a) { edit_payload(a, [](json& p) { p.erase("seed"); }); }),
       {"handles.create-shape:fail"}},
      // HANDLE-003: a bad seed is a JSON-RPC error instead of a tool error.
      {"BadSeedAsProtocolError",
       edit_answers("tools/call", "env_create",
                    [](json& a) {
                      if (!a.contains("result") || !a["result"].value("isError", false)) return;
                      a.erase("result");
                      a["error"] = {{"code", -32602}, {"message", "Invalid params: seed"}};
                    }),
       {"handles.bad-arguments:fail"}},
      // HANDLE-004: tools/list without env_close.
      {"NoEnvClose",
       edit_answers("tools/list", "",
                    [](json& a) {
                      auto& tools = a["result"]["tools"];
                      tools.erase(std::remove_if(tools.begin(), tools.end(),
                                                 [](const json& t) {
                                                   return t.value("name", "") == "env_close";
                                                 }),
                                  tools.end());
                    }),
       // The client then learns no x-mcp-header for env_close: its call carries no
       // Mcp-Param-Env-Id, which the server refuses (400), so closing errs.
       {"handles.dead-handle:error", "handles.tools:fail"}},
      // HANDLE-006: env_create's description says nothing of expiry.
      {"CreateDescriptionSilentOnExpiry",
       edit_answers("tools/list", "",
                    [](json& a) {
                      for (auto& t : a["result"]["tools"]) {
                        if (t.value("name", "") == "env_create")
                          t["description"] = "Create an environment.";
                      }
                    }),
       {"handles.expiry-described:warn"}},
      // HANDLE-008: one of the four templates missing.
      {"TemplatesWithoutInfo",
       edit_answers("resources/templates/list", "",
                    [](json& a) {
                      auto& templates = a["result"]["resourceTemplates"];
                      templates.erase(
                          std::remove_if(templates.begin(), templates.end(),
                                         [](const json& t) {
                                           return t.value("uriTemplate", "").find("/info") !=
                                                  std::string::npos;
                                         }),
                          templates.end());
                    }),
       {"handles.templates:fail"}},
      // HANDLE-012 (DATA-006 per handle): a move after the end answered as a move.
      {"MoveAfterEndAnswered",
       edit_answers("tools/call", "lake_move",
                    [](json& a) {
                      if (!a.contains("result") || !a["result"].value("isError", false) ||
                          a["result"].dump().find("episode_over") == std::string::npos)
                        return;
                      a["result"] = {
                          {"content", {{{"type", "text"}, {"text", R"({"position":0})"}}}},
                          {"isError", false}};
                    }),
       {"handles.whole-episode:fail"}},
  };
}

class HandleMutantControl : public ::testing::TestWithParam<HandleMutant> {};

TEST_P(HandleMutantControl, ExactlyTheExpectedChecksCatchIt) {
  Mutant m({}, GetParam().on_response);
  const auto results = run_checks(m.profile, {"handles.*"});
  EXPECT_EQ(not_passing(results), GetParam().tripped) << explain(results);
}

INSTANTIATE_TEST_SUITE_P(Handles, HandleMutantControl, ::testing::ValuesIn(handle_mutants()),
                         [](const ::testing::TestParamInfo<HandleMutant>& info) {
                           return std::string(info.param.name);
                         });

// HANDLE-006: a server that never expires handles, judged with a timeout.
TEST(HandleChecks, IdleExpiryWarnsWhenTheHandleOutlivesTheTimeout) {
  Profile p = modern_reference({"--session-idle-timeout", "0"});
  p.idle_timeout = 1000ms;
  const CheckResult r = run_check(p, "handles.idle-expiry");
  EXPECT_EQ(r.verdict, Verdict::kWarn) << describe(r);
}

}  // namespace
}  // namespace mcpgym::conformance::testing
