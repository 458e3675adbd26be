// mcpgym-proxy in the modern era (docs/spec.md PROXY-014): env_create starts a
// backend for that environment alone, the proxy hands out a handle of its own
// mapped to (backend, backend's handle), every call and read by handle
// reaches that backend, and env_close, idle expiry and the proxy's shutdown
// stop it. Legacy sessions on the same endpoint keep working. The backend's
// own view is read straight from it (its --port, from /proc), so the tests
// judge what the backend holds, not what the proxy says.
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>

#include "common/protocol.hpp"
#include "harness/http/modern_headers.hpp"
#include "reference/proxy/tests/support.hpp"

namespace mcpgym::proxy::testing {
namespace {

std::string frozenlake_template() {
  return "'" + kFrozenLakeBin + "' --port {port}";
}

std::unique_ptr<harness::McpClient> modern_client(const std::string& url) {
  harness::ClientOptions options;
  options.era = harness::Era::kModern;
  auto client = harness::connect_http(url, options);
  EXPECT_TRUE(client) << client.error();
  return client ? std::move(*client) : nullptr;
}

// A modern client straight to the backend process `pid` (its --port argument).
std::unique_ptr<harness::McpClient> backend_client(pid_t pid) {
  std::smatch match;
  const std::string cmdline = cmdline_of(pid);
  if (!std::regex_search(cmdline, match, std::regex(R"(--port (\d+))"))) {
    ADD_FAILURE() << "no --port in the backend's command line: " << cmdline;
    return nullptr;
  }
  return modern_client("http://127.0.0.1:" + match[1].str() + "/mcp");
}

// The env_id of an env_create result, with a failure when it has none.
std::string env_id_of(const harness::Result<json>& created) {
  if (!created) {
    ADD_FAILURE() << created.error().message();
    return "";
  }
  EXPECT_FALSE(created->value("isError", false)) << created->dump();
  return created->at("structuredContent").at("env_id").get<std::string>();
}

json status_of(harness::McpClient& client, const std::string& handle) {
  auto status = client.read_resource("control://" + handle + "/status");
  EXPECT_TRUE(status) << status.error().message();
  return status ? *status : json();
}

std::string unknown_handle_text(const std::string& handle) {
  return "[mcpgym.handle.unknown] Unknown env_id \"" + handle +
         "\": it was never created, was closed or has expired; call env_create for a new "
         "environment";
}

class ProxyModern : public ProxyTest {
 protected:
  // env_create through the proxy; the handle and the pid of the backend it started.
  std::pair<std::string, pid_t> create(const Proxy& proxy, harness::McpClient& client,
                                       json arguments) {
    const auto before = proxy.backends();
    const std::string handle = env_id_of(client.call_tool("env_create", arguments));
    return {handle, new_pid(before, proxy.backends())};
  }
};

TEST_F(ProxyModern, EnvCreateStartsABackendThatHoldsTheEnvironmentUnderItsOwnHandle_PROXY014) {
  auto proxy = start_proxy({"--backend", frozenlake_template()});
  ASSERT_TRUE(proxy) << proxy.error();
  auto client = modern_client(proxy->url());
  ASSERT_TRUE(client->initialize(nullptr));
  auto created = client->call_tool("env_create", {{"seed", 42}});
  ASSERT_TRUE(created) << created.error().message();
  const std::string handle = created->at("structuredContent").at("env_id");
  EXPECT_EQ(json::parse(created->at("content")[0].at("text").get<std::string>()).at("env_id"),
            handle);
  EXPECT_EQ(created->at("structuredContent").at("seed"), 42);
  const auto backends = proxy->backends();
  ASSERT_EQ(backends.size(), 1U) << "the listing backend stops before env_create answers";

  // The backend holds the environment, under a handle that is not the proxy's.
  auto direct = backend_client(backends[0]);
  auto unknown = direct->read_resource("control://" + handle + "/status");
  ASSERT_FALSE(unknown) << "the backend knows the proxy's handle " << handle;
  EXPECT_EQ(rpc_error_of(unknown.error()).at("code"), -32602);
  auto moved = client->call_tool("lake_move", {{"env_id", handle}, {"action", "RIGHT"}});
  ASSERT_TRUE(moved) << moved.error().message();
  EXPECT_FALSE(moved->value("isError", false)) << moved->dump();
  const json status = status_of(*client, handle);
  EXPECT_EQ(status.at("step_count"), 1);
  EXPECT_EQ(*client->read_env_control_http("status", handle), status);
  auto initial = client->read_resource("game://" + handle + "/initial_state");
  ASSERT_TRUE(initial) << initial.error().message();
  EXPECT_EQ(*initial, created->at("structuredContent").at("initial_state"));
}

TEST_F(ProxyModern, TwoHandlesGetTwoBackendsThatStopIndependently_PROXY014_PROXY011) {
  auto proxy = start_proxy({"--backend", frozenlake_template(), "--log-level", "debug"});
  ASSERT_TRUE(proxy) << proxy.error();
  auto client = modern_client(proxy->url());
  const auto [a, pid_a] = create(*proxy, *client, {{"seed", 7}});
  const auto [b, pid_b] = create(*proxy, *client, {{"seed", 7}});
  ASSERT_NE(pid_a, pid_b);
  ASSERT_NE(a, b);
  for (const char* action : {"DOWN", "RIGHT"}) {
    ASSERT_TRUE(client->call_tool("lake_move", {{"env_id", a}, {"action", action}}));
  }
  ASSERT_TRUE(client->call_tool("lake_move", {{"env_id", b}, {"action", "DOWN"}}));
  EXPECT_EQ(status_of(*client, a).at("step_count"), 2);
  EXPECT_EQ(status_of(*client, b).at("step_count"), 1);

  auto closed = client->call_tool("env_close", {{"env_id", a}});
  ASSERT_TRUE(closed) << closed.error().message();
  EXPECT_EQ(json::parse(closed->at("content")[0].at("text").get<std::string>()),
            (json{{"env_id", a}, {"closed", true}}));
  // env_close answers once the backend is stopped and reaped.
  EXPECT_TRUE(pid_gone(pid_a)) << "backend " << pid_a << " still exists after env_close";
  EXPECT_EQ(proxy->backends(), std::vector<pid_t>{pid_b});
  auto after = client->call_tool("lake_move", {{"env_id", a}, {"action", "UP"}});
  ASSERT_TRUE(after) << after.error().message();
  after->erase("_meta");  // the proxy's serverInfo
  EXPECT_EQ(*after, (json{{"content", {{{"type", "text"}, {"text", unknown_handle_text(a)}}}},
                          {"isError", true},
                          {"resultType", "complete"}}));
  EXPECT_EQ(status_of(*client, b).at("step_count"), 1);
}

TEST_F(ProxyModern, UnknownHandlesAreToolErrorsAndNotFoundReads_HANDLE005_HANDLE010) {
  auto proxy = start_proxy({"--backend", frozenlake_template()});
  ASSERT_TRUE(proxy) << proxy.error();
  auto client = modern_client(proxy->url());
  auto moved = client->call_tool("lake_move", {{"env_id", "nope"}, {"action", "UP"}});
  ASSERT_TRUE(moved) << moved.error().message();
  EXPECT_EQ(moved->at("content")[0].at("text"), unknown_handle_text("nope"));
  EXPECT_TRUE(proxy->backends().empty()) << "an unknown handle started a backend";
  auto read = client->read_resource("control://nope/status");
  ASSERT_FALSE(read);
  EXPECT_EQ(
      rpc_error_of(read.error()),
      (json{{"code", -32602},
            {"message", "[mcpgym.resource.not_found] Resource not found: control://nope/status"},
            {"data", {{"uri", "control://nope/status"}}}}));
  auto control = client->read_env_control_http("status", "nope");
  ASSERT_FALSE(control);
  EXPECT_EQ(control.error().http_status, 404);
}

TEST_F(ProxyModern, AnEnvIdHeaderOtherThanTheBodysIsRefused_HANDLE007) {
  auto proxy = start_proxy({"--backend", frozenlake_template()});
  ASSERT_TRUE(proxy) << proxy.error();
  auto client = modern_client(proxy->url());
  const auto [handle, pid] = create(*proxy, *client, {{"seed", 1}});
  const json message = {
      {"jsonrpc", "2.0"},
      {"id", 5},
      {"method", "tools/call"},
      {"params", harness::with_modern_meta(
                     {{"name", "lake_move"}, {"arguments", {{"env_id", handle}, {"action", "UP"}}}},
                     harness::modern_meta(mcp::kModernVersion, nullptr))}};
  auto request = harness::modern_post(mcp::kModernVersion, message, {{{"env_id"}, "Env-Id"}});
  harness::set_header(request.headers, "Mcp-Param-Env-Id", "someone-else");
  harness::RawHttpClient http("127.0.0.1", port_of(proxy->url()), 10s);
  auto answer = http.send(request);
  ASSERT_TRUE(answer) << answer.error();
  EXPECT_EQ(answer->status, 400) << answer->body;
  EXPECT_EQ(json::parse(answer->body).at("error").at("code"), -32020) << answer->body;
  EXPECT_EQ(status_of(*client, handle).at("step_count"), 0) << "the refused move reached " << pid;
}

TEST_F(ProxyModern, IdleExpiryStopsTheEnvironmentsBackend_PROXY014_HANDLE006) {
  // Long enough that the backend is still there when the test looks for it
  // right after env_create, also on a loaded machine.
  auto proxy = start_proxy({"--backend", frozenlake_template(), "--idle-timeout", "2"});
  ASSERT_TRUE(proxy) << proxy.error();
  auto client = modern_client(proxy->url());
  const auto [handle, pid] = create(*proxy, *client, {{"seed", 3}});
  const auto created = Clock::now();
  EXPECT_TRUE(wait_until_gone(pid, 10s)) << "backend " << pid << " outlived its environment";
  EXPECT_GE(Clock::now() - created, 1500ms)
      << "stopped well before the environment was idle for 2 s";
  EXPECT_TRUE(proxy->stderr_gets("mcpgym-proxy: info: 1 idle environment(s) expired\n"))
      << proxy->stderr_text();
  auto after = client->call_tool("lake_move", {{"env_id", handle}, {"action", "UP"}});
  ASSERT_TRUE(after) << after.error().message();
  EXPECT_EQ(after->at("content")[0].at("text"), unknown_handle_text(handle));
}

TEST_F(ProxyModern, SigtermStopsEveryBackendOfSessionsAndEnvironments_PROXY014_PROXY011) {
  auto proxy = start_proxy({"--backend", frozenlake_template()});
  ASSERT_TRUE(proxy) << proxy.error();
  auto client = modern_client(proxy->url());
  std::vector<pid_t> pids;
  for (int seed : {1, 2})
    pids.push_back(create(*proxy, *client, {{"seed", seed}}).second);
  // A legacy session on the same endpoint, next to the environments.
  const auto before = proxy->backends();
  auto legacy = proxy->client();
  ASSERT_TRUE(legacy->initialize({{"seed", 5}}));
  ASSERT_TRUE(legacy->call_tool("lake_move", {{"action", "LEFT"}}));
  pids.push_back(new_pid(before, proxy->backends()));
  const auto status = proxy->terminate(10s);
  ASSERT_TRUE(status) << "the proxy did not exit within 10 s of SIGTERM";
  EXPECT_EQ(*status, (ExitStatus{false, 0}));
  for (pid_t pid : pids)
    EXPECT_TRUE(pid_gone(pid)) << "backend " << pid << " survived the proxy's SIGTERM";
  EXPECT_NE(proxy->stderr_text().find("mcpgym-proxy: info: stopped 3 backend(s)\n"),
            std::string::npos)
      << proxy->stderr_text();
}

TEST_F(ProxyModern, HandlePassthroughFaultHandsOutTheBackendsHandle) {
  auto proxy =
      start_proxy({"--backend", frozenlake_template(), "--fault", "modern-handle-passthrough"});
  ASSERT_TRUE(proxy) << proxy.error();
  auto client = modern_client(proxy->url());
  const auto [handle, pid] = create(*proxy, *client, {{"seed", 9}});
  auto direct = backend_client(pid);
  auto status = direct->read_resource("control://" + handle + "/status");
  EXPECT_TRUE(status) << "the backend does not know " << handle << ": " << status.error().message();
}

TEST_F(ProxyModern, RouteToFirstFaultSendsEveryHandleToTheOldestBackend) {
  auto proxy =
      start_proxy({"--backend", frozenlake_template(), "--fault", "modern-route-to-first"});
  ASSERT_TRUE(proxy) << proxy.error();
  auto client = modern_client(proxy->url());
  const auto a = create(*proxy, *client, {{"seed", 7}}).first;
  const auto b = create(*proxy, *client, {{"seed", 7}}).first;
  ASSERT_TRUE(client->call_tool("lake_move", {{"env_id", b}, {"action", "DOWN"}}));
  EXPECT_EQ(status_of(*client, a).at("step_count"), 1);
}

}  // namespace
}  // namespace mcpgym::proxy::testing
