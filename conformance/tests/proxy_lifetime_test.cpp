// The proxy-lifetime checks (checks/proxy_lifetime.cpp, PROXY-009, 011, 012)
// and PROXY-004 judged on every request the backend received: each passes
// against the reference proxy and fails against the fault of mcpgym-proxy
// that reproduces its bug, and no other of these checks fails with it.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "conformance/core/runner.hpp"
#include "conformance/tests/support.hpp"

namespace mcpgym::conformance {
namespace {

using testing::describe;
using testing::reference_proxy_profile;
using testing::run_checks;

const std::vector<std::string> kLifetimeChecks = {"proxy-lifetime.failed-backend",
                                                  "proxy-lifetime.delete-stops-backend",
                                                  "proxy-lifetime.idle-expiry-stops-backend",
                                                  "proxy-lifetime.sigterm-stops-backends",
                                                  "proxy-lifetime.sigkill-leaves-no-backend",
                                                  "proxy-lifetime.reconnect-keeps-session",
                                                  "proxy-lifetime.idle-pause-keeps-session"};

// The reference proxy whose sessions expire after 1 s idle, with the
// profile saying so (so the idle-expiry check runs).
Profile expiring_proxy_profile(std::vector<std::string> flags = {}) {
  flags.insert(flags.end(), {"--idle-timeout", "1"});
  Profile p = reference_proxy_profile(flags);
  p.idle_timeout = std::chrono::milliseconds(1'000);
  return p;
}

const CheckResult& result_of(const std::vector<CheckResult>& results, const std::string& id) {
  for (const auto& r : results) {
    if (r.id == id) return r;
  }
  ADD_FAILURE() << "no result for " << id;
  static const CheckResult none;
  return none;
}

// Every result passes but those named in `failing`, which fail with an
// `actual` holding the text given.
void expect_only_failing(const std::vector<CheckResult>& results,
                         const std::map<std::string, std::string>& failing) {
  for (const auto& r : results) {
    const auto it = failing.find(r.id);
    if (it == failing.end()) {
      EXPECT_EQ(r.verdict, Verdict::kPass) << describe(r);
      continue;
    }
    EXPECT_EQ(r.verdict, Verdict::kFail) << describe(r);
    EXPECT_NE(r.actual.find(it->second), std::string::npos) << r.actual;
  }
  for (const auto& [id, text] : failing)
    (void)result_of(results, id);
}

TEST(ProxyLifetime, AllPassAgainstTheReferenceProxy) {
  const auto results = run_checks(expiring_proxy_profile(), {"proxy-lifetime.*"});
  ASSERT_EQ(results.size(), kLifetimeChecks.size());
  expect_only_failing(results, {});
}

TEST(ProxyLifetime, IdleExpirySkippedWithoutAnIdleTimeoutInTheProfile) {
  const CheckResult r =
      testing::run_check(reference_proxy_profile(), "proxy-lifetime.idle-expiry-stops-backend");
  EXPECT_EQ(r.verdict, Verdict::kSkip) << describe(r);
  EXPECT_EQ(r.actual,
            "the profile gives no idle_timeout_ms (the proxy's session idle timeout), so the "
            "suite does not wait for an expiry");
}

TEST(ProxyLifetime, ABackendLeftRunningAfterDeleteFails) {
  const auto results = run_checks(expiring_proxy_profile({"--fault", "backend-survives-delete"}),
                                  {"proxy-lifetime.*"});
  expect_only_failing(
      results,
      {{"proxy-lifetime.delete-stops-backend", " ms after DELETE of its session"},
       {"proxy-lifetime.idle-expiry-stops-backend", " ms after its session's last request"}});
}

TEST(ProxyLifetime, BackendsOutlivingASigkilledProxyFailAndAreCleanedUp) {
  const auto results = run_checks(expiring_proxy_profile({"--fault", "backends-outlive-proxy"}),
                                  {"proxy-lifetime.*"});
  expect_only_failing(results,
                      {{"proxy-lifetime.sigkill-leaves-no-backend", "2 of 2 backends (pid "}});
  const CheckResult& r = result_of(results, "proxy-lifetime.sigkill-leaves-no-backend");
  EXPECT_NE(r.actual.find(" ms after the proxy was gone"), std::string::npos) << r.actual;
  // The suite killed them itself, by pid.
  std::size_t killed = 0;
  for (const auto& line : r.details) {
    killed += line.find("the suite killed the leftover backend pid ") == 0;
  }
  EXPECT_EQ(killed, 2u) << describe(r);
}

TEST(ProxyLifetime, AFailedBackendWithoutItsStderrFails) {
  const auto results = run_checks(
      expiring_proxy_profile({"--fault", "backend-error-without-stderr"}), {"proxy-lifetime.*"});
  expect_only_failing(results, {{"proxy-lifetime.failed-backend",
                                 "the JSON-RPC error does not hold the backend's stderr line "
                                 "'mcpgym-conform: this backend exits at start on purpose "
                                 "(PROXY-009 check)': "}});
}

// ------------------------------------------------------------ PROXY-004

TEST(ProxyForwardedRequests, AResourceReadForwardedAsAHeaderPoorGetFails) {
  const auto results =
      run_checks(reference_proxy_profile({"--fault", "forward-resource-read-get"}),
                 {"proxy-forwarding.forwarded-headers", "proxy-forwarding.strict-backend-episode"});
  ASSERT_EQ(results.size(), 2u);
  const CheckResult& headers = result_of(results, "proxy-forwarding.forwarded-headers");
  EXPECT_EQ(headers.verdict, Verdict::kFail) << describe(headers);
  EXPECT_EQ(headers.actual,
            "GET /control/reward (Accept '*/*', Content-Type 'application/json'): not a POST, "
            "and not a request the client sent as such: the proxy made it up");
  // The strict backend refuses that GET, as FastMCP refused it in the field report.
  const CheckResult& strict = result_of(results, "proxy-forwarding.strict-backend-episode");
  EXPECT_EQ(strict.verdict, Verdict::kFail) << describe(strict);
  EXPECT_NE(strict.actual.find("Backend server error: 406"), std::string::npos) << strict.actual;
}

}  // namespace
}  // namespace mcpgym::conformance
