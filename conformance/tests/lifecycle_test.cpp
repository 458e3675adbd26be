// The lifecycle checks (conformance/checks/lifecycle.cpp): each passes against
// the reference backend (and, for all of them at once, the reference proxy and
// the reference in SSE mode), and each fails against a MutantFront with one
// broken behaviour in front of an in-process reference backend.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "conformance/tests/front_fixture.hpp"

namespace mcpgym::conformance::testing {
namespace {

using json = nlohmann::json;

const std::vector<std::string> kLifecycleIds = {
    "lifecycle.version-echo",         "lifecycle.version-unknown",
    "lifecycle.initialize-result",    "lifecycle.initialized-notification",
    "lifecycle.unknown-notification", "lifecycle.ping",
    "lifecycle.unknown-method",       "lifecycle.invalid-params",
    "lifecycle.invalid-request",      "lifecycle.response-shape",
    "lifecycle.tools-list",           "lifecycle.unknown-tool",
    "lifecycle.resources-list",       "lifecycle.unknown-resource",
};
const std::vector<std::string> kStdioIds = {
    "lifecycle.stdio-line-delimited",    "lifecycle.stdio-stdout-messages-only",
    "lifecycle.stdio-before-initialize", "lifecycle.stdio-second-initialize",
    "lifecycle.stdio-parse-error",       "lifecycle.stdio-exit-on-eof",
};
const std::vector<std::string> kHttpOnlyIds = {
    "lifecycle.initialized-notification", "lifecycle.unknown-notification",
    "lifecycle.invalid-request", "lifecycle.response-shape"};

bool contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// Rewrites the JSON answer to requests of `method` (answers that parse as JSON objects).
MutantFront::ResponseHook rewrite_answer(
    std::string method, std::function<void(const json& request, json& answer)> edit) {
  return [method, edit](const ForwardedRequest& req, ForwardedResponse& res) {
    if (method_of(req) != method) return;
    json answer = json::parse(res.body, nullptr, false);
    if (!answer.is_object()) return;
    edit(body_of(req), answer);
    res.body = answer.dump();
  };
}

// --- Against the reference -------------------------------------------------

// Every HTTP lifecycle check passes; the stdio ones are skipped.
void expect_all_pass(const Profile& profile) {
  testing::expect_all_pass(profile, {"lifecycle.*"}, kLifecycleIds, kStdioIds);
}

TEST(LifecycleChecks, AllPassAgainstTheReferenceBackend) {
  expect_all_pass(reference_backend_profile());
}

TEST(LifecycleChecks, AllPassAgainstTheReferenceInSseMode) {
  expect_all_pass(reference_backend_profile({"--response-mode", "sse"}));
}

TEST(LifecycleChecks, AllPassAgainstTheReferenceProxy) {
  expect_all_pass(reference_proxy_profile());
}

TEST(LifecycleChecks, AllPassThroughAnUnchangedFront) {
  Mutant m({}, {});
  expect_all_pass(m.profile);
}

// The mcp kind (any MCP server) gets the lifecycle checks that are not FrozenLake-specific.
TEST(LifecycleChecks, McpKindSkipsTheGymChecks) {
  Mutant m({}, {});
  m.profile.kind = ProfileKind::kMcp;
  auto results = run_checks(m.profile, {"lifecycle.*"});
  std::vector<std::string> skipped = ids_with(results, Verdict::kSkip);
  std::vector<std::string> want = {"lifecycle.tools-list", "lifecycle.unknown-tool",
                                   "lifecycle.resources-list", "lifecycle.unknown-resource"};
  want.insert(want.end(), kStdioIds.begin(), kStdioIds.end());
  EXPECT_EQ(skipped, want);
  EXPECT_EQ(ids_with(results, Verdict::kPass).size(), kLifecycleIds.size() - 4);
}

// --- Against mutants --------------------------------------------------------

TEST(LifecycleChecks, VersionEchoFailsWhenAnOlderVersionIsAnsweredWithTheNewest) {
  auto r = run_mutant("lifecycle.version-echo", {},
                      rewrite_answer("initialize", [](const json& req, json& a) {
                        if (req["params"]["protocolVersion"] == "2025-06-18") {
                          a["result"]["protocolVersion"] = "2025-11-25";
                        }
                      }));
  expect_verdict(r, Verdict::kFail, "protocolVersion \"2025-11-25\" when 2025-06-18 is requested");
  EXPECT_EQ(r.expected, "protocolVersion \"2025-06-18\" when 2025-06-18 is requested");
}

TEST(LifecycleChecks, VersionUnknownFailsWhenTheUnknownVersionIsEchoed) {
  auto r = run_mutant("lifecycle.version-unknown", {},
                      rewrite_answer("initialize", [](const json& req, json& a) {
                        a["result"]["protocolVersion"] = req["params"]["protocolVersion"];
                      }));
  expect_verdict(r, Verdict::kFail, "protocolVersion \"1999-01-01\" when 1999-01-01 is requested");
}

TEST(LifecycleChecks, VersionUnknownFailsWhenAnOlderSupportedVersionIsNamed) {
  auto r = run_mutant("lifecycle.version-unknown", {},
                      rewrite_answer("initialize", [](const json& req, json& a) {
                        if (req["params"]["protocolVersion"] == "1999-01-01") {
                          a["result"]["protocolVersion"] = "2025-03-26";
                        }
                      }));
  expect_verdict(r, Verdict::kFail, "protocolVersion \"2025-03-26\"");
}

TEST(LifecycleChecks, InitializeResultFailsWithoutTheResourcesCapability) {
  auto r = run_mutant("lifecycle.initialize-result", {},
                      rewrite_answer("initialize", [](const json&, json& a) {
                        a["result"]["capabilities"].erase("resources");
                      }));
  expect_verdict(r, Verdict::kFail, "missing or of the wrong type: capabilities.resources;");
}

TEST(LifecycleChecks, InitializeResultFailsWithoutServerInfoVersion) {
  auto r = run_mutant("lifecycle.initialize-result", {},
                      rewrite_answer("initialize", [](const json&, json& a) {
                        a["result"]["serverInfo"].erase("version");
                      }));
  expect_verdict(r, Verdict::kFail, "missing or of the wrong type: serverInfo.version;");
}

TEST(LifecycleChecks, InitializedNotificationFailsWhenAnswered200) {
  auto r = run_mutant("lifecycle.initialized-notification", {},
                      [](const ForwardedRequest& req, ForwardedResponse& res) {
                        if (method_of(req) == "notifications/initialized") res.status = 200;
                      });
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.expected, "HTTP 202 with no body for notifications/initialized");
  EXPECT_EQ(r.actual, "HTTP 200 with an empty body");
}

TEST(LifecycleChecks, UnknownNotificationFailsWhenAnsweredWithMethodNotFound) {
  auto r = run_mutant(
      "lifecycle.unknown-notification",
      [](ForwardedRequest& req) -> std::optional<ForwardedResponse> {
        if (method_of(req) != "notifications/mcpgym-conform/unknown") return std::nullopt;
        return ForwardedResponse{
            .status = 200,
            .headers = {{"content-type", "application/json"}},
            .body =
                R"({"jsonrpc":"2.0","id":null,"error":{"code":-32601,"message":"Method not found"}})"};
      },
      {});
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.expected,
            "HTTP 202 with no body for the unknown notification "
            "notifications/mcpgym-conform/unknown");
  expect_verdict(r, Verdict::kFail,
                 "HTTP 200 with body {\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32601");
}

TEST(LifecycleChecks, UnknownNotificationFailsWhenItEndsTheSession) {
  // Accepted with 202, but the server drops the session: the next ping gets 404.
  auto dropped = std::make_shared<std::string>();
  auto r =
      run_mutant("lifecycle.unknown-notification",
                 [dropped](ForwardedRequest& req) -> std::optional<ForwardedResponse> {
                   if (method_of(req) == "notifications/mcpgym-conform/unknown") {
                     *dropped = get_header(req.headers, "mcp-session-id");
                     return ForwardedResponse{.status = 202, .headers = {}, .body = ""};
                   }
                   if (!dropped->empty() && get_header(req.headers, "mcp-session-id") == *dropped &&
                       req.method == "POST") {
                     return ForwardedResponse{.status = 404, .headers = {}, .body = "gone"};
                   }
                   return std::nullopt;
                 },
                 {});
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.expected, "the session still answers ping with {} afterwards");
  EXPECT_EQ(r.actual, "ping was answered HTTP 404 with body gone");
}

TEST(LifecycleChecks, PingFailsWhenTheResultIsNotEmpty) {
  auto r = run_mutant("lifecycle.ping", {}, rewrite_answer("ping", [](const json&, json& a) {
                        a["result"] = {{"pong", true}};
                      }));
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.expected, "the result {}");
  EXPECT_EQ(r.actual, "the result {\"pong\":true}");
}

TEST(LifecycleChecks, UnknownMethodFailsWithTheWrongCode) {
  auto r = run_mutant("lifecycle.unknown-method", {},
                      rewrite_answer("mcpgym-conform/no-such-method",
                                     [](const json&, json& a) { a["error"]["code"] = -32600; }));
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.expected, "JSON-RPC error -32601 for the request mcpgym-conform/no-such-method");
  expect_verdict(r, Verdict::kFail, "error {\"code\":-32600");
}

TEST(LifecycleChecks, UnknownMethodFailsWhenAnsweredWithAResult) {
  auto r = run_mutant("lifecycle.unknown-method", {},
                      rewrite_answer("mcpgym-conform/no-such-method", [](const json&, json& a) {
                        a.erase("error");
                        a["result"] = json::object();
                      }));
  EXPECT_EQ(r.actual, "a result: {}") << describe(r);
  EXPECT_EQ(r.verdict, Verdict::kFail);
}

TEST(LifecycleChecks, InvalidParamsFailsWhenParamsThatAreNotAnObjectAreIgnored) {
  // The front turns non-object params into {} (a server that ignores them).
  auto r = run_mutant("lifecycle.invalid-params",
                      [](ForwardedRequest& req) -> std::optional<ForwardedResponse> {
                        json b = body_of(req);
                        if (b.is_object() && b.contains("params") && !b["params"].is_object()) {
                          b["params"] = json::object();
                          req.body = b.dump();
                        }
                        return std::nullopt;
                      },
                      {});
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.expected, "JSON-RPC error -32602 for tools/list with params [1] (not an object)");
  expect_verdict(r, Verdict::kFail, "a result: {\"tools\":");
}

TEST(LifecycleChecks, InvalidParamsFailsWhenAMissingToolNameIsAnInternalError) {
  auto r = run_mutant("lifecycle.invalid-params", {},
                      rewrite_answer("tools/call", [](const json&, json& a) {
                        if (a.contains("error") && a["error"]["code"] == -32602)
                          a["error"]["code"] = -32603;
                      }));
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.expected, "JSON-RPC error -32602 for tools/call without \"name\"");
  expect_verdict(r, Verdict::kFail, "error {\"code\":-32603");
}

TEST(LifecycleChecks, InvalidRequestFailsWhenTheValidIdIsDropped) {
  auto r = run_mutant("lifecycle.invalid-request", {},
                      [](const ForwardedRequest&, ForwardedResponse& res) {
                        json a = json::parse(res.body, nullptr, false);
                        if (res.status == 400 && a.is_object() && a.contains("error")) {
                          a["id"] = nullptr;
                          res.body = a.dump();
                        }
                      });
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.expected, "error -32600 with id 7 for \"jsonrpc\": \"1.0\" with id 7");
  expect_verdict(r, Verdict::kFail, "error -32600 with id null: HTTP 400 with body");
}

TEST(LifecycleChecks, InvalidRequestFailsWhenANullIdIsTreatedAsValid) {
  // The front answers a null-id ping as if null were an id.
  auto r =
      run_mutant("lifecycle.invalid-request",
                 [](ForwardedRequest& req) -> std::optional<ForwardedResponse> {
                   const json b = body_of(req);
                   if (b.is_object() && b.contains("id") && b["id"].is_null()) {
                     return ForwardedResponse{.status = 200,
                                              .headers = {{"content-type", "application/json"}},
                                              .body = R"({"jsonrpc":"2.0","id":null,"result":{}})"};
                   }
                   return std::nullopt;
                 },
                 {});
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.expected, "error -32600 with id null for \"id\": null");
  EXPECT_EQ(r.actual, "HTTP 200 with body {\"jsonrpc\":\"2.0\",\"id\":null,\"result\":{}}");
}

TEST(LifecycleChecks, ResponseShapeFailsWhenAnErrorAlsoCarriesAResult) {
  auto r = run_mutant(
      "lifecycle.response-shape", {},
      rewrite_answer("mcpgym-conform/none", [](const json&, json& a) { a["result"] = nullptr; }));
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  expect_verdict(r, Verdict::kFail, "it has both result and error:");
}

TEST(LifecycleChecks, ResponseShapeFailsWhenAStringIdComesBackAsAnother) {
  auto r = run_mutant("lifecycle.response-shape", {},
                      rewrite_answer("ping", [](const json& req, json& a) {
                        if (req["id"].is_string()) a["id"] = 1;
                      }));
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  expect_verdict(r, Verdict::kFail, "the id is 1:");
}

TEST(LifecycleChecks, ResponseShapeFailsWithoutJsonrpc) {
  auto r = run_mutant("lifecycle.response-shape", {},
                      rewrite_answer("ping", [](const json&, json& a) { a.erase("jsonrpc"); }));
  expect_verdict(r, Verdict::kFail, "\"jsonrpc\" is missing:");
}

TEST(LifecycleChecks, ToolsListFailsWhenTheSchemaDiffers) {
  auto r =
      run_mutant("lifecycle.tools-list", {}, rewrite_answer("tools/list", [](const json&, json& a) {
                   a["result"]["tools"][0]["inputSchema"].erase("required");
                 }));
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.actual,
            "`action` is not required: inputSchema {\"properties\":{\"action\":{\"enum\":[\"LEFT\","
            "\"DOWN\",\"RIGHT\",\"UP\"],\"type\":\"string\"}},\"type\":\"object\"}");
}

// DATA-009 judges the schema's meaning: FastMCP's titles, descriptions,
// $schema and additionalProperties change nothing.
TEST(LifecycleChecks, ToolsListPassesWithAnAnnotatedSchema) {
  auto r =
      run_mutant("lifecycle.tools-list", {}, rewrite_answer("tools/list", [](const json&, json& a) {
                   json& schema = a["result"]["tools"][0]["inputSchema"];
                   schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
                   schema["additionalProperties"] = false;
                   schema["title"] = "lake_moveArguments";
                   schema["properties"]["action"]["title"] = "Action";
                   schema["properties"]["action"]["description"] = "LEFT, DOWN, RIGHT or UP";
                 }));
  EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
}

TEST(LifecycleChecks, ToolsListFailsWithTheActionsInAnotherOrder) {
  auto r =
      run_mutant("lifecycle.tools-list", {}, rewrite_answer("tools/list", [](const json&, json& a) {
                   a["result"]["tools"][0]["inputSchema"]["properties"]["action"]["enum"] = {
                       "UP", "DOWN", "RIGHT", "LEFT"};
                 }));
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_TRUE(
      r.actual.starts_with("the enum of `action` is [\"UP\",\"DOWN\",\"RIGHT\",\"LEFT\"], not "
                           "[\"LEFT\",\"DOWN\",\"RIGHT\",\"UP\"]: inputSchema "))
      << r.actual;
}

// A profile that names FrozenLake: its tool must be there (otherwise the
// suite would recognise the renamed tool as a game it does not know).
TEST(LifecycleChecks, ToolsListFailsWithoutLakeMove) {
  Mutant m({}, rewrite_answer("tools/list", [](const json&, json& a) {
             a["result"]["tools"][0]["name"] = "move";
           }));
  m.profile.game = "frozenlake";
  auto r = run_check(m.profile, "lifecycle.tools-list");
  expect_verdict(r, Verdict::kFail, "no tool named lake_move in [");
}

TEST(LifecycleChecks, UnknownToolFailsWhenItIsAToolError) {
  auto r = run_mutant(
      "lifecycle.unknown-tool", {}, rewrite_answer("tools/call", [](const json&, json& a) {
        if (!a.contains("error")) return;
        a.erase("error");
        a["result"] = {{"isError", true},
                       {"content", json::array({{{"type", "text"}, {"text", "no such tool"}}})}};
      }));
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.expected, "JSON-RPC error -32602 for tools/call of the unknown tool lake_jump");
  expect_verdict(r, Verdict::kFail, "a result: {\"content\":");
}

TEST(LifecycleChecks, ResourcesListFailsWithoutControlInfo) {
  auto r = run_mutant("lifecycle.resources-list", {},
                      rewrite_answer("resources/list", [](const json&, json& a) {
                        json kept = json::array();
                        for (const auto& item : a["result"]["resources"]) {
                          if (item["uri"] != "control://info") kept.push_back(item);
                        }
                        a["result"]["resources"] = kept;
                      }));
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  expect_verdict(r, Verdict::kFail, "control://info is not listed:");
}

TEST(LifecycleChecks, ResourcesListFailsWithTheWrongMimeType) {
  auto r = run_mutant("lifecycle.resources-list", {},
                      rewrite_answer("resources/list", [](const json&, json& a) {
                        a["result"]["resources"][0]["mimeType"] = "text/plain";
                      }));
  expect_verdict(r, Verdict::kFail, "game://initial_state is listed as {");
}

// With the http control-plane form only: just game://initial_state.
TEST(LifecycleChecks, ResourcesListHttpOnlyPassesAgainstTheHttpOnlyReference) {
  gym::GymAppOptions app;
  app.control_resources = false;
  Mutant m({}, {}, app);
  m.profile.control = {ControlPlane::kHttp};
  auto r = run_check(m.profile, "lifecycle.resources-list");
  EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
}

TEST(LifecycleChecks, ResourcesListHttpOnlyFailsWhenControlResourcesAreListed) {
  Mutant m({}, {});  // lists the control:// resources too
  m.profile.control = {ControlPlane::kHttp};
  auto r = run_check(m.profile, "lifecycle.resources-list");
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.actual, "the http-only server lists \"control://reward\"");
}

TEST(LifecycleChecks, UnknownResourceFailsWithoutDataUri) {
  auto r = run_mutant("lifecycle.unknown-resource", {},
                      rewrite_answer("resources/read", [](const json&, json& a) {
                        if (a.contains("error")) a["error"].erase("data");
                      }));
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.expected, "error -32002 with data.uri \"game://mcpgym-conform-no-such-resource\"");
  expect_verdict(r, Verdict::kFail, "error {\"code\":-32002,\"message\":");
}

// A legacy-only server's answer to a modern server/discover (as the TypeScript SDK v1
// example's): no session, so 400.
std::optional<ForwardedResponse> refuse_discover(ForwardedRequest& r) {
  if (method_of(r) != "server/discover") return std::nullopt;
  return ForwardedResponse{
      400,
      {{"content-type", "application/json"}},
      R"({"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: Mcp-Session-Id header is required"},"id":null})"};
}

TEST(LifecycleChecks, UnknownResourceFailsWithTheWrongCode) {
  auto r = run_mutant("lifecycle.unknown-resource", refuse_discover,
                      rewrite_answer("resources/read", [](const json&, json& a) {
                        if (a.contains("error")) a["error"]["code"] = -32602;
                      }));
  expect_verdict(r, Verdict::kFail, "error {\"code\":-32602");
}

// docs/spec.md "Decisions for the modern era": a dual-era server (the reference serves both
// eras) may answer -32602 with data.uri in a legacy session, as SDK v2 servers must.
TEST(LifecycleChecks, UnknownResourceAcceptsMinus32602FromADualEraServer) {
  auto r = run_mutant("lifecycle.unknown-resource", {},
                      rewrite_answer("resources/read", [](const json&, json& a) {
                        if (a.contains("error")) a["error"]["code"] = -32602;
                      }));
  EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
  EXPECT_EQ(r.expected, "error -32602 with data.uri \"game://mcpgym-conform-no-such-resource\"");
}

// --- stdio ------------------------------------------------------------------

// The reference over stdio, or a shell script around it (`{reference}` in
// `script` stands for the reference's path) written to a file that lives as
// long as this object.
struct StdioTarget {
  TempWork work;
  Profile profile;
  explicit StdioTarget(const std::string& script = "") : profile(reference_backend_profile()) {
    const std::string reference = (bin_dir() / "mcpgym-frozenlake").string();
    profile.name = "stdio";
    profile.launch = LaunchMode::kStdio;
    if (script.empty()) {
      profile.command = "'" + reference + "' --transport stdio";
      return;
    }
    std::string text = script;
    for (std::size_t at; (at = text.find("{reference}")) != std::string::npos;) {
      text.replace(at, 11, "'" + reference + "'");
    }
    const auto path = work.paths().work_dir / "server.sh";
    std::ofstream(path) << text << "\n";
    profile.command = "/bin/sh '" + path.string() + "'";
  }
};

// Check `id` against the reference over stdio wrapped in `script`; it must fail.
CheckResult stdio_fails(const std::string& script, const std::string& id) {
  StdioTarget t(script);
  auto r = run_check(t.profile, id);
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  return r;
}

TEST(LifecycleChecks, PassOverStdio) {
  StdioTarget t;
  auto results = run_checks(t.profile, {"lifecycle.*"});
  for (const auto& r : results) {
    const Verdict want = contains(kHttpOnlyIds, r.id) ? Verdict::kSkip : Verdict::kPass;
    EXPECT_EQ(r.verdict, want) << describe(r);
  }
  EXPECT_EQ(results.size(), kLifecycleIds.size() + kStdioIds.size());
}

TEST(LifecycleChecks, StdioLineDelimitedFailsWhenAMessageIsSplit) {
  auto r = stdio_fails("{reference} --transport stdio | sed -u 's/,/,\\n/'",
                       "lifecycle.stdio-line-delimited");
  EXPECT_EQ(r.actual, "the line `{\"id\":1,`, which is not a JSON message");
}

TEST(LifecycleChecks, StdioStdoutFailsWithALogLine) {
  auto r = stdio_fails("echo 'server starting'\nexec {reference} --transport stdio",
                       "lifecycle.stdio-stdout-messages-only");
  EXPECT_EQ(r.actual, "stdout line 1 is `server starting`");
}

TEST(LifecycleChecks, StdioStdoutFailsWithAJsonLogLine) {
  // A JSON log line is one JSON value per line (STDIO-001 holds) but no MCP message.
  StdioTarget t(
      "echo '{\"level\":\"info\",\"msg\":\"ready\"}'\nexec {reference} --transport stdio");
  auto r = run_check(t.profile, "lifecycle.stdio-stdout-messages-only");
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.actual, "stdout line 1 is `{\"level\":\"info\",\"msg\":\"ready\"}`");
  EXPECT_EQ(run_check(t.profile, "lifecycle.stdio-line-delimited").verdict, Verdict::kPass);
}

TEST(LifecycleChecks, StdioBeforeInitializeFailsWithAnotherCode) {
  auto r = stdio_fails("{reference} --transport stdio | sed -u 's/-32600/-32601/'",
                       "lifecycle.stdio-before-initialize");
  EXPECT_EQ(r.expected, "error -32600 with id 5 for tools/list before initialize");
  expect_verdict(r, Verdict::kFail, "the answer {\"error\":{\"code\":-32601");
}

TEST(LifecycleChecks, StdioSecondInitializeFailsWithAnotherCode) {
  auto r = stdio_fails("{reference} --transport stdio | sed -u 's/-32600/-32601/'",
                       "lifecycle.stdio-second-initialize");
  EXPECT_EQ(r.expected, "error -32600 with id 2 for a second initialize");
}

TEST(LifecycleChecks, StdioParseErrorFailsWithAnId) {
  auto r = stdio_fails("{reference} --transport stdio | sed -u 's/\"id\":null/\"id\":0/'",
                       "lifecycle.stdio-parse-error");
  expect_verdict(r, Verdict::kFail, "\"id\":0");
}

TEST(LifecycleChecks, StdioExitOnEofFailsWithStatus3) {
  auto r = stdio_fails("{reference} --transport stdio\nexit 3", "lifecycle.stdio-exit-on-eof");
  EXPECT_EQ(r.actual, "exit status 3");
}

TEST(LifecycleChecks, StdioExitOnEofFailsWhenTheProcessLingers) {
  auto r = stdio_fails("{reference} --transport stdio\nsleep 30", "lifecycle.stdio-exit-on-eof");
  EXPECT_EQ(r.actual, "still running 5000 ms after end of input");
}

}  // namespace
}  // namespace mcpgym::conformance::testing
