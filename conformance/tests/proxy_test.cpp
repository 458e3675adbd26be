// The proxy checks (checks/proxy_paths.cpp, checks/proxy_forwarding.cpp): each
// passes against the reference proxy and fails against a broken one: a
// fault-injected reference proxy, a MutantFront in front of the reference
// proxy, or a stand-in "proxy" that is a one-line shell command (one backend
// for every session, a server that ignores {backend}, a program that exits
// or hangs).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/core/instrumented_backend.hpp"
#include "conformance/core/runner.hpp"
#include "conformance/tests/mutant_front.hpp"
#include "conformance/tests/support.hpp"
#include "harness/process/supervisor.hpp"

namespace mcpgym::conformance {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using testing::describe;
using testing::reference_cliffwalking_proxy_profile;
using testing::reference_proxy_profile;
using testing::run_check;
using testing::run_checks;

const std::vector<std::string> kPathChecks = {
    "proxy-paths.relative-script", "proxy-paths.absolute-script", "proxy-paths.spaces-in-path",
    "proxy-paths.symlinked-script", "proxy-paths.missing-script"};
const std::vector<std::string> kForwardingChecks = {"proxy-forwarding.forwarded-headers",
                                                    "proxy-forwarding.strict-backend-episode",
                                                    "proxy-forwarding.session-per-backend",
                                                    "proxy-forwarding.own-session-ids",
                                                    "proxy-forwarding.seed-reaches-backend",
                                                    "proxy-forwarding.methods-from-backend",
                                                    "proxy-forwarding.max-envs",
                                                    "proxy-forwarding.backend-crash-isolated",
                                                    "proxy-forwarding.burst-of-sessions"};

const CheckResult& result_of(const std::vector<CheckResult>& results, const std::string& id) {
  for (const auto& r : results) {
    if (r.id == id) return r;
  }
  ADD_FAILURE() << "no result for " << id;
  static const CheckResult none;
  return none;
}

// The result of `id`, asserted to fail with an `actual` that contains `part`.
const CheckResult& expect_fail_naming(const std::vector<CheckResult>& results,
                                      const std::string& id, const std::string& part) {
  const CheckResult& r = result_of(results, id);
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_NE(r.actual.find(part), std::string::npos) << r.actual;
  return r;
}

// A stand-in proxy: `/bin/sh -c SCRIPT {port} {backend}` ($0 is the port, $1
// the backend launcher).
Profile shell_proxy(const std::string& name, const std::string& script) {
  Profile p = reference_proxy_profile();
  p.name = name;
  p.command = "/bin/sh -c " + harness::template_word(script) + " {port} {backend}";
  return p;
}

// No proxy at all: the suite's launcher run once, one backend for every session.
Profile single_backend_proxy() {
  return shell_proxy("one backend for all sessions", "exec /bin/sh \"$1\" --port \"$0\"");
}

// `text` as a regular expression that matches exactly it.
std::string escape_regex(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

// ------------------------------------------------------------ the reference

TEST(ProxyChecks, AllPassAgainstTheReferenceProxy) {
  std::vector<std::string> ids = kPathChecks;
  ids.insert(ids.end(), kForwardingChecks.begin(), kForwardingChecks.end());
  const auto started = std::chrono::steady_clock::now();
  const auto results =
      run_checks(reference_proxy_profile(), {"proxy-paths.*", "proxy-forwarding.*"});
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  ASSERT_EQ(results.size(), ids.size());
  for (const auto& id : ids) {
    const CheckResult& r = result_of(results, id);
    EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
    std::cout << "  " << id << ": " << verdict_name(r.verdict) << " in " << r.duration.count()
              << " ms: " << r.actual << "\n";
  }
  std::cout << "  all proxy checks: " << took.count() << " ms\n";
  EXPECT_LT(took, std::chrono::seconds(10));
}

TEST(ProxyChecks, ReportWhereTheBackendRan) {
  const CheckResult r = run_check(reference_proxy_profile(), "proxy-paths.relative-script");
  ASSERT_EQ(r.verdict, Verdict::kPass) << describe(r);
  // The reference runs a --server-script backend in its script's directory.
  EXPECT_NE(r.actual.find("/elsewhere/envs, the script's directory"), std::string::npos)
      << r.actual;
  const CheckResult s = run_check(reference_proxy_profile(), "proxy-paths.symlinked-script");
  ASSERT_EQ(s.verdict, Verdict::kPass) << describe(s);
  EXPECT_NE(s.actual.find("the symlink target's directory"), std::string::npos) << s.actual;
}

TEST(ProxyChecks, PathChecksStartAProxyGivenByARelativeProgram) {
  // `./mcpgym-proxy` names a file of the profile's start directory; started
  // from the checks' own directories, it must still be found.
  Profile p = reference_proxy_profile();
  p.working_directory = testing::bin_dir();
  p.command = "./mcpgym-proxy --port {port} --server-script {backend} --interpreter /bin/sh";
  const auto results = run_checks(p, {"proxy-paths.*"});
  ASSERT_EQ(results.size(), kPathChecks.size());
  for (const auto& r : results)
    EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
}

TEST(ProxyChecks, SkippedForBackendsAndWithoutALimit) {
  const auto results =
      run_checks(testing::reference_backend_profile(), {"proxy-paths.*", "proxy-forwarding.*"});
  ASSERT_FALSE(results.empty());
  for (const auto& r : results)
    EXPECT_EQ(r.verdict, Verdict::kSkip) << describe(r);

  Profile unlimited = reference_proxy_profile();
  unlimited.max_envs.reset();
  const CheckResult r = run_check(unlimited, "proxy-forwarding.max-envs");
  EXPECT_EQ(r.verdict, Verdict::kSkip) << describe(r);
  EXPECT_NE(r.actual.find("gives no max_envs"), std::string::npos) << r.actual;
}

// ------------------------------------------------------------ PROXY-006/007

// Backends that take a second each to start: the 64-session id sample
// overruns its deadline (the check timeout plus an allowance per backend the
// proxy starts), and the message says what was slow instead of "hung". The
// delay is the backend's own (its interpreter wrapper holds back its
// readiness line), not the test's.
TEST(ProxyChecks, SlowBackendsAreReportedAsSlowNotHung) {
  testing::TempWork work;
  const fs::path slow = work.paths().work_dir / "slow-sh";
  // The readiness line comes a second late; the port is bound at once, so no
  // other program can take it meanwhile.
  std::ofstream(slow) << "#!/bin/sh\n/bin/sh \"$@\" | { sleep 1; exec cat; }\n";
  fs::permissions(slow, fs::perms::owner_all);
  const Profile p = reference_proxy_profile({"--interpreter", slow.string()});
  const auto started = std::chrono::steady_clock::now();
  const auto results = run_checks(p, {"sessions.ids-unpredictable"}, std::chrono::seconds(2));
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(results.size(), 1U);
  const CheckResult& r = results.front();
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  // 2 s plus 64 x 0.25 s; the count depends on the machine's speed.
  EXPECT_TRUE(std::regex_match(
      r.actual,
      std::regex("no verdict within 18\\.0 s: [0-9]+ of 64 sessions opened in 18\\.0 s: the "
                 "proxy's backends start slowly \\(each session starts one\\); raise "
                 "--check-timeout \\(the implementation was killed, and restarted for the next "
                 "check\\)")))
      << r.actual;
  EXPECT_LT(took, std::chrono::seconds(60));
}

TEST(ProxyPaths, ScriptRelativeToExeFailsOnlyTheRelativePath) {
  const auto results = run_checks(reference_proxy_profile({"--fault", "script-relative-to-exe"}),
                                  {"proxy-paths.*", "proxy-forwarding.*"});
  ASSERT_EQ(results.size(), kPathChecks.size() + kForwardingChecks.size());
  const CheckResult& relative =
      expect_fail_naming(results, "proxy-paths.relative-script",
                         "the proxy did not start: [mcpgym.process.exited_early]");
  // It resolved envs/backend.sh against build/bin and gave up.
  EXPECT_NE(relative.actual.find((testing::bin_dir() / "envs" / "backend.sh").string()),
            std::string::npos)
      << relative.actual;
  // Absolute paths, and so every other proxy check, are unaffected.
  for (const auto& r : results) {
    if (r.id == relative.id) continue;
    EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
  }
}

TEST(ProxyPaths, ABackendRunningElsewhereFails) {
  // A "proxy" that ignores {backend} and serves from the reference backend:
  // every session works, but none came from the script.
  const std::string backend = (testing::bin_dir() / "mcpgym-frozenlake").string();
  const Profile p = shell_proxy("ignores {backend}", "exec '" + backend + "' --port \"$0\"");
  const auto results = run_checks(p, {"proxy-paths.absolute-script", "proxy-paths.missing-script",
                                      "proxy-forwarding.forwarded-headers"});
  // The blame lands on the proxy ignoring {backend}, with how to pass it.
  const std::string how =
      " was never started (its audit directory is empty): the proxy served the session from a "
      "backend of its own choosing. Have the proxy start each session's backend from "
      "{backend}, the launcher the suite writes: put {backend} in the profile's command where "
      "the proxy takes its backend, e.g. '--server-script {backend}' or \"--backend '{backend} "
      "--port {{port}}'\"";
  const CheckResult& absolute = result_of(results, "proxy-paths.absolute-script");
  EXPECT_EQ(absolute.verdict, Verdict::kFail) << describe(absolute);
  EXPECT_TRUE(std::regex_match(
      absolute.actual,
      std::regex("the session worked, but the suite's instrumented backend /[^ ]+/backend\\.sh" +
                 escape_regex(how))))
      << absolute.actual;
  const CheckResult& headers = result_of(results, "proxy-forwarding.forwarded-headers");
  EXPECT_EQ(headers.verdict, Verdict::kFail) << describe(headers);
  EXPECT_EQ(headers.actual, "the suite's instrumented backend ({backend})" + how);
  const CheckResult& missing = expect_fail_naming(
      results, "proxy-paths.missing-script", "the proxy started and listened at http://127.0.0.1:");
  EXPECT_NE(missing.actual.find("with its backend script missing"), std::string::npos)
      << missing.actual;
}

TEST(ProxyPaths, APathSplitAtSpacesFails) {
  // One unquoted "$1": the script path is split at its spaces.
  const CheckResult r = run_check(shell_proxy("splits at spaces", "exec /bin/sh $1 --port \"$0\""),
                                  "proxy-paths.spaces-in-path");
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_NE(r.actual.find("the proxy did not start: [mcpgym.process.exited_early]"),
            std::string::npos)
      << r.actual;
  EXPECT_NE(r.actual.find("/my: "), std::string::npos) << r.actual;  // sh: cannot open .../my
}

TEST(ProxyPaths, ASymlinkResolvedAgainstTheWrongDirectoryFails) {
  // The link's relative target read against the start directory, not the link's.
  const CheckResult r =
      run_check(shell_proxy("resolves symlinks against its cwd",
                            "exec /bin/sh \"$(readlink \"$1\" || echo \"$1\")\" --port \"$0\""),
                "proxy-paths.symlinked-script");
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_NE(r.actual.find("the proxy did not start: [mcpgym.process.exited_early]"),
            std::string::npos)
      << r.actual;
  EXPECT_NE(r.actual.find("../../real/backend.sh"), std::string::npos) << r.actual;
}

TEST(ProxyPaths, MissingScriptWithTheWrongStatusOrNoPathFails) {
  const CheckResult r =
      run_check(shell_proxy("exits 1 without naming the script",
                            "if [ ! -e \"$1\" ]; then echo 'something went wrong' >&2; exit 1; fi; "
                            "exec /bin/sh \"$1\" --port \"$0\""),
                "proxy-paths.missing-script");
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_NE(r.actual.find("with exit status 1, its output does not name "), std::string::npos)
      << r.actual;
  EXPECT_NE(r.actual.find("something went wrong"), std::string::npos) << r.actual;
}

TEST(ProxyPaths, MissingScriptProxyThatHangsFails) {
  const auto started = std::chrono::steady_clock::now();
  const CheckResult r = run_check(shell_proxy("hangs without its script",
                                              "[ -e \"$1\" ] || exec sleep 30; "
                                              "exec /bin/sh \"$1\" --port \"$0\""),
                                  "proxy-paths.missing-script");
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.actual,
            "the proxy neither exited nor became ready within 5000 ms: it hung (it was "
            "stopped)");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(9));
}

// ------------------------------------------------------------ PROXY-004

TEST(ProxyForwarding, AcceptJsonOnlyFailsHeadersAndStrictEpisode) {
  const auto results = run_checks(reference_proxy_profile({"--fault", "forward-accept-json-only"}),
                                  {"proxy-forwarding.*"});
  const CheckResult& headers =
      expect_fail_naming(results, "proxy-forwarding.forwarded-headers",
                         "POST #1 (initialize) had Accept 'application/json'");
  const CheckResult& strict =
      expect_fail_naming(results, "proxy-forwarding.strict-backend-episode", "FAILED");
  EXPECT_NE(strict.actual.find("[mcpgym.http.not_acceptable]"), std::string::npos) << strict.actual;
  // Nothing else depends on the Accept header (the instrumented backend is lenient).
  for (const auto& r : results) {
    if (r.id == headers.id || r.id == strict.id) continue;
    EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
  }
}

// The strict backend serves the profile's game: CliffWalking's episode is its
// driver's 13-move safe path, and it fails the same way without the Accept header.
TEST(ProxyForwarding, StrictEpisodeWalksCliffWalkingsSafePath) {
  const CheckResult clean =
      run_check(reference_cliffwalking_proxy_profile(), "proxy-forwarding.strict-backend-episode");
  EXPECT_EQ(clean.verdict, Verdict::kPass) << describe(clean);
  EXPECT_NE(clean.actual.find("terminated at step 13, total reward -13.0, on the strict backend"),
            std::string::npos)
      << describe(clean);
  const auto results =
      run_checks(reference_cliffwalking_proxy_profile({"--fault", "forward-accept-json-only"}),
                 {"proxy-forwarding.strict-backend-episode"});
  const CheckResult& strict =
      expect_fail_naming(results, "proxy-forwarding.strict-backend-episode", "FAILED");
  EXPECT_NE(strict.actual.find("[mcpgym.http.not_acceptable]"), std::string::npos) << strict.actual;
}

// ------------------------------------------------------------ PROXY-001/002/008/010

// PROXY-013: a proxy that loses sessions in a burst (it refuses an
// initialize while another backend starts) fails the burst check, which
// passes against the reference proxy (AllPassAgainstTheReferenceProxy).
TEST(ProxyForwarding, ABurstThatLosesSessionsFails) {
  const CheckResult r = run_check(reference_proxy_profile({"--fault", "refuse-while-starting"}),
                                  "proxy-forwarding.burst-of-sessions");
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.expected,
            "8 sessions opened at the same moment (the profile's max_envs, at most 32) all "
            "initialize, take a step and read the control plane");
  EXPECT_TRUE(std::regex_match(
      r.actual,
      std::regex("[1-7] of 8 sessions opened at the same moment failed; the first: session [1-8] "
                 "\\(seed 609[0-9][0-9]\\): initialize failed: .*" +
                 escape_regex("[mcpgym.proxy.backend_failed] The backend for this session did "
                              "not start: another backend is starting (--fault "
                              "refuse-while-starting)") +
                 ".*")))
      << r.actual;
}

TEST(ProxyForwarding, OneBackendForAllSessionsFails) {
  const auto results =
      run_checks(single_backend_proxy(),
                 {"proxy-forwarding.session-per-backend", "proxy-forwarding.own-session-ids",
                  "proxy-forwarding.max-envs", "proxy-forwarding.backend-crash-isolated"});
  expect_fail_naming(results, "proxy-forwarding.session-per-backend",
                     "both sessions were served by one backend process, pid ");
  expect_fail_naming(results, "proxy-forwarding.own-session-ids", "the very id its backend (pid ");
  const CheckResult& limit = result_of(results, "proxy-forwarding.max-envs");
  EXPECT_EQ(limit.verdict, Verdict::kFail) << describe(limit);
  EXPECT_EQ(limit.actual, "initialize 9 succeeded: the proxy went past its limit of 8");
  expect_fail_naming(results, "proxy-forwarding.backend-crash-isolated",
                     "sessions A and B are served by one backend process (pid ");
}

TEST(ProxyForwarding, ALimitThatIsNotEnforcedFails) {
  // The profile says 2; the proxy allows 8.
  Profile p = reference_proxy_profile();
  p.max_envs = 2;
  const CheckResult r = run_check(p, "proxy-forwarding.max-envs");
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.actual, "initialize 3 succeeded: the proxy went past its limit of 2");
}

// ------------------------------------------------------------ PROXY-003/005

// The reference proxy started by the test, reached through a MutantFront, with
// the instrumented backend auditing where the suite's Target looks
// (work_dir/audit).
class FrontedProxy {
 public:
  FrontedProxy(const testing::TempWork& work, testing::MutantFront::RequestHook on_request,
               testing::MutantFront::ResponseHook on_response = {}) {
    const SuitePaths paths = work.paths();
    const auto script = paths.work_dir / "fronted" / "backend.sh";
    auto written = write_backend_launcher({.script = script,
                                           .reference_backend = paths.reference_backend,
                                           .audit_dir = paths.work_dir / "audit",
                                           .strict = false,
                                           .extra_args = {}});
    EXPECT_TRUE(written) << written.error();
    harness::LaunchSpec spec;
    spec.command = "'" + (testing::bin_dir() / "mcpgym-proxy").string() +
                   "' --port {port} --server-script {backend} --interpreter /bin/sh";
    spec.values = {{"backend", script.string()}};
    spec.log_directory = paths.work_dir / "logs";
    spec.name = "fronted-proxy";
    auto launched = harness::launch(spec);
    EXPECT_TRUE(launched) << launched.error();
    if (!launched) return;
    proxy_ = std::move(launched).value();
    front_ = std::make_unique<testing::MutantFront>("127.0.0.1", *proxy_->port(),
                                                    std::move(on_request), std::move(on_response));
  }
  std::string url() const { return front_ ? front_->url() : std::string("http://127.0.0.1:1/mcp"); }

 private:
  std::unique_ptr<harness::Process> proxy_;
  std::unique_ptr<testing::MutantFront> front_;
};

CheckResult run_through(FrontedProxy& fronted, const testing::TempWork& work,
                        const std::string& id) {
  Runner runner(testing::url_profile(fronted.url(), ProfileKind::kProxy), work.paths());
  return runner.run_one(testing::check_by_id(id), std::chrono::seconds(60));
}

using testing::ForwardedRequest;
using testing::ForwardedResponse;

TEST(ProxyForwarding, PassesThroughAFaithfulFront) {
  testing::TempWork work;
  FrontedProxy fronted(work, {});
  for (const char* id :
       {"proxy-forwarding.seed-reaches-backend", "proxy-forwarding.methods-from-backend"}) {
    const CheckResult r = run_through(fronted, work, id);
    EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
  }
}

TEST(ProxyForwarding, ASeedLostOnTheWayFails) {
  testing::TempWork work;
  // One line: the client's seed becomes another before it reaches the proxy.
  FrontedProxy fronted(work, [](ForwardedRequest& req) -> std::optional<ForwardedResponse> {
    json body = json::parse(req.body, nullptr, false);
    if (body.is_object() && body.value("method", "") == "initialize") {
      json& extra = body["params"]["clientInfo"]["_extra"];
      if (extra.is_object() && extra.contains("seed")) extra["seed"] = 99;
      req.body = body.dump();
    }
    return std::nullopt;
  });
  const CheckResult r = run_through(fronted, work, "proxy-forwarding.seed-reaches-backend");
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_NE(
      r.actual.find("no backend got seed 60716; the backends this check started got seed(s) "),
      std::string::npos)
      << r.actual;
  EXPECT_NE(r.actual.find("99"), std::string::npos) << r.actual;
}

TEST(ProxyForwarding, ACachedToolListFails) {
  testing::TempWork work;
  // One line: tools/list is answered from a copy, never reaching a backend.
  FrontedProxy fronted(work, [](ForwardedRequest& req) -> std::optional<ForwardedResponse> {
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object() || body.value("method", "") != "tools/list") return std::nullopt;
    json answer = {{"jsonrpc", "2.0"},
                   {"id", body["id"]},
                   {"result", {{"tools", json::array({{{"name", "lake_move"}}})}}}};
    return ForwardedResponse{
        .status = 200, .headers = {{"content-type", "application/json"}}, .body = answer.dump()};
  });
  const CheckResult r = run_through(fronted, work, "proxy-forwarding.methods-from-backend");
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.actual, "the client's tools/list never reached the backend");
}

TEST(ProxyForwarding, ARewrittenBackendErrorFails) {
  testing::TempWork work;
  // One line: the backend's "method not found" becomes the proxy's own error.
  FrontedProxy fronted(work, {}, [](const ForwardedRequest&, ForwardedResponse& res) {
    if (res.body.find("-32601") != std::string::npos) {
      json body = json::parse(res.body, nullptr, false);
      if (body.is_object() && body.contains("error")) body["error"]["message"] = "proxy error";
      res.body = body.dump();
    }
  });
  const CheckResult r = run_through(fronted, work, "proxy-forwarding.methods-from-backend");
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_NE(r.actual.find("but the client got {\"code\":-32601,"), std::string::npos) << r.actual;
  EXPECT_NE(r.actual.find("\"message\":\"proxy error\"}"), std::string::npos) << r.actual;
}

// ------------------------------------------------------------ PROXY-012

// The proxy of the field reports' style that starts each backend on the
// thread serving the initialize's connection, with a parent-death signal:
// once that connection closes, the backend is gone, and a request of the
// session on another connection fails. cpp-httplib, like Python's threading
// server, serves a connection on one thread, so the front tells connections
// apart by the client's port.
TEST(ProxyLifetime, ASessionLostWithItsInitializeConnectionFails) {
  testing::TempWork work;
  struct Bound {
    std::mutex mutex;
    std::map<std::string, int> port_of;  // session id -> its initialize's client port
  };
  auto bound = std::make_shared<Bound>();
  FrontedProxy fronted(
      work,
      [bound](ForwardedRequest& req) -> std::optional<ForwardedResponse> {
        const std::string id = testing::get_header(req.headers, "mcp-session-id");
        std::lock_guard lock(bound->mutex);
        const auto it = bound->port_of.find(id);
        if (it == bound->port_of.end() || it->second == req.remote_port) return std::nullopt;
        const json answer = {
            {"jsonrpc", "2.0"},
            {"id", nullptr},
            {"error", {{"code", -32000}, {"message", "Backend server error: backend gone"}}}};
        return ForwardedResponse{.status = 502,
                                 .headers = {{"content-type", "application/json"}},
                                 .body = answer.dump()};
      },
      [bound](const ForwardedRequest& req, ForwardedResponse& res) {
        const std::string id = testing::get_header(res.headers, "mcp-session-id");
        if (id.empty() || req.body.find("\"initialize\"") == std::string::npos) return;
        std::lock_guard lock(bound->mutex);
        bound->port_of.emplace(id, req.remote_port);
      });
  const CheckResult r = run_through(fronted, work, "proxy-lifetime.reconnect-keeps-session");
  EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
  EXPECT_EQ(r.actual,
            "the move on the new connection failed: HTTP 502 with body "
            "{\"error\":{\"code\":-32000,\"message\":\"Backend server error: backend "
            "gone\"},\"id\":null,\"jsonrpc\":\"2.0\"}");
  // One connection throughout: the pause alone does not lose the session.
  const CheckResult pause = run_through(fronted, work, "proxy-lifetime.idle-pause-keeps-session");
  EXPECT_EQ(pause.verdict, Verdict::kPass) << describe(pause);
}

}  // namespace
}  // namespace mcpgym::conformance
