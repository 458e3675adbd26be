#pragma once
// The multi-environment proxy as an mcp::Application: each MCP session owns
// one backend process, started at initialize and stopped with the session
// (docs/spec.md PROXY-*); in the modern era each environment made with
// env_create owns one, named by a handle the proxy mints (PROXY-014). Transports, session ids,
// expiry and every HTTP rule come from the same server core as the reference backend.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "harness/process/supervisor.hpp"
#include "reference/mcp/application.hpp"
#include "reference/proxy/env_table.hpp"
#include "reference/proxy/start_queue.hpp"

namespace mcpgym::proxy {

struct ProxyOptions {
  harness::LaunchSpec backend;  // from resolve_backend(), plus a log directory
  int max_envs = 64;
  std::chrono::milliseconds ready_timeout{10'000};
  std::chrono::milliseconds call_timeout{30'000};
  // Testing only (--fault forward-accept-json-only), reproducing HTTP 406
  // answers to forwarded requests: requests to backends carry
  // "Accept: application/json" alone (against PROXY-004).
  bool forward_accept_json_only = false;
  // Testing only (--fault forward-resource-read-get), field report 004's own
  // bug: a client's resources/read of control://<name> or
  // game://initial_state reaches the backend as `GET /control/<name>` with
  // `Content-Type: application/json` and no Accept of its own (against PROXY-004).
  bool forward_resource_read_as_get = false;
  // Testing only (--fault backend-survives-delete): a session's end (DELETE,
  // idle expiry) ends the backend's MCP session but leaves its process
  // running until the proxy exits (against PROXY-011).
  bool backend_survives_delete = false;
  // Testing only (--fault backends-outlive-proxy): backends are not tied to
  // the proxy's life, so a SIGKILLed proxy leaves them running (against
  // PROXY-011); harness::LaunchSpec::testing_outlive_harness.
  bool backends_outlive_proxy = false;
  // Testing only (--fault backend-error-without-stderr): a backend that
  // fails to start fails the initialize with an error that does not say why
  // (no exit status, no stderr; against PROXY-009).
  bool backend_error_without_stderr = false;
  // Burst admission (StartQueue): at most this many backends start at once;
  // other initializes wait in line up to start_queue_timeout.
  int max_starting = 4;
  std::chrono::milliseconds start_queue_timeout{300'000};
  // Testing only (--fault refuse-while-starting), reproducing a proxy that
  // loses sessions in a burst (PROXY-013): an initialize that arrives while
  // another backend is starting fails instead of waiting its turn.
  bool refuse_while_starting = false;
  // Modern era: an environment no call or read names for this long expires
  // and its backend stops (HANDLE-006); 0 never. --idle-timeout, as sessions.
  std::chrono::milliseconds idle_timeout{600'000};
  // Testing only (--fault modern-handle-passthrough): env_create hands the
  // client the backend's own handle instead of one the proxy mints (against
  // PROXY-014).
  bool modern_handle_passthrough = false;
  // Testing only (--fault modern-route-to-first): every known handle is
  // forwarded to the backend of the oldest live environment (against PROXY-014).
  bool modern_route_to_first = false;
  // Testing only (--fault modern-close-keeps-backend): env_close ends the
  // handle but leaves its backend running until the proxy exits (against
  // PROXY-014, as backend-survives-delete is against PROXY-011).
  bool modern_close_keeps_backend = false;
};

// The backend processes of ended sessions that --fault backend-survives-delete
// leaves running.
struct AbandonedBackends {
  std::mutex mutex;
  std::vector<std::unique_ptr<harness::Process>> processes;
};

// The default of --max-starting: twice the CPUs, at least 2.
int default_max_starting();

class ProxyApp : public mcp::Application {
 public:
  explicit ProxyApp(ProxyOptions options);
  ~ProxyApp() override;

  mcp::ServerInfo server_info() const override;
  mcp::json capabilities() const override;
  Expected<std::unique_ptr<mcp::Session>, mcp::RpcError> create_session(
      const mcp::json& params, std::string_view negotiated) override;

  // The modern era (PROXY-014), proxy_modern.cpp.
  bool serves_modern() const override { return true; }
  mcp::Outcome handle_modern(std::string_view method, const mcp::json& params) override;
  mcp::Outcome read_control_by_handle(std::string_view name, std::string_view handle) override;
  // Stops every modern environment's backend (the proxy's shutdown); how many.
  std::size_t close_environments() { return envs_.clear(); }

  int live_sessions() const { return live_->load(); }

 private:
  mcp::RpcError max_envs_error(std::string_view what, std::string_view advice) const;
  harness::LaunchSpec backend_spec(const mcp::json& seed, const mcp::json& config);
  Expected<std::unique_ptr<harness::Process>, mcp::RpcError> start_backend(
      const harness::LaunchSpec& spec, std::string_view owner);

  // Modern: the backend's lists (tools, resources, templates), read once.
  mcp::Outcome backend_list(std::string_view method);
  Expected<mcp::json, mcp::RpcError> read_backend_lists();
  mcp::Outcome call_tool(const mcp::json& params);
  mcp::Outcome create_environment(mcp::json arguments);
  mcp::Outcome call_by_handle(const std::string& tool, mcp::json arguments);
  mcp::Outcome read_resource(const mcp::json& params);
  std::shared_ptr<BackendEnv> env_for(std::string_view handle);
  Expected<std::unique_ptr<harness::McpClient>, mcp::RpcError> connect_modern(
      harness::Process& process, std::string_view owner);

  ProxyOptions options_;
  // Shared with the sessions, which may outlive a request that holds them.
  std::shared_ptr<std::atomic<int>> live_;
  std::atomic<unsigned> launched_{0};
  // backend_survives_delete: the backends of ended sessions, stopped only
  // when the proxy goes.
  std::shared_ptr<AbandonedBackends> abandoned_ = std::make_shared<AbandonedBackends>();
  StartQueue starts_;
  std::mutex lists_mutex_;
  std::optional<mcp::json> lists_;  // {"tools/list": ..., ...}, once read
  // Last: destroyed first, stopping the modern backends while the rest stands.
  EnvTable envs_;
};

}  // namespace mcpgym::proxy
