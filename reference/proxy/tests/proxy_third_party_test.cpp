// mcpgym-proxy in front of a backend this project did not write: the
// TypeScript SDK example (fixtures/servers/ts-frozenlake), which answers with
// SSE streams and issues its own session ids (docs/spec.md PROXY-001,
// PROXY-004, PROXY-006: a --backend program found on PATH).
#include <gtest/gtest.h>

#include <cstdlib>

#include "harness/rollout/policy.hpp"
#include "harness/rollout/rollout.hpp"
#include "reference/proxy/tests/support.hpp"

namespace mcpgym::proxy::testing {
namespace {

class ProxyThirdParty : public ProxyTest {};

TEST_F(ProxyThirdParty, RolloutThroughTheProxyToTheTypeScriptSdkServer_PROXY001_PROXY004) {
  if (std::system("command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "Node.js and npm are not installed: the TypeScript SDK backend test needs "
                    "them (apt-get install nodejs npm)";
  }
  const fs::path app = dir() / "ts-frozenlake";
  fs::create_directories(app);
  for (const char* file : {"package.json", "package-lock.json", "server.mjs"}) {
    fs::copy_file(kSourceDir / "fixtures/servers/ts-frozenlake" / file, app / file);
  }
  const Finished installed =
      run_to_exit("npm", {"ci", "--no-audit", "--no-fund"}, app, std::chrono::seconds(120));
  ASSERT_TRUE(installed.status) << "npm ci did not finish within 120 s";
  ASSERT_EQ(*installed.status, (ExitStatus{false, 0})) << "npm ci failed:\n"
                                                       << installed.stderr_text;

  auto proxy =
      start_proxy({"--backend", "node '" + (app / "server.mjs").string() + "' --port {port}"});
  ASSERT_TRUE(proxy) << proxy.error();
  const json classic = {{"desc", {"SFFF", "FHFH", "FFFH", "HFFG"}}};
  auto connector = harness::url_connector(proxy->url());
  harness::RolloutOptions options;
  options.max_steps = 20;
  const auto result = harness::run_rollout(*connector, {{0, classic}, {1, classic}},
                                           harness::shortest_path_policy(), options);
  for (const auto& env : result.envs) {
    SCOPED_TRACE(env.describe());
    ASSERT_FALSE(env.error) << "proxy stderr:\n" << proxy->stderr_text();
    EXPECT_TRUE(env.terminated);
    EXPECT_EQ(env.total_reward, 1.0);
    EXPECT_EQ(env.steps, 6);
    ASSERT_EQ(env.lines.size(), 6U);
    EXPECT_EQ(env.lines.back().messages.back()["metadata"]["control_plane"]["reward"].dump(),
              "1.0");
  }
  const auto status = proxy->terminate();
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, (ExitStatus{false, 0}));
}

}  // namespace
}  // namespace mcpgym::proxy::testing
