// The modern transport checks (conformance/checks/modern.cpp, docs/spec.md
// MODERN-002..010) proven both ways. The clean reference passes every one of
// them under --era modern and --era both. For each rule, and for each field
// bug of a rule with several parts, a mutant front (tests/mutant_front.hpp)
// in front of an in-process reference breaks exactly that behaviour on the
// wire, and the suite run against it must trip EXACTLY the listed checks with
// the listed verdicts (the pattern of negative_controls_test.cpp). A
// legacy-only server gets every modern check skipped, with the probe's
// reason, under --era auto, and failed under --era modern.
//
// Why mutant fronts and not --fault switches of the server core: every one of
// these bugs is a difference on the wire (a header not compared, a field left
// out, a code or status changed), which a front reproduces exactly without
// putting testing-only branches into the reference's request path.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "common/protocol.hpp"
#include "common/text.hpp"
#include "conformance/tests/front_fixture.hpp"
#include "harness/http/modern_headers.hpp"
#include "reference/mcp/json_rpc.hpp"
#include "reference/mcp/modern_request.hpp"

namespace mcpgym::conformance::testing {
namespace {

using json = nlohmann::json;

const std::string kModernVersion(mcp::kModernVersion);
const std::string kVersionKey(mcp::kMetaProtocolVersion);
const std::string kCapabilitiesKey(mcp::kMetaClientCapabilities);

// The checks of the modern transport area, in check order.
const std::vector<std::string> kModernIds = {
    "modern.meta-envelope",      "modern.version-header",      "modern.method-header",
    "modern.name-header",        "modern.unsupported-version", "modern.unknown-method",
    "modern.discover",           "modern.result-type",         "modern.cache-fields",
    "modern.resource-not-found", "modern.tools-order",
};

// --- Reading and editing what passes the front ---------------------------------

// params._meta of a request body that carries the modern envelope's version; null otherwise.
json modern_meta_of(const json& body) {
  if (!body.is_object() || !body.contains("params") || !body["params"].is_object()) return nullptr;
  const json& params = body["params"];
  if (!params.contains("_meta") || !params["_meta"].is_object()) return nullptr;
  const json& meta = params["_meta"];
  if (!meta.contains(kVersionKey)) return nullptr;
  return meta;
}

bool is_modern(const ForwardedRequest& req) {
  return req.method == "POST" && !modern_meta_of(body_of(req)).is_null();
}

// Writes `message` back as the body of a forwarded request or response.
template <class Forwarded>
void set_body(Forwarded& forwarded, const json& message) {
  forwarded.body = message.dump();
}

// A response hook that edits the JSON-RPC answer to every modern request
// (the reference answers JSON bodies: no SSE in this file).
using AnswerEdit = std::function<void(const json& request, ForwardedResponse& res, json& answer)>;
MutantFront::ResponseHook edit_modern_answers(AnswerEdit edit) {
  return [edit](const ForwardedRequest& req, ForwardedResponse& res) {
    if (!is_modern(req)) return;
    json answer = json::parse(res.body, nullptr, false);
    if (!answer.is_object()) return;
    edit(body_of(req), res, answer);
    set_body(res, answer);
  };
}

// Edits the `result` of every modern answer that has one.
MutantFront::ResponseHook edit_results(std::function<void(const std::string& method, json&)> edit) {
  return edit_modern_answers([edit](const json& request, ForwardedResponse&, json& answer) {
    if (answer.contains("result") && answer["result"].is_object()) {
      edit(request.value("method", ""), answer["result"]);
    }
  });
}

// Edits every modern error answer whose code is `code` (its HTTP status too).
MutantFront::ResponseHook edit_errors(int code,
                                      std::function<void(ForwardedResponse&, json& error)> edit) {
  return edit_modern_answers([code, edit](const json&, ForwardedResponse& res, json& answer) {
    if (answer.contains("error") && answer["error"].is_object() &&
        answer["error"].value("code", 0) == code) {
      edit(res, answer["error"]);
    }
  });
}

// A request hook that overwrites the header `name` of every modern POST with
// the value a well-behaved client sends for its body: the server behind then
// never sees that header missing or mismatched, as if it did not compare it.
MutantFront::RequestHook repair_header(std::string name) {
  return [name](ForwardedRequest& req) -> std::optional<ForwardedResponse> {
    if (!is_modern(req)) return std::nullopt;
    const json body = body_of(req);
    const json params = body.value("params", json::object());
    const json version_value = modern_meta_of(body)[kVersionKey];
    const std::string version =
        version_value.is_string() ? version_value.get<std::string>() : kModernVersion;
    for (const auto& [header, value] :
         harness::modern_headers(version, body.value("method", ""), params)) {
      if (lower(header) == lower(name)) set_header(req.headers, name, value);
    }
    return std::nullopt;
  };
}

// --- The mutants: one broken behaviour each --------------------------------------

struct ModernMutant {
  const char* name;  // the test's name
  MutantFront::RequestHook on_request;
  MutantFront::ResponseHook on_response;
  std::set<std::string> not_passing;  // "<check id>:<verdict>"
};

void PrintTo(const ModernMutant& mutant, std::ostream* out) {
  *out << mutant.name;
}

// MODERN-002: the envelope not validated; a missing or malformed
// clientCapabilities is taken as {}.
std::optional<ForwardedResponse> accept_any_capabilities(ForwardedRequest& req) {
  if (!is_modern(req)) return std::nullopt;
  json body = body_of(req);
  json& meta = body["params"]["_meta"];
  if (!meta[kCapabilitiesKey].is_object()) meta[kCapabilitiesKey] = json::object();
  set_body(req, body);
  return std::nullopt;
}

// MODERN-010: each tools/list rotated one further than the last.
MutantFront::ResponseHook rotate_tools_per_call() {
  auto calls = std::make_shared<std::atomic<std::size_t>>(0);
  return edit_results([calls](const std::string& method, json& result) {
    if (method != "tools/list" || !result["tools"].is_array() || result["tools"].empty()) return;
    auto& tools = result["tools"];
    const std::size_t by = (*calls)++ % tools.size();
    std::rotate(tools.begin(), tools.begin() + static_cast<std::ptrdiff_t>(by), tools.end());
  });
}

std::vector<ModernMutant> modern_mutants() {
  return {
      {"EnvelopeNotValidated", accept_any_capabilities, {}, {"modern.meta-envelope:fail"}},
      {"VersionHeaderNotValidated",
       repair_header(std::string(mcp::kProtocolVersionHeader)),
       {},
       {"modern.version-header:fail"}},
      {"MethodHeaderNotValidated",
       repair_header(std::string(mcp::kMethodHeader)),
       {},
       {"modern.method-header:fail"}},
      {"NameHeaderNotValidated",
       repair_header(std::string(mcp::kNameHeader)),
       {},
       {"modern.name-header:fail"}},
      // MODERN-004's two field bugs: the wrong code, and no data.supported.
      {"UnsupportedVersionAsInvalidParams",
       {},
       edit_errors(mcp::code::kUnsupportedProtocolVersion,
                   [](ForwardedResponse&, json& error) { error["code"] = -32602; }),
       {"modern.unsupported-version:fail"}},
      {"UnsupportedVersionWithoutSupported",
       {},
       edit_errors(mcp::code::kUnsupportedProtocolVersion,
                   [](ForwardedResponse&, json& error) { error["data"].erase("supported"); }),
       {"modern.unsupported-version:fail"}},
      // MODERN-005's two: the error in an HTTP 200, or a status other than 404.
      {"UnknownMethodAnswered200",
       {},
       edit_errors(-32601, [](ForwardedResponse& res, json&) { res.status = 200; }),
       {"modern.unknown-method:fail"}},
      {"UnknownMethodAnswered400",
       {},
       edit_errors(-32601, [](ForwardedResponse& res, json&) { res.status = 400; }),
       {"modern.unknown-method:fail"}},
      {"DiscoverWithoutSupportedVersions",
       {},
       edit_results([](const std::string& method, json& result) {
         if (method == mcp::kDiscoverMethod) result.erase("supportedVersions");
       }),
       {"modern.discover:fail"}},
      // server/discover is a result too: MODERN-006 asks for its resultType.
      {"ResultTypeMissing",
       {},
       edit_results([](const std::string&, json& result) { result.erase("resultType"); }),
       {"modern.discover:fail", "modern.result-type:fail"}},
      // ... and for its cache fields.
      {"CacheFieldsMissing",
       {},
       edit_results([](const std::string&, json& result) {
         result.erase("ttlMs");
         result.erase("cacheScope");
       }),
       {"modern.discover:fail", "modern.cache-fields:fail"}},
      // The legacy era's code (-32002) for a resource not found.
      {"ResourceNotFoundAs32002",
       {},
       edit_errors(-32602,
                   [](ForwardedResponse&, json& error) {
                     if (error.value("data", json()).contains("uri")) error["code"] = -32002;
                   }),
       {"modern.resource-not-found:fail"}},
      {"ToolsListShuffledPerCall", {}, rotate_tools_per_call(), {"modern.tools-order:warn"}},
  };
}

Profile in_era(Profile profile, EraChoice era) {
  profile.era = era;
  return profile;
}

class ModernMutantControl : public ::testing::TestWithParam<ModernMutant> {};

// The modern transport checks under --era modern. The handle checks
// (handles.*) are left out: they have their own controls (the reference's
// modern faults, negative_controls_test.cpp), and the mutant front does not
// forward GET /control/<name>?env_id= (HANDLE-011), which they also judge.
TEST_P(ModernMutantControl, ExactlyTheExpectedChecksCatchIt) {
  const ModernMutant& mutant = GetParam();
  Mutant m(mutant.on_request, mutant.on_response);
  const auto results = run_checks(in_era(m.profile, EraChoice::kModern), {"modern.*"});
  EXPECT_EQ(not_passing(results), mutant.not_passing) << explain(results);
}

INSTANTIATE_TEST_SUITE_P(Modern, ModernMutantControl, ::testing::ValuesIn(modern_mutants()),
                         [](const ::testing::TestParamInfo<ModernMutant>& info) {
                           return info.param.name;
                         });

// Every modern check is proven by at least one mutant.
TEST(ModernMutants, EveryModernCheckIsTrippedByOne) {
  std::set<std::string> tripped;
  for (const auto& mutant : modern_mutants()) {
    for (const auto& entry : mutant.not_passing)
      tripped.insert(entry.substr(0, entry.find(':')));
  }
  EXPECT_EQ(tripped, std::set<std::string>(kModernIds.begin(), kModernIds.end()));
}

// --- The clean reference ---------------------------------------------------------

TEST(ModernCleanReference, PassesEveryModernCheckUnderEraModern) {
  const auto results =
      run_checks(in_era(reference_backend_profile(), EraChoice::kModern), {"modern.*"});
  std::vector<std::string> passed;
  for (const auto& r : results) {
    if (r.verdict == Verdict::kPass) {
      passed.push_back(r.id);
    } else {
      EXPECT_EQ(r.verdict, Verdict::kSkip) << describe(r);
    }
  }
  EXPECT_EQ(passed, kModernIds);
}

TEST(ModernCleanReference, PassesEveryCheckUnderEraBoth) {
  const auto results = run_checks(in_era(reference_backend_profile(), EraChoice::kBoth), {});
  EXPECT_TRUE(not_passing(results).empty()) << explain(results);
  EXPECT_EQ(results.size(), all_checks().size());
  const auto passed = ids_with(results, Verdict::kPass);
  for (const auto& id : kModernIds)
    EXPECT_NE(std::find(passed.begin(), passed.end(), id), passed.end()) << id;
}

// --- Legacy-only servers -----------------------------------------------------------

// A server that knows nothing of the modern era: the reference with every
// request's params._meta taken away before it sees it, so server/discover and
// the rest arrive as legacy requests without a session.
std::optional<ForwardedResponse> forget_modern_envelope(ForwardedRequest& req) {
  if (!is_modern(req)) return std::nullopt;
  json body = body_of(req);
  body["params"].erase("_meta");
  set_body(req, body);
  return std::nullopt;
}

// A legacy-only server that knows the modern envelope and refuses it as the
// reference's server core refuses it for an application that does not serve
// the modern era (mcp::Application::serves_modern() false): HTTP 400 and
// -32022 whose data.supported names only legacy versions.
std::optional<ForwardedResponse> refuse_modern_as_legacy_only(ForwardedRequest& req) {
  if (!is_modern(req)) return std::nullopt;
  const json body = body_of(req);
  const json version = modern_meta_of(body)[kVersionKey];
  const auto refusal = mcp::check_version(version.is_string() ? version.get<std::string>() : "",
                                          /*serves_modern=*/false);
  ForwardedResponse res{
      .status = 400, .headers = {{"content-type", "application/json"}}, .body = ""};
  set_body(res, mcp::make_error(body.value("id", json()), *refusal));
  return res;
}

const std::string kNoModernReason =
    "the server does not speak MCP 2026-07-28: server/discover answered without a result or a "
    "modern error (";
// The client's refusal of an HTTP 400 to server/discover, and what it sent.
const std::string kDiscoverGot400 =
    "[mcpgym.client.http_status] server/discover: the server answered HTTP 400 where 200 with a "
    "JSON-RPC response was expected";
const std::string kDiscoverSent =
    "sent POST /mcp "
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{\"_meta\":{"
    "\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/clientInfo\":{"
    "\"name\":\"mcpgym-harness\",\"version\":\"0.1.0\"},\"..., ";

// Under auto every modern check is skipped with the probe's reason, which
// starts with `reason_start`.
void expect_modern_skipped_under_auto(const Profile& profile, const std::string& reason) {
  const auto results = run_checks(in_era(profile, EraChoice::kAuto), {"modern.*"});
  ASSERT_EQ(results.size(), kModernIds.size());
  for (const auto& r : results) {
    EXPECT_EQ(r.verdict, Verdict::kSkip) << describe(r);
    EXPECT_EQ(r.actual, reason) << describe(r);
  }
}

// Under --era modern every modern check judges it, and none passes.
const std::set<std::string> kNoModernChecksPass = {
    "modern.cache-fields:error",  "modern.discover:fail",
    "modern.meta-envelope:fail",  "modern.method-header:fail",
    "modern.name-header:fail",    "modern.resource-not-found:fail",
    "modern.result-type:error",   "modern.tools-order:warn",
    "modern.unknown-method:fail", "modern.unsupported-version:fail",
    "modern.version-header:fail"};

std::set<std::string> modern_verdicts_under_era_modern(const Profile& profile) {
  return not_passing(run_checks(in_era(profile, EraChoice::kModern), {"modern.*"}));
}

TEST(ModernLegacyOnly, AServerWithoutTheModernEnvelopeGetsModernChecksSkippedUnderAuto) {
  Mutant m(forget_modern_envelope, {});
  expect_modern_skipped_under_auto(
      m.profile,
      kNoModernReason + kDiscoverGot400 + " (" + kDiscoverSent +
          "got HTTP 400: {\"error\":{\"code\":-32000,\"message\":\"[mcpgym.http.missing_session] "
          "Bad Request: missing Mcp-Session-Id header; send the id returned by initialize, or "
          "initialize first\"},\"id\":null,\"jsonrpc\":\"2.0\"}))");
}

TEST(ModernLegacyOnly, AServerWithoutTheModernEnvelopeFailsModernChecksUnderEraModern) {
  Mutant m(forget_modern_envelope, {});
  EXPECT_EQ(modern_verdicts_under_era_modern(m.profile), kNoModernChecksPass);
}

TEST(ModernLegacyOnly, ARefusalNamingOnlyLegacyVersionsGetsModernChecksSkippedUnderAuto) {
  Mutant m(refuse_modern_as_legacy_only, {});
  expect_modern_skipped_under_auto(
      m.profile,
      kNoModernReason + kDiscoverGot400 +
          ": JSON-RPC error -32022: [mcpgym.modern.unsupported_version] Unsupported protocol "
          "version: 2026-07-28; this server supports 2025-11-25, 2025-06-18, 2025-03-26 (versions "
          "before 2026-07-28 through an initialize request without ..., data "
          "{\"requested\":\"2026-07-28\",\"supported\":[\"2025-11-25\",\"2025-06-18\",\"2025-03-"
          "26\"]} (" +
          kDiscoverSent +
          "got HTTP 400: "
          "{\"error\":{\"code\":-32022,\"data\":{\"requested\":\"2026-07-28\",\"supported\":["
          "\"2025-11-25\",\"2025-06-18\",\"2025-03-26\"]},\"message\":\"[mcpgym.modern.unsupported_"
          "version] Unsupported protocol version: 2026-07-28; this server supports 2025-11-25, "
          "2025-06-18, 2025-03-26 (versions before 2026-07-28 through an initi...))");
}

TEST(ModernLegacyOnly, ARefusalNamingOnlyLegacyVersionsFailsModernChecksUnderEraModern) {
  Mutant m(refuse_modern_as_legacy_only, {});
  EXPECT_EQ(modern_verdicts_under_era_modern(m.profile), kNoModernChecksPass);
}

}  // namespace
}  // namespace mcpgym::conformance::testing
