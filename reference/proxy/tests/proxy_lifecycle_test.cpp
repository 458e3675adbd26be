// Backends live exactly as long as their sessions (docs/spec.md PROXY-011):
// DELETE and idle expiry stop a session's backend, SIGTERM stops them all
// before the proxy exits, and a proxy killed with SIGKILL leaves none running.
// The test process is a subreaper (ProxyTest), so a backend that outlived its
// proxy would be reparented here, where the test sees and reaps it.
#include <gtest/gtest.h>
#include <signal.h>

#include "reference/proxy/tests/support.hpp"

namespace mcpgym::proxy::testing {
namespace {

std::string frozenlake_template() {
  return "'" + kFrozenLakeBin + "' --port {port}";
}

class ProxyLifecycle : public ProxyTest {
 protected:
  // `count` sessions through the proxy, each with a move; their backends' pids, in session order.
  std::vector<pid_t> open_sessions(const Proxy& proxy, int count,
                                   std::vector<std::unique_ptr<harness::McpClient>>& clients) {
    std::vector<pid_t> pids;
    for (int i = 0; i < count; ++i) {
      const auto before = proxy.backends();
      auto client = proxy.client();
      EXPECT_TRUE(client->initialize({{"seed", i}}).has_value());
      EXPECT_TRUE(client->call_tool("lake_move", {{"action", "LEFT"}}).has_value());
      pids.push_back(new_pid(before, proxy.backends()));
      clients.push_back(std::move(client));
    }
    return pids;
  }
};

TEST_F(ProxyLifecycle, DeleteStopsThatSessionsBackend_PROXY011_SESS006) {
  auto proxy = start_proxy({"--backend", frozenlake_template(), "--log-level", "debug"});
  ASSERT_TRUE(proxy) << proxy.error();
  std::vector<std::unique_ptr<harness::McpClient>> clients;
  const auto pids = open_sessions(*proxy, 2, clients);
  ASSERT_EQ(pids.size(), 2U);
  ASSERT_TRUE(clients[0]->close().has_value());
  // The DELETE answers once the backend is stopped and reaped.
  EXPECT_TRUE(pid_gone(pids[0])) << "backend " << pids[0] << " still exists after DELETE";
  EXPECT_NE(proxy->stderr_text().find("mcpgym-proxy: debug: backend " + std::to_string(pids[0]) +
                                      " stopped: exit status 0\n"),
            std::string::npos)
      << proxy->stderr_text();
  EXPECT_EQ(proxy->backends(), std::vector<pid_t>{pids[1]});
  // The other session is untouched.
  const auto moved = clients[1]->call_tool("lake_move", {{"action", "DOWN"}});
  ASSERT_TRUE(moved) << moved.error().message();
  EXPECT_EQ(clients[1]->read_resource("control://status")->at("step_count"), 2);
}

TEST_F(ProxyLifecycle, IdleExpiryStopsTheBackend_PROXY011_SESS009) {
  auto proxy = start_proxy({"--backend", frozenlake_template(), "--idle-timeout", "0.3"});
  ASSERT_TRUE(proxy) << proxy.error();
  std::vector<std::unique_ptr<harness::McpClient>> clients;
  const auto pids = open_sessions(*proxy, 1, clients);
  ASSERT_EQ(pids.size(), 1U);
  const auto start = Clock::now();
  EXPECT_TRUE(wait_until_gone(pids[0], 5s)) << "backend " << pids[0] << " outlived its session";
  EXPECT_GE(Clock::now() - start, 250ms) << "stopped before the session was idle for 0.3 s";
  const auto after = clients[0]->request("ping", nullptr);
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().http_status, 404) << after.error().message();
  // Logged once the expired sessions' backends are gone, so a moment after the test saw it.
  EXPECT_TRUE(proxy->stderr_gets("mcpgym-proxy: info: 1 idle session(s) expired\n"))
      << proxy->stderr_text();
}

TEST_F(ProxyLifecycle, SigtermStopsEveryBackendThenExitsWithStatus0_PROXY011) {
  auto proxy = start_proxy({"--backend", frozenlake_template()});
  ASSERT_TRUE(proxy) << proxy.error();
  std::vector<std::unique_ptr<harness::McpClient>> clients;
  const auto pids = open_sessions(*proxy, 3, clients);
  ASSERT_EQ(pids.size(), 3U);
  const auto status = proxy->terminate(10s);
  ASSERT_TRUE(status) << "the proxy did not exit within 10 s of SIGTERM";
  EXPECT_EQ(*status, (ExitStatus{false, 0}));
  for (pid_t pid : pids)
    EXPECT_TRUE(pid_gone(pid)) << "backend " << pid << " survived the proxy's SIGTERM";
  EXPECT_NE(proxy->stderr_text().find("mcpgym-proxy: info: stopped 3 backend(s)\n"),
            std::string::npos)
      << proxy->stderr_text();
}

TEST_F(ProxyLifecycle, SigkillLeavesNoBackendRunning_PROXY011) {
  auto proxy = start_proxy({"--backend", frozenlake_template()});
  ASSERT_TRUE(proxy) << proxy.error();
  std::vector<std::unique_ptr<harness::McpClient>> clients;
  const auto pids = open_sessions(*proxy, 3, clients);
  ASSERT_EQ(pids.size(), 3U);
  ASSERT_EQ(::kill(proxy->process->pid(), SIGKILL), 0);
  const auto status = harness::testing::wait_for_exit(*proxy->process, 5s);
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, (ExitStatus{true, SIGKILL}));
  // Orphaned, the backends are this (subreaper) process's children now.
  for (pid_t pid : pids) {
    if (!reap_orphan(pid, 5s)) {
      ADD_FAILURE() << "backend " << pid << " (" << cmdline_of(pid)
                    << ") still runs 5 s after its proxy was killed";
      harness::testing::kill_leftover(pid);
    }
  }
}

// A backend started through a wrapper that does not exec (here `sh run.sh`
// running the server as its child, as many launch scripts do) is gone too when
// the proxy is killed with SIGKILL: PR_SET_PDEATHSIG reaches only the wrapper,
// but the backend's keeper (harness/process/keeper.hpp), a child subreaper,
// kills the wrapper's whole tree once the proxy is gone.
TEST_F(ProxyLifecycle, SigkillLeavesNoBackendChildRunning_PROXY011) {
  const fs::path script = dir() / "run.sh";
  write_file(script, "'" + kFrozenLakeBin + "' \"$@\"\n");  // no exec: the server is a child
  auto proxy = start_proxy({"--server-script", script.string(), "--interpreter", "/bin/sh"});
  ASSERT_TRUE(proxy) << proxy.error();
  std::vector<std::unique_ptr<harness::McpClient>> clients;
  const auto wrappers = open_sessions(*proxy, 1, clients);
  ASSERT_EQ(wrappers.size(), 1U);
  const auto servers = children_of(wrappers[0]);
  ASSERT_EQ(servers.size(), 1U);
  ASSERT_EQ(::kill(proxy->process->pid(), SIGKILL), 0);
  ASSERT_TRUE(harness::testing::wait_for_exit(*proxy->process, 5s));
  EXPECT_TRUE(reap_orphan(wrappers[0], 5s)) << "wrapper " << wrappers[0] << " still runs";
  // The server was the wrapper's child: orphaned here, it must be gone too.
  if (!reap_orphan(servers[0], 5s)) {
    ADD_FAILURE() << "backend server " << servers[0] << " (" << cmdline_of(servers[0])
                  << ") still runs 5 s after its proxy was killed";
    harness::testing::kill_leftover(servers[0]);
  }
}

}  // namespace
}  // namespace mcpgym::proxy::testing
