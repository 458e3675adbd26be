// mcpgym-proxy in front of a backend this project did not write: the
// TypeScript SDK example (fixtures/servers/ts-frozenlake), which answers with
// SSE streams and issues its own session ids (docs/spec.md PROXY-001,
// PROXY-004, PROXY-006: a --backend program found on PATH).
#include <gtest/gtest.h>

#include "harness/process/tests/node_fixture.hpp"
#include "harness/rollout/policy.hpp"
#include "harness/rollout/rollout.hpp"
#include "reference/proxy/tests/support.hpp"

namespace mcpgym::proxy::testing {
namespace {

class ProxyThirdParty : public ProxyTest {};

TEST_F(ProxyThirdParty, RolloutThroughTheProxyToTheTypeScriptSdkServer_PROXY001_PROXY004) {
  namespace node_fixture = harness::node_fixture;
  if (!node_fixture::node_and_npm_installed()) GTEST_SKIP() << node_fixture::kSkipMessage;
  auto app = node_fixture::install("ts-frozenlake", dir(), dir() / "npm-logs");
  ASSERT_TRUE(app.has_value()) << app.error();

  auto proxy =
      start_proxy({"--backend", "node '" + (*app / "server.mjs").string() + "' --port {port}"});
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
