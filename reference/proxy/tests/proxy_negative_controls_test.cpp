// mcpgym-proxy's testing-only --fault flags (negative controls for PROXY-006
// and PROXY-004): each reproduces a bug of an earlier reward-kit proxy, and is
// shown here against the correct behaviour it breaks.
#include <gtest/gtest.h>

#include <sstream>

#include "reference/proxy/tests/support.hpp"

namespace mcpgym::proxy::testing {
namespace {

std::string frozenlake_template(const std::string& more = "") {
  return "'" + kFrozenLakeBin + "' --port {port}" + more;
}

// Where /proc/self/exe of the proxy points: symlinks resolved.
fs::path proxy_bin_dir() {
  return fs::canonical(kProxyBin).parent_path();
}

class ProxyNegativeControls : public ProxyTest {
 protected:
  // The proxy must refuse `args` when started from dir(): status 2 and exactly `message`.
  void ExpectRefused(const std::vector<std::string>& args, const std::string& message) {
    const Finished done = run_to_exit(kProxyBin, args, dir());
    ASSERT_TRUE(done.status) << "still running after 10 s; stdout: " << done.stdout_text;
    EXPECT_EQ(*done.status, (ExitStatus{false, 2}));
    EXPECT_EQ(done.stdout_text, "");
    EXPECT_EQ(done.stderr_text, "mcpgym-proxy: " + message + "\n");
  }

  // The Accept header of every POST a backend received, from its --audit-dir trail.
  std::vector<std::string> accepts_seen_by_backends(const fs::path& audit_dir) const {
    std::vector<std::string> accepts;
    for (const auto& entry : fs::directory_iterator(audit_dir)) {
      std::istringstream lines(read_file(entry.path()));
      for (std::string line; std::getline(lines, line);) {
        const json event = json::parse(line);
        if (event["event"] == "request" && event["method"] == "POST") {
          accepts.push_back(event["headers"].value("accept", "(absent)"));
        }
      }
    }
    return accepts;
  }
};

TEST_F(ProxyNegativeControls, UnknownFaultExitsWith2ListingTheValidOnes) {
  ExpectRefused({"--backend", frozenlake_template(), "--fault", "script-relative-to-exe,bogus"},
                "[mcpgym.cli.invalid_value] --fault expects one of script-relative-to-exe, "
                "forward-accept-json-only, forward-resource-read-get, backend-survives-delete, "
                "backends-outlive-proxy, backend-error-without-stderr, "
                "refuse-while-starting, modern-handle-passthrough, modern-route-to-first, "
                "modern-close-keeps-backend; got "
                "'bogus'");
}

TEST_F(ProxyNegativeControls, ScriptRelativeToExeResolvesAgainstTheProxyExecutablesDirectory) {
  // Relative to the start directory the script exists; relative to the
  // executable's directory it does not, and the refusal names that path.
  write_file(dir() / "backend.sh", "exec '" + kFrozenLakeBin + "' \"$@\"\n");
  const fs::path wrong = proxy_bin_dir() / "backend.sh";
  ASSERT_FALSE(fs::exists(wrong));
  ExpectRefused({"--server-script", "backend.sh", "--interpreter", "/bin/sh", "--fault",
                 "script-relative-to-exe"},
                "[mcpgym.proxy.bad_backend] server script " + wrong.string() +
                    " does not exist (resolved from 'backend.sh' against " +
                    proxy_bin_dir().string() + ")");
}

TEST_F(ProxyNegativeControls, ScriptRelativeToExeFindsWhatLiesBesideTheProxy) {
  // mcpgym-frozenlake is built beside mcpgym-proxy, not in the start directory.
  ASSERT_EQ(fs::canonical(kFrozenLakeBin).parent_path(), proxy_bin_dir());
  const std::vector<std::string> args = {"--backend", "./mcpgym-frozenlake --port {port}"};
  ExpectRefused(args, "[mcpgym.proxy.bad_backend] " +
                          (fs::canonical(dir()) / "mcpgym-frozenlake").string() +
                          " does not exist (resolved from './mcpgym-frozenlake' against " +
                          fs::canonical(dir()).string() + ")");

  auto with_fault = args;
  with_fault.insert(with_fault.end(), {"--fault", "script-relative-to-exe"});
  auto proxy = start_proxy(with_fault);
  ASSERT_TRUE(proxy) << proxy.error();
  auto client = proxy->client();
  ASSERT_TRUE(client->initialize({{"seed", 5}})) << proxy->stderr_text();
  EXPECT_EQ((*client->read_resource("game://initial_state"))["seed"], 5);
  client.reset();
  EXPECT_EQ(proxy->terminate(), (ExitStatus{false, 0}));
}

TEST_F(ProxyNegativeControls, ForwardAcceptJsonOnlyGets406FromAStrictBackend) {
  auto proxy =
      start_proxy({"--backend", frozenlake_template(), "--fault", "forward-accept-json-only"});
  ASSERT_TRUE(proxy) << proxy.error();
  auto client = proxy->client();
  const auto init = client->initialize({{"seed", 1}});
  ASSERT_FALSE(init) << "a strict backend accepted Accept: application/json";
  EXPECT_EQ(rpc_error_of(init.error()),
            (json{{"code", -32000},
                  {"message",
                   "[mcpgym.http.not_acceptable] Not Acceptable: the Accept header must list "
                   "both application/json and text/event-stream; got \"application/json\""}}))
      << init.error().message();
  client.reset();
  EXPECT_EQ(proxy->terminate(), (ExitStatus{false, 0}));
}

// What the conformance suite does: a lenient, audited backend shows what the proxy sends.
TEST_F(ProxyNegativeControls, ForwardedAcceptAsALenientAuditedBackendSeesIt_PROXY004) {
  for (const bool fault : {false, true}) {
    SCOPED_TRACE(fault ? "with the fault" : "without the fault");
    const fs::path audit = dir() / (fault ? "audit-fault" : "audit-correct");
    std::vector<std::string> args = {
        "--backend", frozenlake_template(" --lenient-accept --audit-dir '" + audit.string() + "'")};
    if (fault) args.insert(args.end(), {"--fault", "forward-accept-json-only"});
    auto proxy = start_proxy(args);
    ASSERT_TRUE(proxy) << proxy.error();
    auto client = proxy->client();
    ASSERT_TRUE(client->initialize({{"seed", 1}})) << proxy->stderr_text();
    ASSERT_TRUE(client->call_tool("lake_move", {{"action", "DOWN"}}));
    client.reset();
    ASSERT_EQ(proxy->terminate(), (ExitStatus{false, 0}));

    const auto accepts = accepts_seen_by_backends(audit);
    ASSERT_GE(accepts.size(), 3U);  // initialize, initialized, tools/call
    for (const auto& accept : accepts) {
      EXPECT_EQ(accept, fault ? "application/json" : "application/json, text/event-stream");
    }
  }
}

}  // namespace
}  // namespace mcpgym::proxy::testing
