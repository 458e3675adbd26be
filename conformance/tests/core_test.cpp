// The suite's machinery: selection, profiles, verdicts, the runner's
// deadlines and crash handling, and the registry's traceability to docs/spec.md.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "conformance/core/profile.hpp"
#include "conformance/core/runner.hpp"
#include "conformance/tests/support.hpp"
#include "harness/mcp/client.hpp"

namespace mcpgym::conformance {
namespace {

using namespace std::chrono_literals;
using testing::reference_backend_profile;
using testing::TempWork;

Check make_check(std::string id, std::function<Outcome(Context&)> run, Needs needs = {},
                 Level level = Level::kMust) {
  return Check{.id = std::move(id),
               .spec_id = "LIFE-005",
               .level = level,
               .rule = "a rule",
               .needs = std::move(needs),
               .fresh_process = false,
               .run = std::move(run)};
}

TEST(Glob, MatchesStarsAndQuestionMarks) {
  EXPECT_TRUE(glob_match("headers.*", "headers.accept-missing"));
  EXPECT_TRUE(glob_match("*.accept-*", "headers.accept-missing"));
  EXPECT_TRUE(glob_match("lifecycle.pin?", "lifecycle.ping"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_FALSE(glob_match("headers.*", "lifecycle.ping"));
  EXPECT_FALSE(glob_match("lifecycle.pin?", "lifecycle.pin"));
  EXPECT_FALSE(glob_match("a*b", "acbd"));
}

// Found by fuzz/baseline_fuzz.cpp: a '*' in the pattern was read as a literal
// where the text also had a '*', and the match failed from there.
TEST(Glob, AStarIsAWildcardEvenWhereTheTextHasAStar) {
  EXPECT_TRUE(glob_match("*a", "*ba"));
  EXPECT_TRUE(glob_match("x*a", "x*ba"));
  EXPECT_TRUE(glob_match("*", "*"));
  EXPECT_FALSE(glob_match("*a", "*b"));
}

TEST(Selection, OnlyThenExclude) {
  Selection s{.only = {"headers.*", "lifecycle.ping"}, .exclude = {"headers.accept-*"}};
  EXPECT_TRUE(s.selects("headers.content-type"));
  EXPECT_TRUE(s.selects("lifecycle.ping"));
  EXPECT_FALSE(s.selects("headers.accept-missing"));
  EXPECT_FALSE(s.selects("sessions.id-issued"));
  EXPECT_TRUE(Selection{}.selects("anything.at-all"));
}

TEST(Verdicts, FollowTheLevel) {
  EXPECT_EQ(verdict_for(Outcome::Kind::kBroken, Level::kMust), Verdict::kFail);
  EXPECT_EQ(verdict_for(Outcome::Kind::kBroken, Level::kShould), Verdict::kWarn);
  EXPECT_EQ(verdict_for(Outcome::Kind::kBroken, Level::kMay), Verdict::kPass);
  EXPECT_EQ(verdict_for(Outcome::Kind::kHeld, Level::kMust), Verdict::kPass);
  EXPECT_EQ(verdict_for(Outcome::Kind::kNotApplicable, Level::kMust), Verdict::kSkip);
  EXPECT_EQ(verdict_for(Outcome::Kind::kCouldNotRun, Level::kShould), Verdict::kError);
}

TEST(Profile, ReadsEveryField) {
  auto p = profile_from_json(json::parse(R"({
    "name": "mine", "kind": "proxy", "command": "srv --port {port} --backend {backend}",
    "control_plane": "both", "features": ["slippery", "8x8"], "max_envs": 4,
    "working_directory": "/tmp", "ready_pattern": "", "ready_timeout_ms": 2500})"));
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->name, "mine");
  EXPECT_EQ(p->kind, ProfileKind::kProxy);
  EXPECT_EQ(p->launch, LaunchMode::kSpawn);
  EXPECT_TRUE(p->offers(ControlPlane::kHttp) && p->offers(ControlPlane::kResources));
  EXPECT_EQ(p->features, (std::set<Feature>{Feature::kSlippery, Feature::k8x8}));
  EXPECT_EQ(p->max_envs, 4);
  EXPECT_EQ(p->ready_pattern, "");
  EXPECT_EQ(p->ready_timeout, 2500ms);
  auto again = profile_from_json(p->to_json());
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(again->to_json(), p->to_json());
}

TEST(Profile, RefusesWhatCannotWork) {
  auto error = [](const char* text) {
    auto p = profile_from_json(json::parse(text));
    return p ? std::string("accepted") : p.error();
  };
  EXPECT_EQ(error(R"({"command": "srv --port {port}", "colour": "red"})"),
            "[mcpgym.conform.bad_profile] unknown key 'colour'");
  EXPECT_EQ(error(R"({"command": "srv"})"),
            "[mcpgym.conform.bad_profile] command: 'srv' has no {port}; the suite picks the port "
            "(write {port} where the server takes it, or give --url for a running server)");
  EXPECT_EQ(error(R"({"kind": "proxy", "command": "p --port {port}"})"),
            "[mcpgym.conform.bad_profile] command: a proxy command needs {backend}, where the "
            "suite puts the path of its instrumented backend (see docs/conformance.md)");
  EXPECT_EQ(error(R"({"command": "srv --port {port}", "url": "http://127.0.0.1:1/mcp"})"),
            "[mcpgym.conform.bad_profile] give exactly one of command, url and stdio");
  EXPECT_EQ(error(R"({"url": "ftp://x"})"),
            "[mcpgym.conform.bad_profile] url: 'ftp://x' is not an http:// URL");
  EXPECT_EQ(error(R"({"url": "http://h/mcp", "features": ["fast"]})"),
            "[mcpgym.conform.bad_profile] features: unknown feature 'fast' (known: slippery, "
            "truncation, gymnasium-maps, 8x8)");
  EXPECT_EQ(error(R"({"url": "http://h/mcp", "kind": "server"})"),
            "[mcpgym.conform.bad_profile] kind: 'server' is not backend, proxy or mcp");
}

// A profile file is parsed with bounded_json: a deep one is refused before a
// tree is built (and so before any recursive copy or dump of it).
TEST(Profile, FileTextIsParsedWithinTheJsonLimits) {
  auto error = [](const std::string& text) {
    auto p = parse_profile_text(text, "my.json");
    return p ? std::string("accepted") : p.error();
  };
  const std::string deep = R"({"name": )" + std::string(200, '[') + std::string(200, ']') + "}";
  EXPECT_EQ(
      error(deep),
      "[mcpgym.conform.bad_profile] my.json: [mcpgym.json.too_deep] the JSON text nests arrays "
      "and objects deeper than 128 levels (at byte 136 of 410); it was not parsed");
  EXPECT_EQ(error(R"({"kind": backend})"), "[mcpgym.conform.bad_profile] my.json: not JSON");
  EXPECT_EQ(error(R"({"command": "srv"})"),
            "[mcpgym.conform.bad_profile] command: 'srv' has no {port}; the suite picks the port "
            "(write {port} where the server takes it, or give --url for a running server) (in "
            "my.json)");
  auto p = parse_profile_text(R"({"url": "http://127.0.0.1:1/mcp", "kind": "mcp"})", "my.json");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->url, "http://127.0.0.1:1/mcp");
}

TEST(Runner, SkipsWhatTheProfileDoesNotClaim) {
  Profile p = testing::url_profile("http://127.0.0.1:9/mcp", ProfileKind::kMcp);
  p.features = {};
  p.control = {ControlPlane::kResources};
  Runner runner(p, TempWork().paths());
  auto reason = [&](Needs needs, bool fresh = false) {
    Check c = make_check(
        "x.y", [](Context&) { return Outcome::held("", ""); }, std::move(needs));
    c.fresh_process = fresh;
    return runner.skip_reason(c).value_or("runs");
  };
  EXPECT_EQ(reason({.kinds = kGymKinds, .features = {}, .control = {}, .transport = {}}),
            "applies to profile backend or proxy, not mcp");
  EXPECT_EQ(reason({.kinds = {}, .features = {Feature::kSlippery}, .control = {}, .transport = {}}),
            "needs feature 'slippery', which the profile does not claim");
  EXPECT_EQ(
      reason({.kinds = {}, .features = {}, .control = {ControlPlane::kHttp}, .transport = {}}),
      "needs the 'http' control-plane form, which the profile does not offer");
  EXPECT_EQ(reason({.kinds = {}, .features = {}, .control = {}, .transport = Transport::kStdio}),
            "applies to the stdio transport only");
  EXPECT_EQ(reason({}, true),
            "needs a freshly started implementation; a server given by --url cannot be restarted");
  EXPECT_EQ(reason({}), "runs");
}

TEST(Runner, AHungCheckFailsWithinItsDeadlineAndTheNextCheckGetsAFreshProcess) {
  TempWork work;
  Runner runner(reference_backend_profile(), work.paths());
  int first_pid = 0;
  Check hangs = make_check("core.hangs", [&](Context& ctx) {
    first_pid = ctx.target().process()->pid();
    std::this_thread::sleep_for(1500ms);  // stands for a call that never returns
    return Outcome::held("", "");
  });
  CheckResult r = runner.run_one(hangs, 200ms);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.expected, "a verdict within 0.2 s");
  EXPECT_EQ(
      r.actual,
      "no verdict within 0.2 s: the implementation hung (it was killed, and restarted for the "
      "next check)");
  int second_pid = 0;
  Check pings = make_check("core.pings", [&](Context& ctx) {
    second_pid = ctx.target().process()->pid();
    auto c = ctx.session(nullptr);
    if (!c) return Outcome::broken("a session", c.error());
    auto pong = (*c)->request("ping", json::object());
    return pong ? Outcome::held("{}", pong->dump()) : Outcome::broken("{}", pong.error().message());
  });
  CheckResult next = runner.run_one(pings, 10s);
  EXPECT_EQ(next.verdict, Verdict::kPass) << testing::describe(next);
  EXPECT_NE(first_pid, second_pid);
}

// A check that reported its sessions is not called hung: the message says
// how far it got and what was slow.
TEST(Runner, AnOverrunCheckThatOpensSessionsSaysWhatWasSlow) {
  TempWork work;
  Runner runner(reference_backend_profile(), work.paths());
  Check slow = make_check("core.slow", [](Context& ctx) {
    ctx.sessions_opened(12, 64);
    std::this_thread::sleep_for(1500ms);  // stands for sessions that open slowly
    return Outcome::held("", "");
  });
  CheckResult r = runner.run_one(slow, 200ms);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.actual,
            "no verdict within 0.2 s: 12 of 64 sessions opened in 0.2 s: the implementation "
            "opens sessions slowly; raise --check-timeout (the implementation was killed, and "
            "restarted for the next check)");
}

// Behind a proxy every session starts a backend: the deadline grows with them.
TEST(Runner, ADeadlineGrowsWithTheBackendsAProxyMustStart) {
  TempWork work;
  Check many = make_check("core.many", [](Context&) { return Outcome::held("", ""); });
  many.sessions = 64;
  const Check few = make_check("core.few", [](Context&) { return Outcome::held("", ""); });
  Runner proxy(testing::reference_proxy_profile(), work.paths());
  EXPECT_EQ(proxy.deadline_for(many, 30s), 30s + 64 * kBackendStartAllowance);
  EXPECT_EQ(proxy.deadline_for(few, 30s), 30s);
  Runner backend(reference_backend_profile(), work.paths());
  EXPECT_EQ(backend.deadline_for(many, 30s), 30s);
}

TEST(Runner, AnImplementationThatDiesFailsTheCheckAtHandAndIsRestarted) {
  TempWork work;
  Runner runner(reference_backend_profile({"--exit-after-calls", "1"}), work.paths());
  Check crashes = make_check("core.crashes", [](Context& ctx) {
    auto c = ctx.session(nullptr);
    if (!c) return Outcome::could_not_run(c.error());
    auto moved = (*c)->call_tool("lake_move", {{"action", "LEFT"}});
    ctx.target().process()->wait_exit(5s);
    return Outcome::held("an answer", moved ? "an answer" : "no answer");
  });
  CheckResult r = runner.run_one(crashes, 10s);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.expected, "an answer");
  EXPECT_TRUE(r.actual.starts_with("the implementation exited (exit status 3)")) << r.actual;
  EXPECT_TRUE(r.actual.ends_with("; the check saw: no answer")) << r.actual;
  Check alive = make_check("core.alive", [](Context& ctx) {
    auto c = ctx.session(nullptr);
    return c ? Outcome::held("a session", "a session") : Outcome::broken("a session", c.error());
  });
  EXPECT_EQ(runner.run_one(alive, 10s).verdict, Verdict::kPass);
}

TEST(Runner, AnImplementationThatCannotStartIsAnErrorNamingWhy) {
  TempWork work;
  Profile p = reference_backend_profile();
  p.command = "/bin/false --port {port}";
  Runner runner(p, work.paths());
  CheckResult r =
      runner.run_one(make_check("core.any", [](Context&) { return Outcome::held("", ""); }), 10s);
  EXPECT_EQ(r.verdict, Verdict::kError);
  EXPECT_EQ(r.expected, "the implementation starts");
  EXPECT_TRUE(r.actual.starts_with("[mcpgym.conform.start_failed] [mcpgym.process.exited_early]"))
      << r.actual;
}

TEST(Runner, ACheckThatThrowsIsAnError) {
  TempWork work;
  Runner runner(testing::url_profile("http://127.0.0.1:9/mcp"), work.paths());
  CheckResult r = runner.run_one(
      make_check("core.throws", [](Context&) -> Outcome { throw std::runtime_error("boom"); }), 5s);
  EXPECT_EQ(r.verdict, Verdict::kError);
  EXPECT_EQ(r.actual, "[mcpgym.conform.check_threw] boom");
}

TEST(RunSuite, TheWholeRunDeadlineTurnsTheRestIntoErrors) {
  TempWork work;
  std::vector<Check> checks = {
      make_check("core.slow",
                 [](Context&) {
                   std::this_thread::sleep_for(300ms);
                   return Outcome::held("", "");
                 }),
      make_check("core.never", [](Context&) { return Outcome::held("", ""); })};
  RunOptions options;
  options.run_timeout = 100ms;
  RunReport report =
      run_suite(checks, testing::url_profile("http://127.0.0.1:9/mcp"), work.paths(), options);
  ASSERT_EQ(report.results.size(), 2u);
  EXPECT_EQ(report.results[0].verdict, Verdict::kFail);
  EXPECT_EQ(report.results[1].verdict, Verdict::kError);
  EXPECT_EQ(report.results[1].actual, "not run: the whole run's deadline of 0.1 s had passed");
  EXPECT_EQ(report.exit_status(false), 1);
}

TEST(RunReport, ExitStatusFollowsMustsStrictnessAndTheBaseline) {
  RunReport report;
  report.results.push_back(CheckResult{.id = "a.b",
                                       .spec_id = "X-001",
                                       .level = Level::kShould,
                                       .verdict = Verdict::kWarn,
                                       .expected = "",
                                       .actual = "",
                                       .details = {},
                                       .duration = {},
                                       .baselined = false});
  EXPECT_EQ(report.exit_status(false), 0);
  EXPECT_EQ(report.exit_status(true), 1);
  report.results[0].verdict = Verdict::kFail;
  EXPECT_EQ(report.exit_status(false), 1);
  Baseline baseline{.entries = {"a.*"}};
  report.baseline = apply_baseline(baseline, report.results);
  EXPECT_EQ(report.exit_status(false), 0);
  report.results[0].verdict = Verdict::kPass;
  report.baseline = apply_baseline(baseline, report.results);
  EXPECT_EQ(report.baseline.stale_entries, std::vector<std::string>{"a.*"});
  EXPECT_EQ(report.exit_status(false), 1);
}

// Every check traces to a rule of docs/spec.md, at that rule's level.
TEST(Registry, EveryCheckCitesARuleOfTheSpecAtItsLevel) {
  std::ifstream spec(std::string(MCPGYM_SOURCE_DIR) + "/docs/spec.md");
  ASSERT_TRUE(spec) << "docs/spec.md not found";
  std::map<std::string, std::string> levels;
  std::regex row(R"(^\| ([A-Z]{2,8}-[0-9]{3}) \| (MUST|SHOULD|MAY) \|)");
  for (std::string line; std::getline(spec, line);) {
    std::smatch m;
    if (std::regex_search(line, m, row)) levels[m[1]] = m[2];
  }
  ASSERT_GT(levels.size(), 80u);
  std::set<std::string> ids;
  std::regex id_shape(R"(^[a-z][a-z-]*\.[a-z0-9][a-z0-9-]*$)");
  ASSERT_FALSE(all_checks().empty());
  for (const Check& c : all_checks()) {
    EXPECT_TRUE(ids.insert(c.id).second) << "duplicate check id " << c.id;
    EXPECT_TRUE(std::regex_match(c.id, id_shape)) << c.id;
    ASSERT_TRUE(levels.count(c.spec_id))
        << c.id << " cites " << c.spec_id << ", not in docs/spec.md";
    EXPECT_EQ(std::string(level_name(c.level)), levels[c.spec_id])
        << c.id << " (" << c.spec_id << ")";
    EXPECT_FALSE(c.rule.empty()) << c.id;
    EXPECT_TRUE(c.run) << c.id;
  }
}

// The row text of every rule in docs/spec.md, by rule ID: the table cell after the level.
std::map<std::string, std::string> spec_rule_texts() {
  std::ifstream spec(std::string(MCPGYM_SOURCE_DIR) + "/docs/spec.md");
  std::map<std::string, std::string> texts;
  std::regex row(R"(^\| ([A-Z]{2,8}-[0-9]{3}) \| (?:MUST|SHOULD|MAY) \| (.*?) \| [^|]*\|$)");
  for (std::string line; std::getline(spec, line);) {
    std::smatch m;
    if (std::regex_search(line, m, row)) texts[m[1]] = m[2];
  }
  return texts;
}

// The parts of a check's quoted rule between elisions ("..."), trimmed.
std::vector<std::string> quoted_parts(const std::string& rule) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  while (begin <= rule.size()) {
    std::size_t end = rule.find("...", begin);
    if (end == std::string::npos) end = rule.size();
    std::string part = rule.substr(begin, end - begin);
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    if (!part.empty()) parts.push_back(part);
    begin = end + 3;
  }
  return parts;
}

// A check's rule is a quotation of its docs/spec.md row (parts of it joined by "..."),
// never a paraphrase that drifts from the spec.
TEST(Registry, EveryCheckQuotesItsRuleVerbatim) {
  const auto texts = spec_rule_texts();
  ASSERT_GT(texts.size(), 80u);
  for (const Check& c : all_checks()) {
    ASSERT_TRUE(texts.count(c.spec_id)) << c.id << " cites " << c.spec_id;
    const std::string& text = texts.at(c.spec_id);
    for (const std::string& part : quoted_parts(c.rule))
      EXPECT_NE(text.find(part), std::string::npos)
          << c.id << " quotes \"" << part << "\", not in " << c.spec_id << ": " << text;
  }
}

}  // namespace
}  // namespace mcpgym::conformance

namespace mcpgym::conformance {
namespace {

TEST(Profile, TheEraKeyIsReadAndRefusedWhenUnknown) {
  auto p = profile_from_json(json{{"url", "http://127.0.0.1:1/mcp"}, {"era", "modern"}});
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->era, EraChoice::kModern);
  EXPECT_EQ(p->to_json()["era"], "modern");
  auto deflt = profile_from_json(json{{"url", "http://127.0.0.1:1/mcp"}});
  ASSERT_TRUE(deflt) << deflt.error();
  EXPECT_EQ(deflt->era, EraChoice::kAuto);
  auto wrong = profile_from_json(json{{"url", "http://127.0.0.1:1/mcp"}, {"era", "sideways"}});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error(),
            "[mcpgym.conform.bad_profile] era: 'sideways' is not legacy, modern, both or auto");
}

TEST(Eras, AToldEraSkipsTheOtherEraSaysWhy) {
  Profile p;
  p.era = EraChoice::kLegacy;
  auto legacy = told_eras(p);
  ASSERT_TRUE(legacy);
  EXPECT_EQ(legacy->skip_reason(CheckEra::kModern), "not judged: --era legacy");
  EXPECT_FALSE(legacy->skip_reason(CheckEra::kLegacy));
  EXPECT_FALSE(legacy->skip_reason(CheckEra::kBoth));
  p.era = EraChoice::kModern;
  auto modern = told_eras(p);
  ASSERT_TRUE(modern);
  EXPECT_EQ(modern->skip_reason(CheckEra::kLegacy), "not judged: --era modern");
  EXPECT_FALSE(modern->skip_reason(CheckEra::kModern));
  p.era = EraChoice::kBoth;
  EXPECT_EQ(told_eras(p)->judged(), "legacy and modern");
  p.era = EraChoice::kAuto;
  EXPECT_FALSE(told_eras(p));
}

// Auto asks the server: the reference serves both eras on one endpoint.
TEST(Eras, AutoFindsBothErasOnTheReference) {
  TempWork work;
  Profile auto_eras = reference_backend_profile();
  auto_eras.era = EraChoice::kAuto;
  Runner runner(auto_eras, work.paths());
  Check modern = make_check("core.modern", [](Context&) { return Outcome::held("", ""); });
  modern.needs.era = CheckEra::kModern;
  EXPECT_EQ(runner.run_one(modern, 10s).verdict, Verdict::kPass);
  ASSERT_TRUE(runner.eras());
  EXPECT_EQ(runner.eras()->judged(), "legacy and modern");
  EXPECT_EQ(runner.eras()->probe,
            "server/discover marked the modern era; initialize opened a legacy session");
}

}  // namespace
}  // namespace mcpgym::conformance
