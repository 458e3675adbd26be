// mcpgym-proxy when things go wrong (docs/spec.md PROXY-008..010): the
// session limit, backends that never get ready or exit at once, and a backend
// that crashes mid-episode (the reference backend's --exit-after-calls hook,
// itself tested first).
#include <gtest/gtest.h>

#include <regex>

#include "reference/proxy/tests/support.hpp"

namespace mcpgym::proxy::testing {
namespace {

std::string frozenlake_template(const std::string& more = "") {
  return "'" + kFrozenLakeBin + "' --port {port}" + more;
}

// The negative-control hook the crash test relies on: mcpgym-frozenlake
// --exit-after-calls 3 answers two tools/call requests (across sessions; other
// requests do not count) and exits with status 3 on the third, unanswered.
class BackendExitAfterCalls : public ProxyTest {};

TEST_F(BackendExitAfterCalls, ExitsWithStatus3OnTheThirdToolCallAcrossSessions) {
  harness::LaunchSpec spec;
  spec.command = word(kFrozenLakeBin) + " --port {port} --exit-after-calls 3";
  spec.name = "backend";
  spec.log_directory = dir();
  auto backend = harness::launch(spec);
  ASSERT_TRUE(backend) << backend.error();
  auto a = harness::connect_http((*backend)->url());
  auto b = harness::connect_http((*backend)->url());
  ASSERT_TRUE(a && b);
  ASSERT_TRUE((*a)->initialize({{"seed", 1}}).has_value());
  ASSERT_TRUE((*b)->initialize({{"seed", 1}}).has_value());
  const auto first = (*a)->call_tool("lake_move", {{"action", "LEFT"}});
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->value("isError", true), false);
  EXPECT_TRUE((*a)->read_resource("control://status").has_value());
  const auto second = (*b)->call_tool("lake_move", {{"action", "LEFT"}});
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(second->value("isError", true), false);
  EXPECT_EQ((*b)->read_resource("control://status")->at("step_count"), 1);

  const auto third = (*a)->call_tool("lake_move", {{"action", "LEFT"}});
  ASSERT_FALSE(third) << "the third call was answered: " << third->dump();
  EXPECT_EQ(third.error().kind, harness::CallErrorKind::kTransport) << third.error().message();
  const auto status = harness::testing::wait_for_exit(**backend, 5s);
  ASSERT_TRUE(status) << "still running 5 s after the third call";
  EXPECT_EQ(*status, (ExitStatus{false, 3}));
}

class ProxyFaults : public ProxyTest {};

TEST_F(ProxyFaults, InitializeBeyondMaxEnvsFailsAndStartsNoBackend_PROXY008) {
  auto proxy = start_proxy({"--backend", frozenlake_template(), "--max-envs", "2"});
  ASSERT_TRUE(proxy) << proxy.error();
  auto a = proxy->client();
  auto b = proxy->client();
  ASSERT_TRUE(a->initialize({{"seed", 1}}).has_value());
  ASSERT_TRUE(b->initialize({{"seed", 2}}).has_value());
  const auto backends = proxy->backends();
  ASSERT_EQ(backends.size(), 2U);

  const auto third = raw_initialize(proxy->url(), {{"seed", 3}});
  ASSERT_TRUE(third) << third.error();
  EXPECT_EQ(third->status, 200);
  EXPECT_FALSE(third->has_header("Mcp-Session-Id"));
  EXPECT_EQ(json::parse(third->body, nullptr, false),
            (json{{"jsonrpc", "2.0"},
                  {"id", 1},
                  {"error",
                   {{"code", -32000},
                    {"message",
                     "[mcpgym.proxy.max_envs] The proxy already serves its limit of 2 live "
                     "sessions (--max-envs); end one (DELETE) or raise the limit"},
                    {"data", {{"max_envs", 2}}}}}}));
  EXPECT_EQ(proxy->backends(), backends) << "a refused initialize started a backend";

  // Ending a session frees its place.
  ASSERT_TRUE(a->close().has_value());
  auto c = proxy->client();
  ASSERT_TRUE(c->initialize({{"seed", 3}}).has_value());
  const auto moved = c->call_tool("lake_move", {{"action", "DOWN"}});
  ASSERT_TRUE(moved) << moved.error().message();
  EXPECT_EQ(moved->value("isError", true), false);
  EXPECT_EQ(proxy->backends().size(), 2U);
}

// The whole -32000 error of a backend that failed to start, given the
// supervisor's message for it with the backend's port as "PORT".
void ExpectBackendFailed(const harness::HttpExchange& answer, const std::string& launch_error) {
  EXPECT_EQ(answer.status, 200);
  EXPECT_FALSE(answer.has_header("Mcp-Session-Id")) << "a failed initialize created a session";
  const json body = json::parse(answer.body, nullptr, false);
  ASSERT_TRUE(body.contains("error")) << answer.body;
  EXPECT_EQ(body["error"]["code"], -32000) << answer.body;
  EXPECT_FALSE(body["error"].contains("data")) << answer.body;
  std::string pattern = regex_escape(
      "[mcpgym.proxy.backend_failed] The backend for this session did not start: " + launch_error);
  pattern.replace(pattern.find("PORT"), 4, "[0-9]+");
  const std::string message = body["error"].value("message", "");
  EXPECT_TRUE(std::regex_match(message, std::regex(pattern)))
      << "message:\n"
      << message << "\nexpected (PORT is any port):\n"
      << launch_error;
}

TEST_F(ProxyFaults, BackendThatNeverGetsReadyFailsInitializeWithItsStderr_PROXY009) {
  auto proxy = start_proxy({"--backend", "/bin/sh -c 'echo starting >&2; sleep 30' sh {port}",
                            "--backend-ready-timeout", "0.5"});
  ASSERT_TRUE(proxy) << proxy.error();
  const std::string expected =
      "[mcpgym.process.not_ready] '/bin/sh -c 'echo starting >&2; sleep 30' sh PORT' did "
      "not become ready within 500 ms (waited for a stdout line matching 'listening on "
      "(http://\\S+)'; it printed no stdout line) and was stopped (killed by signal 15 "
      "(SIGTERM)); if it is only slow, raise the ready timeout; last lines of stderr:\n  starting";
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto start = Clock::now();
    const auto answer = raw_initialize(proxy->url(), {{"seed", 1}});
    ASSERT_TRUE(answer) << answer.error();
    EXPECT_LT(Clock::now() - start, 5s) << "initialize took far longer than the ready timeout";
    ExpectBackendFailed(*answer, expected);
    // The proxy serves on, with no backend left behind.
    EXPECT_FALSE(proxy->process->poll_exit());
    EXPECT_EQ(proxy->backends(), std::vector<pid_t>{});
  }
  const auto status = proxy->terminate();
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, (ExitStatus{false, 0}));
}

TEST_F(ProxyFaults, BackendThatExitsAtOnceFailsInitializeWithItsStderr_PROXY009) {
  auto proxy = start_proxy({"--backend", "/bin/sh -c 'echo boom >&2; exit 4' sh {port}"});
  ASSERT_TRUE(proxy) << proxy.error();
  const std::string expected =
      "[mcpgym.process.exited_early] '/bin/sh -c 'echo boom >&2; exit 4' sh PORT' exited "
      "with exit status 4 before becoming ready (waited for a stdout line matching 'listening on "
      "(http://\\S+)'; it printed no stdout line); last lines of stderr:\n  boom";
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto start = Clock::now();
    const auto answer = raw_initialize(proxy->url(), json::object());
    ASSERT_TRUE(answer) << answer.error();
    EXPECT_LT(Clock::now() - start, 5s);
    ExpectBackendFailed(*answer, expected);
    EXPECT_FALSE(proxy->process->poll_exit());
  }
  const auto status = proxy->terminate();
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, (ExitStatus{false, 0}));
}

TEST_F(ProxyFaults, BackendCrashMidEpisodeFailsOnlyItsSession_PROXY010) {
  auto proxy = start_proxy({"--backend", frozenlake_template(" --exit-after-calls 3")});
  ASSERT_TRUE(proxy) << proxy.error();
  auto doomed = proxy->client();
  ASSERT_TRUE(doomed->initialize({{"seed", 1}}).has_value());
  const pid_t doomed_pid = proxy->backends().at(0);
  auto other = proxy->client();
  ASSERT_TRUE(other->initialize({{"seed", 1}}).has_value());
  ASSERT_TRUE(other->call_tool("lake_move", {{"action", "LEFT"}}).has_value());
  for (int call = 1; call <= 2; ++call) {
    const auto moved = doomed->call_tool("lake_move", {{"action", "LEFT"}});
    ASSERT_TRUE(moved) << "call " << call << ": " << moved.error().message();
  }

  const std::string prefix =
      "[mcpgym.proxy.backend_unavailable] The backend of this session (pid " +
      std::to_string(doomed_pid) + ", exit status 3) failed ";
  const std::string suffix =
      "; (its stderr is empty)\nOther sessions are unaffected; start a new session to continue.";
  const auto expect_unavailable = [&](const harness::CallError& error, const std::string& what) {
    ASSERT_TRUE(error.rpc_error) << error.message();
    EXPECT_EQ((*error.rpc_error)["code"], -32000);
    const std::string message = (*error.rpc_error).value("message", "");
    EXPECT_TRUE(message.starts_with(prefix + what + ": [mcpgym.client.transport] ")) << message;
    EXPECT_TRUE(message.ends_with(suffix)) << message;
  };
  const auto start = Clock::now();
  const auto crashed = doomed->call_tool("lake_move", {{"action", "LEFT"}});
  ASSERT_FALSE(crashed) << crashed->dump();
  expect_unavailable(crashed.error(), "tools/call");
  // Later requests on the dead session fail the same way, at once.
  const auto again = doomed->call_tool("lake_move", {{"action", "LEFT"}});
  ASSERT_FALSE(again);
  expect_unavailable(again.error(), "tools/call");
  const auto read = doomed->read_resource("control://status");
  ASSERT_FALSE(read);
  expect_unavailable(read.error(), "resources/read");
  const auto control = doomed->read_control_http("status");
  ASSERT_FALSE(control);
  EXPECT_EQ(control.error().http_status, 502);
  expect_unavailable(control.error(), "GET /control/status");
  EXPECT_LT(Clock::now() - start, 5s) << "failing on a dead backend took too long";

  // The other session, on its own backend, goes on (its backend's second call).
  const auto moved = other->call_tool("lake_move", {{"action", "DOWN"}});
  ASSERT_TRUE(moved) << moved.error().message();
  EXPECT_EQ(moved->value("isError", true), false);
  EXPECT_EQ(other->read_resource("control://status")->at("step_count"), 2);
  EXPECT_EQ(other->read_control_http("reward")->at("step_count"), 2);
  // Ending the dead session is clean too.
  EXPECT_TRUE(doomed->close().has_value());
  EXPECT_EQ(proxy->backends().size(), 1U);
}

}  // namespace
}  // namespace mcpgym::proxy::testing
